"""The multi-property fingerprint GP: up to 15 properties over one shared Tanimoto Gram matrix.

Each property gets its own target transform (:mod:`~polyloop.surrogate.transforms`), constant mean, output scale and
noise, fitted on its own labelled rows (labels may be missing per property). The Tanimoto kernel has no
hyperparameters, so the kernel similarities — the costly part — are computed once for all properties: the training
Gram matrix when fitting, and one (chunk × basis) block per chunk of candidates when predicting.

Modes (chosen automatically from the number of labelled polymers ``n``):

- ``exact`` for ``n ≤ exact_max``: the exact GP on all labels;
- ``landmarks`` beyond: SGPR on ``n_landmarks`` landmarks chosen by randomly pivoted Cholesky
  (:mod:`~polyloop.surrogate.landmarks`).

Hyperparameters are fitted on at most ``fit_points`` labels per property (a seeded random subset when there are more),
the posterior then uses every label.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from botorch.models import ModelListGP, SingleTaskGP
from botorch.models.transforms.outcome import Standardize

from polyloop.library.fingerprints import unpack_bits
from polyloop.surrogate.data import TrainingData
from polyloop.surrogate.gp import fingerprint_gp, set_hyperparameters
from polyloop.surrogate.hyperparameters import Eigenbasis, Hyperparameters, calibrate_variance, fit_hyperparameters
from polyloop.surrogate.kernels import TanimotoBasis
from polyloop.surrogate.landmarks import select_landmarks
from polyloop.surrogate.posterior import PropertyPosterior, exact_posterior, landmark_posterior
from polyloop.surrogate.transforms import PropertyTransform

__all__ = ["GPSettings", "MultiPropertyGP"]


@dataclass(frozen=True)
class GPSettings:
    """How a :class:`MultiPropertyGP` is fitted.

    ``exact_max``: largest number of labelled polymers for the exact GP; ``n_landmarks``: landmarks beyond it;
    ``fit_points``: labels per property used to fit the hyperparameters; ``fixed_noise``: add the labels' squared
    standard errors to the learned noise; ``calibrate``: rescale predictive variances so that 68.3 % of the
    leave-one-out z-scores lie within ±1σ; ``seed``: for the hyperparameter subsample.
    """

    exact_max: int = 3000
    n_landmarks: int = 1000
    fit_points: int = 1000
    fixed_noise: bool = True
    calibrate: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("exact_max", "n_landmarks", "fit_points"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2, got {getattr(self, name)}")


class MultiPropertyGP:
    """A fitted multi-property GP. Build it with :meth:`fit`; predict with :meth:`predict`."""

    def __init__(self, data: TrainingData, transforms: dict[str, PropertyTransform],
                 hyperparameters: dict[str, Hyperparameters], settings: GPSettings,
                 landmarks: np.ndarray | None = None) -> None:
        self.data = data
        self.transforms = transforms
        self.hyperparameters = hyperparameters
        self.settings = settings
        self.landmarks = landmarks
        basis = data.packed if landmarks is None else data.packed[landmarks]
        self.basis = TanimotoBasis(basis, data.spec.n_bits)
        self._cross: np.ndarray | None = None
        self._posteriors: dict[str, PropertyPosterior] = {}

    @property
    def properties(self) -> tuple[str, ...]:
        """The modelled properties, in column order."""
        return self.data.properties

    @property
    def mode(self) -> str:
        """``"exact"`` or ``"landmarks"``."""
        return "exact" if self.landmarks is None else "landmarks"

    @classmethod
    def fit(cls, data: TrainingData, settings: GPSettings = GPSettings()) -> MultiPropertyGP:
        """Fit transforms and hyperparameters of every property of ``data``."""
        transforms = {p: PropertyTransform.fit(p, data.targets[:, j]) for j, p in enumerate(data.properties)}
        landmarks = None
        if len(data) > settings.exact_max:
            landmarks = select_landmarks(data.packed, settings.n_landmarks, settings.seed)
        model = cls(data, transforms, {}, settings, landmarks)
        subsets = model._fit_subsets()
        union = np.unique(np.concatenate(list(subsets.values())))
        if landmarks is None and len(union) == len(data):
            gram = model._training_similarity()
        else:
            gram = TanimotoBasis(data.packed[union], data.spec.n_bits).similarity(data.packed[union])
        position = np.full(len(data), -1)
        position[union] = np.arange(len(union))
        eigenbases: dict[bytes, Eigenbasis] = {}
        for j, p in enumerate(data.properties):
            at = position[subsets[p]]
            key = at.tobytes()
            if key not in eigenbases:
                eigenbases[key] = Eigenbasis.of(gram[np.ix_(at, at)])
            y, noise = model._standardised(j, subsets[p])
            hyper = fit_hyperparameters(eigenbases[key], y, noise)
            if settings.calibrate:
                hyper = replace(hyper, variance_scale=calibrate_variance(gram[np.ix_(at, at)], y, hyper, noise))
            model.hyperparameters[p] = hyper
        return model

    def _fit_subsets(self) -> dict[str, np.ndarray]:
        """Rows used to fit each property's hyperparameters: at most ``fit_points`` labelled rows, taken in a seeded
        random order that puts fully labelled polymers first, so most properties share rows (and one eigenbasis)."""
        labelled = np.isfinite(self.data.targets)
        shuffled = np.random.default_rng(self.settings.seed).permutation(len(self.data))
        order = shuffled[np.argsort((~labelled[shuffled]).sum(axis=1), kind="stable")]
        subsets = {}
        for j, p in enumerate(self.properties):
            rows = order[labelled[order, j]][: self.settings.fit_points]
            subsets[p] = np.sort(rows)
        return subsets

    def _standardised(self, column: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Standardised labels of property ``column`` at ``rows`` and their fixed noise variances (or None)."""
        transform = self.transforms[self.properties[column]]
        y = transform.forward(self.data.targets[rows, column])
        if not self.settings.fixed_noise or self.data.noise_std is None:
            return y, None
        std = transform.forward_std(self.data.targets[rows, column], self.data.noise_std[rows, column])
        return y, np.nan_to_num(std, nan=0.0) ** 2

    def _training_similarity(self) -> np.ndarray:
        """Similarities of all training points to the basis, (n, b); computed once and kept."""
        if self._cross is None:
            self._cross = self.basis.similarity(self.data.packed)
        return self._cross

    def posterior(self, name: str) -> PropertyPosterior:
        """The posterior of property ``name`` over the basis (computed on first use, then kept)."""
        if name not in self._posteriors:
            if name not in self.properties:
                raise KeyError(f"the model has no property {name!r}; it has {list(self.properties)}")
            column = self.properties.index(name)
            rows = np.flatnonzero(np.isfinite(self.data.targets[:, column]))
            y, noise = self._standardised(column, rows)
            cross, hyper = self._training_similarity(), self.hyperparameters[name]
            if self.landmarks is None:
                self._posteriors[name] = exact_posterior(cross, rows, y, hyper, noise)
            else:
                self._posteriors[name] = landmark_posterior(cross[self.landmarks], cross[rows], y, hyper, noise)
        return self._posteriors[name]

    def _names(self, properties: list[str] | tuple[str, ...] | None) -> list[str]:
        names = list(properties or self.properties)
        unknown = [p for p in names if p not in self.properties]
        if unknown:
            raise KeyError(f"the model has no properties {unknown}; it has {list(self.properties)}")
        return names

    def predict_standardised(self, similarity: np.ndarray, properties: list[str] | None = None,
                             variance: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Latent mean and variance (n, p) in the standardised space from similarities to the basis (n, b)."""
        names = self._names(properties)
        mean = np.column_stack([self.posterior(p).mean(similarity) for p in names])
        if not variance:
            return mean, None
        return mean, np.column_stack([self.posterior(p).variance(similarity) for p in names])

    def predict(self, packed: np.ndarray, properties: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance (n, p) of the properties in their original units at packed fingerprints.

        Log-modelled properties are log-normal: their mean and variance are those of the log-normal.
        """
        names = self._names(properties)
        mean, var = self.predict_standardised(self.basis.similarity(packed), names)
        pairs = [self.transforms[p].inverse(mean[:, j], var[:, j]) for j, p in enumerate(names)]
        return np.column_stack([m for m, _ in pairs]), np.column_stack([v for _, v in pairs])

    def predict_model_space(self, packed: np.ndarray, properties: list[str] | None = None,
                            observation_noise: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Gaussian predictive (n, p) in the modelling units (ln y for log properties, y otherwise); with
        ``observation_noise`` the learned noise σ² is added (the predictive of a new label)."""
        names = self._names(properties)
        mean, var = self.predict_standardised(self.basis.similarity(packed), names)
        if observation_noise:
            var = var + np.array([self.hyperparameters[p].noise * self.hyperparameters[p].variance_scale
                                  for p in names])
        pairs = [self.transforms[p].to_model_units(mean[:, j], var[:, j]) for j, p in enumerate(names)]
        return np.column_stack([m for m, _ in pairs]), np.column_stack([v for _, v in pairs])

    def botorch_model(self, properties: list[str] | None = None) -> SingleTaskGP | ModelListGP:
        """A BoTorch model of the chosen properties (one ``SingleTaskGP`` each, in a ``ModelListGP`` if several).

        Inputs are dense 0/1 float64 tensors (n, n_bits) — ``torch.from_numpy(unpack_bits(packed)).double()``.
        Outputs are in the modelling units (ln y for log properties). Each is the exact GP on all labels of its
        property with this model's hyperparameters, output scale, noise and fixed noise multiplied by the calibration
        τ² (same mean, variances × τ²); for ``landmarks`` models that costs an n × n factorisation.
        """
        models = []
        for name in self._names(properties):
            column = self.properties.index(name)
            rows = np.flatnonzero(np.isfinite(self.data.targets[:, column]))
            transform = self.transforms[name]
            y, noise = self._standardised(column, rows)
            hyper = self.hyperparameters[name]
            scale = hyper.variance_scale
            model_y, model_yvar = transform.to_model_units(y, np.zeros_like(y) if noise is None else scale * noise)
            x = torch.from_numpy(unpack_bits(self.data.packed[rows], self.data.spec.n_bits)).double()
            yvar = None if noise is None else torch.from_numpy(model_yvar).unsqueeze(-1)
            model = fingerprint_gp(x, torch.from_numpy(model_y).unsqueeze(-1), yvar,
                                   outcome_transform=Standardize(m=1))
            models.append(set_hyperparameters(model, hyper.mean, scale * hyper.outputscale, scale * hyper.noise))
        return models[0] if len(models) == 1 else ModelListGP(*models)

    def describe(self) -> dict:
        """A JSON-ready summary: mode, sizes, settings, and transform and hyperparameters of each property."""
        return {
            "mode": self.mode,
            "n_train": len(self.data),
            "n_basis": len(self.basis),
            "settings": asdict(self.settings),
            "properties": {
                p: {"transform": self.transforms[p].kind, "n_labels": int(np.isfinite(self.data.targets[:, j]).sum()),
                    **self.hyperparameters[p].as_dict()}
                for j, p in enumerate(self.properties)
            },
        }
