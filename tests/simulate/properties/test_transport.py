"""Self-diffusion: a Brownian random walk with known D, and sub-diffusive (caged, glassy) MSDs flagged."""

import numpy as np
import pytest

from polyloop.simulate.properties.estimate import PropertyError
from polyloop.simulate.properties.transport import self_diffusion

D = 2.0e-9  # m²/s
DT = 1.0e-12  # s


def random_walk_msd(walkers: int, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    jumps = rng.normal(0.0, np.sqrt(2 * D * DT), size=(walkers, steps, 3))
    path = np.cumsum(jumps, axis=1)
    return np.arange(1, steps + 1) * DT, np.sum(path**2, axis=2)


def test_random_walk_gives_d_per_molecule_errors():
    t, msd = random_walk_msd(400, 500, 21)
    estimate = self_diffusion(t, msd)
    assert abs(estimate.value - D) < 4 * estimate.stderr
    assert estimate.stderr < 0.15 * D
    assert estimate.diffusive and estimate.exponent == pytest.approx(1.0, abs=0.1)
    assert estimate.as_dict()["diffusive"] is True
    assert set(estimate.as_dict()) == {"value", "stderr", "unit", "exponent", "diffusive"}


def test_random_walk_averaged_msd():
    t, msd = random_walk_msd(400, 500, 22)
    estimate = self_diffusion(t, msd.mean(axis=0))
    assert estimate.value == pytest.approx(D, rel=0.2)
    assert estimate.diffusive


def test_plateau_and_subdiffusion_are_flagged():
    t = np.linspace(1e-12, 1e-9, 400)
    caged = 1e-20 * (1 - np.exp(-t / 2e-11))  # rattling in a cage of 0.1 nm
    flagged = self_diffusion(t, caged)
    assert not flagged.diffusive and flagged.exponent < 0.1
    rouse = 1e-18 * (t / 1e-9) ** 0.5
    rouse_fit = self_diffusion(t, rouse)
    assert not rouse_fit.diffusive and rouse_fit.exponent == pytest.approx(0.5, abs=0.02)


def test_short_displacement_is_not_diffusive():
    t = np.linspace(1e-12, 1e-9, 100)
    msd = 6 * 1e-12 * t  # linear, but only √(6e-21) ≈ 0.08 nm in total
    assert self_diffusion(t, msd).diffusive
    assert not self_diffusion(t, msd, molecular_length_m=1e-9).diffusive


def test_window_needs_points():
    with pytest.raises(PropertyError, match="fit window"):
        self_diffusion(np.arange(1.0, 5.0), np.arange(1.0, 5.0), window=(0.9, 1.0))
