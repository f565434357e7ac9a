"""Posteriors against a dense exact GP reference; landmarks equal to the exact GP when they are all the points."""

import numpy as np

from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.hyperparameters import Hyperparameters
from polyloop.surrogate.kernels import TanimotoBasis
from polyloop.surrogate.posterior import exact_posterior, landmark_posterior


def _setup():
    packed = load_pi1070_data(["density"]).packed
    train, test = packed[:120], packed[500:540]
    basis = TanimotoBasis(train, 2048)
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(120, 100, replace=False))  # 20 polymers without this label
    y, fixed = rng.standard_normal(100), rng.uniform(0, 0.02, 100)
    return basis.similarity(train), basis.similarity(test), rows, y, fixed


def _dense_reference(gram, cross, rows, y, fixed, hyper):
    k = hyper.outputscale * gram[np.ix_(rows, rows)] + np.diag(hyper.noise + fixed)
    ks = hyper.outputscale * cross[:, rows]
    mean = hyper.mean + ks @ np.linalg.solve(k, y - hyper.mean)
    variance = hyper.outputscale - np.einsum("ij,ji->i", ks, np.linalg.solve(k, ks.T))
    return mean, hyper.variance_scale * variance


def test_exact_posterior_equals_dense_reference() -> None:
    gram, cross, rows, y, fixed = _setup()
    hyper = Hyperparameters(0.2, 0.7, 0.03, variance_scale=0.5)
    posterior = exact_posterior(gram, rows, y, hyper, fixed)
    mean, variance = _dense_reference(gram, cross, rows, y, fixed, hyper)
    assert np.allclose(posterior.mean(cross), mean, atol=1e-10)
    assert np.allclose(posterior.variance(cross), variance, atol=1e-10)
    assert np.all(posterior.weights[np.setdiff1d(np.arange(120), rows)] == 0)


def test_landmarks_on_all_points_equal_the_exact_posterior() -> None:
    gram, cross, rows, y, fixed = _setup()
    hyper = Hyperparameters(-0.1, 1.2, 0.05)
    exact = exact_posterior(gram, rows, y, hyper, fixed)
    landmarks = np.arange(120)  # every training point, labelled or not
    approximate = landmark_posterior(gram[np.ix_(landmarks, landmarks)], gram[rows], y, hyper, fixed)
    assert np.allclose(approximate.mean(cross), exact.mean(cross), atol=1e-5)
    assert np.allclose(approximate.variance(cross), exact.variance(cross), atol=1e-5)
