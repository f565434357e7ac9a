"""Executors: inline and Dask LocalCluster running a real tiny MD job and a failing one (retries honoured, reason
kept), a Dask worker killed mid-run (the job resumes on a new worker), the dask-jobqueue batch scripts built from the
``[executor]`` table, and the table's checks."""

import json
import os
import signal
import time
from pathlib import Path

import pytest

from polyloop.design.executors import (
    DaskExecutor,
    ExecutorError,
    InlineExecutor,
    JobFailed,
    JobqueueExecutor,
    make_executor,
)
from polyloop.design.labelling import LabelJob, attempts

GOOD = "*CC(*)C"
BAD = "*CC"  # one connection point: the MD engine refuses it before any work


def _jobs(folder: Path) -> tuple[LabelJob, LabelJob]:
    good = LabelJob("PI2", GOOD, "tiny", (), ("density",), str(folder / "PI2"))
    bad = LabelJob("bad", BAD, "tiny", (), ("density",), str(folder / "bad"))
    return good, bad


def _collect(executor, timeout_s: float = 300.0) -> dict[str, object]:
    outcomes: dict[str, object] = {}
    deadline = time.monotonic() + timeout_s
    while executor.running() and time.monotonic() < deadline:
        for job, outcome in executor.done(timeout=1.0):
            outcomes[job.candidate_id] = outcome
    return outcomes


def _check(outcomes: dict[str, object], bad: LabelJob, tries: int) -> None:
    assert 0.2 < outcomes["PI2"]["properties"]["density"]["value"] < 2.5
    failure = outcomes["bad"]
    assert isinstance(failure, JobFailed) and failure.attempts == tries
    assert "InvalidRepeatUnit" in failure.reason and "expected 2 connection points" in failure.reason
    assert [a["action"] for a in attempts(bad.run_dir)] == ["run"] * tries


def test_inline_executor_runs_jobs_and_retries_failures(tmp_path) -> None:
    good, bad = _jobs(tmp_path)
    executor = InlineExecutor(retries=2)
    executor.submit(good)
    executor.submit(bad)
    assert executor.running() == 2
    outcomes = _collect(executor)
    assert executor.running() == 0 and executor.done() == []
    _check(outcomes, bad, tries=3)


def test_dask_executor_runs_jobs_and_retries_failures(tmp_path) -> None:
    good, bad = _jobs(tmp_path)
    executor = DaskExecutor(max_pending=2, retries=1)
    try:
        assert len(executor.client.scheduler_info()["workers"]) == 2
        assert executor.done(timeout=0.1) == []
        executor.submit(good)
        executor.submit(bad)
        assert executor.running() == 2
        outcomes = _collect(executor)
    finally:
        executor.close()
    _check(outcomes, bad, tries=2)


@pytest.mark.slow
def test_lost_dask_worker_is_replaced_and_the_job_resumes(tmp_path) -> None:
    job = LabelJob("PI2", GOOD, "tiny", ("sample.ps=20.0",), ("density",), str(tmp_path / "PI2"))
    executor = DaskExecutor(max_pending=1, retries=0)
    try:
        pids = executor.client.run(os.getpid)
        executor.submit(job)
        events = Path(job.run_dir) / "events.jsonl"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if events.exists() and '"stage": "sample"' in events.read_text():
                break
            time.sleep(0.2)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        outcomes = _collect(executor)
    finally:
        executor.close()
    assert 0.2 < outcomes["PI2"]["properties"]["density"]["value"] < 2.5
    assert [a["action"] for a in attempts(job.run_dir)] == ["run", "resume"]
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert [e["event"] for e in lines].count("run_resumed") == 1
    assert not any(e["event"] == "stage_started" and e["stage"] in ("build", "minimize", "anneal")
                   for e in lines[[e["event"] for e in lines].index("run_resumed"):])


@pytest.mark.parametrize("scheduler, header", [("slurm", "#SBATCH"), ("pbs", "#PBS")])
def test_jobqueue_script_has_the_configured_values(scheduler: str, header: str) -> None:
    executor = make_executor({"kind": "jobqueue", "scheduler": scheduler, "max_pending": 3, "retries": 2,
                              "queue": "md-long", "account": "polymers42", "cores": 8, "memory": "16GB",
                              "walltime": "02:30:00", "job_extra_directives": ["--constraint=avx512"],
                              "job_script_prologue": ["module load lammps/2025"]})
    try:
        assert isinstance(executor, JobqueueExecutor) and executor.retries == 2 and executor.max_pending == 3
        script = executor.job_script()
    finally:
        executor.close()
    lines = [line for line in script.splitlines() if line.startswith(header)]
    text = "\n".join(lines)
    assert "md-long" in text and "polymers42" in text and "02:30:00" in text and "--constraint=avx512" in text
    assert ("--cpus-per-task=8" in text) if scheduler == "slurm" else ("ncpus=8" in text)
    assert "module load lammps/2025" in script
    assert "--resources label=1" in script and "--nthreads 8" in script


def test_jobqueue_cores_default_to_the_job_threads() -> None:
    executor = make_executor({"kind": "jobqueue", "threads": 4})
    try:
        assert "--cpus-per-task=4" in executor.job_script()
    finally:
        executor.close()


def test_make_executor_builds_inline_and_checks_the_table() -> None:
    inline = make_executor({"kind": "inline", "retries": 3, "threads": 2})
    assert isinstance(inline, InlineExecutor) and inline.retries == 3
    with pytest.raises(ExecutorError, match="executor.kind must be"):
        make_executor({"kind": "mpi"})
    with pytest.raises(ExecutorError, match=r"\['queue'\] are not understood for kind 'dask'"):
        make_executor({"kind": "dask", "queue": "long"})
    with pytest.raises(ExecutorError, match="executor.retries must be an integer >= 0"):
        make_executor({"kind": "inline", "retries": -1})
    with pytest.raises(ExecutorError, match="executor.scheduler must be one of"):
        make_executor({"kind": "jobqueue", "scheduler": "lsf"})
