"""Capped oligomers: the same molecule as join_units plus hydrogen caps, with copy and unit-atom maps."""

import pytest
from rdkit import Chem

from polyloop.library.canonical import join_units
from polyloop.library.oligomer import capped_chain
from polyloop.library.parsing import parse_repeat_unit

UNITS = ["*CC(c1ccccc1)*", "*Nc1ccc(*)cc1", "*n1c(=O)c2cc3c(=O)n(-c4ccc(O*)cc4)c(=O)c3cc2c1=O", "*[Si](C)(C)O*",
         "*C/C=C\\C*", "*C[C@H](C)*", "*C(F)(F)*"]


def reference(smiles: str, copies: int) -> Chem.Mol:
    chain = Chem.RWMol(join_units(parse_repeat_unit(smiles), copies))
    for atom in chain.GetAtoms():
        if atom.GetAtomicNum() == 0:
            atom.SetAtomicNum(1)
    return Chem.RemoveHs(chain.GetMol())


@pytest.mark.parametrize("smiles", UNITS)
@pytest.mark.parametrize("copies", [1, 3])
def test_same_molecule_as_join_units_with_caps(smiles: str, copies: int) -> None:
    chain = capped_chain(parse_repeat_unit(smiles), copies)
    assert Chem.MolToSmiles(chain.mol) == Chem.MolToSmiles(reference(smiles, copies))


def test_copy_and_unit_atom_maps() -> None:
    unit = parse_repeat_unit("*CC(Cl)*")  # atoms: 0 *, 1 C, 2 C, 3 Cl, 4 *
    chain = capped_chain(unit, 3)
    assert chain.copy == (0, 0, 0, 1, 1, 1, 2, 2, 2)
    assert chain.unit_atom == (1, 2, 3) * 3
    assert [chain.mol.GetAtomWithIdx(i).GetSymbol() for i in chain.atoms_of_copy(1)] == ["C", "C", "Cl"]
    assert chain.mol.GetAtomWithIdx(0).GetTotalNumHs() == 3  # the head cap
    with pytest.raises(ValueError, match="copies must be >= 1"):
        capped_chain(unit, 0)
