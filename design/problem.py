"""An optimisation problem (objectives + outcome constraints) expressed in a fitted surrogate's modelling units.

The surrogate's Gaussian predictive lives in ``g(y)`` units (ln y for log-modelled properties). Since ``g`` is
strictly increasing, a maximised or minimised objective keeps its direction, a bound ``y ≤ b`` becomes
``g(y) ≤ g(b)``, and a target range ``[low, high]`` becomes ``[g(low), g(high)]``; the utility of a target objective
is then ``−dist(g(y), [g(low), g(high)])`` (a relative distance for log properties). Columns of the model-unit value
arrays follow :attr:`Problem.properties`: the objectives' properties first, then the constraints' (each once).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from polyloop.design.objectives import Objective, ObjectiveError, OutcomeConstraint, bound_in_model_units
from polyloop.surrogate.multi import MultiPropertyGP

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    """Objectives and constraints on the columns ``properties`` of model-unit value arrays."""

    objectives: tuple[Objective, ...]
    constraints: tuple[OutcomeConstraint, ...]
    properties: tuple[str, ...]
    signs: tuple[float, ...]                               # +1 max, −1 min, 0 target (per objective)
    ranges: tuple[tuple[float, float] | None, ...]         # model-unit target range per objective (or None)
    bounds: tuple[tuple[int, float, float], ...]           # (column, lower, upper) per constraint, ±inf if open

    @classmethod
    def build(cls, model: MultiPropertyGP, objectives: Sequence[Objective],
              constraints: Sequence[OutcomeConstraint] = ()) -> Problem:
        """The problem on ``model``'s units; every named property must be modelled."""
        if not objectives:
            raise ObjectiveError("at least one objective is needed")
        if len(objectives) > 4:
            raise ObjectiveError(f"at most 4 objectives are supported, got {len(objectives)}")
        names = list(dict.fromkeys([o.property for o in objectives] + [c.property for c in constraints]))
        missing = [p for p in names if p not in model.properties]
        if missing:
            raise ObjectiveError(f"the surrogate does not model {missing}; it models {list(model.properties)}")
        if len({o.property for o in objectives}) != len(objectives):
            raise ObjectiveError(f"each property may be an objective once: {[str(o) for o in objectives]}")
        kind = {p: model.transforms[p].kind for p in names}
        signs = tuple({"max": 1.0, "min": -1.0, "target": 0.0}[o.sense] for o in objectives)
        ranges = tuple((bound_in_model_units(o.low, kind[o.property]), bound_in_model_units(o.high, kind[o.property]))
                       if o.sense == "target" else None for o in objectives)
        bounds = []
        for c in constraints:
            lower = bound_in_model_units(c.lower, kind[c.property])
            upper = bound_in_model_units(c.upper, kind[c.property])
            bounds.append((names.index(c.property), -math.inf if lower is None else lower,
                           math.inf if upper is None else upper))
        return cls(tuple(objectives), tuple(constraints), tuple(names), signs, ranges, tuple(bounds))

    @property
    def n_objectives(self) -> int:
        """Number of objectives."""
        return len(self.objectives)

    def utility(self, values: torch.Tensor) -> torch.Tensor:
        """Utilities (…, m) to maximise from model-unit values (…, p) — works on MC samples too."""
        columns = []
        for j, (sign, span) in enumerate(zip(self.signs, self.ranges, strict=True)):
            y = values[..., j]
            if span is None:
                columns.append(sign * y)
            else:
                columns.append(-torch.clamp(torch.maximum(span[0] - y, y - span[1]), min=0.0))
        return torch.stack(columns, dim=-1)

    def utility_np(self, values: np.ndarray) -> np.ndarray:
        """:meth:`utility` for numpy arrays."""
        return self.utility(torch.as_tensor(np.asarray(values, dtype=np.float64))).numpy()

    def constraint_callables(self) -> list:
        """BoTorch outcome constraints: callables of samples (…, p) that are ≤ 0 where satisfied."""
        callables = []
        for column, lower, upper in self.bounds:
            if math.isfinite(upper):
                callables.append(lambda s, c=column, u=upper: s[..., c] - u)
            if math.isfinite(lower):
                callables.append(lambda s, c=column, lo=lower: lo - s[..., c])
        return callables

    def feasible(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of rows of model-unit values (n, p) that satisfy every constraint (NaN: not satisfied)."""
        values = np.asarray(values, dtype=float)
        ok = np.ones(len(values), dtype=bool)
        for column, lower, upper in self.bounds:
            y = values[:, column]
            ok &= np.isfinite(y) & (y >= lower) & (y <= upper)
        return ok

    def observed(self, model: MultiPropertyGP) -> np.ndarray:
        """The model's training labels (n, p) of :attr:`properties` in model units (NaN where missing)."""
        data = model.data
        columns = []
        for name in self.properties:
            y = data.targets[:, data.properties.index(name)]
            if model.transforms[name].kind == "log":
                with np.errstate(invalid="ignore", divide="ignore"):
                    y = np.log(y)
            columns.append(y)
        return np.column_stack(columns)

    def observed_utility(self, model: MultiPropertyGP) -> np.ndarray:
        """Utilities (k, m) of the training points with every objective labelled and every constraint satisfied."""
        values = self.observed(model)
        m = self.n_objectives
        rows = np.isfinite(values[:, :m]).all(axis=1) & self.feasible(values)
        return self.utility_np(values[rows])
