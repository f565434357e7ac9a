"""Gasteiger charges: neutrality, formal-charge sums and the error paths."""

import numpy as np
import pytest
from rdkit import Chem

from polyloop.simulate.charges import compute_charges, gasteiger_charges
from polyloop.simulate.charges import gasteiger as gasteiger_module
from polyloop.simulate.errors import ChargeError


@pytest.mark.parametrize(
    ("smiles", "total"), [("CO", 0), ("c1ccccc1C(=O)O", 0), ("CC(=O)[O-]", -1), ("C[NH3+]", 1), ("FC(F)(F)Cl", 0)]
)
def test_charges_sum_to_the_formal_charge(smiles, total):
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    q = gasteiger_charges(mol)
    assert q.shape == (mol.GetNumAtoms(),)
    assert np.all(np.isfinite(q))
    assert abs(q.sum() - total) < 1e-12
    np.testing.assert_array_equal(q, compute_charges(mol, "gasteiger"))


def test_oxygen_is_negative_in_methanol():
    q = gasteiger_charges(Chem.AddHs(Chem.MolFromSmiles("CO")))
    assert q[1] < -0.3 and q[5] > 0.1


def test_implicit_hydrogens_are_refused():
    with pytest.raises(ChargeError, match=r"atom 0 \(C\) has 3 implicit"):
        gasteiger_charges(Chem.MolFromSmiles("CO"))


def test_non_finite_charge_names_the_atom(monkeypatch):
    def broken(mol, nIter, throwOnParamFailure):  # noqa: N803 (RDKit's keyword names)
        for atom in mol.GetAtoms():
            atom.SetDoubleProp("_GasteigerCharge", float("nan") if atom.GetIdx() == 1 else 0.0)

    monkeypatch.setattr(gasteiger_module.rdPartialCharges, "ComputeGasteigerCharges", broken)
    with pytest.raises(ChargeError, match=r"atom 1 \(O\) is not finite"):
        gasteiger_charges(Chem.AddHs(Chem.MolFromSmiles("CO")))


def test_unknown_method_raises():
    with pytest.raises(ChargeError, match="unknown charge method"):
        compute_charges(Chem.AddHs(Chem.MolFromSmiles("C")), "mulliken")
