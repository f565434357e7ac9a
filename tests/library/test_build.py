"""Library build: sizes and class mix, filters and counters, determinism, resumption, worker count."""

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from polyloop.library.build import BuildError, build_library, class_targets, settings
from polyloop.library.classes import classify
from polyloop.library.describe import unit_id
from polyloop.library.fingerprints import morgan_bits, pack_bits
from polyloop.library.repeat_unit import RepeatUnit, canonicalize
from polyloop.library.store import count_rows, part_path, read_manifest, read_table

sys.path.insert(0, str(Path(__file__).parent))  # so that spawned workers can import the test generators
from build_generators import CHARGED, HUGE, INVALID, WRONG_CLASS, known_source, list_source  # noqa: E402

RULES = replace(settings(), chunk_size=16, weights={})  # several chunks per class; an even mix
CLASSES = ["polyolefin", "polyether", "polyester"]


def build(out: Path, size: int = 150, seed: int = 1, **kwargs) -> dict:
    return build_library(out, size, kwargs.pop("source", known_source), kwargs.pop("classes", CLASSES), seed=seed,
                         build_settings=RULES, **kwargs)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("build") / "lib"
    return out, build(out)


def test_class_targets_split_by_largest_remainder() -> None:
    assert class_targets(10, ["a", "b", "c"]) == {"a": 4, "b": 3, "c": 3}
    assert class_targets(10, ["a", "b"], {"a": 3.0}) == {"a": 8, "b": 2}  # 7.5 and 2.5: tie to the earlier class
    assert sum(class_targets(1_778_039, [str(i) for i in range(21)]).values()) == 1_778_039
    with pytest.raises(BuildError, match="cannot split size"):
        class_targets(10, ["a"], {"a": 0.0})


def test_bundled_mix_gives_every_class_at_least_one_percent() -> None:
    from polyloop.library.classes import polymer_classes

    names = [c.name for c in polymer_classes()]
    targets = class_targets(1_778_039, names, settings().weights)
    assert sum(targets.values()) == 1_778_039 and len(targets) >= 20
    assert min(targets.values()) >= 0.01 * 1_778_039
    assert targets["polyphosphazene"] < targets["polyimide"] < targets["polyether"]


def test_library_has_the_size_and_mix(library) -> None:
    out, manifest = library
    assert manifest["n_candidates"] == count_rows(out) == 150
    assert {c: count_rows(out, [c]) for c in CLASSES} == {c: 50 for c in CLASSES}
    assert manifest["fingerprint"] == {"radius": 2, "n_bits": 2048} and manifest["seed"] == 1
    assert not (out / "_build").exists()  # the resume state goes once the build is finished


def test_rows_are_canonical_unique_class_consistent_and_described(library) -> None:
    table = read_table(library[0]).to_pandas()
    assert table["smiles"].is_unique and table["id"].is_unique
    for row in table.sample(25, random_state=0).itertuples():
        assert canonicalize(row.smiles) == row.smiles
        assert classify(row.smiles) == row.polymer_class
        assert row.id == unit_id(row.smiles)
        unit = RepeatUnit(smiles=row.smiles)
        assert row.fingerprint == pack_bits(morgan_bits(unit)).tobytes()
        assert row.molecular_weight == pytest.approx(unit.molecular_weight)
        assert (row.heavy_atoms, row.backbone_atoms) == (unit.heavy_atom_count, len(unit.backbone))
    assert not set(table["smiles"]) & {canonicalize(s) for s in [WRONG_CLASS, CHARGED, HUGE]}
    assert INVALID not in set(table["smiles"])


def test_counters_count_every_kind_of_proposal(tmp_path) -> None:
    manifest = build(tmp_path / "lib", size=60, source=list_source, classes=["polyether", "polyester"])
    # polyether proposes *OCC* *CCO* *OCCCC* *COC* *OCC(C)* then invalid, charged, wrong-class strings: 3 units
    assert manifest["counters"]["polyether"] == {"proposals": 8, "valid": 7, "class_consistent": 6,
                                                 "new_unique": 5, "filtered_heavy_atoms": 0, "filtered_charged": 1,
                                                 "kept": 3}
    assert manifest["exhausted"] == ["polyether"]
    assert manifest["targets"] == {"polyether": 30, "polyester": 57}  # the shortfall went to the class that grows
    assert manifest["n_candidates"] == 60
    assert sorted(read_table(tmp_path / "lib", classes=["polyether"])["smiles"].to_pylist()) == \
        ["*CC(C)O*", "*CCCCO*", "*CCO*"]


def test_heavy_atom_filter(tmp_path) -> None:
    rules = replace(RULES, max_heavy_atoms=6)
    manifest = build_library(tmp_path / "lib", 30, known_source, ["polyolefin"], seed=2, build_settings=rules)
    heavy = read_table(tmp_path / "lib", ["heavy_atoms"])["heavy_atoms"].to_numpy()
    assert heavy.max() <= 6 and manifest["counters"]["polyolefin"]["filtered_heavy_atoms"] > 0


def test_same_seed_same_library_other_seed_other_library(library, tmp_path) -> None:
    build(tmp_path / "again")
    build(tmp_path / "other", seed=2)
    first = read_table(library[0]).sort_by("id")
    assert read_table(tmp_path / "again").sort_by("id").equals(first)
    assert not read_table(tmp_path / "other").sort_by("id").equals(first)


def test_interrupted_and_resumed_build_equals_uninterrupted(library, tmp_path) -> None:
    out = tmp_path / "lib"
    plan = build(out, chunk_limit=1)
    assert "n_candidates" not in plan and not (out / "library.json").exists()
    with pytest.raises(Exception, match="no library.json"):
        read_manifest(out)
    # simulate a crash in the middle of the next chunk: its part written, its journal line cut short
    journal = out / "_build" / "polyether" / "journal.jsonl"
    journal.write_text(journal.read_text() + '{"chunk": 1, "coun')
    table = read_table(library[0], classes=["polyether"]).slice(0, 3).drop(["polymer_class"])
    pq.write_table(table, part_path(out, "polyether", 1))
    pq.write_table(table, part_path(out, "polyether", 9))  # and a later one, past chunks that kept no rows
    build(out, chunk_limit=1)  # one more chunk per class
    assert not (out / "library.json").exists()
    resumed = build(out)
    assert resumed["counters"] == library[1]["counters"]
    assert read_table(out).sort_by("id").equals(read_table(library[0]).sort_by("id"))


def test_two_workers_give_the_same_library(library, tmp_path) -> None:
    manifest = build(tmp_path / "lib", workers=2)
    assert manifest["counters"] == library[1]["counters"]
    assert read_table(tmp_path / "lib").sort_by("id").equals(read_table(library[0]).sort_by("id"))


def test_bad_requests_are_refused(library, tmp_path) -> None:
    with pytest.raises(BuildError, match="classes must be distinct names"):
        build(tmp_path / "a", classes=["polyolefin", "polyunicorn"])
    with pytest.raises(BuildError, match="size and workers must be >= 1"):
        build(tmp_path / "b", size=0)
    with pytest.raises(BuildError, match="already holds a finished library"):
        build(library[0])
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    with pytest.raises(BuildError, match="is not empty"):
        build(tmp_path / "c")
    build(tmp_path / "d", chunk_limit=1)
    with pytest.raises(BuildError, match="holds an unfinished build"):
        build(tmp_path / "d", seed=5)
    assert json.loads((tmp_path / "d" / "_build" / "plan.json").read_text())["request"]["seed"] == 1


def test_fingerprint_column_is_fixed_size_binary(library) -> None:
    table = read_table(library[0], ["fingerprint", "heavy_atoms", "molecular_weight"])
    assert table.schema.field("fingerprint").type == pa.binary(256)
    assert table.schema.field("heavy_atoms").type == pa.int32()
    bits = np.unpackbits(np.frombuffer(table["fingerprint"][0].as_py(), dtype=np.uint8))
    assert bits.size == 2048 and 0 < bits.sum() < 2048


def test_helpers_end_when_the_build_process_is_killed(tmp_path, library) -> None:
    """A build killed outright (SIGKILL: no chance to stop its helpers) leaves no worker or manager process running
    and writing into the library; the build then resumes to the same library as an uninterrupted one."""
    import signal
    import subprocess
    import time

    import psutil

    out = tmp_path / "lib"
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
              "from dataclasses import replace\n"
              "from build_generators import slow_source\n"
              "from polyloop.library.build import build_library, settings\n"
              f"build_library({str(out)!r}, 150, slow_source, {CLASSES!r}, seed=1, workers=2,\n"
              "              build_settings=replace(settings(), chunk_size=16, weights={}))\n")
    process = subprocess.Popen([sys.executable, "-c", script])
    parent = psutil.Process(process.pid)
    deadline = time.time() + 60
    while len(parent.children(recursive=True)) < 3 and time.time() < deadline:  # manager, tracker, 2 workers
        time.sleep(0.2)
    time.sleep(3.0)  # some chunks done
    helpers = [p for p in parent.children(recursive=True) if "resource_tracker" not in " ".join(p.cmdline())]
    assert len(helpers) >= 3
    process.send_signal(signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs(helpers, timeout=10)
    assert not alive, [p.cmdline() for p in alive]
    manifest = build_library(out, 150, known_source, CLASSES, seed=1, build_settings=RULES)
    reference, reference_manifest = library  # the same build, uninterrupted
    assert manifest["n_candidates"] == reference_manifest["n_candidates"] == 150
    assert read_table(out).to_pandas().sort_values("id")["smiles"].tolist() == \
        read_table(reference).to_pandas().sort_values("id")["smiles"].tolist()
