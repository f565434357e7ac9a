"""The run directory: everything a run needs to resume, written atomically.

Layout of ``DIR``::

    request.json     what was asked: SMILES, preset (with overrides applied), versions  (written once)
    state.json       finished stages with their outputs, and the progress of the stage in flight
    events.jsonl     one line per event (stage started/resumed/finished, checkpoint, fault, retry)
    system.data      the parameterised cell as a LAMMPS data file (stage ``build``)
    <stage>/         restart files and recorded series of each MD stage
    result.json      the result record (last)

``state.json`` is replaced with an atomic rename, so a run killed at any instant leaves either the old or the new
state, never a torn file. A stage is finished exactly when ``state["stages"][name]["finished"]`` is true.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from polyloop.simulate.errors import SimulateError

__all__ = ["RunDirectory", "read_jsonl", "write_json_atomic"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of the JSON-lines file ``path``, oldest first ([] if it does not exist); a torn last line left by
    a killed process is skipped."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file and an atomic rename (fsync'd)."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as handle:
        json.dump(data, handle, indent=2, default=float)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class RunDirectory:
    """A run's folder: request, state, events and per-stage sub-folders."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def request_path(self) -> Path:
        """``request.json``."""
        return self.path / "request.json"

    @property
    def result_path(self) -> Path:
        """``result.json``."""
        return self.path / "result.json"

    def create(self, request: dict[str, Any]) -> None:
        """Start a new run in an empty (or absent) folder; refuses a folder that already holds a run."""
        if self.request_path.exists():
            raise SimulateError(f"{self.path} already holds a run; use `polyloop simulate resume {self.path}` "
                                "or choose another --out")
        self.path.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.request_path, request)
        write_json_atomic(self.path / "state.json", {"stages": {}})

    def request(self) -> dict[str, Any]:
        """The run's request (raises when the folder holds no run)."""
        if not self.request_path.exists():
            raise SimulateError(f"{self.path} holds no polyloop run (no request.json)")
        return json.loads(self.request_path.read_text())

    def state(self) -> dict[str, Any]:
        """The current state: ``{"stages": {name: {...}}}``."""
        return json.loads((self.path / "state.json").read_text())

    def stage(self, name: str) -> dict[str, Any]:
        """The state of stage ``name`` (empty when it never started)."""
        return self.state()["stages"].get(name, {})

    def update_stage(self, name: str, **fields: Any) -> dict[str, Any]:
        """Merge ``fields`` into stage ``name``'s state and write the state atomically; return the stage state."""
        state = self.state()
        stage = state["stages"].setdefault(name, {})
        stage.update(fields)
        write_json_atomic(self.path / "state.json", state)
        return stage

    def finished(self, name: str) -> bool:
        """Whether stage ``name`` has finished (it is then never run again)."""
        return bool(self.stage(name).get("finished"))

    def folder(self, name: str) -> Path:
        """The sub-folder of stage ``name`` (created)."""
        folder = self.path / name
        folder.mkdir(exist_ok=True)
        return folder

    def log(self, event: str, **fields: Any) -> None:
        """Append one event line to ``events.jsonl``."""
        line = json.dumps({"time": round(time.time(), 3), "event": event, **fields}, default=float)
        with open(self.path / "events.jsonl", "a") as handle:
            handle.write(line + "\n")

    def events(self) -> list[dict[str, Any]]:
        """All events logged so far, oldest first (a torn last line from a kill is skipped)."""
        return read_jsonl(self.path / "events.jsonl")
