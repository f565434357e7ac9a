"""Target transforms: what space each property is modelled in.

A property ``y`` is modelled as ``z = (g(y) − loc) / scale`` with ``g`` = ln or identity (chosen per property in
``transforms.toml``) and ``loc``, ``scale`` the mean and standard deviation (ddof = 1) of ``g(y)`` over the training
labels. A Gaussian predictive ``z ~ N(μ, v)`` maps back to the original units as

- identity: mean ``loc + scale·μ``, variance ``scale²·v``;
- log: ``y`` is log-normal with ``m = loc + scale·μ``, ``w = scale²·v``: mean ``exp(m + w/2)``,
  variance ``(exp(w) − 1)·exp(2m + w)``; its median is ``exp(m)``.

A standard error ``σ_y`` of a label maps to ``σ_z = σ_y·|g'(y)| / scale`` (first order; ``g'(y) = 1/y`` for log).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from polyloop.surrogate.errors import DatasetFormatError

__all__ = ["TRANSFORMS", "PropertyTransform", "transform_names"]

TRANSFORMS = ("identity", "log")


@cache
def transform_names() -> dict[str, str]:
    """The transform of each property listed in ``transforms.toml`` (``"log"`` or ``"identity"``)."""
    table = tomllib.loads(resources.files("polyloop.surrogate").joinpath("transforms.toml").read_text())
    names = {name: entry["transform"] for name, entry in table.items()}
    unknown = {name: t for name, t in names.items() if t not in TRANSFORMS}
    if unknown:
        raise ValueError(f"transforms.toml names unknown transforms {unknown}; use one of {TRANSFORMS}")
    return names


@dataclass(frozen=True)
class PropertyTransform:
    """The map between a property in its original units ``y`` and the modelling space ``z``."""

    name: str
    kind: str
    loc: float
    scale: float

    @classmethod
    def fit(cls, name: str, values: np.ndarray, kind: str | None = None) -> PropertyTransform:
        """The transform of property ``name`` fitted to its observed ``values`` (NaN ignored); ``kind`` defaults to
        the entry of ``transforms.toml`` (``identity`` for unlisted properties)."""
        kind = kind or transform_names().get(name, "identity")
        if kind not in TRANSFORMS:
            raise ValueError(f"unknown transform {kind!r} for {name}; use one of {TRANSFORMS}")
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if len(values) < 2:
            raise DatasetFormatError(f"property {name!r} has {len(values)} labelled value(s); at least 2 are needed")
        if kind == "log" and np.any(values <= 0):
            raise DatasetFormatError(f"property {name!r} is modelled in log space (transforms.toml) but has "
                                     f"{int(np.sum(values <= 0))} value(s) <= 0")
        g = np.log(values) if kind == "log" else values
        scale = float(np.std(g, ddof=1))
        return cls(name=name, kind=kind, loc=float(np.mean(g)), scale=scale if scale > 0 else 1.0)

    def forward(self, y: np.ndarray) -> np.ndarray:
        """``z`` of original values ``y`` (NaN stays NaN)."""
        y = np.asarray(y, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.log(y) if self.kind == "log" else y
        return (g - self.loc) / self.scale

    def forward_std(self, y: np.ndarray, std: np.ndarray) -> np.ndarray:
        """Standard errors ``σ_y`` of values ``y`` expressed in ``z`` units."""
        std = np.asarray(std, dtype=float)
        if self.kind == "log":
            with np.errstate(invalid="ignore", divide="ignore"):
                std = std / np.abs(np.asarray(y, dtype=float))
        return std / self.scale

    def to_model_units(self, mean: np.ndarray, variance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A Gaussian in ``z`` expressed in the modelling units ``g(y)`` (ln y for log properties, y otherwise)."""
        return self.loc + self.scale * np.asarray(mean), self.scale**2 * np.asarray(variance)

    def inverse(self, mean: np.ndarray, variance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance in the original units of a Gaussian ``N(mean, variance)`` in ``z``."""
        m, w = self.to_model_units(mean, variance)
        if self.kind == "identity":
            return m, w
        return np.exp(m + w / 2), np.expm1(w) * np.exp(2 * m + w)

    def point(self, mean: np.ndarray) -> np.ndarray:
        """The original-units value at ``z = mean`` (the median of the predictive for log properties)."""
        m = self.loc + self.scale * np.asarray(mean)
        return np.exp(m) if self.kind == "log" else m
