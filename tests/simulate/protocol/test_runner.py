"""A whole run with the `tiny` preset (the full code path in seconds): the result record's contract, and a
`kill -9` in the middle of a run followed by `resume` finishing every stage exactly once."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polyloop.simulate.protocol.rundir import RunDirectory
from polyloop.simulate.protocol.runner import PROPERTY_NAMES, resume, run

MD_STAGES = ["build", "minimize", "anneal", "sample", "nemd"]


def _finished_stages(folder: Path) -> list[str]:
    return sorted(name for name, stage in RunDirectory(folder).state()["stages"].items() if stage.get("finished"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    return folder, run("*CC*", "tiny", ["sample.ps=6"], folder)


def test_result_record_keeps_the_contract(reference):
    folder, result = reference
    assert set(PROPERTY_NAMES) <= set(result["properties"])
    for name in ("density", "radius_of_gyration", "bulk_modulus", "isothermal_compressibility"):
        entry = result["properties"][name]
        assert set(entry) >= {"value", "stderr", "unit"} and math.isfinite(entry["value"]), (name, entry)
    assert result["properties"]["density"]["unit"] == "g/cm^3"
    assert isinstance(result["converged"], bool) and isinstance(result["atom_steps"], int)
    stages = result["cost"]["atom_steps_per_stage"]
    atoms = result["system"]["atoms"]
    assert stages["sample"] == atoms * 6000 and stages["nemd"] == atoms * 3000
    assert result["atom_steps"] == sum(stages.values())
    assert result["provenance"]["forcefield"] == "gaff2_mod" and result["provenance"]["charges"] == "gasteiger"
    assert json.loads((folder / "result.json").read_text()) == json.loads(json.dumps(result))


def test_kill_minus_nine_then_resume_runs_each_stage_once(reference, tmp_path):
    folder = tmp_path / "run"
    polyloop = Path(sys.executable).parent / "polyloop"
    process = subprocess.Popen([str(polyloop), "simulate", "run", "*CC*", "--preset", "tiny", "--set",
                                "sample.ps=6", "--out", str(folder)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        events = RunDirectory(folder).events() if (folder / "events.jsonl").exists() else []
        if any(e["event"] == "checkpoint" and e.get("stage") == "sample" for e in events):
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = _finished_stages(folder)
    assert "sample" not in killed_at and "anneal" in killed_at

    result = resume(folder)
    events = RunDirectory(folder).events()
    for stage in MD_STAGES:
        finished = [e for e in events if e["event"] == "stage_finished" and e.get("stage") == stage]
        assert len(finished) == 1, f"stage {stage} finished {len(finished)} times"
    started = [e for e in events if e["event"] == "stage_started" and e.get("stage") == "sample"]
    resumed = [e for e in events if e["event"] == "stage_resumed" and e.get("stage") == "sample"]
    assert len(started) == 1 and len(resumed) == 1
    assert _finished_stages(folder) == _finished_stages(reference[0])
    assert result["cost"]["atom_steps_per_stage"] == reference[1]["cost"]["atom_steps_per_stage"]


def test_green_kubo_is_the_alternative_to_nemd(tmp_path):
    result = run("*CC*", "tiny", ["nemd.method=green_kubo", "nemd.ps=4"], tmp_path,
                 ["thermal_conductivity", "density"])
    kappa = result["properties"]["thermal_conductivity"]
    assert kappa["unit"] == "W/(m*K)" and 0 < kappa["value"] < 100 and kappa["stderr"] > 0
    cost = result["cost"]["atom_steps_per_stage"]
    assert "nemd" not in cost and cost["green_kubo"] == result["system"]["atoms"] * 4000
    assert len(list((tmp_path / "green_kubo").glob("flux.*.dat"))) == 8
