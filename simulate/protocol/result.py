"""The result record of a run: the 15 properties with standard errors and units, the convergence verdict,
provenance and cost. One JSON document (``result.json``); ``properties`` maps each name to
``{"value", "stderr", "unit", ...}``, or to ``{"value": null, "error": reason}`` when it could not be computed.

Conversions from LAMMPS ``real`` units: energies kcal/mol per box → J (× 4184 / N_A), volumes Å³ → m³, dipoles
e·Å → C·m, times fs → s.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.properties import dielectric, fluctuation, optical, thermal, transport
from polyloop.simulate.properties.estimate import Estimate
from polyloop.simulate.protocol.convergence import SampledSeries, sampled_series
from polyloop.simulate.protocol.rundir import RunDirectory
from polyloop.simulate.protocol.series import read_blocks, read_scalars

__all__ = ["assemble_result", "stage_wall_seconds", "wall_seconds"]

AVOGADRO = 6.02214076e23
KCAL_PER_MOL = 4184.0 / AVOGADRO  # J
ELEMENTARY_CHARGE = 1.602176634e-19
ATM_A3 = 1.0 / 68568.415  # kcal/mol per atm·Å³ (LAMMPS real units)
FLUX_TO_W_M2 = 4184.0 / AVOGADRO / (1e-20 * 1e-15)  # (kcal/mol)/(Å²·fs) in W/m²


def wall_seconds(directory: RunDirectory) -> float:
    """Wall time of the run summed over its sessions (each from its start/resume event to its last event)."""
    total, begin, last = 0.0, None, None
    for event in directory.events():
        if event["event"] in ("run_started", "run_resumed"):
            if begin is not None:
                total += last - begin
            begin = event["time"]
        last = event["time"]
    if begin is not None:
        total += time.time() - begin
    return total


def stage_wall_seconds(directory: RunDirectory) -> dict[str, float]:
    """Wall time per stage: the time between consecutive events goes to the stage of the later event (a resumed
    run's dead time between the kill and the resume goes nowhere)."""
    spent: dict[str, float] = {}
    events = directory.events()
    for before, after in zip(events, events[1:]):
        if after["event"] in ("run_started", "run_resumed") or "stage" not in after:
            continue
        spent[after["stage"]] = spent.get(after["stage"], 0.0) + after["time"] - before["time"]
    return {stage: round(seconds, 1) for stage, seconds in spent.items()}


def _radius_of_gyration(series: SampledSeries) -> Estimate:
    """Mean Rg over chains and frames; the standard error from the chain-to-chain spread (chains are the
    independent samples: their shapes barely change on MD time scales)."""
    per_chain = series.rg.mean(axis=0)
    stderr = float(per_chain.std(ddof=1) / np.sqrt(len(per_chain))) if len(per_chain) > 1 else 0.0
    return Estimate(float(per_chain.mean()), stderr, "A")


def _chain_msd(series: SampledSeries) -> tuple[np.ndarray, np.ndarray]:
    """Centre-of-mass MSD of each chain (chains × lags, m²) at each lag (s), averaged over time origins, with the
    cell's own drift removed; the estimator takes its standard error from the spread between chains."""
    com = series.com - series.com.mean(axis=1, keepdims=True)
    lags = np.arange(1, len(com))
    msd = np.array([np.mean(np.sum((com[lag:] - com[:-lag]) ** 2, axis=2), axis=0) for lag in lags]).T
    dt_s = (series.com_times_fs[1] - series.com_times_fs[0]) * 1e-15
    return lags * dt_s, msd * 1e-20


def _nemd(directory: RunDirectory, preset: dict[str, Any]) -> Estimate:
    state = directory.stage("nemd")
    extra = state["extra"]
    end_fs = {int(k): v for k, v in extra["chunk_end_fs"].items()}
    total_fs = max(end_fs.values())
    steady_from = (1.0 - preset["nemd"]["steady_fraction"]) * total_fs
    chunks = sorted(k for k, end in end_fs.items() if end - _chunk_length(end_fs, k) >= steady_from - 1e-6)
    energy = sum(extra["exchanged_kcal"][str(k)] for k in chunks) * KCAL_PER_MOL
    duration = sum(_chunk_length(end_fs, k) for k in chunks) * 1e-15
    steps, blocks = read_blocks(directory.path / "nemd", "profile")
    dt = preset["engine"]["timestep_fs"]
    keep = steps * dt >= steady_from
    lx, ly, lz = extra["box"]
    centres = blocks[0, :, 0] * lz * 1e-10
    return thermal.muller_plathe(centres, blocks[keep, :, 2], energy, duration, lx * ly * 1e-20)


def _green_kubo(directory: RunDirectory, preset: dict[str, Any], volume_m3: float) -> Estimate:
    steps, flux = read_scalars(directory.path / "green_kubo", "flux")
    dt_s = float(steps[1] - steps[0]) * preset["engine"]["timestep_fs"] * 1e-15
    flux_w_m2 = flux * FLUX_TO_W_M2 / (volume_m3 * 1e30)  # kcal/mol·Å/fs per Å³ → W/m²
    return thermal.green_kubo(flux_w_m2, dt_s, volume_m3, preset["conditions"]["temperature"])


def _chunk_length(end_fs: dict[int, float], chunk: int) -> float:
    return end_fs[chunk] - end_fs.get(chunk - 1, 0.0)


def _compute(name: str, function, results: dict[str, Any], *args, **kwargs) -> Estimate | None:
    """Run one estimator; on failure record the reason under ``name`` instead of a number."""
    try:
        estimate = function(*args, **kwargs)
    except Exception as error:  # any estimator failure becomes a recorded reason, never a silent NaN
        results[name] = {"value": None, "stderr": None, "error": f"{type(error).__name__}: {error}"}
        return None
    results[name] = estimate.as_dict()
    return estimate


def assemble_result(directory: RunDirectory, unit: RepeatUnit, chosen: list[str], verdict: dict[str, Any]
                    ) -> dict[str, Any]:
    """The result record from everything the run directory holds (module docstring)."""
    request = directory.request()
    preset = request["preset"]
    temperature = preset["conditions"]["temperature"]
    series = sampled_series(directory, preset)
    mass_kg = series.total_mass / AVOGADRO / 1000.0
    volume = series.columns["vol"] * 1e-30
    # H = E + P_set V: the set (not the instantaneous virial) pressure, as the NPT fluctuation formulas require
    pressure = preset["conditions"]["pressure"]
    enthalpy = (series.columns["etotal"] + pressure * series.columns["vol"] * ATM_A3) * KCAL_PER_MOL
    dipole = np.stack([series.columns[f"mu_{a}"] for a in "xyz"], axis=1) * ELEMENTARY_CHARGE * 1e-10
    correction = directory.stage("harmonic").get("cp_correction_J_gK")
    alpha = directory.stage("qm").get("polarizability_A3")
    out: dict[str, Any] = {}

    rho = _compute("density", fluctuation.density, out, mass_kg, volume)
    rg = _compute("radius_of_gyration", _radius_of_gyration, out, series)
    _compute("cp_classical", fluctuation.cp_classical, out, enthalpy, temperature, mass_kg)
    if correction is not None:
        cp = _compute("cp", fluctuation.cp_corrected, out, enthalpy, temperature, mass_kg, correction)
        _compute("cv", fluctuation.cv_from_cp, out, volume, enthalpy, temperature, mass_kg, correction)
        _compute("isentropic_compressibility", fluctuation.isentropic_compressibility, out, volume, enthalpy,
                 temperature, mass_kg, correction)
        _compute("isentropic_bulk_modulus", fluctuation.isentropic_bulk_modulus, out, volume, enthalpy,
                 temperature, mass_kg, correction)
    else:
        cp = None
    _compute("isothermal_compressibility", fluctuation.isothermal_compressibility, out, volume, temperature)
    _compute("bulk_modulus", fluctuation.bulk_modulus, out, volume, temperature)
    _compute("volumetric_expansion", fluctuation.volumetric_expansion, out, volume, enthalpy, temperature)
    _compute("linear_expansion", fluctuation.linear_expansion, out, volume, enthalpy, temperature)
    _compute("self_diffusion", transport.self_diffusion, out, *_chain_msd(series),
             molecular_length_m=rg.value * 1e-10 if rg is not None else None)
    n = None
    if alpha is not None and rho is not None:
        n = _compute("refractive_index", optical.refractive_index, out, alpha, rho, unit.molecular_weight)
    orientational = _compute("dielectric_orientational", dielectric.orientational_dielectric, out, dipole, volume,
                             temperature)
    if n is not None and orientational is not None:
        _compute("dielectric_constant", dielectric.static_dielectric_constant, out, orientational, n)
    kappa = None
    if directory.finished("nemd"):
        kappa = _compute("thermal_conductivity", _nemd, out, directory, preset)
    elif directory.finished("green_kubo"):
        kappa = _compute("thermal_conductivity", _green_kubo, out, directory, preset, float(np.mean(volume)))
    if kappa is not None and cp is not None and rho is not None:
        _compute("thermal_diffusivity", thermal.thermal_diffusivity, out, kappa, rho, cp)
    for name, stage in (("refractive_index", "qm"), ("cp", "harmonic")):
        if name not in out and directory.stage(stage).get("error"):
            out[name] = {"value": None, "stderr": None, "error": directory.stage(stage)["error"]}
    extras = ("cp_classical", "dielectric_orientational")
    properties = {k: v for k, v in out.items() if k in chosen or k in extras}
    for name in chosen:
        properties.setdefault(name, {"value": None, "stderr": None, "error": "not computed: a stage it needs "
                                     "was skipped or failed (see stages)"})
    stage_names = ["build", "minimize", "anneal", "sample"] + sorted(
        p.name for p in directory.path.glob("sample_ext*")) + ["nemd", "green_kubo", "qm", "harmonic"]
    state = directory.state()["stages"]
    cost = {name: int(state[name].get("atom_steps", 0)) for name in stage_names if name in state}
    build = state["build"]
    return {
        "smiles": request["smiles"], "canonical_smiles": request["canonical_smiles"],
        "preset": request["preset_name"], "properties": properties,
        "converged": bool(verdict["stationary"]), "atom_steps": int(sum(cost.values())),
        "wall_s": round(wall_seconds(directory), 1),
        "convergence": verdict,
        "cost": {"atom_steps_per_stage": cost, "wall_s_per_stage": stage_wall_seconds(directory),
                 "faults": {name: state[name]["faults"] for name in state if state[name].get("faults")}},
        "system": {k: build[k] for k in ("atoms", "chains", "degree_of_polymerization", "build_density")},
        "provenance": {"versions": request["versions"], "preset": preset, "overrides": request["overrides"],
                       "seed": preset["system"]["seed"], "forcefield": build["provenance"].get("forcefield"),
                       "charges": build["provenance"].get("charges"),
                       "fallbacks": build["provenance"].get("fallbacks", []),
                       "qm": {k: v for k, v in state.get("qm", {}).items() if k not in ("finished", "atom_steps")},
                       "harmonic": {k: v for k, v in state.get("harmonic", {}).items()
                                    if k not in ("finished", "atom_steps")}},
    }
