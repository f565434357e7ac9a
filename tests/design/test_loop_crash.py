"""Crash test of ``polyloop campaign run``: the command is SIGKILLed while MD jobs run on its Dask workers; running the
same command again finishes the campaign with every budgeted candidate labelled exactly once, in the campaign
database and in the property database, and the interrupted run continues from its checkpoints."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, func, select

from polyloop.design.campaign import Campaign
from polyloop.design.labelling import attempts
from polyloop.library.db_schema import runs

from .tiny_campaign import write_campaign

NAME = "crash"
BUDGET = 3


def _started_unfinished(folder: Path) -> list[Path]:
    """Run folders whose MD has started a stage and has no result yet."""
    found = []
    for events in folder.glob("*/events.jsonl"):
        if '"stage_started"' in events.read_text() and not (events.parent / "result.json").exists():
            found.append(events.parent)
    return found


def _wait_gone(processes: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(processes, timeout=timeout_s)
    return alive


@pytest.mark.slow
def test_killed_campaign_run_resumes_without_lost_or_duplicated_labels(tmp_path, pi1070) -> None:
    config = write_campaign(tmp_path, pi1070, name=NAME, budget=BUDGET, batch=2, max_pending=2,
                            overrides=("sample.ps=20.0",))
    url = f"sqlite:///{tmp_path / 'polyloop.db'}"
    command = [str(Path(sys.executable).parent / "polyloop"), "campaign", "run", str(config), "--db", url,
               "--workdir", str(tmp_path / "runs"), "--no-progress"]
    folder = tmp_path / "runs" / NAME
    with open(tmp_path / "first.log", "w") as log:
        first = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 300
        while not _started_unfinished(folder) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.poll() is None, (tmp_path / "first.log").read_text()
        interrupted = _started_unfinished(folder)
        assert interrupted, "no MD run started within 300 s"
        children = psutil.Process(first.pid).children(recursive=True)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        # the Dask nanny and worker processes notice their parent's death and exit
        assert not _wait_gone(children, timeout_s=60), "worker processes outlived the killed campaign process"

        second = subprocess.run(command + ["--json"], capture_output=True, text=True, timeout=600)
        assert second.returncode == 0, second.stderr[-3000:]
    finally:
        for process in children:
            if process.is_running():
                process.kill()
    status = json.loads(second.stdout.strip().splitlines()[-1])
    assert (status["n_observed"], status["n_pending"], status["n_failed"]) == (BUDGET, 0, 0)

    campaign = Campaign.load(url, NAME)
    observations, suggestions = campaign.observations(), campaign.suggestions()
    assert len(observations) == BUDGET and observations["id"].is_unique
    assert len(suggestions) == BUDGET and set(suggestions["status"]) == {"observed"}
    engine = create_engine(url)
    with engine.connect() as connection:
        per_polymer = connection.execute(select(runs.c.polymer_id, func.count()).where(runs.c.campaign == NAME)
                                         .group_by(runs.c.polymer_id)).all()
    engine.dispose()
    assert len(per_polymer) == BUDGET and all(count == 1 for _, count in per_polymer)
    for run_dir in interrupted:
        assert [a["action"] for a in attempts(run_dir)][:2] == ["run", "resume"]
        events = [json.loads(line)["event"] for line in (run_dir / "events.jsonl").read_text().splitlines()]
        assert "run_resumed" in events and events[-1] == "run_finished"
