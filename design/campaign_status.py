"""The JSON summary of a campaign (``polyloop campaign status --json``): counts, budget, best labels, Pareto front.

Only the campaign's own labels count (not the warm start). A candidate is *feasible* when every outcome constraint's
property is labelled and inside its bounds. ``best`` gives, per objective, the feasible candidate with the highest
utility ``u(y)`` (:meth:`~polyloop.design.objectives.Objective.utility`: y for max, −y for min, minus the distance to
the range for target). ``pareto`` lists the ids of the feasible candidates labelled in every objective whose utility
vectors are non-dominated (:func:`~polyloop.design.pareto.non_dominated`); for one objective, the best one(s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polyloop.design.config import CampaignConfig
from polyloop.design.pareto import non_dominated

__all__ = ["campaign_status", "feasible_mask"]


def feasible_mask(config: CampaignConfig, observations: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the labelled candidates that satisfy every outcome constraint."""
    mask = np.ones(len(observations), dtype=bool)
    for constraint in config.constraints:
        values = (observations[constraint.property].to_numpy(dtype=float) if constraint.property in observations
                  else np.full(len(observations), np.nan))
        mask &= constraint.satisfied(values)
    return mask


def _best(config: CampaignConfig, table: pd.DataFrame) -> dict:
    best = {}
    for objective in config.objectives:
        values = table[objective.property].to_numpy(dtype=float)
        utility = objective.utility(values)
        if not np.isfinite(utility).any():
            best[objective.property] = None
            continue
        k = int(np.nanargmax(utility))
        best[objective.property] = {"id": str(table["id"].iloc[k]), "smiles": str(table["smiles"].iloc[k]),
                                    "value": float(values[k]), "sense": objective.sense}
    return best


def _pareto(config: CampaignConfig, table: pd.DataFrame) -> list[str]:
    names = [o.property for o in config.objectives]
    complete = table[names].notna().all(axis=1).to_numpy()
    if not complete.any():
        return []
    rows = table[complete]
    utility = np.column_stack([o.utility(rows[o.property].to_numpy(dtype=float)) for o in config.objectives])
    return [str(i) for i in rows["id"].to_numpy()[non_dominated(utility)]]


def campaign_status(config: CampaignConfig, observations: pd.DataFrame, *, n_pending: int, n_failed: int,
                    rounds: int, remaining: int, model: dict | None = None) -> dict:
    """The summary: ``name``, ``objectives``, ``constraints`` (as text), ``n_observed`` (labelled candidates),
    ``n_labels`` (property values), ``n_pending``, ``n_failed``, ``budget``, ``remaining_budget``, ``rounds``,
    ``n_feasible``, ``best`` (per objective property: id, smiles, value, sense — or None), ``pareto`` (ids) and
    ``model`` (round, n_train and mode of the latest surrogate, or None)."""
    table = observations.copy()
    for objective in config.objectives:
        if objective.property not in table:
            table[objective.property] = np.nan
    feasible = table[feasible_mask(config, table)]
    n_labels = int(sum(table[c].notna().sum() for c in table.columns
                       if f"{c}_std" in table.columns))
    return {
        "name": config.name,
        "objectives": [str(o) for o in config.objectives],
        "constraints": [str(c) for c in config.constraints],
        "n_observed": int(len(table)),
        "n_labels": n_labels,
        "n_pending": int(n_pending),
        "n_failed": int(n_failed),
        "budget": int(config.budget),
        "remaining_budget": int(remaining),
        "rounds": int(rounds),
        "n_feasible": int(len(feasible)),
        "best": _best(config, feasible),
        "pareto": _pareto(config, feasible),
        "model": model,
    }
