"""Pareto utilities against hand-computed values (maximisation convention)."""

import numpy as np
import pytest

from polyloop.design.pareto import (
    domination_gap,
    hypervolume,
    hypervolume_improvement,
    non_dominated,
    reference_point,
)


def test_non_dominated_on_a_known_set():
    points = np.array([[1, 5], [2, 4], [3, 3], [2, 2], [1, 1], [3, 3], [0, 6], [2.5, 1]])
    # (2,2), (1,1) and (2.5,1) are dominated by (3,3); the duplicate (3,3) pair is kept
    assert non_dominated(points).tolist() == [True, True, True, False, False, True, True, False]


def test_hypervolume_2d_by_hand():
    points = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [1.5, 1.5]])
    # staircase above (0, 0): 1x3 + 1x2 + 1x1 = 6; (1.5, 1.5) is dominated by (2, 2)
    assert hypervolume(points, np.zeros(2)) == pytest.approx(6.0)
    # above (1, 1) only (2, 2) and (1.5, 1.5) count: a 1 x 1 square
    assert hypervolume(points, np.array([1.0, 1.0])) == pytest.approx(1.0)


def test_hypervolume_3d_by_hand():
    points = np.array([[2.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, 2.0]])
    # three 2x1x1 boxes overlapping pairwise in a unit cube, all three in one unit cube: 3·2 − 3·1 + 1 = 4
    assert hypervolume(points, np.zeros(3)) == pytest.approx(4.0)
    assert hypervolume(np.array([[1.0, 2.0, 3.0]]), np.zeros(3)) == pytest.approx(6.0)


def test_hypervolume_1d_and_points_below_reference():
    assert hypervolume(np.array([[0.5], [2.0]]), np.array([1.0])) == pytest.approx(1.0)
    assert hypervolume(np.array([[-1.0, 5.0]]), np.zeros(2)) == 0.0
    with pytest.raises(ValueError, match="1 to 4 objectives"):
        hypervolume(np.ones((2, 5)), np.zeros(5))


def test_hypervolume_improvement_matches_difference():
    front = np.array([[1.0, 3.0], [3.0, 1.0]])
    candidates = np.array([[2.0, 2.0], [0.5, 0.5], [4.0, 4.0]])
    base = hypervolume(front, np.zeros(2))
    expected = [hypervolume(np.vstack([front, c]), np.zeros(2)) - base for c in candidates]
    assert hypervolume_improvement(candidates, front, np.zeros(2)) == pytest.approx(expected)
    assert expected[0] == pytest.approx(1.0)


def test_domination_gap_and_reference_point():
    front = np.array([[2.0, 2.0]])
    assert domination_gap(np.array([[1.0, 1.5], [3.0, 0.0]]), front).tolist() == [0.5, 0.0]
    assert reference_point(np.array([[0.0, 10.0], [1.0, 20.0]])).tolist() == pytest.approx([-0.1, 9.0])
