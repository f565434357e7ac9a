"""OpenMM as an independent second engine: single-point energy components of a :class:`System` in vacuum.

Conversions from the System's AMBER/LAMMPS ``real`` conventions (see :mod:`polyloop.simulate.system`):
OpenMM's harmonic terms carry a factor 1/2, so ``k_openmm = 2 k``; 1 kcal = 4.184 kJ; 1 Å = 0.1 nm. The cvff
improper ``K [1 + d cos(nφ)]`` is a periodic torsion with phase 0 (d = +1) or π (d = -1). Exclusions: 1-2 and 1-3
pairs excluded, 1-4 pairs scaled by the System's factors, Lorentz–Berthelot combination for LJ (as LAMMPS'
``pair_modify mix arithmetic``).
"""

from __future__ import annotations

import math

from polyloop.simulate.errors import EngineError
from polyloop.simulate.system import EnergyTerms, System

__all__ = ["single_point"]

KJ_PER_KCAL = 4.184
GROUPS = {"bond": 0, "angle": 1, "dihedral": 2, "improper": 3, "vdw": 4, "coulomb": 5}


def _nonbonded(mm, system: System, bonds: list[tuple[int, int]], part: str):
    """A NoCutoff NonbondedForce carrying only the LJ (``part="vdw"``) or only the Coulomb part."""
    force = mm.NonbondedForce()
    force.setNonbondedMethod(mm.NonbondedForce.NoCutoff)
    for atom_type, charge in zip(system.types, system.charges):
        epsilon, sigma = system.lj[atom_type]
        if part == "vdw":
            force.addParticle(0.0, sigma / 10.0, epsilon * KJ_PER_KCAL)
        else:
            force.addParticle(float(charge), 1.0, 0.0)
    force.createExceptionsFromBonds(bonds, system.coulomb14_scale, system.lj14_scale)
    force.setForceGroup(GROUPS[part])
    return force


def single_point(system: System) -> EnergyTerms:
    """Potential-energy components (kcal/mol) of ``system`` in vacuum with no cutoff, computed by OpenMM."""
    try:
        import openmm as mm
        from openmm import unit
    except ImportError as error:
        raise EngineError(f"OpenMM is not installed ({error}); install it with: pip install openmm") from None
    if system.positions is None:
        raise EngineError("the system has no coordinates")
    omm = mm.System()
    for mass in system.masses:
        omm.addParticle(float(mass))
    bond_force = mm.HarmonicBondForce()
    for (i, j), (k, r0) in zip(system.bonds, system.bond_params):
        bond_force.addBond(int(i), int(j), r0 / 10.0, 2.0 * k * KJ_PER_KCAL * 100.0)
    angle_force = mm.HarmonicAngleForce()
    for (i, j, k_), (k, theta0) in zip(system.angles, system.angle_params):
        angle_force.addAngle(int(i), int(j), int(k_), math.radians(theta0), 2.0 * k * KJ_PER_KCAL)
    dihedral_force = mm.PeriodicTorsionForce()
    for atoms, terms in zip(system.dihedrals, system.dihedral_terms):
        for k, n, phase in terms:
            dihedral_force.addTorsion(*map(int, atoms), int(n), math.radians(phase), k * KJ_PER_KCAL)
    improper_force = mm.PeriodicTorsionForce()
    for atoms, (k, d, n) in zip(system.impropers, system.improper_params):
        improper_force.addTorsion(*map(int, atoms), int(n), 0.0 if d > 0 else math.pi, k * KJ_PER_KCAL)
    bonds = [(int(i), int(j)) for i, j in system.bonds]
    for force, group in [(bond_force, "bond"), (angle_force, "angle"), (dihedral_force, "dihedral"),
                         (improper_force, "improper")]:
        force.setForceGroup(GROUPS[group])
        omm.addForce(force)
    omm.addForce(_nonbonded(mm, system, bonds, "vdw"))
    omm.addForce(_nonbonded(mm, system, bonds, "coulomb"))
    context = mm.Context(omm, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName("Reference"))
    context.setPositions([mm.Vec3(*map(float, p)) * 0.1 for p in system.positions] * unit.nanometer)
    energies = {}
    for name, group in GROUPS.items():
        state = context.getState(getEnergy=True, groups={group})
        energies[name] = state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole) / KJ_PER_KCAL
    return EnergyTerms(**energies)
