"""A single-property fingerprint GP on gpytorch that BoTorch can use directly.

:func:`fingerprint_gp` builds a BoTorch ``SingleTaskGP`` whose prior is

    f ~ GP(c, s · k(x, x')),   y_i = f(x_i) + ε_i,   ε_i ~ N(0, σ² + e_i),

with ``k`` the Tanimoto kernel (bit vectors) or the MinMax kernel (count vectors), a learnable constant mean ``c``,
output scale ``s`` and noise ``σ²``, and optional fixed per-point noise ``e_i`` (e.g. the squared standard error of
replicate MD runs). Inputs are dense float tensors of shape (n, n_bits). :func:`fit_fingerprint_gp` maximises the
exact marginal likelihood with BoTorch's optimiser.
"""

from __future__ import annotations

import torch
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.models.transforms.outcome import OutcomeTransform
from gpytorch.constraints import GreaterThan
from gpytorch.kernels import ScaleKernel
from gpytorch.likelihoods import FixedNoiseGaussianLikelihood, GaussianLikelihood
from gpytorch.means import ConstantMean
from gpytorch.mlls import ExactMarginalLogLikelihood

from polyloop.surrogate.kernels import MinMaxKernel, TanimotoKernel

__all__ = ["KERNELS", "MIN_NOISE", "fingerprint_gp", "fit_fingerprint_gp", "set_hyperparameters"]

KERNELS = {"tanimoto": TanimotoKernel, "minmax": MinMaxKernel}
MIN_NOISE = 1e-6  # lower bound of the learned noise variance σ², in the units of the targets


def fingerprint_gp(train_x: torch.Tensor, train_y: torch.Tensor, train_yvar: torch.Tensor | None = None,
                   kernel: str = "tanimoto", outcome_transform: OutcomeTransform | None = None) -> SingleTaskGP:
    """A BoTorch ``SingleTaskGP`` with a fingerprint kernel (untrained: call :func:`fit_fingerprint_gp` or
    :func:`set_hyperparameters`).

    ``train_x``: (n, d) float64 features (0/1 bits for Tanimoto, counts for MinMax); ``train_y``: (n, 1) targets;
    ``train_yvar``: (n, 1) fixed noise variances ``e_i``, added to the learned noise ``σ²``. With no
    ``outcome_transform`` the hyperparameters are in the units of ``train_y`` (standardise it first if its scale is
    far from 1); with BoTorch's ``Standardize`` they are in standardised units and posteriors in those of ``train_y``.
    """
    if kernel not in KERNELS:
        raise ValueError(f"unknown kernel {kernel!r}; choose one of {sorted(KERNELS)}")
    if train_yvar is None:
        likelihood = GaussianLikelihood(noise_constraint=GreaterThan(MIN_NOISE))
    else:
        noise = train_yvar
        if outcome_transform is not None:  # the likelihood sees the transformed targets, so transformed noise
            outcome_transform.train()
            noise = outcome_transform(train_y, train_yvar)[1]
        likelihood = FixedNoiseGaussianLikelihood(noise=noise.squeeze(-1).detach(), learn_additional_noise=True,
                                                  noise_constraint=GreaterThan(MIN_NOISE))
    return SingleTaskGP(train_x, train_y, train_yvar, likelihood=likelihood, mean_module=ConstantMean(),
                        covar_module=ScaleKernel(KERNELS[kernel]()), outcome_transform=outcome_transform)


def fit_fingerprint_gp(model: SingleTaskGP) -> SingleTaskGP:
    """Fit mean, output scale and noise by maximising the exact marginal likelihood (L-BFGS); return the model in
    eval mode."""
    fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
    return model.eval()


def set_hyperparameters(model: SingleTaskGP, mean: float, outputscale: float, noise: float) -> SingleTaskGP:
    """Set the constant mean ``c``, output scale ``s`` and learned noise ``σ²`` of a model built by
    :func:`fingerprint_gp` (for example from a fitted multi-property model); return it in eval mode.

    A noise at or below the likelihood's lower bound :data:`MIN_NOISE` (a fitted noise at the bound times a
    calibration factor τ² < 1) is set just above the bound, a change of at most 10⁻⁶ in the targets' units."""
    noise = max(float(noise), 1.001 * MIN_NOISE)
    model.mean_module.constant = torch.tensor(float(mean))
    model.covar_module.outputscale = torch.tensor(float(outputscale))
    noise_module = model.likelihood
    if isinstance(noise_module, FixedNoiseGaussianLikelihood):
        noise_module.second_noise = torch.tensor(float(noise))
    else:
        noise_module.noise = torch.tensor(float(noise))
    return model.eval()
