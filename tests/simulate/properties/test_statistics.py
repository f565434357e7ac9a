"""Block averaging, statistical inefficiency, jackknife and stationarity on series with known statistics.

An AR(1) series ``x_t = φ x_{t−1} + ε_t`` has variance ``σ² = σ_ε²/(1−φ²)``, statistical inefficiency
``g = (1+φ)/(1−φ)`` and, for long series, ``var(mean) = g σ²/n``.
"""

import numpy as np
import pytest

from polyloop.simulate.properties.estimate import PropertyError
from polyloop.simulate.properties.statistics import (
    block_average,
    block_jackknife,
    stationarity,
    statistical_inefficiency,
)


def ar1(n: int, phi: float, rng: np.random.Generator, sigma_eps: float = 1.0) -> np.ndarray:
    eps = rng.normal(0.0, sigma_eps, n)
    x = np.empty(n)
    x[0] = eps[0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + eps[t]
    return x


def test_block_average_matches_analytic_error_of_ar1():
    rng = np.random.default_rng(1)
    phi, n = 0.9, 2**16
    x = ar1(n, phi, rng) + 5.0
    mean, se = block_average(x)
    analytic = np.sqrt((1 + phi) / (1 - phi) / (1 - phi**2) / n)
    assert se == pytest.approx(analytic, rel=0.2)
    assert abs(mean - 5.0) < 4 * analytic


def test_block_average_independent_samples_give_sigma_over_root_n():
    rng = np.random.default_rng(2)
    x = rng.normal(1.0, 2.0, 10000)
    _, se = block_average(x)
    assert se == pytest.approx(2.0 / 100.0, rel=0.1)


def test_block_average_error_is_calibrated_on_short_correlated_series():
    """The 95 % interval mean ± 1.96 SE covers the true mean in about 95 % of 300 short AR(1) series."""
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(300):
        mean, se = block_average(ar1(1000, 0.8, rng))
        covered += abs(mean) < 1.96 * se
    assert 0.88 <= covered / 300 <= 0.99


def test_statistical_inefficiency_of_ar1():
    rng = np.random.default_rng(4)
    phi = 0.9
    assert statistical_inefficiency(ar1(2**16, phi, rng)) == pytest.approx((1 + phi) / (1 - phi), rel=0.15)
    assert statistical_inefficiency(np.full(100, 3.0)) == 1.0


def test_block_jackknife_error_of_a_variance_matches_monte_carlo_spread():
    rng = np.random.default_rng(5)
    variances, errors = [], []
    for _ in range(200):
        value, se = block_jackknife(np.var, ar1(4000, 0.5, rng), blocks=20)
        variances.append(value)
        errors.append(se)
    assert np.mean(errors) == pytest.approx(np.std(variances), rel=0.2)
    assert np.mean(variances) == pytest.approx(1 / (1 - 0.25), rel=0.02)


def test_bad_input_is_refused_with_reason():
    with pytest.raises(PropertyError, match="at least 4 samples"):
        block_average([1.0, 2.0])
    with pytest.raises(PropertyError, match="non-finite"):
        block_average([1.0, 2.0, np.nan, 4.0, 5.0])
    with pytest.raises(PropertyError, match="unequal length"):
        block_jackknife(lambda a, b: 0.0, np.ones(40), np.ones(41), blocks=10)


def test_stationarity_flags_a_drift_and_accepts_noise():
    rng = np.random.default_rng(6)
    t = np.arange(5000) * 1e-12
    noise = ar1(5000, 0.7, rng)
    steady = stationarity(t, 100.0 + noise)
    assert steady.stationary and abs(steady.drift_z) < 3
    drifting = stationarity(t, 100.0 + noise + np.linspace(0.0, 1.0, 5000))
    assert not drifting.stationary
    assert drifting.drift == pytest.approx(1.0, abs=0.2)
    assert drifting.relative_drift == pytest.approx(0.01, abs=0.002)
    assert set(drifting.as_dict()) == {"drift", "relative_drift", "drift_z", "halves_difference", "halves_z",
                                       "stationary"}
