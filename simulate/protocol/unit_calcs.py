"""Stages on the repeat unit rather than the cell: its QM polarisability (refractive index, electronic dielectric
constant) and its harmonic frequencies (quantum correction of the classical heat capacity).

Both work on H-capped oligomers and remove the caps. With two lengths (``[1, 2]``) the difference of the two is per
repeat unit of an infinite chain, exactly. With one length (``qm.oligomers = [1]``, the quick preset: the QM cost
grows as the cube of the size, and a dimer of a 10-heavy-atom unit takes many CPU minutes), the two H caps are
subtracted with the cap polarisability of the same level of theory, from methane and ethane:
``α(CH4) = a + 2c`` and ``α(C2H6) = 2a + 2c`` give ``c = (2 α(CH4) − α(C2H6)) / 2``. Both stages record their
numbers in the stage state, so they never run twice.
"""

from __future__ import annotations

from typing import Any

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.errors import SimulateError
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.properties.optical import oligomer_polarizability, repeat_unit_polarizability
from polyloop.simulate.properties.quantum import repeat_unit_cp_correction
from polyloop.simulate.protocol.rundir import RunDirectory

__all__ = ["cap_corrected_polarizability", "harmonic_stage", "qm_stage"]


def _backend(preset: dict[str, Any]):
    spec = preset["qm"]
    if spec["backend"] == "pyscf":
        from polyloop.simulate.charges.qm import PySCFBackend

        return PySCFBackend(basis=spec["basis"], method=spec["method"])
    if spec["backend"] == "psi4":
        from polyloop.simulate.charges.psi4 import Psi4Backend

        return Psi4Backend(basis=spec["basis"], method=spec["method"])
    raise SimulateError(f"qm.backend must be pyscf or psi4, got {spec['backend']!r}")


def cap_corrected_polarizability(unit: RepeatUnit, backend, seed: int = 0) -> tuple[float, float]:
    """Polarisability per repeat unit (Å³) from the H-capped monomer alone, minus two H caps whose polarisability
    comes from methane and ethane at the same level (module docstring); returns (unit, one cap)."""
    methane = RepeatUnit.from_smiles("*C*")
    cap = (2.0 * oligomer_polarizability(methane, 1, backend, seed=seed)
           - oligomer_polarizability(methane, 2, backend, seed=seed)) / 2.0
    return oligomer_polarizability(unit, 1, backend, seed=seed) - 2.0 * cap, cap


def qm_stage(run: RunDirectory, unit: RepeatUnit, preset: dict[str, Any]) -> dict[str, Any]:
    """Static polarisability per repeat unit (Å³) from QM on H-capped oligomers; failures are recorded, not
    fatal (the refractive index is then missing, with the reason in the result)."""
    stage = run.stage("qm")
    if stage.get("finished"):
        return stage
    spec = preset["qm"]
    run.log("stage_started", stage="qm")
    seed = preset["system"]["seed"]
    try:
        fields = {"basis": spec["basis"], "method": spec["method"], "backend": spec["backend"],
                  "oligomers": spec["oligomers"]}
        if len(spec["oligomers"]) == 1:
            alpha, cap = cap_corrected_polarizability(unit, _backend(preset), seed)
            fields.update(cap_polarizability_A3=float(cap), cap_correction="methane/ethane")
        else:
            alpha = repeat_unit_polarizability(unit, backend=_backend(preset), copies=tuple(spec["oligomers"]),
                                               seed=seed)
        fields["polarizability_A3"] = float(alpha)
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
