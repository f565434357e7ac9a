"""Posterior of one property's GP in a form that is cheap to evaluate on millions of candidates.

Every posterior here, exact or landmark-based, is written over a *basis* of ``b`` fingerprints (the training points,
or the landmarks) in the standardised space ``z``:

    mean(x) = c + t(x)ᵀ a,        var(x) = s − ‖t(x)ᵀ W‖²,

with ``t(x)`` the Tanimoto similarities of ``x`` to the basis (one kernel block per candidate chunk, shared by every
property), ``a`` (b) and ``W`` (b × r) precomputed. ``var`` is the latent (noise-free) variance, ``T(x, x) = 1``; it
is then multiplied by the calibration τ² of :func:`~polyloop.surrogate.hyperparameters.calibrate_variance`.

Exact GP on the observed rows ``O`` (``K = s T_OO + Λ``, ``Λ = diag(σ² + e)``, ``L = chol(K)``, ``r = y − c``):

    a_O = s K⁻¹ r,   W_O = s L⁻ᵀ        (zero rows for basis points without a label).

Landmarks ``m`` (SGPR / DTC predictive of Titsias 2009 with heteroscedastic noise): ``L_m = chol(T_mm)``,
``Φ = T_Om L_m⁻ᵀ``, ``M = I + s Φᵀ Λ⁻¹ Φ = U diag(μ) Uᵀ``:

    a = s L_m⁻ᵀ M⁻¹ Φᵀ Λ⁻¹ r,   W = √s L_m⁻ᵀ U diag(√(1 − 1/μ)),

which is the exact GP when the landmarks are all the training points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from polyloop.surrogate.hyperparameters import Hyperparameters

__all__ = ["LANDMARK_JITTER", "PropertyPosterior", "exact_posterior", "landmark_posterior"]

LANDMARK_JITTER = 1e-8  # added to the diagonal of T_mm before its Cholesky factor


@dataclass(frozen=True)
class PropertyPosterior:
    """``mean(x) = c + t(x)ᵀ a`` and ``var(x) = s − ‖t(x)ᵀ W‖²`` over a basis (standardised units)."""

    hyperparameters: Hyperparameters
    weights: np.ndarray
    variance_factor: np.ndarray

    def mean(self, similarity: np.ndarray) -> np.ndarray:
        """Posterior mean for rows of similarities to the basis, shape (n, b)."""
        return self.hyperparameters.mean + similarity @ self.weights.astype(similarity.dtype, copy=False)

    def variance(self, similarity: np.ndarray) -> np.ndarray:
        """Latent posterior variance for rows of similarities to the basis, shape (n, b): ``τ²·max(s − ‖tᵀW‖², 0)``
        with τ² the calibration ``variance_scale``."""
        projected = similarity @ self.variance_factor.astype(similarity.dtype, copy=False)
        explained = np.einsum("ij,ij->i", projected, projected)
        hyper = self.hyperparameters
        return hyper.variance_scale * np.maximum(hyper.outputscale - explained, 0.0)


def _noise(hyper: Hyperparameters, fixed_noise: np.ndarray | None, n: int) -> np.ndarray:
    return hyper.noise + (np.zeros(n) if fixed_noise is None else np.asarray(fixed_noise, dtype=float))


def exact_posterior(gram: np.ndarray, rows: np.ndarray, y: np.ndarray, hyper: Hyperparameters,
                    fixed_noise: np.ndarray | None = None) -> PropertyPosterior:
    """The exact GP posterior over a basis of all training points, labelled at ``rows`` with ``y`` (standardised).

    ``gram`` is the (b, b) Tanimoto matrix of the basis; ``fixed_noise`` the per-label variances ``e`` (or None).
    """
    s = hyper.outputscale
    covariance = s * gram[np.ix_(rows, rows)]
    covariance[np.diag_indices_from(covariance)] += _noise(hyper, fixed_noise, len(rows))
    factor = scipy.linalg.cholesky(covariance, lower=True, overwrite_a=True, check_finite=False)
    weights = np.zeros(len(gram))
    weights[rows] = s * scipy.linalg.cho_solve((factor, True), y - hyper.mean, check_finite=False)
    inverse = scipy.linalg.solve_triangular(factor, np.eye(len(rows)), lower=True, check_finite=False)
    variance_factor = np.zeros((len(gram), len(rows)))
    variance_factor[rows] = s * inverse.T
    return PropertyPosterior(hyper, weights, variance_factor)


def landmark_posterior(landmark_gram: np.ndarray, cross: np.ndarray, y: np.ndarray, hyper: Hyperparameters,
                       fixed_noise: np.ndarray | None = None) -> PropertyPosterior:
    """The SGPR (DTC) posterior over a basis of ``m`` landmarks.

    ``landmark_gram``: (m, m) Tanimoto matrix of the landmarks; ``cross``: (n_O, m) similarities of the labelled
    points to the landmarks; ``y``: their standardised labels; ``fixed_noise``: per-label variances ``e`` (or None).
    """
    s = hyper.outputscale
    jittered = landmark_gram + LANDMARK_JITTER * np.eye(len(landmark_gram))
    chol = scipy.linalg.cholesky(jittered, lower=True, check_finite=False)
    features = scipy.linalg.solve_triangular(chol, cross.T, lower=True, check_finite=False).T  # Φ = T_Om L_m⁻ᵀ
    precision = 1.0 / _noise(hyper, fixed_noise, len(y))
    inner = np.eye(len(chol)) + s * (features.T * precision) @ features
    eigenvalues, eigenvectors = np.linalg.eigh(inner)
    eigenvalues = np.maximum(eigenvalues, 1.0)
    projected = features.T @ (precision * (y - hyper.mean))
    solved = eigenvectors @ ((eigenvectors.T @ projected) / eigenvalues)
    weights = s * scipy.linalg.solve_triangular(chol, solved, lower=True, trans="T", check_finite=False)
    scaled = eigenvectors * np.sqrt(1.0 - 1.0 / eigenvalues)
    variance_factor = math.sqrt(s) * scipy.linalg.solve_triangular(chol, scaled, lower=True, trans="T",
                                                                   check_finite=False)
    return PropertyPosterior(hyper, weights, variance_factor)
