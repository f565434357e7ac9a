"""BoTorch models of the surrogate on a fixed finite set of fingerprints, with the Tanimoto matrix computed once.

On a shortlist the acquisition functions evaluate the GP at thousands of t-batches, each joining the candidate with
the baseline and pending points; gpytorch then recomputes dense 2,048-bit Tanimoto kernels between every test point
and every training point for every t-batch (tens of seconds per batch on two cores). Every point that can ever be
evaluated is known in advance — training points, shortlist, pending — so this module stacks them into one set
``S``, computes its Tanimoto matrix ``T_SS`` once (popcounts of packed bits), and rewrites each model of
:meth:`MultiPropertyGP.botorch_model` to take a point's *index* in ``S`` as its single input, with the kernel
``k(i, j) = T_SS[i, j]``. Hyperparameters, noise, outcome transform and therefore every posterior are unchanged;
only the kernel evaluation becomes a table look-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from botorch.models import ModelListGP, SingleTaskGP
from botorch.models.model import Model
from botorch.posteriors import GPyTorchPosterior
from gpytorch.distributions import MultitaskMultivariateNormal, MultivariateNormal
from gpytorch.kernels import Kernel
from linear_operator import to_linear_operator

from polyloop.surrogate.kernels import TanimotoBasis

__all__ = ["FixedSetModel", "IndexedSet", "LookupKernel", "indexed_model"]


class LookupKernel(Kernel):
    """``k(i, j) = table[i, j]`` for inputs holding indices (as floats) in their last column."""

    has_lengthscale = False

    def __init__(self, table: torch.Tensor) -> None:
        super().__init__()
        self.table = table

    def forward(self, x1: torch.Tensor, x2: torch.Tensor, diag: bool = False, **params) -> torch.Tensor:
        """The table entries of every pair (or of the aligned pairs when ``diag``). Inputs are rounded and clamped
        to valid indices (BoTorch probes random points in the inputs' bounding box to bound an objective)."""
        last = len(self.table) - 1
        i, j = (x[..., 0].round().long().clamp(0, last) for x in (x1, x2))
        if diag:
            return self.table[i, j]
        return self.table[i.unsqueeze(-1), j.unsqueeze(-2)]


@dataclass(frozen=True)
class IndexedSet:
    """The stacked fingerprints ``packed`` (N, 256) of training points, then shortlist, then pending, with their
    Tanimoto matrix ``table`` (N, N) and where each part starts."""

    packed: np.ndarray
    table: torch.Tensor
    n_train: int
    n_shortlist: int

    @classmethod
    def build(cls, train: np.ndarray, shortlist: np.ndarray, pending: np.ndarray | None = None,
              n_bits: int = 2048) -> IndexedSet:
        """Stack the three parts and compute ``T_SS``."""
        parts = [train, shortlist] + ([pending] if pending is not None and len(pending) else [])
        packed = np.ascontiguousarray(np.vstack(parts), dtype=np.uint8)
        table = torch.from_numpy(TanimotoBasis(packed, n_bits).similarity(packed))
        return cls(packed, table, len(train), len(shortlist))

    def indices(self, part: str, rows: np.ndarray | None = None) -> torch.Tensor:
        """Index inputs (k, 1) of ``rows`` (default all) of ``part`` (``train``, ``shortlist`` or ``pending``)."""
        start, stop = {"train": (0, self.n_train),
                       "shortlist": (self.n_train, self.n_train + self.n_shortlist),
                       "pending": (self.n_train + self.n_shortlist, len(self.packed))}[part]
        index = np.arange(start, stop) if rows is None else start + np.asarray(rows)
        return torch.from_numpy(index.astype(np.float64)).unsqueeze(-1)


def indexed_model(model: SingleTaskGP | ModelListGP, labelled_rows: list[np.ndarray],
                  points: IndexedSet) -> SingleTaskGP | ModelListGP:
    """Rewrite the output models of ``model`` (built on dense fingerprints of the training rows ``labelled_rows[j]``
    for output ``j``) to take indices into ``points`` and look their kernel up in ``points.table``."""
    members = model.models if isinstance(model, ModelListGP) else [model]
    if len(members) != len(labelled_rows):
        raise ValueError(f"{len(labelled_rows)} row sets for {len(members)} outputs")
    for member, rows in zip(members, labelled_rows, strict=True):
        member.covar_module.base_kernel = LookupKernel(points.table)
        inputs = points.indices("train", rows)
        member.set_train_data(inputs=inputs, strict=False)
        member.eval()
    return model


class FixedSetModel(Model):
    """The joint Gaussian posterior of a model over the finite set ``points``, precomputed once: ``posterior(X)``
    for index inputs gathers means and covariances instead of solving against the training data per t-batch (the
    costly part of qLogNEI with thousands of labels). Exact for every subset of ``points``; outputs independent."""

    def __init__(self, mean: torch.Tensor, covariances: list[torch.Tensor]) -> None:
        super().__init__()
        self.mean, self.covariances = mean, covariances

    @classmethod
    def of(cls, model: SingleTaskGP | ModelListGP, points: IndexedSet) -> FixedSetModel:
        """Precompute ``model``'s posterior (from :func:`indexed_model`) over every point of ``points``."""
        members = model.models if isinstance(model, ModelListGP) else [model]
        everything = torch.arange(len(points.packed), dtype=torch.float64).unsqueeze(-1)
        means, covariances = [], []
        with torch.no_grad():
            for member in members:
                mvn = member.posterior(everything).mvn
                means.append(mvn.mean.reshape(-1))
                covariances.append(mvn.covariance_matrix.reshape(len(everything), len(everything)))
        return cls(torch.stack(means, dim=-1), covariances)

    @property
    def num_outputs(self) -> int:
        """Number of outputs."""
        return self.mean.shape[-1]

    @property
    def batch_shape(self) -> torch.Size:
        """No model batch."""
        return torch.Size([])

    def posterior(self, X: torch.Tensor, output_indices: list[int] | None = None, observation_noise: bool = False,
                  posterior_transform=None, **kwargs) -> GPyTorchPosterior:
        """Joint posterior (…, q, m) at index inputs ``X`` (…, q, 1)."""
        index = X[..., 0].round().long().clamp(0, len(self.mean) - 1)
        outputs = range(self.num_outputs) if output_indices is None else output_indices
        mvns = [MultivariateNormal(self.mean[index, j], to_linear_operator(
            self.covariances[j][index.unsqueeze(-1), index.unsqueeze(-2)])) for j in outputs]
        mvn = mvns[0] if len(mvns) == 1 else MultitaskMultivariateNormal.from_independent_mvns(mvns)
        posterior = GPyTorchPosterior(mvn)
        return posterior if posterior_transform is None else posterior_transform(posterior)
