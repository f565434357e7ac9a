"""Refractive index from the electronic polarisability of the repeat unit (Lorentz–Lorenz).

For a medium of ``N`` polarisable units per volume, each of isotropic mean polarisability ``α'`` (volume units,
``α' = α / (4π ε0)``), the Lorentz–Lorenz (Clausius–Mossotti) relation is

    (n² − 1) / (n² + 2) = (4π/3) N α'.

The polarisability of a repeat unit *in a chain* is taken as the increment between two H-capped oligomers,
``α_unit = (α_long − α_short) / (copies_long − copies_short)``: the caps and chain-end effects cancel in the
difference. The QM level is a choice of cost against accuracy. The default here is HF/6-31+G* with Cartesian d
shells: static CPHF with density fitting, :meth:`~polyloop.simulate.charges.qm.PySCFBackend.polarizability`. It
gives about 94 % of the Hartree–Fock-limit polarisability for benzene, and the PMMA dimer (14 heavy atoms) takes
about 5 CPU-minutes; the cost grows roughly as the cube of the size, so a 30-heavy-atom oligomer takes about
half an hour on 2 cores. A static HF value omits electron correlation and the dispersion to optical frequencies.
For saturated hydrocarbons and PMMA the increment comes out about 15 % below experiment, which puts n about 0.07
low. ``PySCFBackend(method="B3LYP")`` recovers part of that at about 5× the cost. The stderr returned carries only
the density's error; the systematic error of the QM level is not in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rdkit import Chem
from scipy.constants import N_A

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.properties.estimate import Estimate, PropertyError

__all__ = ["isotropic", "lorentz_lorenz", "refractive_index", "repeat_unit_polarizability", "unit_polarizability"]

FOUR_PI_OVER_3 = 4.0 * math.pi / 3.0


def _value_error(x: float | Estimate, name: str) -> tuple[float, float]:
    value, error = (x.value, x.stderr) if isinstance(x, Estimate) else (float(x), 0.0)
    if not math.isfinite(value) or value <= 0:
        raise PropertyError(f"{name} must be positive, got {value!r}")
    return value, error


def isotropic(alpha) -> float:
    """Mean polarisability ``tr(α)/3`` of a 3×3 tensor, or the number itself."""
    a = np.asarray(alpha, dtype=float)
    if a.shape == (3, 3):
        return float(np.trace(a) / 3.0)
    if a.shape == ():
        return float(a)
    raise PropertyError(f"a polarisability is a number or a 3×3 tensor, got shape {a.shape}")


def lorentz_lorenz(polarizability_A3: float | Estimate, number_density_per_A3: float | Estimate) -> Estimate:
    """Refractive index ``n = √((1 + 2A)/(1 − A))`` with ``A = (4π/3) N α'`` (α' in Å³, N per Å³).

    Errors of α' and N (if given as :class:`Estimate`) propagate as ``σ_A/A = √((σ_α/α)² + (σ_N/N)²)`` and
    ``dn/dA = 3 / (2 n (1 − A)²)``. ``A ≥ 1`` (the polarisation catastrophe) raises :class:`PropertyError`.
    """
    alpha, alpha_se = _value_error(polarizability_A3, "polarizability_A3")
    number, number_se = _value_error(number_density_per_A3, "number_density_per_A3")
    a = FOUR_PI_OVER_3 * number * alpha
    if a >= 1.0:
        raise PropertyError(f"(4π/3) N α = {a:.3f} ≥ 1: no refractive index (polarisation catastrophe); "
                            f"check the units (α in Å³, N per Å³)")
    n = math.sqrt((1.0 + 2.0 * a) / (1.0 - a))
    a_se = a * math.hypot(alpha_se / alpha, number_se / number)
    return Estimate(n, 3.0 / (2.0 * n * (1.0 - a) ** 2) * a_se, "1")


def refractive_index(unit_polarizability_A3: float | Estimate, density_g_cm3: float | Estimate,
                     unit_mass_g_mol: float) -> Estimate:
    """Lorentz–Lorenz refractive index of a polymer: ``N = ρ N_A / M_unit`` repeat units per volume
    (``1 cm³ = 10²⁴ Å³``) each of polarisability ``unit_polarizability_A3``."""
    rho, rho_se = _value_error(density_g_cm3, "density_g_cm3")
    mass, _ = _value_error(unit_mass_g_mol, "unit_mass_g_mol")
    number = Estimate(rho * N_A / mass * 1e-24, rho_se * N_A / mass * 1e-24, "1/A^3")
    return lorentz_lorenz(unit_polarizability_A3, number)


def unit_polarizability(alpha_long, alpha_short, copies_long: int, copies_short: int) -> float:
    """Cap-corrected polarisability of one repeat unit (Å³): ``(ᾱ_long − ᾱ_short)/(copies_long − copies_short)``
    with ``ᾱ`` the isotropic means of two capped oligomers (tensors or numbers)."""
    if copies_long <= copies_short:
        raise PropertyError(f"copies_long ({copies_long}) must exceed copies_short ({copies_short})")
    value = (isotropic(alpha_long) - isotropic(alpha_short)) / (copies_long - copies_short)
    if value <= 0:
        raise PropertyError(f"the polarisability increment per unit is {value:.4g} Å³, not positive")
    return value


def oligomer_polarizability(unit: RepeatUnit, copies: int, backend, cap: str = "H", seed: int = 0) -> float:
    """Isotropic polarisability (Å³) of the ``cap``-capped ``copies``-mer of ``unit`` (conformer from
    :func:`~polyloop.simulate.build.conformer.capped_oligomer` under ``seed``) by ``backend``."""
    mol = capped_oligomer(unit, copies, cap=cap, seed=seed)
    elements = [atom.GetSymbol() for atom in mol.GetAtoms()]
    return isotropic(backend.polarizability(elements, mol.GetConformer().GetPositions(),
                                            Chem.GetFormalCharge(mol), 1))


def repeat_unit_polarizability(unit: RepeatUnit, backend=None, copies: Sequence[int] = (1, 2), cap: str = "H",
                               seed: int = 0) -> float:
    """Polarisability of one repeat unit in a chain (Å³) from QM on two H-capped oligomers.

    ``backend`` has a ``polarizability(elements, positions_A, charge, multiplicity)`` method
    (default ``PySCFBackend("6-31+g*")``, HF, Cartesian d). Oligomers come from
    :func:`~polyloop.simulate.build.conformer.capped_oligomer` (ETKDG + MMFF94 under ``seed``);
    ``copies`` gives their lengths (module docstring for the cost: the longer one dominates it).
    """
    if backend is None:
        from polyloop.simulate.charges.qm import PySCFBackend

        backend = PySCFBackend("6-31+g*")
    short, long = sorted(copies)
    alphas = [oligomer_polarizability(unit, n, backend, cap, seed) for n in (short, long)]
    return unit_polarizability(alphas[1], alphas[0], long, short)
