"""Radius of gyration against closed-form geometries."""

import numpy as np
import pytest

from polyloop.simulate.properties.estimate import PropertyError
from polyloop.simulate.properties.structure import radius_of_gyration, radius_of_gyration_per_chain


def test_rod_and_ring_and_mass_weighting():
    # a rod of 11 equal masses spaced 1 Å: Rg² = (n² − 1)/12 · d²
    rod = np.column_stack([np.arange(11.0), np.zeros(11), np.zeros(11)])
    # a ring of radius 3 Å: Rg = 3
    phi = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    ring = np.column_stack([3 * np.cos(phi), 3 * np.sin(phi), np.zeros(24)]) + 50.0
    # two masses 1 and 3 a distance 4 apart: Rg² = m1 m2 d² / M² = 3·16/16 = 3
    pair = np.array([[0.0, 0, 0], [4.0, 0, 0]]) - 20.0
    positions = np.vstack([rod, ring, pair])
    masses = np.concatenate([np.ones(11), np.ones(24), [1.0, 3.0]])
    ids = np.repeat([5, 7, 9], [11, 24, 2])
    rg, chains = radius_of_gyration_per_chain(positions, masses, ids)
    np.testing.assert_allclose(rg[0], [np.sqrt(120 / 12), 3.0, np.sqrt(3.0)], rtol=1e-12)
    assert chains.tolist() == [5, 7, 9]
    estimate = radius_of_gyration(np.stack([positions, positions]), masses, ids)
    values = [np.sqrt(10), 3.0, np.sqrt(3)]
    assert estimate.value == pytest.approx(np.mean(values))
    assert estimate.stderr == pytest.approx(np.std(values, ddof=1) / np.sqrt(3))
    assert estimate.unit == "A"


def test_shape_mismatch():
    with pytest.raises(PropertyError, match="frames, atoms, 3"):
        radius_of_gyration(np.zeros((2, 5, 3)), np.ones(4), np.zeros(4))
