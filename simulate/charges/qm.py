"""Quantum-chemistry back ends that answer one question: the electrostatic potential of a molecule at given points.

A back end is anything with an ``esp`` method (:class:`QMBackend`); :class:`PySCFBackend` is the in-process
implementation. The molecular ESP at a point ``r`` (atomic units, hartree per elementary charge) is

    V(r) = sum_A Z_A / |r - R_A|  -  sum_{mu nu} D_{mu nu} <mu| 1/|r - r'| |nu>,

with nuclear charges ``Z_A`` at ``R_A`` and the SCF one-particle density matrix ``D`` (both spins summed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from polyloop.simulate.errors import QMError

BOHR_PER_ANGSTROM = 1.0 / 0.529177210903
"""1 bohr = 0.529177210903 angstrom (CODATA 2018)."""


def formula(elements: Sequence[str]) -> str:
    """Hill formula (C, H first, then alphabetical), e.g. ``CH4O`` for methanol; used in error messages."""
    counts = Counter(elements)
    order = [e for e in ("C", "H") if e in counts] if "C" in counts else []
    order += sorted(e for e in counts if e not in order)
    return "".join(f"{e}{counts[e] if counts[e] > 1 else ''}" for e in order)


@runtime_checkable
class QMBackend(Protocol):
    """A quantum-chemistry back end able to evaluate a molecule's electrostatic potential."""

    def esp(
        self,
        elements: Sequence[str],
        coords_A: np.ndarray,
        charge: int,
        multiplicity: int,
        points_A: np.ndarray,
    ) -> np.ndarray:
        """ESP in atomic units (hartree/e) at ``points_A`` (angstrom, shape ``(n, 3)``); shape ``(n,)``."""
        ...


class PySCFBackend:
    """Hartree–Fock (or Kohn–Sham DFT) ESP with PySCF.

    Closed shells (multiplicity 1) use restricted HF (RHF/RKS); open shells use unrestricted HF (UHF/UKS).
    ``method="HF"`` gives Hartree–Fock; any other string is taken as a PySCF exchange–correlation functional name.

    Args:
        basis: basis-set name understood by PySCF (default 6-31G*, the RESP reference level).
        method: ``"HF"`` or a DFT functional (e.g. ``"B3LYP"``).
        cartesian: use Cartesian d shells (6D), as Gaussian and GAMESS do for Pople bases, which is how the
            published HF/6-31G* RESP charges were computed.
        max_cycle: SCF iteration limit; non-convergence raises :class:`QMError`.
        conv_tol: SCF energy convergence threshold (hartree).
        max_memory_mb: bound on the memory of one chunk of ESP integrals (``n_points * nao^2 * 8`` bytes).
    """

    def __init__(
        self,
        basis: str = "6-31g*",
        method: str = "HF",
        *,
        cartesian: bool = True,
        max_cycle: int = 100,
        conv_tol: float = 1e-9,
        max_memory_mb: float = 256.0,
    ) -> None:
        self.basis = basis
        self.method = method
        self.cartesian = cartesian
        self.max_cycle = max_cycle
        self.conv_tol = conv_tol
        self.max_memory_mb = max_memory_mb

    def density_matrix(
        self, elements: Sequence[str], coords_A: np.ndarray, charge: int, multiplicity: int
    ) -> tuple[object, np.ndarray]:
        """Run the SCF; return the PySCF ``Mole`` and the total (spin-summed) density matrix in the AO basis.

        Raises:
            QMError: if PySCF rejects the molecule or the SCF does not converge in ``max_cycle`` iterations.
        """
        from pyscf import dft, gto, scf

        name = formula(elements)
        xyz = np.asarray(coords_A, dtype=float)
        try:
            mol = gto.M(
                atom=[(e, tuple(x)) for e, x in zip(elements, xyz)],
                unit="Angstrom",
                basis=self.basis,
                charge=int(charge),
                spin=int(multiplicity) - 1,
                cart=self.cartesian,
                verbose=0,
            )
        except (RuntimeError, ValueError, KeyError) as exc:
            raise QMError(
                f"PySCF could not build {name} (charge {charge}, multiplicity {multiplicity}): {exc}"
            ) from exc
        closed = multiplicity == 1
        if self.method.upper() == "HF":
            mf = scf.RHF(mol) if closed else scf.UHF(mol)
        else:
            mf = dft.RKS(mol) if closed else dft.UKS(mol)
            mf.xc = self.method
        mf.max_cycle = self.max_cycle
        mf.conv_tol = self.conv_tol
        iterations = [0]

        def count(envs: dict) -> None:
            iterations[0] = int(envs.get("cycle", iterations[0] - 1)) + 1

        mf.callback = count
        mf.kernel()
        if not mf.converged:
            raise QMError(
                f"SCF did not converge in {iterations[0]} iterations (max_cycle={self.max_cycle}) for {name} "
                f"({self.method}/{self.basis}, charge {charge}, multiplicity {multiplicity})"
            )
        dm = np.asarray(mf.make_rdm1())
        if dm.ndim == 3:
            dm = dm[0] + dm[1]
        return mol, dm

    def esp(
        self,
        elements: Sequence[str],
        coords_A: np.ndarray,
        charge: int,
        multiplicity: int,
        points_A: np.ndarray,
    ) -> np.ndarray:
        """ESP (hartree/e) at ``points_A``: ``V = sum_A Z_A/|r-R_A| - sum D_{mu nu} <mu|1/|r-r'||nu>``.

        The electronic integrals (PySCF ``int1e_grids``) are evaluated in chunks of points so that one chunk stays
        below ``max_memory_mb``.
        """
        mol, dm = self.density_matrix(elements, coords_A, charge, multiplicity)
        pts = np.asarray(points_A, dtype=float).reshape(-1, 3) * BOHR_PER_ANGSTROM
        nao = dm.shape[0]
        chunk = max(1, int(self.max_memory_mb * 1e6 // (8 * nao * nao)))
        electronic = np.empty(len(pts))
        for start in range(0, len(pts), chunk):
            ints = mol.intor("int1e_grids", grids=pts[start : start + chunk])
            electronic[start : start + chunk] = np.einsum("gij,ij->g", ints, dm)
        r = np.linalg.norm(pts[:, None, :] - mol.atom_coords()[None, :, :], axis=2)
        v = (mol.atom_charges()[None, :] / r).sum(axis=1) - electronic
        if not np.all(np.isfinite(v)):
            raise QMError(f"non-finite ESP values for {formula(elements)} (a point may sit on a nucleus)")
        return v

    def polarizability(
        self,
        elements: Sequence[str],
        positions_A: np.ndarray,
        charge: int = 0,
        multiplicity: int = 1,
        density_fit: bool = True,
    ) -> np.ndarray:
        """Static electronic dipole polarisability tensor (Å³, shape ``(3, 3)``) by coupled-perturbed HF or KS.

        With the dipole integrals ``h_x = <μ|x|ν>`` (origin at the centre of nuclear charge) in the virtual–occupied
        MO block, the CPHF/CPKS equations ``(ε_a − ε_i) U_ai^x + [K(U^x)]_ai = −h_ai^x`` (``K`` the Coulomb,
        exchange and, for DFT, exchange–correlation kernel response, PySCF ``gen_response``) give
        ``α_xy = −2 Σ_ai (h_ai^x U_ai^y + h_ai^y U_ai^x)`` (closed shell, both spins). 1 bohr³ = 0.148185 Å³.
        The CPHF residual is converged to 1e-6; α is stationary in the response (Hylleraas), so its error is
        of second order in the residual. ``density_fit`` uses density fitting of the Coulomb and exchange
        integrals (PySCF's default auxiliary basis) in the SCF and the response: many times faster for
        oligomers, changing α by about 1e-4 relative. The basis matters: α needs diffuse functions (6-31G* gives
        about 80 % of the Hartree–Fock limit for benzene, 6-31+G* about 94 %, aug-cc-pVDZ about 99 %).

        Raises:
            QMError: for open shells (not implemented), or if PySCF rejects the molecule or the SCF does not
                converge.
        """
        from pyscf import dft, gto, scf
        from pyscf.scf import cphf

        name = formula(elements)
        if multiplicity != 1:
            raise QMError(f"polarizability is implemented for closed shells only, got multiplicity {multiplicity} "
                          f"for {name}")
        try:
            mol = gto.M(atom=[(e, tuple(x)) for e, x in zip(elements, np.asarray(positions_A, dtype=float))],
                        unit="Angstrom", basis=self.basis, charge=int(charge), spin=0, cart=self.cartesian,
                        verbose=0)
        except (RuntimeError, ValueError, KeyError) as exc:
            raise QMError(f"PySCF could not build {name} (charge {charge}): {exc}") from exc
        if self.method.upper() == "HF":
            mf = scf.RHF(mol)
        else:
            mf = dft.RKS(mol)
            mf.xc = self.method
        if density_fit:
            mf = mf.density_fit()
        mf.max_cycle, mf.conv_tol = self.max_cycle, self.conv_tol
        mf.kernel()
        if not mf.converged:
            raise QMError(f"SCF did not converge in {self.max_cycle} iterations for the polarisability of {name} "
                          f"({self.method}/{self.basis})")
        charges = mol.atom_charges()
        with mol.with_common_orig(charges @ mol.atom_coords() / charges.sum()):
            dipole_ao = mol.intor_symmetric("int1e_r", comp=3)
        occupied = mf.mo_occ > 0
        orb_o, orb_v = mf.mo_coeff[:, occupied], mf.mo_coeff[:, ~occupied]
        n_v, n_o = orb_v.shape[1], orb_o.shape[1]
        h1 = np.einsum("xpq,pa,qi->xai", dipole_ao, orb_v, orb_o)
        response = mf.gen_response(hermi=1)

        def kernel_response(u: np.ndarray) -> np.ndarray:
            u = u.reshape(-1, n_v, n_o)
            dm1 = 2.0 * np.einsum("xai,pa,qi->xpq", u, orb_v, orb_o)
            dm1 = dm1 + dm1.transpose(0, 2, 1)
            return np.einsum("xpq,pa,qi->xai", response(dm1), orb_v, orb_o).reshape(len(u), -1)

        u = cphf.solve(kernel_response, mf.mo_energy, mf.mo_occ, h1, None, max_cycle=100, tol=1e-6)[0]
        e2 = np.einsum("xai,yai->xy", h1, np.asarray(u).reshape(3, n_v, n_o))
        alpha = -2.0 * (e2 + e2.T) / BOHR_PER_ANGSTROM**3
        if not np.all(np.isfinite(alpha)):
            raise QMError(f"non-finite polarisability for {name}")
        return alpha
