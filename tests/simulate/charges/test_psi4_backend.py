"""Psi4 back end (subprocess): agrees with PySCF where Debian's psi4 is installed; clear errors otherwise."""

import subprocess

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import AllChem

from polyloop.simulate.charges import PySCFBackend, mk_points
from polyloop.simulate.charges.psi4 import Psi4Backend
from polyloop.simulate.charges.qm import QMBackend
from polyloop.simulate.errors import QMError


def psi4_available() -> bool:
    probe = "import sys; sys.path.insert(0, '/usr/lib/x86_64-linux-gnu'); import psi4"
    try:
        return subprocess.run(["/usr/bin/python3", "-c", probe], capture_output=True, timeout=60).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


needs_psi4 = pytest.mark.skipif(not psi4_available(), reason="Debian psi4 not installed (apt-get install psi4)")


@pytest.fixture(scope="module")
def methanol() -> tuple[list[str], np.ndarray, np.ndarray]:
    mol = Chem.AddHs(Chem.MolFromSmiles("CO"))
    AllChem.EmbedMolecule(mol, randomSeed=42)
    AllChem.MMFFOptimizeMolecule(mol)
    elements = [a.GetSymbol() for a in mol.GetAtoms()]
    xyz = mol.GetConformer().GetPositions()
    return elements, xyz, mk_points(elements, xyz)


def test_is_a_qm_backend_and_reports_a_missing_interpreter(methanol):
    backend = Psi4Backend(python="/nonexistent/python3")
    assert isinstance(backend, QMBackend)
    with pytest.raises(QMError, match="interpreter '/nonexistent/python3' not found"):
        backend.esp(*methanol[:2], 0, 1, methanol[2])


@needs_psi4
def test_psi4_esp_matches_pyscf(methanol):
    elements, xyz, points = methanol
    psi4_esp = Psi4Backend().esp(elements, xyz, 0, 1, points)
    pyscf_esp = PySCFBackend().esp(elements, xyz, 0, 1, points)
    np.testing.assert_allclose(psi4_esp, pyscf_esp, atol=1e-5)


@needs_psi4
def test_psi4_unconverged_scf_raises(methanol):
    with pytest.raises(QMError, match=r"SCF did not converge in 1 iterations .* for CH4O"):
        Psi4Backend(max_cycle=1).esp(*methanol[:2], 0, 1, methanol[2])
