"""The RepeatUnit value type: identity by canonical SMILES, topology, mass."""

import dataclasses

import pytest
from rdkit import Chem

from polyloop.library.repeat_unit import RepeatUnit


def test_equality_and_hash_follow_the_polymer() -> None:
    a, b = RepeatUnit.from_smiles("*OCC*"), RepeatUnit.from_smiles("*COC*")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a.input_smiles == "*OCC*" and b.input_smiles == "*COC*"
    assert RepeatUnit.from_smiles("*CC(C)*") != a


def test_immutable() -> None:
    unit = RepeatUnit.from_smiles("*CC*")
    with pytest.raises(dataclasses.FrozenInstanceError):
        unit.smiles = "*CCC*"  # type: ignore[misc]


def test_mol_is_a_fresh_copy() -> None:
    unit = RepeatUnit.from_smiles("*CC(C)*")
    mol = unit.mol
    mol.GetAtomWithIdx(1).SetAtomicNum(7)
    assert Chem.MolToSmiles(unit.mol) == unit.smiles


def test_backbone_and_side_chains_of_pmma() -> None:
    unit = RepeatUnit.from_smiles("*CC(C)(C(=O)OC)*")  # canonical: *CC(*)(C)C(=O)OC
    mol = unit.mol
    assert [mol.GetAtomWithIdx(i).GetSymbol() for i in unit.backbone] == ["C", "C"]
    side = sorted(unit.side_chains, key=len)
    assert [len(g) for g in side] == [1, 4]  # methyl; methyl ester C(=O)OC
    assert {mol.GetAtomWithIdx(i).GetSymbol() for i in side[1]} == {"C", "O"}


def test_backbone_of_para_phenylene_ether_runs_through_the_ring() -> None:
    unit = RepeatUnit.from_smiles("*Oc1ccc(*)cc1")
    assert len(unit.backbone) == 5  # O, ipso C, two ring C, para C
    assert sum(len(g) for g in unit.side_chains) == 2  # the far side of the ring


def test_single_atom_backbone() -> None:
    unit = RepeatUnit.from_smiles("*C(F)(F)C(F)(F)*")
    assert unit.smiles == "*C(*)(F)F"
    assert len(unit.backbone) == 1 and unit.connection.head_atom == unit.connection.tail_atom


def test_molecular_weight_and_heavy_atoms() -> None:
    styrene = RepeatUnit.from_smiles("*CC(c1ccccc1)*")
    assert styrene.molecular_weight == pytest.approx(104.15, abs=0.01)  # C8H8
    assert styrene.heavy_atom_count == 8
    assert styrene.elements == {"C", "H"}
    assert RepeatUnit.from_smiles("*CC*").molecular_weight == pytest.approx(14.027, abs=0.001)  # CH2 period


def test_oligomer_caps_with_hydrogen() -> None:
    trimer = RepeatUnit.from_smiles("*CC(C)*").oligomer(3)
    # H-CH2-CH(CH3)-CH2-CH(CH3)-CH2-CH(CH3)-H is 2,4-dimethylheptane
    assert Chem.MolToSmiles(trimer) == Chem.MolToSmiles(Chem.MolFromSmiles("CC(C)CC(C)CCC"))
    with pytest.raises(ValueError, match="cap must be"):
        RepeatUnit.from_smiles("*CC*").oligomer(2, cap="X")


def test_sorting_and_str() -> None:
    units = sorted([RepeatUnit.from_smiles("*OCC*"), RepeatUnit.from_smiles("*CC*")])
    assert [str(u) for u in units] == sorted(u.smiles for u in units)
