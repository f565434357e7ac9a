"""Quantum correction of the classical heat capacity from harmonic frequencies of the force field.

Classical MD gives every vibrational mode ``k_B`` of heat capacity, while a quantum harmonic oscillator of
frequency ν gives the Einstein value

    C_E(x) = k_B x² eˣ / (eˣ − 1)²,   x = h c ν̃ / (k_B T),

which vanishes for the stiff modes (C–H stretches at 3000 cm⁻¹ have x ≈ 14 at 300 K). Replacing one by the other
for each normal mode of the force field (Berens et al., J. Chem. Phys. 79, 2375 (1983), harmonic level) gives

    ΔC = Σ_i [C_E(x_i) − k_B]   (J/K per molecule, always ≤ 0),

to be added to the classical ``C_p`` (and ``C_v``). Anharmonic and torsional contributions stay classical: the
correction concerns only how much each harmonic mode is frozen.

Normal modes come from the force field itself: the Hessian by central finite differences of LAMMPS forces on a
minimised capped oligomer in vacuum (no cutoff), mass-weighted, with the 6 rigid-body motions projected out.
Modes with imaginary frequency (reported negative) or below 1 cm⁻¹ are left classical (zero correction).

**Per repeat unit** (:func:`repeat_unit_cp_correction`): the correction of two H-capped oligomers of different
length is differenced, ``(ΔC_long − ΔC_short)/(copies_long − copies_short)``, so the caps and chain ends cancel,
and divided by the unit's molar mass: J/(g·K).

**Constrained bonds**: if the MD constrains bonds (e.g. SHAKE on every X–H bond), the classical ``C_p`` has no
``k_B`` for those stretches to remove. The ``constrained_modes`` highest-frequency modes (the X–H stretches, all
above 2800 cm⁻¹ in GAFF2, the stiffest motions of an organic molecule) are then corrected by ``+C_E`` instead of
``C_E − k_B`` (their quantum heat capacity, essentially 0 at room temperature).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.constants import N_A, c, h
from scipy.constants import k as KB

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.engines.lammps import FORCE_FIELD_STYLES, open_lammps
from polyloop.simulate.engines.lammps_data import write_data_file
from polyloop.simulate.errors import EngineError
from polyloop.simulate.properties.estimate import PropertyError
from polyloop.simulate.system import System

__all__ = ["einstein_heat_capacity", "harmonic_frequencies", "hessian", "quantum_heat_capacity_correction",
           "repeat_unit_cp_correction"]

KCAL_MOL_A2_PER_G_MOL = 4184.0 * 1e20 * 1e3  # (kcal/mol/Å²)/(g/mol) -> 1/s²
HC_OVER_K = h * c * 100.0 / KB  # K per cm⁻¹ (1.4388 cm K)


def hessian(system: System, positions: np.ndarray | None = None, minimize: bool = True,
            step_A: float = 0.005) -> tuple[np.ndarray, np.ndarray]:
    """Cartesian Hessian (kcal/mol/Å², ``(3N, 3N)``) of a molecule in vacuum and the geometry it is taken at.

    LAMMPS in-process, every pair included (non-periodic box, cutoff longer than the molecule). With
    ``minimize`` the geometry is first relaxed (conjugate gradients to a force norm of 1e-8 kcal/mol/Å), so
    that the Hessian is taken at a minimum. Columns are ``−(F(x + δ e_k) − F(x − δ e_k)) / 2δ``, symmetrised.
    """
    xyz = np.asarray(system.positions if positions is None else positions, dtype=float)
    if xyz.shape != (system.n_atoms, 3):
        raise PropertyError(f"positions must be ({system.n_atoms}, 3) Å, got {xyz.shape}")
    cutoff = float(np.ptp(xyz, axis=0).max()) + 50.0
    instance = open_lammps()
    try:
        with tempfile.TemporaryDirectory() as folder:
            molecule = System(**{**system.__dict__, "positions": xyz, "box": None})
            data = write_data_file(molecule, Path(folder) / "molecule.data")
            instance.commands_list(FORCE_FIELD_STYLES + [
                "boundary f f f", f"pair_style lj/cut/coul/cut {cutoff:.1f}", "pair_modify mix arithmetic",
                f"read_data {data}", "neighbor 2.0 nsq", "neigh_modify every 1 delay 0 check yes",
                "thermo_modify lost error", "run 0 post no"])
        if minimize:
            instance.commands_list(["min_style cg", "minimize 0.0 1.0e-8 50000 500000"])
        n3 = 3 * system.n_atoms
        x0 = np.ctypeslib.as_array(instance.gather_atoms("x", 1, 3)).copy()
        result = np.empty((n3, n3))
        for k in range(n3):
            forces = []
            for sign in (1.0, -1.0):
                moved = x0.copy()
                moved[k] += sign * step_A
                instance.scatter_atoms("x", 1, 3, np.ctypeslib.as_ctypes(moved))
                instance.command("run 0 post no")
                forces.append(np.ctypeslib.as_array(instance.gather_atoms("f", 1, 3)).copy())
            result[:, k] = -(forces[0] - forces[1]) / (2.0 * step_A)
    except Exception as error:
        raise EngineError(f"LAMMPS Hessian failed: {error}") from error
    finally:
        instance.close()
    return 0.5 * (result + result.T), x0.reshape(-1, 3)


def _vibrational_basis(xyz: np.ndarray, masses: np.ndarray) -> np.ndarray:
    """Orthonormal basis ``(3N, 3N − r)`` of mass-weighted displacements orthogonal to the ``r`` (6, or 5 for a
    linear molecule) translations and rotations."""
    sqrt_m = np.sqrt(np.repeat(masses, 3))
    centre = masses @ xyz / masses.sum()
    r = xyz - centre
    rigid = []
    for axis in np.eye(3):
        rigid.append(np.tile(axis, len(xyz)) * sqrt_m)
        rigid.append(np.cross(axis, r).reshape(-1) * sqrt_m)
    u, s, _ = np.linalg.svd(np.array(rigid).T, full_matrices=True)
    rank = int(np.sum(s > 1e-6 * s.max()))
    return u[:, rank:]


def harmonic_frequencies(system: System, positions: np.ndarray | None = None, minimize: bool = True) -> np.ndarray:
    """Harmonic vibrational wavenumbers (cm⁻¹, ascending, ``3N − 6`` of them) of a molecule under its force field.

    Hessian from :func:`hessian`, mass-weighted (``H_ij / √(m_i m_j)``), projected onto the vibrational subspace;
    ``ν̃ = √λ / (2π c)``. Imaginary frequencies (negative eigenvalues) are returned as negative numbers.
    """
    if system.n_atoms < 2:
        raise PropertyError("a molecule needs at least 2 atoms to vibrate")
    hess, xyz = hessian(system, positions, minimize)
    inv_sqrt_m = 1.0 / np.sqrt(np.repeat(system.masses, 3))
    weighted = hess * np.outer(inv_sqrt_m, inv_sqrt_m)
    basis = _vibrational_basis(xyz, np.asarray(system.masses, dtype=float))
    eigenvalues = np.linalg.eigvalsh(basis.T @ weighted @ basis) * KCAL_MOL_A2_PER_G_MOL
    return np.sign(eigenvalues) * np.sqrt(np.abs(eigenvalues)) / (2.0 * np.pi * c * 100.0)


def einstein_heat_capacity(frequencies_cm, temperature_K: float) -> np.ndarray:
    """``C_E = k_B x² eˣ/(eˣ − 1)²`` per mode (J/K), ``x = hcν̃/(k_B T)``; written with ``e^{−x}`` so that stiff
    modes give 0 without overflow."""
    if temperature_K <= 0:
        raise PropertyError(f"temperature_K must be positive, got {temperature_K}")
    x = HC_OVER_K * np.asarray(frequencies_cm, dtype=float) / temperature_K
    small = x < 1e-6
    x_safe = np.where(small, 1.0, x)
    value = KB * x_safe**2 * np.exp(-x_safe) / (-np.expm1(-x_safe)) ** 2
    return np.where(small, KB, value)


def quantum_heat_capacity_correction(frequencies_cm, temperature_K: float, constrained_modes: int = 0) -> float:
    """``Σ_i [C_E(x_i) − k_B]`` over the real modes (J/K per molecule); modes below 1 cm⁻¹ or imaginary add 0.
    The ``constrained_modes`` highest modes add ``+C_E`` only (module docstring)."""
    nu = np.sort(np.asarray(frequencies_cm, dtype=float))
    if not 0 <= constrained_modes <= len(nu):
        raise PropertyError(f"constrained_modes must be between 0 and {len(nu)}, got {constrained_modes}")
    real = nu >= 1.0
    correction = np.where(real, einstein_heat_capacity(np.where(real, nu, 1.0), temperature_K) - KB, 0.0)
    if constrained_modes:
        correction[len(nu) - constrained_modes:] += KB
    return float(correction.sum())


def repeat_unit_cp_correction(unit: RepeatUnit, temperature_K: float, copies: Sequence[int] = (2, 3),
                              forcefield=None, charges: str = "gasteiger", constrain_hydrogens: bool = False,
                              seed: int = 0) -> float:
    """Quantum correction of the specific heat of a polymer of ``unit`` (J/(g·K), ≤ 0): the difference of two
    H-capped oligomers, per repeat-unit mass (module docstring). ``constrain_hydrogens``: the MD constrains every
    bond to hydrogen. ``charges``: the oligomers' charge method (the frequencies hardly depend on it)."""
    from polyloop.simulate.parameterize import parameterize

    short, long = sorted(copies)
    if short == long:
        raise PropertyError(f"copies must be two different lengths, got {copies}")
    corrections, masses = [], []
    for n in (short, long):
        mol = capped_oligomer(unit, n, seed=seed)
        system = parameterize(mol, forcefield, charges=charges)
        bonds_to_h = sum(1 for i, j in system.bonds if "H" in (system.elements[i], system.elements[j]))
        nu = harmonic_frequencies(system)
        corrections.append(quantum_heat_capacity_correction(nu, temperature_K,
                                                            bonds_to_h if constrain_hydrogens else 0))
        masses.append(system.total_mass)
    per_unit = (corrections[1] - corrections[0]) / (long - short)  # J/K per unit
    unit_mass = (masses[1] - masses[0]) / (long - short)  # g/mol
    return per_unit * N_A / unit_mass
