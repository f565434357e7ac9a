"""Type-II maximum likelihood for the fingerprint GP on a precomputed Gram matrix, in its eigenbasis.

With the Tanimoto Gram matrix ``T = Q diag(λ) Qᵀ`` (the kernel has no hyperparameters of its own, so ``T`` and its
eigendecomposition are computed once and shared by every property labelled on the same rows), the model of
:mod:`polyloop.surrogate.gp` with homoscedastic noise has ``K = s·T + ν·I`` and, with ``u = Qᵀ(y − c)`` and
``d_j = s·λ_j + ν``,

    −log p(y) = ½ Σ u_j² / d_j + ½ Σ log d_j + (n/2) log 2π,

    ∂/∂c = −Σ (Qᵀ1)_j u_j / d_j,   ∂/∂ln s = ½ Σ s·λ_j (1/d_j − u_j²/d_j²),   ∂/∂ln σ² = ½ Σ σ² (1/d_j − u_j²/d_j²),

so each evaluation costs O(n) after one O(n³) eigendecomposition, and L-BFGS-B fits 15 properties in well under a
second once ``T`` is factored. Here ``ν = σ² + ē``: fixed per-point noise ``e_i`` enters the *fit* through its mean
``ē`` (an approximation; MD standard errors are small against the learned noise), while the posterior
(:mod:`~polyloop.surrogate.posterior`) uses every ``e_i`` exactly. The objective equals gpytorch's
``ExactMarginalLogLikelihood`` × n (a test checks this).

Calibration. MD labels have heavy-tailed residuals (most polymers are predicted well, a few chemistries badly), so
the maximum-likelihood Gaussian is too wide for most points: about 85 % of held-out PI1070 labels fall within ±1σ.
:func:`calibrate_variance` rescales all predictive variances of a property by τ², chosen so that 68.3 % of the
leave-one-out z-scores ``z_i = [K⁻¹r]_i / √[K⁻¹]_ii`` (closed form, Rasmussen & Williams 2006 §5.4.2) lie within
±1σ. The mean is unchanged (it is the GP with ``K`` scaled by τ²).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import scipy.linalg
import scipy.optimize

from polyloop.surrogate.gp import MIN_NOISE

__all__ = ["COVERAGE_1SIGMA", "Eigenbasis", "Hyperparameters", "calibrate_variance", "fit_hyperparameters",
           "negative_log_likelihood"]

COVERAGE_1SIGMA = 0.6826894921370859  # P(|Z| ≤ 1) for a standard normal Z

# Search box in the standardised target space (targets with mean 0 and variance 1).
_BOUNDS = [(-5.0, 5.0), (math.log(1e-3), math.log(1e2)), (math.log(MIN_NOISE), math.log(10.0))]
_START = np.array([0.0, 0.0, math.log(0.1)])


@dataclass(frozen=True)
class Hyperparameters:
    """Constant mean ``c``, output scale ``s`` and learned noise variance ``σ²`` of one property's GP, and the
    ``variance_scale`` τ² that calibrates its predictive variances (see :func:`calibrate_variance`)."""

    mean: float
    outputscale: float
    noise: float
    variance_scale: float = 1.0

    def as_dict(self) -> dict[str, float]:
        """The hyperparameters as a plain dictionary (for JSON)."""
        return asdict(self)


@dataclass(frozen=True)
class Eigenbasis:
    """Eigenvalues ``λ`` (clipped at 0) and eigenvectors ``Q`` of a Gram matrix, ``T = Q diag(λ) Qᵀ``."""

    values: np.ndarray
    vectors: np.ndarray

    @classmethod
    def of(cls, gram: np.ndarray) -> Eigenbasis:
        """The eigendecomposition of a symmetric positive semi-definite ``gram``."""
        values, vectors = np.linalg.eigh(gram)
        return cls(np.maximum(values, 0.0), vectors)


def negative_log_likelihood(theta: np.ndarray, basis: Eigenbasis, y: np.ndarray,
                            extra_noise: float = 0.0) -> tuple[float, np.ndarray]:
    """``−log p(y | θ)`` and its gradient in ``θ = (c, ln s, ln σ²)``, noise ``ν = σ² + extra_noise``."""
    return _objective(theta, basis.values, basis.vectors.T @ y, basis.vectors.sum(axis=0), extra_noise)


def _objective(theta: np.ndarray, values: np.ndarray, projected_y: np.ndarray, projected_one: np.ndarray,
               extra_noise: float) -> tuple[float, np.ndarray]:
    c, s, noise = theta[0], math.exp(theta[1]), math.exp(theta[2])
    u = projected_y - c * projected_one
    d = s * values + noise + extra_noise
    ratio = u / d
    value = 0.5 * (u @ ratio) + 0.5 * np.sum(np.log(d)) + 0.5 * len(u) * math.log(2 * math.pi)
    weight = 1.0 / d - ratio**2
    gradient = np.array([-(projected_one @ ratio), 0.5 * s * (values @ weight), 0.5 * noise * weight.sum()])
    return float(value), gradient


def fit_hyperparameters(basis: Eigenbasis, y: np.ndarray, fixed_noise: np.ndarray | None = None) -> Hyperparameters:
    """Maximise the marginal likelihood of standardised targets ``y`` (mean ≈ 0, variance ≈ 1) under
    ``K = s·T + (σ² + ē)·I`` with L-BFGS-B, ``T`` given by its eigenbasis; return ``(c, s, σ²)``."""
    if len(y) < 2:
        raise ValueError(f"at least 2 labels are needed to fit a GP, got {len(y)}")
    extra = 0.0 if fixed_noise is None else float(np.mean(fixed_noise))
    arguments = (basis.values, basis.vectors.T @ y, basis.vectors.sum(axis=0), extra)
    result = scipy.optimize.minimize(_objective, _START, args=arguments, jac=True, method="L-BFGS-B",
                                     bounds=_BOUNDS)
    c, log_s, log_noise = result.x
    return Hyperparameters(mean=float(c), outputscale=math.exp(log_s), noise=math.exp(log_noise))


def calibrate_variance(gram: np.ndarray, y: np.ndarray, hyper: Hyperparameters,
                       fixed_noise: np.ndarray | None = None) -> float:
    """τ² such that a fraction :data:`COVERAGE_1SIGMA` of the leave-one-out z-scores of ``y`` under ``hyper`` (with
    the exact per-point noise ``σ² + e_i``) have ``|z| ≤ τ``; ``gram`` is the Tanimoto matrix of the labelled rows."""
    covariance = hyper.outputscale * gram
    covariance[np.diag_indices_from(covariance)] += hyper.noise + (0.0 if fixed_noise is None else fixed_noise)
    factor = scipy.linalg.cholesky(covariance, lower=True, overwrite_a=True, check_finite=False)
    solved = scipy.linalg.cho_solve((factor, True), y - hyper.mean, check_finite=False)
    inverse = scipy.linalg.solve_triangular(factor, np.eye(len(y)), lower=True, check_finite=False)
    z = np.abs(solved) / np.sqrt(np.einsum("ij,ij->j", inverse, inverse))
    return float(np.quantile(z, COVERAGE_1SIGMA) ** 2)
