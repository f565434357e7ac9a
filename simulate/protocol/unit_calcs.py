"""Stages on the repeat unit rather than the cell: its QM polarisability (refractive index, electronic dielectric
constant) and its harmonic frequencies (quantum correction of the classical heat capacity).

Both use H-capped oligomers of two lengths and take the difference, so the caps cancel and the result is per repeat
unit of an infinite chain. Both record their numbers in the stage state, so they never run twice.
"""

from __future__ import annotations

from typing import Any

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.errors import SimulateError
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.properties.optical import repeat_unit_polarizability
from polyloop.simulate.properties.quantum import repeat_unit_cp_correction
from polyloop.simulate.protocol.rundir import RunDirectory

__all__ = ["harmonic_stage", "qm_stage"]


def _backend(preset: dict[str, Any]):
    spec = preset["qm"]
    if spec["backend"] == "pyscf":
        from polyloop.simulate.charges.qm import PySCFBackend

        return PySCFBackend(basis=spec["basis"], method=spec["method"])
    if spec["backend"] == "psi4":
        from polyloop.simulate.charges.psi4 import Psi4Backend

        return Psi4Backend(basis=spec["basis"], method=spec["method"])
    raise SimulateError(f"qm.backend must be pyscf or psi4, got {spec['backend']!r}")


def qm_stage(run: RunDirectory, unit: RepeatUnit, preset: dict[str, Any]) -> dict[str, Any]:
    """Static polarisability per repeat unit (Å³) from QM on H-capped oligomers; failures are recorded, not
    fatal (the refractive index is then missing, with the reason in the result)."""
    stage = run.stage("qm")
    if stage.get("finished"):
        return stage
    spec = preset["qm"]
    run.log("stage_started", stage="qm")
    try:
        alpha = repeat_unit_polarizability(unit, backend=_backend(preset), copies=tuple(spec["oligomers"]),
                                           seed=preset["system"]["seed"])
        fields = {"polarizability_A3": float(alpha), "basis": spec["basis"], "method": spec["method"],
                  "backend": spec["backend"], "oligomers": spec["oligomers"]}
    except Exception as error:  # QM failure: recorded with its reason, the MD properties stand
        fields = {"error": f"{type(error).__name__}: {error}"}
        run.log("fault", stage="qm", reason=fields["error"])
    run.log("stage_finished", stage="qm")
    return run.update_stage("qm", finished=True, atom_steps=0, **fields)


def harmonic_stage(run: RunDirectory, unit: RepeatUnit, preset: dict[str, Any]) -> dict[str, Any]:
    """Quantum correction of the heat capacity per gram, J/(g·K), from force-field harmonic frequencies of two
    H-capped oligomers (``harmonic.oligomers``), by
    :func:`~polyloop.simulate.properties.quantum.repeat_unit_cp_correction`. The oligomers carry Gasteiger charges
    whatever the cell's (the frequencies hardly depend on them, and no QM is spent on it)."""
    stage = run.stage("harmonic")
    if stage.get("finished"):
        return stage
    run.log("stage_started", stage="harmonic")
    temperature = preset["conditions"]["temperature"]
    try:
        correction = repeat_unit_cp_correction(
            unit, temperature, copies=tuple(preset["harmonic"]["oligomers"]),
            forcefield=ForceField.load(preset["system"]["forcefield"]), charges="gasteiger",
            seed=preset["system"]["seed"])
        fields = {"cp_correction_J_gK": float(correction), "temperature": temperature,
                  "oligomers": preset["harmonic"]["oligomers"]}
    except Exception as error:  # recorded with its reason; cp then carries the reason instead of a value
        fields = {"error": f"{type(error).__name__}: {error}"}
        run.log("fault", stage="harmonic", reason=fields["error"])
    run.log("stage_finished", stage="harmonic")
    return run.update_stage("harmonic", finished=True, atom_steps=0, **fields)
