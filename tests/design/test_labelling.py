"""Labelling jobs: a real MD run on the `tiny` preset, resumption from the run folder, the per-folder lock, and the
observation row (SI units, non-finite values left out)."""

import fcntl
import json
import math
import threading
import time
from pathlib import Path

import pytest

from polyloop.design.labelling import (
    LOCK_FILE,
    LabelError,
    LabelJob,
    attempts,
    observation_row,
    read_failure,
    read_result,
    record_failure,
    run_label_job,
)

STYRENE = "*CC(*)c1ccccc1"


def _job(folder: Path, smiles: str = STYRENE, threads: int = 1, overrides: tuple[str, ...] = ()) -> LabelJob:
    return LabelJob("PI10", smiles, "tiny", overrides, ("density",), str(folder), threads)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[LabelJob, dict]:
    """One real tiny run (density only, one OpenMP thread set by the job)."""
    job = _job(tmp_path_factory.mktemp("label") / "PI10", threads=1)
    return job, run_label_job(job)


def test_tiny_job_computes_density_in_its_folder(finished) -> None:
    job, result = finished
    density = result["properties"]["density"]
    assert density["unit"] == "g/cm^3"
    assert 0.2 < density["value"] < 2.5 and 0 < density["stderr"] < density["value"]
    assert json.loads((Path(job.run_dir) / "result.json").read_text()) == result
    request = json.loads((Path(job.run_dir) / "request.json").read_text())
    assert request["preset"]["engine"]["threads"] == 1
    assert request["overrides"] == ["engine.threads=1"]
    assert request["properties"] == ["density"]
    assert [a["action"] for a in attempts(job.run_dir)] == ["run"]


def test_finished_job_returns_its_result_without_running(finished) -> None:
    job, result = finished
    events = (Path(job.run_dir) / "events.jsonl").read_text()
    assert run_label_job(job) == result
    assert (Path(job.run_dir) / "events.jsonl").read_text() == events
    assert attempts(job.run_dir)[-1]["action"] == "finished"
    assert run_label_job(_job(Path(job.run_dir), smiles="*C(c1ccccc1)C*")) == result  # another spelling


def test_interrupted_job_resumes_from_its_stages(finished, tmp_path) -> None:
    job, result = finished
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in Path(job.run_dir).rglob("*"):
        target = copy / path.relative_to(job.run_dir)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.name not in ("result.json", "label_attempts.jsonl"):
            target.write_bytes(path.read_bytes())
    resumed = run_label_job(LabelJob(job.candidate_id, job.smiles, "tiny", (), ("density",), str(copy), 1))
    assert resumed["properties"]["density"]["value"] == pytest.approx(result["properties"]["density"]["value"])
    new_events = [json.loads(line)["event"] for line in (copy / "events.jsonl").read_text().splitlines()]
    assert new_events[-2:] == ["run_resumed", "run_finished"]
    assert "stage_started" not in new_events[new_events.index("run_resumed"):]
    assert [a["action"] for a in attempts(copy)] == ["resume"]


def test_folder_of_another_polymer_is_refused(finished) -> None:
    job, _ = finished
    with pytest.raises(LabelError, match="holds a run of"):
        run_label_job(_job(Path(job.run_dir), smiles="*CC*"))


def test_second_job_waits_for_the_folder_lock(tmp_path) -> None:
    job = _job(tmp_path / "locked")
    Path(job.run_dir).mkdir()
    outcome: list[dict] = []
    with open(Path(job.run_dir) / LOCK_FILE, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        worker = threading.Thread(target=lambda: outcome.append(run_label_job(job)))
        worker.start()
        time.sleep(0.5)
        assert not (Path(job.run_dir) / "request.json").exists()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    worker.join(timeout=120)
    assert outcome and outcome[0]["properties"]["density"]["value"] > 0


def test_threads_become_an_override_unless_set() -> None:
    assert _job(Path("x"), threads=4).run_overrides() == ["engine.threads=4"]
    assert _job(Path("x"), threads=4, overrides=("engine.threads = 1",)).run_overrides() == ["engine.threads = 1"]
    assert _job(Path("x"), threads=0, overrides=("sample.ps=2.0",)).run_overrides() == ["sample.ps=2.0"]


def test_observation_row_converts_to_si_and_skips_non_finite() -> None:
    job = LabelJob("c1", "*CC*", "tiny", (), ("density", "cp", "refractive_index", "radius_of_gyration",
                                               "bulk_modulus"), "unused")
    result = {"properties": {
        "density": {"value": 0.95, "stderr": 0.01, "unit": "g/cm^3"},
        "cp": {"value": None, "stderr": None, "error": "harmonic stage failed"},
        "refractive_index": {"value": float("nan"), "stderr": 0.1, "unit": "1"},
        "radius_of_gyration": {"value": 7.5, "stderr": float("inf"), "unit": "A"},
        "bulk_modulus": {"value": 3.2, "stderr": 0.4, "unit": "GPa"},
        "cp_classical": {"value": 1.5, "stderr": 0.1, "unit": "J/(g*K)"},
    }}
    row = observation_row(job, result)
    assert row == {"id": "c1", "smiles": "*CC*", "density": pytest.approx(950.0), "density_std": pytest.approx(10.0),
                   "radius_of_gyration": pytest.approx(7.5e-10), "bulk_modulus": pytest.approx(3.2e9),
                   "bulk_modulus_std": pytest.approx(4e8)}
    assert all(math.isfinite(v) for k, v in row.items() if k not in ("id", "smiles"))


def test_observation_row_refuses_an_unknown_unit() -> None:
    job = LabelJob("c1", "*CC*", "tiny", (), ("density",), "unused")
    with pytest.raises(LabelError, match="unit 'kg/L'"):
        observation_row(job, {"properties": {"density": {"value": 1.0, "stderr": 0.1, "unit": "kg/L"}}})


def test_failure_marker_round_trip(tmp_path) -> None:
    job = _job(tmp_path / "failed")
    assert read_failure(job.run_dir) is None and read_result(job.run_dir) is None
    record_failure(job, "MDFault: lost atoms")
    assert read_failure(job.run_dir) == "MDFault: lost atoms"
