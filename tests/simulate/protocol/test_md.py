"""Checkpointed MD stages: a stage interrupted mid-way resumes from its checkpoint and does the same work as an
uninterrupted one; a blow-up is retried with smaller timesteps and then reported with its reason."""

import pytest

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.protocol import stages
from polyloop.simulate.protocol.md import MDFault, Segment, run_stage
from polyloop.simulate.protocol.presets import load_preset
from polyloop.simulate.protocol.rundir import RunDirectory

SEGMENTS = [Segment("nvt", 1000.0, 400.0), Segment("npt", 1000.0, 300.0, pressure=1.0, p_end=500.0)]


def _prepared(path, preset):
    run = RunDirectory(path)
    run.create({"smiles": "*CC*"})
    stages.build(run, RepeatUnit.from_smiles("*CC*"), preset)
    return run, stages.minimize(run, preset)


class Interrupt(BaseException):
    """Stands for a kill: not an error the stage would retry."""


def test_interrupted_stage_resumes_from_its_checkpoint(tmp_path):
    preset = load_preset("tiny")
    whole, start = _prepared(tmp_path / "whole", preset)
    run_stage(whole, "md", start, SEGMENTS, preset["engine"], seed=1, velocities=True)

    cut, start = _prepared(tmp_path / "cut", preset)
    calls = []

    def kill_after_three(instance, progress):
        calls.append(progress.chunk)
        if len(calls) == 3:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_stage(cut, "md", start, SEGMENTS, preset["engine"], seed=1, velocities=True, on_chunk=kill_after_three)
    assert cut.stage("md")["chunk"] == 2 and not cut.finished("md")
    run_stage(cut, "md", start, SEGMENTS, preset["engine"], seed=1, velocities=True)

    events = [e["event"] for e in cut.events() if e.get("stage") == "md"]
    assert events.count("stage_started") == 1 and events.count("stage_resumed") == 1
    assert cut.stage("md")["atom_steps"] == whole.stage("md")["atom_steps"] == 2000 * cut.stage("build")["atoms"]
    assert cut.stage("md")["chunk"] == whole.stage("md")["chunk"] == 4
    before = len(cut.events())
    run_stage(cut, "md", start, SEGMENTS, preset["engine"], seed=1)  # finished: nothing runs
    assert len(cut.events()) == before


def test_a_blow_up_is_retried_then_reported(tmp_path):
    preset = load_preset("tiny", ["engine.timestep_fs=60.0"])
    run, start = _prepared(tmp_path, preset)
    with pytest.raises(MDFault, match="stage 'hot' failed after 2 retries in stage 'hot', segment 0"):
        run_stage(run, "hot", start, [Segment("nvt", 3000.0, 300.0)], preset["engine"], seed=1, velocities=True)
    state = run.stage("hot")
    assert len(state["faults"]) == 3 and "failed" in state
    retries = [e for e in run.events() if e["event"] == "retry"]
    assert [r["timestep_scale"] for r in retries] == [0.5, 0.25]
    assert retries[1]["new_velocities"] is True
