"""The build stage: a backbone too crowded for the preset's minimum distances is grown at the fallback distance,
and the fallback is recorded in the provenance and the events."""

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.protocol import stages
from polyloop.simulate.protocol.presets import load_preset
from polyloop.simulate.protocol.rundir import RunDirectory


def test_pmma_is_grown_at_the_fallback_distance_and_says_so(tmp_path):
    run = RunDirectory(tmp_path)
    run.create({"smiles": "*CC(C)(C(=O)OC)*"})
    state = stages.build(run, RepeatUnit.from_smiles("*CC(C)(C(=O)OC)*"), load_preset("tiny"))
    assert state["finished"] and state["atoms"] > 100
    assert any("1.2 Å minimum distances (not 1.6 Å)" in note for note in state["provenance"]["fallbacks"])
    assert [e["event"] for e in run.events()][:2] == ["fault", "retry"]


def test_polyethylene_needs_no_fallback(tmp_path):
    run = RunDirectory(tmp_path)
    run.create({"smiles": "*CC*"})
    state = stages.build(run, RepeatUnit.from_smiles("*CC*"), load_preset("tiny"))
    assert not any("minimum distances" in note for note in state["provenance"]["fallbacks"])
