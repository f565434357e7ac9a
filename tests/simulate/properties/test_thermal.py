"""Müller-Plathe analysis on exact linear profiles, Green–Kubo on an Ornstein–Uhlenbeck flux with a known
integral, and thermal diffusivity. The LAMMPS Lennard-Jones check is in test_thermal_lj.py."""

import numpy as np
import pytest
from scipy.constants import k as KB

from polyloop.simulate.properties.estimate import Estimate, PropertyError
from polyloop.simulate.properties.thermal import green_kubo, muller_plathe, thermal_diffusivity

SLABS = 20
LENGTH = 10e-9  # m
Z = (np.arange(SLABS) + 0.5) * LENGTH / SLABS


def tent(gradient: float, base: float = 300.0) -> np.ndarray:
    """Cold slab 0, hot slab SLABS/2, linear in between (periodic), the LAMMPS layout."""
    distance = np.minimum(Z - Z[0], LENGTH - (Z - Z[0]))
    return base + gradient * distance


def test_exact_tent_profile():
    area, duration, gradient = 4e-18, 1e-9, 2e9  # K/m
    kappa = 0.2  # W/(m K)
    energy = kappa * gradient * 2 * area * duration
    result = muller_plathe(Z, tent(gradient), energy, duration, area)
    assert result.value == pytest.approx(kappa, rel=1e-9)
    assert result.linear and result.r2 == pytest.approx(1.0) and result.asymmetry == pytest.approx(0.0, abs=1e-9)
    shifted = muller_plathe(Z, np.roll(tent(gradient), 3), -energy, duration, area)  # any cold slab, any sign
    assert shifted.value == pytest.approx(kappa, rel=1e-9)


def test_noisy_frames_give_an_honest_error():
    rng = np.random.default_rng(31)
    gradient, area, duration = 2e9, 4e-18, 1e-9
    energy = 0.2 * gradient * 2 * area * duration
    frames = tent(gradient) + rng.normal(0, 2.0, size=(200, SLABS))
    result = muller_plathe(Z, frames, energy, duration, area, blocks=10)
    assert abs(result.value - 0.2) < 4 * result.stderr
    # 200 frames × 8 slabs per half, σ = 2 K: the mean gradient has σ ≈ √(12 σ²/(200·8·2·L_half²))
    assert result.stderr < 0.02 and result.linear


def test_curved_profile_is_not_linear():
    curved = 300 + 40 * np.sin(np.pi * np.minimum(Z, LENGTH - Z) / LENGTH) ** 6
    result = muller_plathe(Z, curved, 1e-18, 1e-9, 4e-18)
    assert not result.linear and result.r2 < 0.95


def test_muller_plathe_refuses_too_few_slabs():
    with pytest.raises(PropertyError, match="too few slabs"):
        muller_plathe(Z[:10], tent(1e9)[:10], 1e-18, 1e-9, 4e-18, skip=2)


def test_green_kubo_on_ornstein_uhlenbeck_flux():
    """J_α independent OU processes, variance σ², correlation time τ: ∫⟨J(0)J(t)⟩dt = σ² τ."""
    rng = np.random.default_rng(32)
    n, dt, tau, sigma = 200_000, 1e-15, 20e-15, 1e9  # W/m²
    phi = np.exp(-dt / tau)
    flux = np.empty((n, 3))
    flux[0] = rng.normal(0, sigma, 3)
    noise = rng.normal(0, sigma * np.sqrt(1 - phi**2), size=(n, 3))
    for i in range(1, n):
        flux[i] = phi * flux[i - 1] + noise[i]
    volume, temperature = 1e-25, 300.0
    exact = volume / (KB * temperature**2) * sigma**2 * tau
    result = green_kubo(flux, dt, volume, temperature, correlation_time_s=10 * tau, blocks=10)
    # trapezoid on a discrete exponential: ∫ ≈ dt/2 · (1+φ)/(1−φ) σ², 1e-4 relative above σ²τ here
    assert abs(result.value - exact) < 4 * result.stderr
    assert result.stderr < 0.1 * exact
    default_cutoff = green_kubo(flux, dt, volume, temperature, blocks=10)
    assert default_cutoff.value == pytest.approx(exact, rel=0.2)


def test_thermal_diffusivity():
    a = thermal_diffusivity(Estimate(0.2, 0.02, "W/(m*K)"), Estimate(1.0, 0.01, "g/cm^3"),
                            Estimate(1.5, 0.03, "J/(g*K)"))
    assert a.value == pytest.approx(0.2 / (1000 * 1500))
    assert a.stderr == pytest.approx(a.value * np.sqrt(0.1**2 + 0.01**2 + 0.02**2))
    assert a.unit == "m^2/s"
