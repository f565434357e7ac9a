"""Random-forest baseline (scikit-learn) with the same interface as the GP for cross-validation.

One ``RandomForestRegressor`` per property on the 0/1 fingerprint bits, trained on the same standardised targets as
the GP (:mod:`~polyloop.surrogate.transforms`). Its uncertainty is the spread of the trees: the predictive variance
is the variance of the per-tree predictions, a common but uncalibrated choice (no noise term).
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestRegressor

from polyloop.library.fingerprints import unpack_bits
from polyloop.surrogate.data import TrainingData
from polyloop.surrogate.transforms import PropertyTransform

__all__ = ["RandomForestSurrogate"]


class RandomForestSurrogate:
    """Random forests for several properties. Build with :meth:`fit`."""

    def __init__(self, forests: dict[str, RandomForestRegressor], transforms: dict[str, PropertyTransform],
                 n_bits: int) -> None:
        self.forests = forests
        self.transforms = transforms
        self.n_bits = n_bits

    @property
    def properties(self) -> tuple[str, ...]:
        """The modelled properties, in column order."""
        return tuple(self.forests)

    @classmethod
    def fit(cls, data: TrainingData, n_estimators: int = 200, max_features: float = 0.33, seed: int = 0,
            n_jobs: int = 2) -> RandomForestSurrogate:
        """Fit one forest per property on its labelled rows (``max_features``: fraction of bits tried per split)."""
        bits = unpack_bits(data.packed, data.spec.n_bits)
        forests, transforms = {}, {}
        for j, name in enumerate(data.properties):
            rows = np.isfinite(data.targets[:, j])
            transforms[name] = PropertyTransform.fit(name, data.targets[rows, j])
            forest = RandomForestRegressor(n_estimators=n_estimators, max_features=max_features, random_state=seed,
                                           n_jobs=n_jobs)
            forests[name] = forest.fit(bits[rows], transforms[name].forward(data.targets[rows, j]))
        return cls(forests, transforms, data.spec.n_bits)

    def predict_model_space(self, packed: np.ndarray, properties: list[str] | None = None,
                            observation_noise: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance (n, p) in the modelling units: the forest mean and the variance over its trees
        (``observation_noise`` is accepted for interface compatibility; the tree spread has no separate noise)."""
        bits = unpack_bits(np.atleast_2d(packed), self.n_bits)
        means, variances = [], []
        for name in properties or self.properties:
            per_tree = np.stack([tree.predict(bits) for tree in self.forests[name].estimators_])
            mean, var = self.transforms[name].to_model_units(per_tree.mean(axis=0), per_tree.var(axis=0))
            means.append(mean)
            variances.append(var)
        return np.column_stack(means), np.column_stack(variances)
