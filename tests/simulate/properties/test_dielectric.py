"""Dielectric constant: the fluctuation formula on synthetic dipole series, and the Debye–Langevin result for an
ideal gas of freely rotating dipoles, ``ε − 1 = N μ² / (3 ε0 V k_B T)``."""

import numpy as np
import pytest
from scipy.constants import epsilon_0
from scipy.constants import k as KB

from polyloop.simulate.properties.dielectric import orientational_dielectric, static_dielectric_constant
from polyloop.simulate.properties.estimate import Estimate, PropertyError

T = 300.0
V = 8.0e-26  # m³
DEBYE = 3.33564e-30  # C·m


def test_gaussian_dipoles_with_known_variance():
    rng = np.random.default_rng(11)
    sigma = 40 * DEBYE  # per component
    dipoles = rng.normal(0.0, sigma, size=(20000, 3)) + 5 * DEBYE  # a constant offset does not count
    eps = orientational_dielectric(dipoles, V, T, blocks=20)  # a 20-block error is good to ~16 %
    exact = 1.0 + 3 * sigma**2 / (3 * epsilon_0 * V * KB * T)
    assert abs(eps.value - exact) < 4 * eps.stderr
    assert eps.stderr == pytest.approx((exact - 1) * np.sqrt(2 / 3 / 20000), rel=0.5)


def test_ideal_gas_of_rotating_dipoles_gives_debye_langevin():
    """N independent dipoles of fixed magnitude μ and random orientation: ⟨M²⟩ = N μ²."""
    rng = np.random.default_rng(12)
    n_molecules, mu = 200, 1.85 * DEBYE  # water's gas-phase dipole
    frames = 5000
    u = rng.normal(size=(frames, n_molecules, 3))
    u /= np.linalg.norm(u, axis=2, keepdims=True)
    box = mu * u.sum(axis=1)
    volume = np.full(frames, 2.0e-26)
    eps = orientational_dielectric(box, volume, T)
    debye = 1.0 + n_molecules * mu**2 / (3 * epsilon_0 * 2.0e-26 * KB * T)
    assert eps.value == pytest.approx(debye, rel=0.05)
    assert abs(eps.value - debye) < 4 * eps.stderr


def test_static_constant_adds_susceptibilities():
    total = static_dielectric_constant(Estimate(2.0, 0.1, "1"), Estimate(1.5, 0.01, "1"))
    assert total.value == pytest.approx(1.5**2 + 1.0)
    assert total.stderr == pytest.approx(np.hypot(0.1, 2 * 1.5 * 0.01))


def test_bad_dipole_shape():
    with pytest.raises(PropertyError, match=r"shape \(n, 3\)"):
        orientational_dielectric(np.zeros((100, 2)), V, T)
