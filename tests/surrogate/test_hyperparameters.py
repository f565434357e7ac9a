"""The eigenbasis marginal likelihood against gpytorch, its gradient, and recovery of known hyperparameters."""

import numpy as np
import torch
from gpytorch.mlls import ExactMarginalLogLikelihood

from polyloop.library.fingerprints import unpack_bits
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.gp import fingerprint_gp, set_hyperparameters
from polyloop.surrogate.hyperparameters import (
    COVERAGE_1SIGMA,
    Eigenbasis,
    Hyperparameters,
    calibrate_variance,
    fit_hyperparameters,
    negative_log_likelihood,
)
from polyloop.surrogate.kernels import TanimotoBasis


def _gram(n: int) -> tuple[np.ndarray, np.ndarray]:
    packed = load_pi1070_data(["density"]).packed[:n]
    return packed, TanimotoBasis(packed, 2048).similarity(packed)


def test_objective_equals_gpytorch_marginal_likelihood_and_gradient_is_exact() -> None:
    packed, gram = _gram(60)
    y = np.random.default_rng(0).standard_normal(60)
    theta = np.array([0.3, np.log(0.8), np.log(0.05)])
    value, gradient = negative_log_likelihood(theta, Eigenbasis.of(gram), y)
    x = torch.from_numpy(unpack_bits(packed, 2048)).double()
    model = set_hyperparameters(fingerprint_gp(x, torch.from_numpy(y).unsqueeze(-1)), 0.3, 0.8, 0.05)
    model.train()
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    reference = -mll(model(*model.train_inputs), model.train_targets).item() * len(y)
    assert abs(value - reference) < 1e-6 * abs(reference)
    step = 1e-6
    numeric = [(negative_log_likelihood(theta + step * e, Eigenbasis.of(gram), y)[0]
                - negative_log_likelihood(theta - step * e, Eigenbasis.of(gram), y)[0]) / (2 * step)
               for e in np.eye(3)]
    assert np.allclose(gradient, numeric, rtol=1e-4, atol=1e-5)


def test_fit_recovers_hyperparameters_of_a_prior_draw() -> None:
    _, gram = _gram(800)
    covariance = 1.5 * gram + 0.04 * np.eye(800)
    y = 0.4 + np.linalg.cholesky(covariance) @ np.random.default_rng(1).standard_normal(800)
    fitted = fit_hyperparameters(Eigenbasis.of(gram), y)
    assert abs(fitted.mean - 0.4) < 0.5
    assert 0.75 < fitted.outputscale / 1.5 < 1.33
    assert 0.75 < fitted.noise / 0.04 < 1.33


def test_calibration_of_a_well_specified_model_is_near_one() -> None:
    _, gram = _gram(800)
    truth = Hyperparameters(0.0, 1.0, 0.05)
    y = np.linalg.cholesky(gram + 0.05 * np.eye(800)) @ np.random.default_rng(2).standard_normal(800)
    scale = calibrate_variance(gram, y, truth)
    assert 0.8 < scale < 1.25 and 0.68 < COVERAGE_1SIGMA < 0.69
