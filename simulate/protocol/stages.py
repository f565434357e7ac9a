"""The stages of a property run, in order: build → minimize → anneal → sample → nemd (MD), and the repeat-unit
calculations qm (polarisability) and harmonic (frequencies for the quantum heat-capacity correction).

Each MD stage reads the restart file of the one before and leaves its own; what it records (series files) stays in
its folder. The recorded quantities, all in LAMMPS ``real`` units:

- ``sample/thermo.*.dat`` every ``sample.every_fs``: temperature (K), pressure (atm), volume (Å³), total,
  potential and bonded/non-bonded energies (kcal/mol), the box dipole (e·Å, unwrapped chains). The enthalpy of the
  fluctuation formulas is derived as ``etotal + P_set·V`` (LAMMPS's ``enthalpy`` uses the instantaneous pressure);
- ``sample/rg.*.dat`` and ``sample/com.*.dat`` every 10 × ``every_fs``: radius of gyration and unwrapped centre of
  mass of every chain;
- ``nemd/profile.*.dat``: slab temperatures along z; the kinetic energy swapped per chunk is in the stage state;
- ``green_kubo/flux.*.dat`` (``nemd.method = "green_kubo"``): the heat-flux vector of an NVE run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.cell import build_cell
from polyloop.simulate.build.conformer import BuildError
from polyloop.simulate.engines.lammps_data import write_data_file
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.parameterize import cell_system
from polyloop.simulate.protocol.md import Segment, open_cell, run_stage
from polyloop.simulate.protocol.rundir import RunDirectory

__all__ = ["anneal", "build", "green_kubo", "minimize", "nemd", "sample"]

KB_KCAL = 0.0019872043  # Boltzmann constant, kcal/(mol·K)


def build(run: RunDirectory, unit: RepeatUnit, preset: dict[str, Any]) -> dict[str, Any]:
    """Grow the amorphous cell, parameterise it, write ``system.data`` and the per-atom arrays; return the stage
    state (atoms, chains, degree of polymerisation, density, provenance)."""
    stage = run.stage("build")
    if stage.get("finished"):
        return stage
    spec = preset["system"]
    cell, note = _grow(run, unit, spec)
    forcefield = ForceField.load(spec["forcefield"])
    system = cell_system(cell, unit, forcefield, charges=spec["charges"],
                         charge_fallback=spec["charge_fallback"] or None)
    if note:
        system.provenance["fallbacks"].append(note)
    data = write_data_file(system, run.path / "system.data")
    np.savez(run.path / "system.npz", masses=system.masses, charges=system.charges, molecule=system.molecule)
    run.log("stage_finished", stage="build", atoms=len(system.masses))
    return run.update_stage(
        "build", finished=True, output=str(data), atoms=len(system.masses), chains=len(cell.chains),
        degree_of_polymerization=cell.degree_of_polymerization, build_density=cell.density_g_cm3,
        total_mass=float(np.sum(system.masses)), provenance=system.provenance, atom_steps=0)


def _grow(run: RunDirectory, unit: RepeatUnit, spec: dict[str, Any]):
    """The cell at the preset's minimum distances or, when no chain fits that way (a crowded quaternary backbone
    such as PMMA's, whose rigid side-group template meets the next unit), at ``system.fallback_min_distance`` for
    every pair; minimisation then relaxes the closer contacts. Returns the cell and the fallback note (or None)."""
    settings = dict(chains=spec["chains"], atoms_per_chain=spec["atoms_per_chain"], density=spec["build_density"],
                    tacticity=spec["tacticity"], seed=spec["seed"], end_group=spec["end_group"],
                    conformers=spec.get("conformers", 1))  # run folders from before the setting: one template
    distance = spec["min_distance"]
    try:
        return build_cell(unit, min_distance=distance, min_heavy_distance=distance, **settings), None
    except BuildError as error:
        fallback = spec["fallback_min_distance"]
        run.log("fault", stage="build", reason=str(error))
        run.log("retry", stage="build", min_distance=fallback)
        cell = build_cell(unit, min_distance=fallback, min_heavy_distance=fallback, **settings)
        return cell, f"cell grown with {fallback} Å minimum distances (not {distance} Å): {error}"


def minimize(run: RunDirectory, preset: dict[str, Any]) -> Path:
    """Conjugate-gradient minimisation of the built cell; writes ``minimize/final.restart``."""
    stage = run.stage("minimize")
    if stage.get("finished"):
        return Path(stage["output"])
    folder = run.folder("minimize")
    instance = open_cell(Path(run.stage("build")["output"]), preset["engine"], from_restart=False)
    try:
        iterations = preset["minimize"]["max_iterations"]
        instance.commands_list(["min_style cg", f"minimize 1.0e-4 1.0e-6 {iterations} {10 * iterations}"])
        energy = float(instance.get_thermo("pe"))
        output = folder / "final.restart"
        instance.command(f"write_restart {output}")
    finally:
        instance.close()
    run.log("stage_finished", stage="minimize", pe=energy)
    return Path(run.update_stage("minimize", finished=True, output=str(output), pe=energy, atom_steps=0)["output"])


def anneal(run: RunDirectory, preset: dict[str, Any], start: Path) -> Path:
    """The compression–decompression anneal of the preset's ``anneal.segments`` (new velocities at its start)."""
    segments = [Segment.from_preset(entry) for entry in preset["anneal"]["segments"]]
    return run_stage(run, "anneal", start, segments, preset["engine"], preset["system"]["seed"], velocities=True)


_SAMPLE_VARIABLES = ("vol", "etotal", "pe", "ke", "temp", "press", "ebond", "eangle", "edihed", "eimp",
                     "evdwl", "ecoul", "elong")


def sample_definitions() -> list[str]:
    """Computes and variables of the sampling stage (defined at every opening, start or resume)."""
    return ([f"variable s_{name} equal {name}" for name in _SAMPLE_VARIABLES]
            + ["compute chains all chunk/atom molecule", "compute dipole all dipole",
               "compute rg all gyration/chunk chains", "compute com all com/chunk chains"])


def sample_columns() -> list[str]:
    """Column names of ``sample/thermo.*.dat`` after the step column."""
    return list(_SAMPLE_VARIABLES) + ["mu_x", "mu_y", "mu_z"]


def sample(run: RunDirectory, preset: dict[str, Any], start: Path, ps: float | None = None,
           name: str = "sample") -> Path:
    """NPT sampling at the preset's conditions for ``ps`` (default ``sample.ps``), recording the series in the
    stage folder ``name`` (extensions are further stages ``sample_ext1``, ...)."""
    conditions, spec, engine = preset["conditions"], preset["sample"], preset["engine"]
    fs = 1000.0 * (spec["ps"] if ps is None else ps)
    segment = Segment("npt", fs, conditions["temperature"], pressure=conditions["pressure"])
    folder = run.folder(name)
    every = max(1, round(spec["every_fs"] / engine["timestep_fs"]))
    values = " ".join([f"v_s_{n}" for n in _SAMPLE_VARIABLES] + ["c_dipole[1]", "c_dipole[2]", "c_dipole[3]"])

    def recorders(tag: str) -> list[str]:
        return [f"fix rec_thermo all ave/time {every} 1 {every} {values} file {folder}/thermo.{tag}.dat",
                f"fix rec_rg all ave/time {10 * every} 1 {10 * every} c_rg file {folder}/rg.{tag}.dat mode vector",
                f"fix rec_com all ave/time {10 * every} 1 {10 * every} c_com[*] file {folder}/com.{tag}.dat "
                "mode vector"]

    return run_stage(run, name, start, [segment], engine, preset["system"]["seed"],
                     definitions=sample_definitions(), recorders=recorders)


def nemd(run: RunDirectory, preset: dict[str, Any], start: Path) -> Path:
    """Reverse NEMD (Müller-Plathe) in NVE on the cell replicated ``nemd.replicate_z`` times along z."""
    spec, engine, conditions = preset["nemd"], preset["engine"], preset["conditions"]
    folder = run.folder("nemd")
    dt = engine["timestep_fs"]
    swap = max(1, round(spec["swap_every_fs"] / dt))
    every = max(1, round(spec["profile_every_fs"] / dt))
    chunk_steps = max(1, round(1000.0 * engine["checkpoint_ps"] / dt))
    repeat = max(1, chunk_steps // every)
    setup = [f"replicate 1 1 {spec['replicate_z']}"] if spec["replicate_z"] > 1 else []
    definitions = ["compute ke all ke/atom", f"variable tatom atom c_ke/(1.5*{KB_KCAL})"]

    def recorders(tag: str) -> list[str]:
        slabs = f"slabs_{tag.replace('.', '_')}"
        return [f"fix swap all thermal/conductivity {swap} z {spec['slabs']}",
                f"compute {slabs} all chunk/atom bin/1d z lower {1.0 / spec['slabs']} units reduced",
                f"fix rec_profile all ave/chunk {every} {repeat} {every * repeat} {slabs} v_tatom "
                f"file {folder}/profile.{tag}.dat"]

    def on_chunk(instance, progress) -> None:
        energy = float(instance.extract_fix("swap", 0, 0))
        low, high = instance.extract_box()[:2]
        progress.extra.setdefault("exchanged_kcal", {})[str(progress.chunk)] = energy
        progress.extra["box"] = [h - lo for lo, h in zip(low, high)]
        progress.extra.setdefault("chunk_end_fs", {})[str(progress.chunk)] = progress.done_fs

    segment = Segment("nve", 1000.0 * spec["ps"], conditions["temperature"])
    return run_stage(run, "nemd", start, [segment], engine, preset["system"]["seed"], setup=setup,
                     definitions=definitions, recorders=recorders, on_chunk=on_chunk)


def green_kubo(run: RunDirectory, preset: dict[str, Any], start: Path) -> Path:
    """Equilibrium NVE run recording the heat-flux vector ``J = Σ e_i v_i − Σ S_i v_i`` every
    ``nemd.flux_every_fs`` (``compute heat/flux`` with per-atom energies and centroid stresses, the form that is
    right for angle and dihedral terms), for the Green–Kubo conductivity (``nemd.method = "green_kubo"``). LAMMPS's
    PPPM has no centroid stress, so the long-range (reciprocal-space) Coulomb part of the flux is left out; the
    real-space Coulomb within the cutoff is in. Files: ``green_kubo/flux.*.dat`` (kcal/mol·Å/fs, not divided by
    the volume)."""
    spec, engine, conditions = preset["nemd"], preset["engine"], preset["conditions"]
    folder = run.folder("green_kubo")
    every = max(1, round(spec["flux_every_fs"] / engine["timestep_fs"]))
    definitions = ["compute gk_ke all ke/atom", "compute gk_pe all pe/atom",
                   "compute gk_stress all centroid/stress/atom NULL pair bond angle dihedral improper",
                   "compute gk_flux all heat/flux gk_ke gk_pe gk_stress"]

    def recorders(tag: str) -> list[str]:
        return [f"fix rec_flux all ave/time {every} 1 {every} c_gk_flux[1] c_gk_flux[2] c_gk_flux[3] "
                f"file {folder}/flux.{tag}.dat"]

    segment = Segment("nve", 1000.0 * spec["ps"], conditions["temperature"])
    return run_stage(run, "green_kubo", start, [segment], engine, preset["system"]["seed"],
                     definitions=definitions, recorders=recorders)
