"""Checkpointed MD stages in in-process LAMMPS, with fault retries.

A stage is a list of *segments* (an ensemble at a temperature, maybe ramped, and a pressure, maybe ramped, for a
length in fs). Segments run in chunks of at most ``engine.checkpoint_ps``; after every chunk a LAMMPS restart file is
written (alternating between two files, so a kill during a write never loses the last good one) and then the stage's
progress is recorded atomically in ``state.json``. A killed run therefore resumes from its last checkpoint, in the
segment and at the time it had reached, with the thermostat and barostat state the restart file carries.

Recorders (``fix ave/time``, ``fix ave/chunk``) write one file per chunk, named by segment and chunk, so a chunk
that is redone after a kill overwrites its own file and no sample is counted twice.

Faults — LAMMPS errors (lost atoms, PPPM out of range, bond too long), non-finite energies, a temperature far above
the target — are retried from the last checkpoint: first with half the timestep, then with a quarter of it and new
velocities (a new seed). A third fault stops the run with :class:`MDFault` naming the stage, segment and reason,
and every fault and retry is in ``events.jsonl`` and the stage state.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyloop.simulate.engines.lammps import FORCE_FIELD_STYLES, open_lammps
from polyloop.simulate.errors import EngineError
from polyloop.simulate.protocol.rundir import RunDirectory

__all__ = ["MDFault", "Segment", "atom_steps", "open_cell", "run_stage"]

THERMO = ("step temp press vol density pe ke etotal enthalpy ebond eangle edihed eimp evdwl ecoul elong")
_RETRIES = ({"timestep_scale": 0.5, "new_velocities": False}, {"timestep_scale": 0.25, "new_velocities": True})


class MDFault(EngineError):
    """An MD stage failed and its retries failed too (the message names the stage, segment and reason)."""


@dataclass(frozen=True)
class Segment:
    """One piece of a stage: ``ensemble`` nvt | npt | nve for ``fs`` femtoseconds at ``temperature`` (K, ramped
    to ``t_end``) and ``pressure`` (atm, ramped to ``p_end``); ``extra`` fixes are added for its duration."""

    ensemble: str
    fs: float
    temperature: float
    pressure: float | None = None
    t_end: float | None = None
    p_end: float | None = None
    extra: tuple[str, ...] = ()

    @classmethod
    def from_preset(cls, entry: dict[str, Any]) -> Segment:
        """A segment from a preset entry ``{ensemble, temperature, [t_end], [pressure], [p_end], ps}``."""
        return cls(ensemble=entry["ensemble"], fs=1000.0 * entry["ps"], temperature=entry["temperature"],
                   pressure=entry.get("pressure"), t_end=entry.get("t_end"), p_end=entry.get("p_end"))

    def fix(self, engine: dict[str, Any]) -> str:
        """The LAMMPS integrator fix of this segment (ID ``integrate``)."""
        t_end = self.temperature if self.t_end is None else self.t_end
        tdamp = engine["tdamp_fs"]
        if self.ensemble == "nve":
            return "fix integrate all nve"
        if self.ensemble == "nvt":
            return f"fix integrate all nvt temp {self.temperature} {t_end} {tdamp}"
        p_end = self.pressure if self.p_end is None else self.p_end
        return (f"fix integrate all npt temp {self.temperature} {t_end} {tdamp} "
                f"iso {self.pressure} {p_end} {engine['pdamp_fs']}")


def open_cell(source: Path, engine: dict[str, Any], from_restart: bool):
    """A LAMMPS instance holding the cell of ``source`` (a data file, or a restart file when ``from_restart``),
    with the project's force-field styles, cutoff, tail correction and PPPM settings of ``engine``."""
    instance = open_lammps(int(engine.get("threads", 1)))
    tail = "yes" if engine["tail_correction"] else "no"
    try:
        if from_restart:
            instance.commands_list([f"read_restart {source}"])
        else:
            instance.commands_list(FORCE_FIELD_STYLES + [
                "boundary p p p", f"pair_style lj/cut/coul/long {engine['cutoff']}", f"read_data {source}"])
        instance.commands_list([
            f"pair_modify mix arithmetic tail {tail}", f"kspace_style pppm {engine['kspace_accuracy']}",
            "neighbor 2.0 bin", "neigh_modify delay 0 every 1 check yes",
            f"thermo_style custom {THERMO}", "thermo_modify lost error norm no flush yes", "thermo 0"])
    except Exception as error:
        instance.close()
        raise EngineError(f"LAMMPS could not read {source}: {error}") from error
    return instance


def atom_steps(stage: dict[str, Any]) -> int:
    """Atom-steps spent by a stage (from its state)."""
    return int(stage.get("atom_steps", 0))


@dataclass
class _Progress:
    segment: int = 0
    done_fs: float = 0.0
    chunk: int = 0
    checkpoint: str | None = None
    attempt: int = 0
    atom_steps: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _load_progress(stage: dict[str, Any]) -> _Progress:
    keys = ("segment", "done_fs", "chunk", "checkpoint", "attempt", "atom_steps")
    progress = _Progress(**{k: stage[k] for k in keys if k in stage})
    progress.extra = dict(stage.get("extra", {}))
    return progress


def _save(run: RunDirectory, name: str, progress: _Progress, **fields: Any) -> None:
    run.update_stage(name, segment=progress.segment, done_fs=progress.done_fs, chunk=progress.chunk,
                     checkpoint=progress.checkpoint, attempt=progress.attempt, atom_steps=progress.atom_steps,
                     extra=progress.extra, **fields)


def _check_health(instance, segment: Segment, where: str) -> None:
    pe, temp = float(instance.get_thermo("pe")), float(instance.get_thermo("temp"))
    hottest = max(segment.temperature, segment.t_end or 0.0)
    if not (math.isfinite(pe) and math.isfinite(temp)):
        raise EngineError(f"non-finite energy or temperature (pe={pe}, T={temp}) {where}")
    if temp > 3.0 * hottest + 300.0:
        raise EngineError(f"temperature {temp:.0f} K far above the target {hottest:.0f} K {where}: the run blew up")


def run_stage(run: RunDirectory, name: str, start: Path, segments: Sequence[Segment], engine: dict[str, Any],
              seed: int, velocities: bool = False, setup: Sequence[str] = (), definitions: Sequence[str] = (),
              recorders: Callable[[str], list[str]] | None = None,
              on_chunk: Callable[[Any, _Progress], None] | None = None) -> Path:
    """Run stage ``name`` from the restart file ``start`` (or resume it from its last checkpoint); return the
    restart file of its final state. A finished stage is not run again.

    ``velocities``: draw new velocities at the first segment's temperature before the stage (``seed``).
    ``setup``: commands after the cell is read at the stage start (not on resume), e.g. ``replicate``.
    ``definitions``: commands after every opening of the cell, start or resume (computes, variables).
    ``recorders(tag)``: commands defining recorder fixes (and computes they alone use) for one chunk (``tag`` names
    its files); they are removed after the chunk.
    ``on_chunk(instance, progress)``: called after every chunk, before its recorders go (may set ``progress.extra``).
    """
    stage = run.stage(name)
    if stage.get("finished"):
        return Path(stage["output"])
    folder = run.folder(name)
    while True:
        progress = _load_progress(run.stage(name))
        retry = _RETRIES[progress.attempt - 1] if progress.attempt else None
        try:
            _advance(run, name, folder, start, segments, engine, seed, velocities, (setup, definitions), recorders,
                     on_chunk, progress, retry)
            break
        except EngineError as error:
            if isinstance(error, MDFault):
                raise
            progress = _load_progress(run.stage(name))
            progress.attempt += 1
            where = f"in stage {name!r}, segment {progress.segment}, at {progress.done_fs / 1000:.2f} ps"
            faults = run.stage(name).get("faults", []) + [f"{error} ({where})"]
            run.log("fault", stage=name, segment=progress.segment, reason=str(error), attempt=progress.attempt)
            if progress.attempt > len(_RETRIES):
                _save(run, name, progress, faults=faults, failed=str(error))
                raise MDFault(f"stage {name!r} failed after {len(_RETRIES)} retries {where}: {error}") from error
            _save(run, name, progress, faults=faults)
            run.log("retry", stage=name, **_RETRIES[progress.attempt - 1])
    output = folder / "final.restart"
    progress = _load_progress(run.stage(name))
    run.update_stage(name, finished=True, output=str(output))
    run.log("stage_finished", stage=name, atom_steps=progress.atom_steps)
    return output


def _advance(run, name, folder, start, segments, engine, seed, velocities, commands_at_open, recorders, on_chunk,
             progress: _Progress, retry: dict | None) -> None:
    setup, definitions = commands_at_open
    resuming = progress.checkpoint is not None
    instance = open_cell(Path(progress.checkpoint) if resuming else start, engine, from_restart=True)
    try:
        run.log("stage_resumed" if resuming else "stage_started", stage=name, segment=progress.segment,
                at_ps=progress.done_fs / 1000)
        dt = engine["timestep_fs"] * (retry["timestep_scale"] if retry else 1.0)
        commands = [f"timestep {dt}"]
        if not resuming:
            commands += ["reset_timestep 0", *setup]  # every stage counts from 0: recorder intervals align
        commands += list(definitions)
        if (velocities and not resuming) or (retry and retry["new_velocities"]):
            vseed = seed + 7919 * progress.attempt + 1
            commands.append(f"velocity all create {segments[progress.segment].temperature} {vseed} "
                            "mom yes rot yes dist gaussian")
        instance.commands_list(commands)
        natoms = int(instance.get_natoms())
        chunk_fs = 1000.0 * engine["checkpoint_ps"]
        while progress.segment < len(segments):
            segment = segments[progress.segment]
            total_steps = max(1, round(segment.fs / dt))
            done_steps = round(progress.done_fs / dt)
            now = int(instance.get_thermo("step"))
            begin = max(0, now - done_steps)  # a retry with a smaller timestep may shift a ramp's start a little
            end = begin + total_steps
            instance.commands_list([segment.fix(engine), *segment.extra])
            while done_steps < total_steps:
                steps = min(max(1, round(chunk_fs / dt)), total_steps - done_steps)
                tag = f"{progress.segment:03d}.{progress.chunk:05d}"
                chunk_recorders = recorders(tag) if recorders else []
                instance.commands_list(chunk_recorders)
                where = f"(stage {name!r}, segment {progress.segment})"
                try:
                    instance.command(f"run {steps} start {begin} stop {end}")
                except Exception as error:
                    raise EngineError(f"LAMMPS stopped {where}: {error}") from error
                _check_health(instance, segment, where)
                done_steps += steps
                progress.done_fs = done_steps * dt
                progress.atom_steps += natoms * steps
                if on_chunk:
                    on_chunk(instance, progress)
                instance.commands_list([f"unfix {i}" for i in _fix_ids(chunk_recorders)]
                                       + [f"uncompute {i}" for i in _compute_ids(chunk_recorders)])
                progress.chunk += 1
                checkpoint = folder / f"checkpoint.{progress.chunk % 2}.restart"
                instance.command(f"write_restart {checkpoint}")
                progress.checkpoint = str(checkpoint)
                if done_steps >= total_steps:
                    progress.segment, progress.done_fs = progress.segment + 1, 0.0
                _save(run, name, progress)
                run.log("checkpoint", stage=name, segment=progress.segment, at_ps=progress.done_fs / 1000)
            instance.commands_list(["unfix integrate"] + [f"unfix {i}" for i in _fix_ids(segment.extra)])
        instance.command(f"write_restart {folder / 'final.restart'}")
    finally:
        instance.close()


def _fix_ids(commands: Sequence[str]) -> list[str]:
    return [command.split()[1] for command in commands if command.startswith("fix ")]


def _compute_ids(commands: Sequence[str]) -> list[str]:
    return [command.split()[1] for command in commands if command.startswith("compute ")]
