"""Merz–Kollman fitting points."""

import numpy as np
import pytest

from polyloop.simulate.charges.surface import MK_SCALES, atom_radii, mk_points, mk_radii
from polyloop.simulate.errors import ChargeError

from .methanol import COORDS, ELEMENTS


def test_radii_table_covers_the_documented_elements():
    radii = mk_radii()
    for element in ("H", "C", "N", "O", "F", "P", "S", "Cl", "Br", "I", "Si"):
        assert radii[element] > 1.0
    assert radii["H"] == 1.20 and radii["C"] == 1.50 and radii["O"] == 1.40
    with pytest.raises(ChargeError, match="Xe"):
        atom_radii(["C", "Xe"])


def test_point_count_scales_with_density():
    counts = [len(mk_points(ELEMENTS, COORDS, density=d)) for d in (1.0, 2.0, 4.0)]
    assert counts[0] > 100
    assert counts[1] == pytest.approx(2 * counts[0], rel=0.05)
    assert counts[2] == pytest.approx(4 * counts[0], rel=0.05)


def test_no_point_inside_any_inner_sphere_and_points_on_shells():
    points = mk_points(ELEMENTS, COORDS)
    radii = atom_radii(ELEMENTS)
    d = np.linalg.norm(points[:, None, :] - COORDS[None, :, :], axis=2)
    assert np.all(d >= 1.4 * radii[None, :] - 1e-9)
    # every point sits on some atom's shell at one of the four scales
    on_shell = np.zeros(len(points), bool)
    for s in MK_SCALES:
        on_shell |= np.any(np.isclose(d, s * radii[None, :], atol=1e-9), axis=1)
    assert on_shell.all()
    assert d.min() < 1.4 * radii.max() + 1e-9  # the innermost shell is populated


def test_points_are_deterministic_and_follow_the_molecule():
    a = mk_points(ELEMENTS, COORDS)
    b = mk_points(list(ELEMENTS), COORDS.copy())
    np.testing.assert_array_equal(a, b)
    shifted = mk_points(ELEMENTS, COORDS + [1.0, -2.0, 0.5])
    np.testing.assert_allclose(shifted, a + [1.0, -2.0, 0.5], atol=1e-12)


def test_single_atom_shell_counts():
    points = mk_points(["O"], np.zeros((1, 3)), density=1.0)
    expected = sum(round(4 * np.pi * (s * 1.40) ** 2) for s in MK_SCALES)
    assert len(points) == expected
    with pytest.raises(ChargeError, match="density"):
        mk_points(["O"], np.zeros((1, 3)), density=0.0)
