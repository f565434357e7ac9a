"""The parameterised :class:`System`: what ``parameterize`` produces and every MD engine consumes.

Units follow AMBER/LAMMPS ``real``: Å, degrees, kcal/mol, elementary charges, g/mol. Energy conventions:

* bond  ``E = k (r - r0)^2`` (no 1/2), angle ``E = k (θ - θ0)^2`` with k per rad²;
* proper dihedral ``E = Σ_m K_m [1 + cos(n_m φ - δ_m)]`` with ``K_m = pk / idivf`` (LAMMPS ``dihedral_style fourier``);
* improper ``E = K [1 + d cos(n φ)]`` with ``d = ±1`` (LAMMPS ``improper_style cvff``; AMBER phase 180° ↔ d = -1);
* Lennard-Jones 12-6 ``4ε[(σ/r)^12 - (σ/r)^6]`` per atom type, Lorentz–Berthelot mixing;
* 1-2 and 1-3 pairs excluded, 1-4 pairs scaled by ``lj14_scale`` (0.5) and ``coulomb14_scale`` (1/1.2), as AMBER.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["DihedralTerms", "EnergyTerms", "System"]

DihedralTerms = tuple[tuple[float, int, float], ...]
"""Terms of one proper dihedral: ``(K kcal/mol, periodicity n, phase δ degrees)`` each."""


@dataclass
class System:
    """A parameterised molecular system (one molecule or many), ready for an MD engine.

    Array shapes: ``n`` atoms; ``bonds (nb, 2)`` with ``bond_params (nb, 2) = [k, r0]``; ``angles (na, 3)`` with
    ``angle_params (na, 2) = [k, θ0 degrees]``; ``dihedrals (nd, 4)`` with ``dihedral_terms`` (one
    :data:`DihedralTerms` per row); ``impropers (ni, 4)`` (centre third) with ``improper_params (ni, 3) = [K, d, n]``.
    ``molecule`` gives each atom's molecule (chain) index. ``provenance`` records the force field, the charge method,
    and every generic or fallback parameter used.
    """

    elements: tuple[str, ...]
    types: tuple[str, ...]
    charges: np.ndarray
    masses: np.ndarray
    lj: dict[str, tuple[float, float]]  # type -> (epsilon kcal/mol, sigma Å)
    bonds: np.ndarray
    bond_params: np.ndarray
    angles: np.ndarray
    angle_params: np.ndarray
    dihedrals: np.ndarray
    dihedral_terms: list[DihedralTerms]
    impropers: np.ndarray
    improper_params: np.ndarray
    positions: np.ndarray | None = None  # (n, 3) Å
    molecule: np.ndarray | None = None  # (n,) int
    box: np.ndarray | None = None  # (3,) Å, orthorhombic periodic box; None for a molecule in vacuum
    provenance: dict = field(default_factory=dict)
    lj14_scale: float = 0.5
    coulomb14_scale: float = 1.0 / 1.2

    @property
    def n_atoms(self) -> int:
        """Number of atoms."""
        return len(self.types)

    @property
    def total_charge(self) -> float:
        """Sum of the partial charges (e)."""
        return float(np.sum(self.charges))

    @property
    def total_mass(self) -> float:
        """Sum of the atomic masses (g/mol)."""
        return float(np.sum(self.masses))


@dataclass(frozen=True)
class EnergyTerms:
    """Potential-energy components of one configuration, kcal/mol."""

    bond: float
    angle: float
    dihedral: float
    improper: float
    vdw: float
    coulomb: float

    @property
    def total(self) -> float:
        """Sum of all components."""
        return self.bond + self.angle + self.dihedral + self.improper + self.vdw + self.coulomb

    def as_dict(self) -> dict[str, float]:
        """The components and the total, keyed ``bond, angle, dihedral, improper, vdw, coulomb, total``."""
        return {"bond": self.bond, "angle": self.angle, "dihedral": self.dihedral, "improper": self.improper,
                "vdw": self.vdw, "coulomb": self.coulomb, "total": self.total}
