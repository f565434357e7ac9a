"""k-fold cross-validation of surrogates: accuracy and calibration per property.

Scores, pooled over the held-out points of all folds (each labelled point is held out once):

- ``r2`` = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² and ``mae`` = mean |y − ŷ|, in the original units, with ŷ the back-transformed
  predictive mean of the modelling space (the predictive median for log-modelled properties);
- ``coverage_1sigma``, ``coverage_2sigma``: fraction of held-out labels with |g(y) − μ| ≤ kσ, where ``N(μ, σ²)`` is
  the predictive of a new label in the modelling space (equivalently y inside [g⁻¹(μ − kσ), g⁻¹(μ + kσ)]); a
  calibrated Gaussian gives 0.683 and 0.954;
- ``msll``: mean standardised log loss (Rasmussen & Williams 2006, §2.5), the negative log predictive density minus
  that of a Gaussian with the training fold's mean and variance; negative is better than that trivial model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np

from polyloop.surrogate.data import TrainingData
from polyloop.surrogate.transforms import PropertyTransform

__all__ = ["PropertyScores", "Surrogate", "cross_validate", "score_predictions"]


class Surrogate(Protocol):
    """What cross-validation needs from a fitted model."""

    transforms: dict[str, PropertyTransform]

    def predict_model_space(self, packed: np.ndarray, properties: list[str] | None = None,
                            observation_noise: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Gaussian predictive (n, p) in the modelling units."""


@dataclass(frozen=True)
class PropertyScores:
    """Cross-validation scores of one property (see the module docstring)."""

    r2: float
    mae: float
    coverage_1sigma: float
    coverage_2sigma: float
    msll: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The scores as a plain dictionary (the CLI's JSON keys)."""
        return asdict(self)


def score_predictions(y: np.ndarray, mean: np.ndarray, variance: np.ndarray, kind: str,
                      trivial_mean: np.ndarray, trivial_variance: np.ndarray) -> PropertyScores:
    """Scores of held-out labels ``y`` (original units) against Gaussian predictives ``N(mean, variance)`` in the
    modelling units of transform ``kind``; ``trivial_*``: per-point mean and variance of the trivial model."""
    g = np.log(y) if kind == "log" else y
    point = np.exp(mean) if kind == "log" else mean
    sigma = np.sqrt(np.maximum(variance, 1e-300))
    z = np.abs(g - mean) / sigma
    residual = np.sum((y - point) ** 2)
    total = np.sum((y - y.mean()) ** 2)

    def nlpd(m: np.ndarray, v: np.ndarray) -> np.ndarray:
        return 0.5 * np.log(2 * math.pi * v) + (g - m) ** 2 / (2 * v)

    return PropertyScores(
        r2=float(1 - residual / total) if total > 0 else float("nan"),
        mae=float(np.mean(np.abs(y - point))),
        coverage_1sigma=float(np.mean(z <= 1)),
        coverage_2sigma=float(np.mean(z <= 2)),
        msll=float(np.mean(nlpd(mean, sigma**2) - nlpd(trivial_mean, trivial_variance))),
        n=len(y),
    )


def cross_validate(data: TrainingData, fit: Callable[[TrainingData], Surrogate], folds: int = 5,
                   seed: int = 0) -> dict[str, PropertyScores]:
    """k-fold cross-validation of the model built by ``fit`` on every property of ``data``.

    Rows are shuffled with ``seed`` and split into ``folds`` near-equal folds; each fold is predicted by a model fitted
    on the others; all properties of a fold share one fit.
    """
    if not 2 <= folds <= len(data):
        raise ValueError(f"folds must be between 2 and the number of polymers ({len(data)}), got {folds}")
    assignment = np.random.default_rng(seed).permutation(len(data)) % folds
    p = len(data.properties)
    mean, variance = np.full((len(data), p), np.nan), np.full((len(data), p), np.nan)
    trivial_mean, trivial_variance = np.full((len(data), p), np.nan), np.full((len(data), p), np.nan)
    for fold in range(folds):
        train, test = assignment != fold, assignment == fold
        model = fit(data.subset(train))
        mean[test], variance[test] = model.predict_model_space(data.packed[test], list(data.properties),
                                                               observation_noise=True)
        for j, name in enumerate(data.properties):
            values = data.targets[train, j]
            g = model.transforms[name].to_model_units(model.transforms[name].forward(values[np.isfinite(values)]),
                                                      0.0)[0]
            trivial_mean[test, j], trivial_variance[test, j] = g.mean(), g.var(ddof=1)
    scores = {}
    for j, name in enumerate(data.properties):
        rows = np.isfinite(data.targets[:, j])
        kind = model.transforms[name].kind
        scores[name] = score_predictions(data.targets[rows, j], mean[rows, j], variance[rows, j], kind,
                                         trivial_mean[rows, j], trivial_variance[rows, j])
    return scores
