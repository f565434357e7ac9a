"""Capped oligomers with 3D conformers."""

import numpy as np
import pytest
from rdkit import Chem

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer

STYRENE = RepeatUnit.from_smiles("*CC(c1ccccc1)*")


def test_caps_and_composition() -> None:
    h_capped = capped_oligomer(STYRENE, 1, cap="H", conformer=False)
    assert Chem.MolToSmiles(Chem.RemoveHs(h_capped)) == "CCc1ccccc1"  # ethylbenzene
    methyl = capped_oligomer(STYRENE, 2, cap="CH3", seed=3)
    # CH3-CH2-CH(Ph)-CH2-CH(Ph)-CH3: 2,4-diphenylhexane
    assert Chem.MolToSmiles(Chem.RemoveHs(methyl)) == Chem.MolToSmiles(Chem.MolFromSmiles("CCC(CC(C)c1ccccc1)c1ccccc1"))
    assert sum(a.GetBoolProp("cap") for a in methyl.GetAtoms()) == 8  # two CH3 groups
    assert {a.GetIntProp("copy") for a in methyl.GetAtoms()} == {0, 1}


def test_deterministic_under_a_seed_and_sane_bond_lengths() -> None:
    first = capped_oligomer(STYRENE, 2, seed=7).GetConformer().GetPositions()
    again = capped_oligomer(STYRENE, 2, seed=7).GetConformer().GetPositions()
    np.testing.assert_allclose(first, again)
    mol = capped_oligomer(STYRENE, 2, seed=7)
    positions = mol.GetConformer().GetPositions()
    lengths = [np.linalg.norm(positions[b.GetBeginAtomIdx()] - positions[b.GetEndAtomIdx()]) for b in mol.GetBonds()]
    assert 0.9 < min(lengths) and max(lengths) < 1.6


def test_unknown_cap() -> None:
    with pytest.raises(ValueError, match="cap must be one of"):
        capped_oligomer(STYRENE, 1, cap="OH")
