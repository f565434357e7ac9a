"""Stages on the repeat unit rather than the cell: its QM polarisability (refractive index, electronic dielectric
constant) and its harmonic frequencies (quantum correction of the classical heat capacity).

Both use H-capped oligomers of two lengths and take the difference, so the caps cancel and the result is per repeat
unit of an infinite chain. Both record their numbers in the stage state, so they never run twice.
"""

from __future__ import annotations

from typing import Any

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.errors import SimulateError
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.parameterize import parameterize
from polyloop.simulate.properties.optical import repeat_unit_polarizability
from polyloop.simulate.properties.quantum import harmonic_frequencies, quantum_heat_capacity_correction
from polyloop.simulate.protocol.rundir import RunDirectory

__all__ = ["harmonic_stage", "qm_stage"]

AVOGADRO = 6.02214076e23


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
        alpha = repeat_unit_polarizability(unit, backend=_backend(preset), oligomers=tuple(spec["oligomers"]))
        fields = {"polarizability_A3": float(alpha), "basis": spec["basis"], "method": spec["method"],
                  "backend": spec["backend"], "oligomers": spec["oligomers"]}
    except Exception as error:  # QM failure: recorded with its reason, the MD properties stand
        fields = {"error": f"{type(error).__name__}: {error}"}
        run.log("fault", stage="qm", reason=fields["error"])
    run.log("stage_finished", stage="qm")
    return run.update_stage("qm", finished=True, atom_steps=0, **fields)


def harmonic_stage(run: RunDirectory, unit: RepeatUnit, preset: dict[str, Any]) -> dict[str, Any]:
    """Quantum correction of the heat capacity per gram, J/(g·K), from force-field harmonic frequencies of two
    H-capped oligomers (``harmonic.oligomers``): ``ΔC_unit = (ΔC(n) − ΔC(m)) / (n − m)``."""
    stage = run.stage("harmonic")
    if stage.get("finished"):
        return stage
    run.log("stage_started", stage="harmonic")
    forcefield = ForceField.load(preset["system"]["forcefield"])
    temperature = preset["conditions"]["temperature"]
    lengths = sorted(preset["harmonic"]["oligomers"])
    corrections = {}
    try:
        for copies in lengths:
            mol = capped_oligomer(unit, copies, cap="H", seed=preset["system"]["seed"])
            system = parameterize(mol, forcefield, charges=preset["system"]["charges"]
                                  if preset["system"]["charges"] != "resp" else "gasteiger")
            frequencies = harmonic_frequencies(system)
            corrections[copies] = float(quantum_heat_capacity_correction(frequencies, temperature))
        short, long_ = lengths[0], lengths[-1]
        per_unit = (corrections[long_] - corrections[short]) / (long_ - short)  # J/K per unit
        per_gram = per_unit * AVOGADRO / unit.molecular_weight
        fields = {"cp_correction_J_gK": per_gram, "per_oligomer_J_K": {str(k): v for k, v in corrections.items()},
                  "temperature": temperature}
    except Exception as error:
        fields = {"error": f"{type(error).__name__}: {error}"}
        run.log("fault", stage="harmonic", reason=fields["error"])
    run.log("stage_finished", stage="harmonic")
    return run.update_stage("harmonic", finished=True, atom_steps=0, **fields)
