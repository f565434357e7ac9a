"""The run directory keeps its state atomically and refuses to overwrite a run."""

import json

import pytest

from polyloop.simulate.errors import SimulateError
from polyloop.simulate.protocol.rundir import RunDirectory


def test_state_updates_merge_and_survive_reopening(tmp_path):
    run = RunDirectory(tmp_path / "run")
    run.create({"smiles": "*CC*"})
    run.update_stage("anneal", segment=2, done_fs=500.0)
    run.update_stage("anneal", done_fs=1000.0)
    again = RunDirectory(tmp_path / "run")
    assert again.stage("anneal") == {"segment": 2, "done_fs": 1000.0}
    assert not again.finished("anneal")
    assert not list((tmp_path / "run").glob("*.tmp"))


def test_a_folder_holding_a_run_is_not_overwritten(tmp_path):
    RunDirectory(tmp_path).create({"smiles": "*CC*"})
    with pytest.raises(SimulateError, match="already holds a run.*resume"):
        RunDirectory(tmp_path).create({"smiles": "*CC*"})
    with pytest.raises(SimulateError, match="holds no polyloop run"):
        RunDirectory(tmp_path / "empty").request()


def test_events_skip_a_line_torn_by_a_kill(tmp_path):
    run = RunDirectory(tmp_path)
    run.create({"smiles": "*CC*"})
    run.log("stage_started", stage="anneal")
    with open(tmp_path / "events.jsonl", "a") as handle:
        handle.write('{"time": 1, "event": "checkp')
    events = run.events()
    assert [e["event"] for e in events] == ["stage_started"]
    assert json.loads((tmp_path / "request.json").read_text()) == {"smiles": "*CC*"}
