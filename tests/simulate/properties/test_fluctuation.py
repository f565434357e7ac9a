"""Fluctuation formulas on synthetic NPT series: independent Gaussian (V, H) pairs with a chosen covariance, so
every response function has a known exact value. Sample variances of n Gaussian draws have relative standard
error √(2/n); the jackknife errors are checked against that."""

import numpy as np
import pytest
from scipy.constants import k as KB

from polyloop.simulate.properties import fluctuation as fl
from polyloop.simulate.properties.estimate import Estimate, PropertyError

T = 300.0
MASS = 1.66e-22  # kg, a 100 kg/mol box
V0 = 1.0e-25  # m³ (100 nm³)
KAPPA_T = 0.5e-9  # 1/Pa
CP = 1500.0  # J/(kg K)
ALPHA = 6.0e-4  # 1/K
N = 40000

VAR_V = KAPPA_T * KB * T * V0
VAR_H = CP * MASS * KB * T**2
COV = ALPHA * KB * T**2 * V0


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(7)
    cov = np.array([[VAR_V, COV], [COV, VAR_H]])
    sample = rng.multivariate_normal([V0, -1.0e-16], cov, size=N)
    return sample[:, 0], sample[:, 1]


def within(estimate: Estimate, exact: float, relative_se: float):
    """The estimate is within 4 of its stderrs of the exact value, and its stderr is within 50 % of the
    analytic one (a 10-block jackknife error is itself uncertain by about 1/√(2·9) ≈ 24 %; 50 % is 2σ)."""
    assert abs(estimate.value - exact) < 4 * estimate.stderr
    assert estimate.stderr == pytest.approx(relative_se * abs(exact), rel=0.5)


def test_density(series):
    v, _ = series
    rho = fl.density(MASS, v)
    assert rho.unit == "g/cm^3"
    assert rho.value == pytest.approx(MASS / V0 * 1e-3, rel=1e-4)
    assert rho.stderr == pytest.approx(MASS / V0 * 1e-3 * np.sqrt(VAR_V) / V0 / np.sqrt(N), rel=0.15)


def test_cp_compressibility_and_expansion(series):
    v, h = series
    rel = np.sqrt(2 / N)
    cp = fl.cp_classical(h, T, MASS)
    assert cp.unit == "J/(g*K)"
    within(cp, CP * 1e-3, rel)
    within(fl.isothermal_compressibility(v, T), KAPPA_T * 1e9, rel)
    within(fl.bulk_modulus(v, T), 1e-9 / KAPPA_T, rel)
    correlation = COV / np.sqrt(VAR_V * VAR_H)
    rel_cov = np.sqrt((1 + correlation**2) / N) / correlation  # var of a sample covariance: (σ_V²σ_H² + cov²)/n
    within(fl.volumetric_expansion(v, h, T), ALPHA, rel_cov)
    linear = fl.linear_expansion(v, h, T)
    assert linear.value == pytest.approx(fl.volumetric_expansion(v, h, T).value / 3)


def test_thermodynamic_identities(series):
    v, h = series
    cp_minus_cv = T * V0 * ALPHA**2 / KAPPA_T / MASS * 1e-3  # J/(g K)
    cv = fl.cv_from_cp(v, h, T, MASS)
    assert abs(cv.value - (CP * 1e-3 - cp_minus_cv)) < 4 * cv.stderr
    kappa_s = fl.isentropic_compressibility(v, h, T, MASS)
    exact_ks = KAPPA_T * 1e9 * (1 - cp_minus_cv / (CP * 1e-3))
    assert abs(kappa_s.value - exact_ks) < 4 * kappa_s.stderr
    bulk_s = fl.isentropic_bulk_modulus(v, h, T, MASS)
    assert bulk_s.value == pytest.approx(1 / kappa_s.value, rel=1e-9)
    assert bulk_s.unit == "GPa" and kappa_s.unit == "1/GPa"


def test_cp_correction_enters_cp_cv_and_kappa_s(series):
    v, h = series
    correction = Estimate(-0.5, 0.02, "J/(g*K)")
    cp = fl.cp_corrected(h, T, MASS, correction)
    classical = fl.cp_classical(h, T, MASS)
    assert cp.value == pytest.approx(classical.value - 0.5)
    assert cp.stderr == pytest.approx(np.hypot(classical.stderr, 0.02))
    cv = fl.cv_from_cp(v, h, T, MASS, correction)
    assert cv.value == pytest.approx(fl.cv_from_cp(v, h, T, MASS).value - 0.5)
    # a smaller c_p with the same c_p - c_v gives a smaller c_v/c_p, hence a smaller κ_S
    cp_q = CP * 1e-3 - 0.5
    delta = T * V0 * ALPHA**2 / KAPPA_T / MASS * 1e-3
    kappa_s = fl.isentropic_compressibility(v, h, T, MASS, correction)
    assert abs(kappa_s.value - KAPPA_T * 1e9 * (cp_q - delta) / cp_q) < 4 * kappa_s.stderr


def test_bad_arguments(series):
    v, h = series
    with pytest.raises(PropertyError, match="temperature_K must be a positive"):
        fl.cp_classical(h, 0.0, MASS)
    with pytest.raises(PropertyError, match="volume must be positive"):
        fl.density(MASS, -v)
