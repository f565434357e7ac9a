"""Static polarisabilities from the QM back ends.

* PySCF CPHF against a finite-field derivative of PySCF's own dipole (an independent numerical path).
* PySCF HF/aug-cc-pVTZ for water near the Hartree–Fock limit of its mean static polarisability, about 8.5 a.u.
  (the near-HF-limit SCF value of Maroulis; his water dimer, J. Chem. Phys. 113, 1813 (2000), has 16.98 a.u.,
  "not drastically different" from twice the monomer): within 2 %.
* Psi4 finite fields against PySCF CPHF, same level and geometry (where Psi4 is installed).

Water at the experimental equilibrium geometry: r(OH) = 0.9572 Å, HOH = 104.52°. 1 a.u. = 0.148185 Å³.
"""

import numpy as np
import pytest

from polyloop.simulate.charges import Psi4Backend, PySCFBackend
from polyloop.simulate.errors import QMError

pytest.importorskip("pyscf")

AU3 = 0.529177210903**3
ELEMENTS = ["O", "H", "H"]
WATER = np.array([[0.0, 0.0, 0.0], [0.0, 0.7572, 0.5865], [0.0, -0.7572, 0.5865]])


def finite_field_zz(basis: str, field: float = 1e-3) -> float:
    """α_zz (a.u.) from PySCF RHF dipoles under ±field along z (H' = +F z for the electrons)."""
    from pyscf import gto, scf

    mol = gto.M(atom=[(e, tuple(x)) for e, x in zip(ELEMENTS, WATER)], unit="Angstrom", basis=basis, verbose=0)
    charges = mol.atom_charges()
    with mol.with_common_orig(charges @ mol.atom_coords() / charges.sum()):
        z = mol.intor_symmetric("int1e_r", comp=3)[2]
    dipoles = []
    for sign in (1.0, -1.0):
        mf = scf.RHF(mol)
        hcore = mf.get_hcore() + sign * field * z
        mf.get_hcore = lambda *args, h=hcore: h
        mf.conv_tol = 1e-12
        mf.kernel()
        dipoles.append(mf.dip_moment(unit="au", verbose=0)[2])
    return (dipoles[0] - dipoles[1]) / (2 * field)


def test_cphf_matches_finite_field():
    backend = PySCFBackend("aug-cc-pvdz", cartesian=False)
    alpha = backend.polarizability(ELEMENTS, WATER, density_fit=False) / AU3
    assert alpha.shape == (3, 3)
    np.testing.assert_allclose(alpha, alpha.T, atol=1e-8)
    # finite-field error ~ γF²/6 ≈ 2e-4 a.u. at F = 1e-3 (γ of water ≈ 1e3 a.u.)
    assert alpha[2, 2] == pytest.approx(finite_field_zz("aug-cc-pvdz"), rel=5e-5)
    assert np.all(np.diag(alpha) > 0)
    fitted = backend.polarizability(ELEMENTS, WATER) / AU3  # density fitting, the default
    np.testing.assert_allclose(fitted, alpha, rtol=1e-3, atol=1e-4)


def test_water_near_hartree_fock_limit():
    alpha = PySCFBackend("aug-cc-pvtz", cartesian=False).polarizability(ELEMENTS, WATER) / AU3
    assert np.trace(alpha) / 3 == pytest.approx(8.5, rel=0.02)
    # the in-plane component perpendicular to the C2 axis is the largest, the out-of-plane one the smallest
    assert alpha[1, 1] > alpha[2, 2] > alpha[0, 0]


def test_open_shell_is_refused():
    with pytest.raises(QMError, match="closed shells only"):
        PySCFBackend("sto-3g").polarizability(["O", "H"], np.array([[0, 0, 0], [0, 0, 0.97]]), 0, 2)


def test_psi4_finite_field_matches_pyscf():
    backend = Psi4Backend("6-31+g*")  # the default level of repeat_unit_polarizability, Cartesian d
    try:
        psi4_alpha = backend.polarizability(ELEMENTS, WATER)
    except QMError as error:
        if "not importable" in str(error) or "not found" in str(error):
            pytest.skip(f"Psi4 unavailable: {error}")
        raise
    pyscf_alpha = PySCFBackend("6-31+g*").polarizability(ELEMENTS, WATER)
    np.testing.assert_allclose(psi4_alpha, pyscf_alpha, rtol=1e-3, atol=1e-4)
