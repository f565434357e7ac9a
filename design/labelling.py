"""MD labelling jobs: one candidate, one run folder, one result record.

A :class:`LabelJob` names a candidate, the MD preset (+ overrides), the properties wanted and the run folder.
:func:`run_label_job` runs it with :func:`polyloop.simulate.protocol.runner.run`, or continues it with
:func:`~polyloop.simulate.protocol.runner.resume` when the folder already holds the run (a job re-submitted after a
crash, a lost worker or a retry continues from its last checkpoint; a finished run just returns its
``result.json``). Two processes never drive one folder at once: the job holds an exclusive lock on
``DIR/label.lock`` (released by the kernel when its process dies), so a job re-submitted while an orphaned worker is
still on it waits and then returns that worker's result.

:func:`observation_row` turns a result record into a ``Campaign.observe`` row in SI units (the convention of the
warm-start data, :func:`polyloop.library.datasets.load_pi1070`; conversions shared with the property database,
``polyloop/library/data/property_names.toml``).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polyloop.library.db_properties import PropertyDatabaseError, to_stored_unit
from polyloop.simulate.protocol.rundir import RunDirectory, read_jsonl, write_json_atomic

__all__ = ["LabelError", "LabelJob", "attempts", "missing_reasons", "observation_row", "read_failure", "read_result",
           "record_failure", "run_label_job"]

ATTEMPTS_FILE = "label_attempts.jsonl"
FAILURE_FILE = "label_failed.json"
LOCK_FILE = "label.lock"


class LabelError(RuntimeError):
    """A labelling job cannot run or its result cannot be used (the message says which candidate and why)."""


@dataclass(frozen=True)
class LabelJob:
    """An MD labelling job for one candidate.

    ``threads`` is the number of OpenMP threads of the MD engine (``engine.threads``); it is passed as an override
    unless ``overrides`` already sets ``engine.threads``. ``0`` keeps the preset's own setting.
    """

    candidate_id: str
    smiles: str
    preset: str
    overrides: tuple[str, ...]
    properties: tuple[str, ...]
    run_dir: str
    threads: int = 1

    def run_overrides(self) -> list[str]:
        """The overrides the run gets: ``overrides`` plus ``engine.threads=<threads>`` (see the class docstring)."""
        chosen = list(self.overrides)
        sets_threads = any(o.partition("=")[0].strip() == "engine.threads" for o in chosen)
        if self.threads > 0 and not sets_threads:
            chosen.append(f"engine.threads={self.threads}")
        return chosen


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder/label.lock`` (blocks while another process holds it)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _log_attempt(folder: Path, job: LabelJob, action: str) -> None:
    line = json.dumps({"time": round(time.time(), 3), "candidate_id": job.candidate_id, "action": action,
                       "pid": os.getpid()})
    with open(folder / ATTEMPTS_FILE, "a") as handle:
        handle.write(line + "\n")


def attempts(run_dir: str | Path) -> list[dict[str, Any]]:
    """The attempts logged in ``run_dir`` (one per call of :func:`run_label_job`), oldest first."""
    return read_jsonl(Path(run_dir) / ATTEMPTS_FILE)


def read_result(run_dir: str | Path) -> dict[str, Any] | None:
    """The finished run's result record in ``run_dir``, or None when there is none yet."""
    path = RunDirectory(run_dir).result_path
    return json.loads(path.read_text()) if path.exists() else None


def record_failure(job: LabelJob, reason: str) -> None:
    """Mark ``job`` as finally failed (after its retries) in its run folder, so a resumed campaign records the
    failure without running the job again."""
    folder = Path(job.run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(folder / FAILURE_FILE, {"candidate_id": job.candidate_id, "smiles": job.smiles,
                                               "reason": reason, "time": time.time()})


def read_failure(run_dir: str | Path) -> str | None:
    """The reason recorded by :func:`record_failure` in ``run_dir``, or None."""
    path = Path(run_dir) / FAILURE_FILE
    return json.loads(path.read_text())["reason"] if path.exists() else None


def run_label_job(job: LabelJob) -> dict[str, Any]:
    """Run or resume ``job`` in ``job.run_dir`` and return its result record (``result.json``).

    Raises :class:`LabelError` when the folder holds the run of another SMILES, and whatever the MD engine raises
    when the run fails (the executor retries it; a retry resumes from the last checkpoint).
    """
    from polyloop.library.canonical import canonical_smiles
    from polyloop.simulate.protocol.runner import resume, run

    folder = Path(job.run_dir)
    with _exclusive(folder):
        directory = RunDirectory(folder)
        if directory.request_path.exists():
            request = directory.request()
            if request["smiles"] != job.smiles and request["canonical_smiles"] != canonical_smiles(job.smiles):
                raise LabelError(f"{folder} holds a run of {request['smiles']!r}, not of candidate "
                                 f"{job.candidate_id} ({job.smiles!r}); choose another run folder")
            done = read_result(folder)
            _log_attempt(folder, job, "finished" if done is not None else "resume")
            if done is not None:
                return done
            if not (folder / "state.json").exists():  # killed between writing request.json and state.json
                write_json_atomic(folder / "state.json", {"stages": {}})
            return resume(folder)
        _log_attempt(folder, job, "run")
        return run(job.smiles, job.preset, job.run_overrides(), out=folder, properties=list(job.properties))


def observation_row(job: LabelJob, result: dict[str, Any]) -> dict[str, Any]:
    """The ``Campaign.observe`` row of ``result``: ``{"id", "smiles", <prop>: value, <prop>_std: stderr}`` for each
    of ``job.properties`` with a finite value, converted to the SI units of the property database
    (:func:`polyloop.library.db_properties.to_stored_unit`, the units of the warm-start data). A property that could not
    be computed (``value`` null) or is not finite is left out; a missing or non-finite stderr is left out too."""
    row: dict[str, Any] = {"id": job.candidate_id, "smiles": job.smiles}
    for name in job.properties:
        entry = result.get("properties", {}).get(name) or {}
        value = entry.get("value")
        if value is None or not math.isfinite(float(value)):
            continue
        stderr = entry.get("stderr")
        stderr = float(stderr) if stderr is not None and math.isfinite(float(stderr)) else None
        try:
            value, stderr, _ = to_stored_unit(name, float(value), stderr, entry.get("unit", "1"))
        except PropertyDatabaseError as error:
            raise LabelError(f"candidate {job.candidate_id}: property {name!r}: {error}") from None
        row[name] = value
        if stderr is not None:
            row[f"{name}_std"] = stderr
    return row


def missing_reasons(job: LabelJob, result: dict[str, Any]) -> str:
    """Why none of ``job.properties`` has a value in ``result`` (each property's recorded error)."""
    reasons = []
    for name in job.properties:
        entry = result.get("properties", {}).get(name) or {}
        reasons.append(f"{name}: {entry.get('error', 'no value')}")
    return "; ".join(reasons)
