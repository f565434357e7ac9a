"""Amorphous cells grown by self-avoiding random walks in the periodic box."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.cell import _allowed, build_cell, mirror_flags
from polyloop.simulate.build.chain import degree_of_polymerization
from polyloop.simulate.build.conformer import BuildError
from polyloop.simulate.build.piercing import find_piercings, rings_from

STYRENE = RepeatUnit.from_smiles("*CC(c1ccccc1)*")  # canonical *CC(*)c1ccccc1: atom 2 is the stereocentre


def _bonded_pairs(cell) -> set[tuple[int, int]]:
    """1-2 and 1-3 pairs of the whole cell (global atom indices)."""
    pairs, offset = set(), 0
    for chain in cell.chains:
        neighbours = {a.GetIdx(): [n.GetIdx() for n in a.GetNeighbors()] for a in chain.GetAtoms()}
        for i, around in neighbours.items():
            for j in around:
                pairs.add((offset + min(i, j), offset + max(i, j)))
                for k in neighbours[j]:
                    if k != i:
                        pairs.add((offset + min(i, k), offset + max(i, k)))
        offset += chain.GetNumAtoms()
    return pairs


def test_cell_has_no_overlaps_sane_bonds_and_the_target_density() -> None:
    cell = build_cell(STYRENE, chains=3, atoms_per_chain=300, density=0.3, seed=1, min_distance=1.6)
    assert cell.degree_of_polymerization == degree_of_polymerization(STYRENE, 300) == 19
    assert cell.n_atoms == 3 * (19 * 16 + 2)
    assert cell.requested_density == 0.3
    assert any(cell.density_g_cm3 == pytest.approx(0.3 * 0.85**k, rel=1e-9) for k in range(5))
    wrapped = np.mod(cell.positions, cell.box) % cell.box
    close = cKDTree(wrapped, boxsize=cell.box).query_pairs(1.6 - 1e-6)
    assert close <= _bonded_pairs(cell)  # only 1-2 and 1-3 pairs are closer than min_distance
    offset = 0
    for chain in cell.chains:
        for bond in chain.GetBonds():
            i, j = offset + bond.GetBeginAtomIdx(), offset + bond.GetEndAtomIdx()
            assert 1.0 < np.linalg.norm(cell.positions[i] - cell.positions[j]) < 1.6
        offset += chain.GetNumAtoms()


def test_deterministic_under_a_seed() -> None:
    first = build_cell(STYRENE, chains=2, atoms_per_chain=150, seed=4)
    again = build_cell(STYRENE, chains=2, atoms_per_chain=150, seed=4)
    other = build_cell(STYRENE, chains=2, atoms_per_chain=150, seed=5)
    np.testing.assert_allclose(first.positions, again.positions)
    assert not np.allclose(first.positions, other.positions)


def _handedness(cell) -> list[int]:
    """Sign of the local chirality (previous CH2, next CH2, phenyl) at each inner stereocentre of chain 0."""
    chain = cell.chains[0]
    index = {(a.GetIntProp("copy"), a.GetIntProp("unit_atom")): a.GetIdx() for a in chain.GetAtoms()
             if a.GetIntProp("unit_atom") >= 0 and not a.GetBoolProp("cap")}
    signs = []
    for copy in range(cell.degree_of_polymerization - 1):
        centre, previous = cell.positions[index[(copy, 2)]], cell.positions[index[(copy, 1)]]
        following, phenyl = cell.positions[index[(copy + 1, 1)]], cell.positions[index[(copy, 4)]]
        signs.append(int(np.sign(np.linalg.det(np.array([previous - centre, following - centre, phenyl - centre])))))
    return signs


def test_tacticity_is_controlled() -> None:
    iso = _handedness(build_cell(STYRENE, chains=1, atoms_per_chain=200, tacticity="isotactic", seed=2))
    syndio = _handedness(build_cell(STYRENE, chains=1, atoms_per_chain=200, tacticity="syndiotactic", seed=2))
    assert len(set(iso)) == 1
    assert all(a == -b for a, b in zip(syndio, syndio[1:]))


def test_atactic_meso_fraction() -> None:
    flags = mirror_flags(4001, "atactic", 0.7, np.random.default_rng(0))
    meso = np.mean([a == b for a, b in zip(flags, flags[1:])])
    assert meso == pytest.approx(0.7, abs=0.03)
    with pytest.raises(ValueError, match="tacticity must be one of"):
        mirror_flags(3, "heterotactic", 0.5, np.random.default_rng(0))


def test_impossible_density_fails_clearly() -> None:
    with pytest.raises(BuildError, match=r"could not grow 4 chains of 19 units .* at densities \[3.0, 2.55"):
        build_cell(STYRENE, chains=4, atoms_per_chain=300, density=3.0, seed=0, restarts=2, backtracks=5,
                   density_steps=1)


def test_no_bond_pierces_a_ring() -> None:
    cell = build_cell(STYRENE, chains=4, atoms_per_chain=300, density=0.3, seed=3)
    rings, bonds, offset = [], [], 0
    for chain in cell.chains:
        rings += [tuple(offset + i for i in ring) for ring in chain.GetRingInfo().AtomRings()]
        bonds += [(offset + b.GetBeginAtomIdx(), offset + b.GetEndAtomIdx()) for b in chain.GetBonds()]
        offset += chain.GetNumAtoms()
    bonds = np.array(bonds)
    assert len(rings) == 4 * 19
    found = find_piercings(rings_from(cell.positions, rings), cell.positions[bonds[:, 0]], cell.positions[bonds[:, 1]],
                           cell.box)
    assert found == []


def test_piercing_geometry() -> None:
    angles = np.linspace(0.0, 2.0 * np.pi, 7)[:-1]
    hexagon = np.c_[1.4 * np.cos(angles), 1.4 * np.sin(angles), np.zeros(6)]
    ring = rings_from(hexagon, [tuple(range(6))])
    starts = np.array([[0.2, 0.1, -0.7], [2.5, 0.0, -0.7], [1.4, 0.0, 0.0], [0.0, 0.0, 0.5]])
    ends = np.array([[0.1, -0.2, 0.8], [2.5, 0.0, 0.7], [2.9, 0.0, 0.0], [0.0, 0.0, 1.9]])
    # through the middle; outside the ring; sharing a ring atom; not reaching the plane
    assert find_piercings(ring, starts, ends) == [(0, 0)]
    box = np.full(3, 10.0)  # the same through a periodic image
    assert find_piercings(ring, starts + [10.0, 0.0, 0.0], ends + [10.0, 0.0, 0.0], box) == [(0, 0)]


def test_one_atom_backbone_fluoropolymer_builds() -> None:
    ptfe = RepeatUnit.from_smiles("*C(F)(F)C(F)(F)*")  # canonical *C(*)(F)F: head and tail are one atom
    cell = build_cell(ptfe, chains=3, atoms_per_chain=300, seed=0)
    assert cell.degree_of_polymerization == 99 and cell.n_atoms == 3 * (99 * 3 + 2)  # CF2 units, two H ends


def test_pentane_rule() -> None:
    states, weights = _allowed(60.0)
    assert set(states) == {60.0, 180.0} and weights.sum() == pytest.approx(1.0)
    assert set(_allowed(None)[0]) == {60.0, 180.0, 300.0}


def test_methyl_end_groups() -> None:
    cell = build_cell(STYRENE, chains=2, atoms_per_chain=300, seed=0, end_group="CH3")
    dp = degree_of_polymerization(STYRENE, 300, end_group="CH3")
    assert cell.degree_of_polymerization == dp == 18 and cell.n_atoms == 2 * (18 * 16 + 8)
    chain = cell.chains[0]
    positions = cell.positions[: chain.GetNumAtoms()]
    caps = [a for a in chain.GetAtoms() if a.GetBoolProp("cap") and a.GetAtomicNum() == 6]
    assert len(caps) == 2
    for carbon in caps:
        hydrogens = [n.GetIdx() for n in carbon.GetNeighbors() if n.GetAtomicNum() == 1]
        vectors = [positions[h] - positions[carbon.GetIdx()] for h in hydrogens]
        assert [round(float(np.linalg.norm(v)), 2) for v in vectors] == [1.09, 1.09, 1.09]
        cosine = vectors[0] @ vectors[1] / (np.linalg.norm(vectors[0]) * np.linalg.norm(vectors[1]))
        assert np.degrees(np.arccos(cosine)) == pytest.approx(109.47, abs=0.5)
    with pytest.raises(ValueError, match="end_group must be one of"):
        build_cell(STYRENE, chains=1, atoms_per_chain=100, end_group="OH")
