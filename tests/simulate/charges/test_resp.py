"""RESP fit on synthetic data: ESP generated from known point charges must be fitted back."""

import numpy as np
import pytest
from rdkit import Chem

from polyloop.simulate.charges.resp import BOHR_PER_ANGSTROM, fit_resp, resp_topology, symmetry_ranks, two_stage_resp
from polyloop.simulate.charges.surface import mk_points
from polyloop.simulate.errors import ChargeError

from .methanol import COORDS, ELEMENTS

Q_TRUE = np.array([0.12, -0.65, 0.04, 0.04, 0.04, 0.41])
HEAVY = np.array([True, True, False, False, False, False])


def synthetic_esp(coords: np.ndarray, points: np.ndarray, q: np.ndarray) -> np.ndarray:
    """V_i = sum_j q_j / r_ij in atomic units (r in bohr)."""
    r = np.linalg.norm(points[:, None, :] - coords[None, :, :], axis=2) * BOHR_PER_ANGSTROM
    return (q[None, :] / r).sum(axis=1)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    points = mk_points(ELEMENTS, COORDS)
    return points, synthetic_esp(COORDS, points, Q_TRUE)


def test_unrestrained_fit_recovers_the_generating_charges(data):
    points, esp = data
    q = fit_resp(COORDS, points, esp, total_charge=0.0, a=0.0)
    np.testing.assert_allclose(q, Q_TRUE, atol=1e-8)


def test_restrained_fit_stays_close_and_pulls_heavy_atoms_toward_zero(data):
    points, esp = data
    weak = fit_resp(COORDS, points, esp, 0.0, restrained=HEAVY, a=0.0005)
    # the standard weak restraint costs little ESP quality (relative RMS < 3 %); the buried methyl carbon, which
    # the ESP barely determines, moves most (that is what RESP is for), so charges agree to 0.08 e
    fitted = synthetic_esp(COORDS, points, weak)
    assert np.sqrt(np.mean((fitted - esp) ** 2) / np.mean(esp**2)) < 0.03
    np.testing.assert_allclose(weak, Q_TRUE, atol=0.08)
    assert abs(weak[0]) < Q_TRUE[0]

    # the penalty sum_j (sqrt(q_j^2 + b^2) - b) of an optimum never increases with the weight a
    def penalty(q: np.ndarray) -> float:
        return float(np.sum(np.sqrt(q[HEAVY] ** 2 + 0.01) - 0.1))

    previous = penalty(weak)
    for a in (0.005, 0.05, 0.5):
        q = fit_resp(COORDS, points, esp, 0.0, restrained=HEAVY, a=a)
        assert penalty(q) < previous
        previous = penalty(q)
    assert np.all(np.abs(q[HEAVY]) < 0.5 * np.abs(Q_TRUE[HEAVY]))  # strongly restrained atoms near zero


def test_total_charge_constraint_holds_for_a_charged_fit(data):
    points, esp = data
    for total in (0.0, 1.0, -2.0):
        q = fit_resp(COORDS, points, esp, total, restrained=HEAVY, a=0.01)
        assert abs(q.sum() - total) < 1e-10


def test_equivalenced_and_frozen_atoms(data):
    points, esp = data
    noisy = esp + 1e-3 * np.random.default_rng(0).standard_normal(esp.size)
    free = fit_resp(COORDS, points, noisy, 0.0, a=0.0)
    assert np.ptp(free[2:5]) > 1e-5  # noise breaks the methyl symmetry ...
    q = fit_resp(COORDS, points, noisy, 0.0, restrained=HEAVY, a=0.001, groups=[[2, 3, 4]], frozen={1: -0.7})
    assert q[2] == q[3] == q[4]  # ... the equivalence restores it exactly
    assert q[1] == -0.7
    assert abs(q.sum()) < 1e-10


def test_multiple_conformers_share_one_set_of_charges(data):
    points, esp = data
    rotated = COORDS @ np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]) + 3.0
    points2 = mk_points(ELEMENTS, rotated, density=0.5)
    q = fit_resp([COORDS, rotated], [points, points2], [esp, synthetic_esp(rotated, points2, Q_TRUE)], 0.0, a=0.0)
    np.testing.assert_allclose(q, Q_TRUE, atol=1e-8)


def test_bad_input_raises_charge_error(data):
    points, esp = data
    with pytest.raises(ChargeError, match="did not converge in 1 iterations"):
        fit_resp(COORDS, points, esp, 0.0, restrained=HEAVY, a=0.01, max_iter=1)
    with pytest.raises(ChargeError, match="mixes frozen and free"):
        fit_resp(COORDS, points, esp, 0.0, groups=[[2, 3]], frozen={2: 0.1})
    with pytest.raises(ChargeError, match="inconsistent shapes"):
        fit_resp(COORDS, points, esp[:-1], 0.0)


def test_two_stage_resp_on_synthetic_data(data):
    points, esp = data
    mol = Chem.AddHs(Chem.MolFromSmiles("CO"))  # atom order C, O, H, H, H, H as above
    topo = resp_topology(mol)
    stage1, stage2 = two_stage_resp(COORDS, points, esp, 0.0, topo)
    assert stage2[1] == stage1[1] and stage2[5] == stage1[5]  # O and hydroxyl H frozen in stage 2
    assert stage2[2] == stage2[3] == stage2[4]
    assert abs(stage1.sum()) < 1e-10 and abs(stage2.sum()) < 1e-10
    np.testing.assert_allclose(stage2, Q_TRUE, atol=0.08)


def test_resp_topology_selects_sp3_ch_and_equivalences():
    mol = Chem.AddHs(Chem.MolFromSmiles("CC(=O)[O-]"))  # C0 C1 O2 O3 H4 H5 H6
    topo = resp_topology(mol)
    assert topo.heavy.tolist() == [True, True, True, True, False, False, False]
    assert topo.stage2_atoms.tolist() == [True, False, False, False, True, True, True]
    assert topo.stage1_groups == ((2, 3),)  # carboxylate oxygens are resonance-equivalent
    assert topo.stage2_groups == ((4, 5, 6),)
    ethane = Chem.AddHs(Chem.MolFromSmiles("CC"))
    topo = resp_topology(ethane)
    assert topo.stage1_groups == ()
    assert sorted(topo.stage2_groups) == [(0, 1), (2, 3, 4, 5, 6, 7)]
    benzene = Chem.AddHs(Chem.MolFromSmiles("c1ccccc1"))
    assert not resp_topology(benzene).stage2_atoms.any()
    assert len(set(symmetry_ranks(benzene))) == 2
