"""Cells of units with long or bulky side chains, grown from several conformers of the unit."""

import numpy as np
import pytest
from rdkit import Chem
from scipy.spatial import cKDTree

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.cell import build_cell
from polyloop.simulate.build.chain import unit_templates
from polyloop.simulate.build.conformer import BuildError

QUICK = dict(chains=4, atoms_per_chain=500, density=0.25, seed=0, density_steps=0, restarts=2)  # quick preset
CYCLOHEXYL = RepeatUnit.from_smiles("*CC(*)CC(C)C1CCCCC1")  # atoms: 1 head CH2, 2 CH, 4 CH2, 5 CH(6 CH3)(7 ring)


def _within_three_bonds(cell) -> set[tuple[int, int]]:
    """Global index pairs at most three bonds apart in a chain."""
    pairs, offset = set(), 0
    for chain in cell.chains:
        i, j = np.nonzero(np.triu(Chem.GetDistanceMatrix(chain) <= 3, k=1))
        pairs |= {(offset + a, offset + b) for a, b in zip(i.tolist(), j.tolist())}
        offset += chain.GetNumAtoms()
    return pairs


@pytest.mark.parametrize("smiles", ["*CC(*)CCCCCCCCCCCCC(C)C", "*CC(*)CC(C)C1CCCCC1"])
def test_side_chain_units_grow_with_conformers_and_keep_min_distance(smiles: str) -> None:
    unit = RepeatUnit.from_smiles(smiles)
    with pytest.raises(BuildError, match="could not grow"):  # one rigid template: trapped even at 1.2 Å
        build_cell(unit, conformers=1, min_distance=1.2, min_heavy_distance=1.2, **QUICK)
    cell = build_cell(unit, conformers=8, min_distance=1.2, min_heavy_distance=1.2, **QUICK)
    assert len(cell.chains) == 4
    wrapped = np.mod(cell.positions, cell.box) % cell.box
    close = cKDTree(wrapped, boxsize=cell.box).query_pairs(1.2 - 1e-6)
    assert close and close <= _within_three_bonds(cell)


def test_conformers_share_topology_and_differ_in_shape() -> None:
    pool = unit_templates(CYCLOHEXYL, seed=0, count=8)
    assert len(pool) == 8
    assert all(t.keys == pool[0].keys and t.bonds == pool[0].bonds and t.excluded == pool[0].excluded
               and (t.head, t.tail) == (pool[0].head, pool[0].tail) for t in pool)
    assert len({round(t.reach, 2) for t in pool}) > 3
    with pytest.raises(ValueError, match="at least 1"):
        unit_templates(CYCLOHEXYL, count=0)


def _signs(cell, centre: int, around: list[tuple[int, int]]) -> set[int]:
    """Signs of det(a - c, b - c, d - c) at unit atom ``centre`` of every inner unit of chain 0; ``around`` gives
    the three neighbours as (copy offset, unit atom)."""
    chain = cell.chains[0]
    index = {(a.GetIntProp("copy"), a.GetIntProp("unit_atom")): a.GetIdx() for a in chain.GetAtoms()
             if a.GetIntProp("unit_atom") >= 0 and not a.GetBoolProp("cap")}
    signs = set()
    for copy in range(cell.degree_of_polymerization - 1):
        c = cell.positions[index[(copy, centre)]]
        rows = [cell.positions[index[(copy + shift, atom)]] - c for shift, atom in around]
        signs.add(int(np.sign(np.linalg.det(np.array(rows)))))
    return signs


def test_isotactic_cell_from_conformers_has_one_configuration() -> None:
    cell = build_cell(CYCLOHEXYL, chains=1, atoms_per_chain=300, tacticity="isotactic", seed=0, conformers=8,
                      min_distance=1.2, min_heavy_distance=1.2)
    assert len(_signs(cell, 2, [(0, 1), (1, 1), (0, 4)])) == 1  # backbone stereocentres: isotactic
    assert len(_signs(cell, 5, [(0, 4), (0, 6), (0, 7)])) == 1  # side-chain stereocentre: one configuration
    atactic = build_cell(CYCLOHEXYL, chains=1, atoms_per_chain=300, seed=0, conformers=8,
                         min_distance=1.2, min_heavy_distance=1.2)
    assert _signs(atactic, 2, [(0, 1), (1, 1), (0, 4)]) == {-1, 1}
