"""Campaign objectives and outcome constraints, parsed from the command line (``"density:min"``) or TOML tables.

An objective is maximised, minimised, or held in a target range ``[low, high]``. Every objective has a *utility*
``u(y)`` that is to be maximised (the convention of :mod:`~polyloop.design.pareto`):

    max: u(y) = y,     min: u(y) = −y,     target: u(y) = −dist(y, [low, high]) = −max(low − y, 0, y − high),

so a target objective is satisfied (u = 0) anywhere inside its range. An outcome constraint bounds one property:
``lower ≤ y ≤ upper`` (either side may be open).

The surrogate models each property in its *modelling units* ``g(y)`` (ln y for log-modelled properties, y otherwise;
:mod:`polyloop.surrogate.transforms`). ``g`` is strictly increasing, so maximising or minimising ``g(y)`` is the same
as maximising or minimising ``y``, and a bound ``y ≤ b`` is ``g(y) ≤ g(b)`` (:func:`bound_in_model_units`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["SENSES", "Objective", "ObjectiveError", "OutcomeConstraint", "bound_in_model_units"]

SENSES = ("max", "min", "target")


class ObjectiveError(ValueError):
    """An objective or outcome constraint that cannot be understood."""


def _number(text: str, what: str, source: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ObjectiveError(f"{what} in {source!r} is not a number: {text!r}") from None
    if not math.isfinite(value):
        raise ObjectiveError(f"{what} in {source!r} must be finite, got {text!r}")
    return value


def _check_keys(table: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ObjectiveError(f"unknown key(s) {unknown} in {what} {table!r}; allowed: {sorted(allowed)}")
    if not isinstance(table.get("property"), str) or not table["property"]:
        raise ObjectiveError(f"{what} {table!r} needs a property name (property = \"...\")")


@dataclass(frozen=True)
class Objective:
    """One property to maximise (``sense="max"``), minimise (``"min"``) or keep in ``[low, high]`` (``"target"``)."""

    property: str
    sense: str
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if not self.property:
            raise ObjectiveError("an objective needs a property name")
        if self.sense not in SENSES:
            raise ObjectiveError(f"objective {self.property!r} has sense {self.sense!r}; use one of {SENSES}")
        if self.sense == "target":
            if self.low is None or self.high is None:
                raise ObjectiveError(f"target objective {self.property!r} needs both low and high")
            if not self.low <= self.high:
                raise ObjectiveError(f"target objective {self.property!r} has low {self.low} > high {self.high}")
        elif self.low is not None or self.high is not None:
            raise ObjectiveError(f"objective {self.property!r} is {self.sense!r}: low/high are for 'target' only")

    @classmethod
    def parse(cls, text: str) -> Objective:
        """``"thermal_conductivity:max"``, ``"density:min"`` or ``"refractive_index:target:1.60:1.70"``."""
        parts = [p.strip() for p in str(text).split(":")]
        if len(parts) == 2 and parts[1] in ("max", "min"):
            return cls(parts[0], parts[1])
        if len(parts) == 4 and parts[1] == "target":
            return cls(parts[0], "target", _number(parts[2], "low", text), _number(parts[3], "high", text))
        raise ObjectiveError(f"cannot read objective {text!r}; write PROPERTY:max, PROPERTY:min or "
                             "PROPERTY:target:LOW:HIGH (e.g. density:min, refractive_index:target:1.60:1.70)")

    @classmethod
    def from_dict(cls, table: dict) -> Objective:
        """A TOML table: ``{property = "density", sense = "min"}`` or ``{..., sense = "target", low = , high = }``."""
        _check_keys(table, {"property", "sense", "low", "high"}, "objective")
        if "sense" not in table:
            raise ObjectiveError(f"objective {table!r} needs a sense ({', '.join(SENSES)})")
        low, high = table.get("low"), table.get("high")
        return cls(table["property"], str(table["sense"]),
                   None if low is None else _number(low, "low", str(table)),
                   None if high is None else _number(high, "high", str(table)))

    def __str__(self) -> str:
        if self.sense == "target":
            return f"{self.property}:target:{self.low:g}:{self.high:g}"
        return f"{self.property}:{self.sense}"

    def utility(self, values: np.ndarray) -> np.ndarray:
        """``u(y)`` of values in original units (see the module docstring); NaN stays NaN."""
        y = np.asarray(values, dtype=float)
        if self.sense == "max":
            return y
        if self.sense == "min":
            return -y
        return -np.maximum(np.maximum(self.low - y, y - self.high), 0.0)


@dataclass(frozen=True)
class OutcomeConstraint:
    """``lower ≤ property ≤ upper`` (either bound may be None, not both)."""

    property: str
    lower: float | None = None
    upper: float | None = None

    def __post_init__(self) -> None:
        if not self.property:
            raise ObjectiveError("an outcome constraint needs a property name")
        if self.lower is None and self.upper is None:
            raise ObjectiveError(f"outcome constraint on {self.property!r} needs a lower or an upper bound")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ObjectiveError(f"outcome constraint on {self.property!r} has lower {self.lower} > "
                                 f"upper {self.upper}: nothing can satisfy it")

    @classmethod
    def parse(cls, text: str) -> OutcomeConstraint:
        """``"density<=1.2"`` or ``"cp>=1.0"`` (spaces allowed)."""
        match = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=)\s*(\S+)\s*", str(text))
        if match is None:
            raise ObjectiveError(f"cannot read outcome constraint {text!r}; write PROPERTY<=VALUE or "
                                 "PROPERTY>=VALUE (e.g. density<=1.2)")
        name, operator, value = match.groups()
        bound = _number(value, "the bound", text)
        return cls(name, upper=bound) if operator == "<=" else cls(name, lower=bound)

    @classmethod
    def from_dict(cls, table: dict) -> OutcomeConstraint:
        """A TOML table: ``{property = "density", upper = 1.2}`` and/or ``lower = ...``."""
        _check_keys(table, {"property", "lower", "upper"}, "outcome constraint")
        lower, upper = table.get("lower"), table.get("upper")
        return cls(table["property"], None if lower is None else _number(lower, "lower", str(table)),
                   None if upper is None else _number(upper, "upper", str(table)))

    def __str__(self) -> str:
        parts = [f"{self.lower:g}<=" if self.lower is not None else "", self.property,
                 f"<={self.upper:g}" if self.upper is not None else ""]
        return "".join(parts)

    def satisfied(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of values (original units) inside the bounds; NaN is not satisfied."""
        y = np.asarray(values, dtype=float)
        ok = np.isfinite(y)
        if self.lower is not None:
            ok &= y >= self.lower
        if self.upper is not None:
            ok &= y <= self.upper
        return ok


def bound_in_model_units(bound: float | None, kind: str) -> float | None:
    """A bound on ``y`` expressed on ``g(y)`` for a transform ``kind`` (``"identity"`` or ``"log"``).

    For ``log`` a bound ``b ≤ 0`` becomes ``−∞`` (every positive value lies above it). None stays None.
    """
    if bound is None or kind == "identity":
        return bound
    if kind != "log":
        raise ObjectiveError(f"unknown transform kind {kind!r}")
    return math.log(bound) if bound > 0 else -math.inf
