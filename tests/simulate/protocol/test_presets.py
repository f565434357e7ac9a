"""Presets load from data files, overrides replace only existing fields, and bad input is refused clearly."""

import pytest

from polyloop.simulate.protocol.presets import PresetError, apply_overrides, available_presets, load_preset


def test_shipped_presets_load_and_differ_in_scale():
    assert {"quick", "standard", "tiny"} <= set(available_presets())
    quick, standard = load_preset("quick"), load_preset("standard")
    assert quick["system"]["chains"] * quick["system"]["atoms_per_chain"] == 2000
    assert standard["system"]["chains"] == 10 and standard["system"]["atoms_per_chain"] == 1000
    assert len(standard["anneal"]["segments"]) == 23  # Larsen's 21 steps after a 2-step pre-compression
    assert max(s.get("pressure", 0) for s in standard["anneal"]["segments"]) == 50000.0


def test_overrides_parse_toml_values_and_keep_the_original():
    quick = load_preset("quick")
    changed = load_preset("quick", ["sample.ps=100", "system.charges=resp", "qm.oligomers=[2, 3]",
                                    "engine.tail_correction=false"])
    assert changed["sample"]["ps"] == 100.0 and isinstance(changed["sample"]["ps"], float)
    assert changed["system"]["charges"] == "resp"
    assert changed["qm"]["oligomers"] == [2, 3]
    assert changed["engine"]["tail_correction"] is False
    assert quick["sample"]["ps"] == 25.0
    assert apply_overrides(quick, {"sample.ps": 5})["sample"]["ps"] == 5.0


@pytest.mark.parametrize("override, message", [
    ("sample.pss=3", "has no field 'pss'"),
    ("samples.ps=3", "has no section 'samples'"),
    ("sample.ps=fast", "expected float"),
    ("sample.ps", "section.field=value"),
])
def test_bad_overrides_say_what_is_wrong(override, message):
    with pytest.raises(PresetError, match=message):
        load_preset("quick", [override])


def test_unknown_preset_names_the_choices(tmp_path):
    with pytest.raises(PresetError, match="unknown preset 'huge'.*quick"):
        load_preset("huge")
    broken = tmp_path / "broken.toml"
    broken.write_text("[system\n")
    with pytest.raises(PresetError, match="not valid TOML"):
        load_preset(broken)
