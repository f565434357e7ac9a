"""The numbers behind a campaign report, as pure functions of tables: objective utilities, feasibility, Pareto ranks,
best-so-far and hypervolume per round, the parity of stored predictions against labels, and the top candidates.

Tables follow :meth:`Campaign.observations`: one row per labelled candidate with ``id``, ``smiles``, ``round`` and,
per property ``p``, the label ``p`` and its standard error ``p_std``. Predictions made when a candidate was suggested
come as ``id``, ``p_pred`` (mean) and ``p_pred_std`` (σ) per property.

Every objective is turned into a utility to maximise (:meth:`Objective.utility`): ``y`` for max, ``−y`` for min and
``−dist(y, [low, high])`` for a target range. A row is *feasible* when it satisfies every outcome constraint; only
feasible rows count for the best values and the hypervolume.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.pareto import hypervolume, non_dominated, reference_point

__all__ = ["best_so_far", "feasible", "hypervolume_by_round", "parity_scores", "parity_table", "pareto_ranks",
           "top_candidates", "utilities"]


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks the column(s) {missing}; it has {list(frame.columns)}")


def utilities(frame: pd.DataFrame, objectives: Sequence[Objective]) -> np.ndarray:
    """Utilities ``u_j(y_j)`` (n, m) of the rows of ``frame``, one column per objective; NaN where unlabelled."""
    if not objectives:
        raise ValueError("a campaign report needs at least one objective")
    _require(frame, [o.property for o in objectives], "the observations table")
    return np.column_stack([o.utility(frame[o.property].to_numpy(dtype=float)) for o in objectives])


def feasible(frame: pd.DataFrame, constraints: Sequence[OutcomeConstraint]) -> np.ndarray:
    """Boolean mask (n,) of rows that satisfy every outcome constraint (a missing label does not satisfy one)."""
    _require(frame, [c.property for c in constraints], "the observations table")
    mask = np.ones(len(frame), dtype=bool)
    for constraint in constraints:
        mask &= constraint.satisfied(frame[constraint.property].to_numpy(dtype=float))
    return mask


def pareto_ranks(values: np.ndarray) -> np.ndarray:
    """Non-dominated sorting of ``values`` (n, m), all maximised: rank 1 is the Pareto front, rank 2 the front of the
    rest, and so on. Rows with a NaN get rank 0 (unranked)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return np.zeros(0, dtype=int)
    values = values.reshape(len(values), -1)
    ranks = np.zeros(len(values), dtype=int)
    remaining = np.flatnonzero(~np.isnan(values).any(axis=1))
    rank = 1
    while len(remaining):
        front = non_dominated(values[remaining])
        ranks[remaining[front]] = rank
        remaining = remaining[~front]
        rank += 1
    return ranks


def _rounds(frame: pd.DataFrame) -> np.ndarray:
    _require(frame, ["round"], "the observations table")
    return np.sort(frame["round"].dropna().astype(int).unique())


def best_so_far(frame: pd.DataFrame, objectives: Sequence[Objective],
                constraints: Sequence[OutcomeConstraint] = ()) -> pd.DataFrame:
    """The best feasible value of each objective among the rows labelled up to and including each round.

    One row per round (index ``round``), one column per objective property: the running maximum of ``y`` for max,
    the running minimum for min, and for a target range the running minimum distance to the range (column
    ``<property>_distance``). NaN until the first feasible label.
    """
    rounds = _rounds(frame)
    utility = utilities(frame, objectives)
    utility[~feasible(frame, constraints)] = np.nan
    frame_rounds = frame["round"].to_numpy()
    columns: dict[str, list[float]] = {}
    for j, objective in enumerate(objectives):
        name = objective.property if objective.sense != "target" else f"{objective.property}_distance"
        best, values = -np.inf, []
        for r in rounds:
            labelled = utility[frame_rounds == r, j]
            labelled = labelled[~np.isnan(labelled)]
            if len(labelled):
                best = max(best, float(labelled.max()))
            values.append(np.nan if best == -np.inf else (best if objective.sense == "max" else -best))
        columns[name] = values
    return pd.DataFrame(columns, index=pd.Index(rounds, name="round"))


def hypervolume_by_round(frame: pd.DataFrame, objectives: Sequence[Objective],
                         constraints: Sequence[OutcomeConstraint] = (),
                         reference: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Hypervolume (in utility space) of the feasible rows labelled up to each round, and the reference point used.

    The reference point defaults to :func:`~polyloop.design.pareto.reference_point` of all feasible labelled rows
    (fixed over rounds, so the curve never decreases). Returns a table indexed by ``round`` with ``hypervolume``,
    ``hypervolume_fraction`` (the hypervolume over that of the ideal point, ``Π_j (max u_j − r_j)`` over all feasible
    rows: unitless, 1 only if one candidate is best in every objective), ``n_front`` (size of the Pareto front so
    far) and ``n_labelled``, and the reference point.
    """
    rounds = _rounds(frame)
    utility = utilities(frame, objectives)
    usable = feasible(frame, constraints) & ~np.isnan(utility).any(axis=1)
    if reference is None:
        reference = reference_point(utility[usable]) if usable.any() else np.zeros(len(objectives))
    reference = np.asarray(reference, dtype=float)
    ideal = float(np.prod(utility[usable].max(axis=0) - reference)) if usable.any() else 0.0
    frame_rounds = frame["round"].to_numpy()
    rows = []
    for r in rounds:
        seen = usable & (frame_rounds <= r)
        points = utility[seen]
        volume = hypervolume(points, reference) if len(points) else 0.0
        rows.append({"round": int(r), "hypervolume": volume,
                     "hypervolume_fraction": volume / ideal if ideal > 0 else np.nan,
                     "n_front": int(non_dominated(points).sum()) if len(points) else 0,
                     "n_labelled": int((frame_rounds <= r).sum())})
    return pd.DataFrame(rows).set_index("round"), reference


def parity_table(observed: pd.DataFrame, predicted: pd.DataFrame, properties: Sequence[str]) -> pd.DataFrame:
    """Long table of prediction against label: ``id``, ``property``, ``label``, ``label_std``, ``predicted``,
    ``predicted_std`` for every candidate and property with both a label and a stored prediction.

    ``observed`` has ``p`` and (optionally) ``p_std``; ``predicted`` has ``p_pred`` and ``p_pred_std``. A missing
    standard error is taken as 0.
    """
    _require(observed, ["id"], "the observations table")
    _require(predicted, ["id"], "the predictions table")
    merged = observed.merge(predicted, on="id", how="inner", suffixes=("", "_predicted"))
    parts = []
    for name in properties:
        if name not in merged.columns or f"{name}_pred" not in merged.columns:
            continue
        part = pd.DataFrame({
            "id": merged["id"].astype(str), "property": name,
            "label": merged[name].astype(float),
            "label_std": merged[f"{name}_std"].astype(float) if f"{name}_std" in merged else 0.0,
            "predicted": merged[f"{name}_pred"].astype(float),
            "predicted_std": merged[f"{name}_pred_std"].astype(float) if f"{name}_pred_std" in merged else 0.0,
        })
        parts.append(part.dropna(subset=["label", "predicted"]))
    if not parts:
        return pd.DataFrame(columns=["id", "property", "label", "label_std", "predicted", "predicted_std"])
    table = pd.concat(parts, ignore_index=True)
    table[["label_std", "predicted_std"]] = table[["label_std", "predicted_std"]].fillna(0.0)
    return table


def parity_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per property of a :func:`parity_table`: ``n``, ``r2`` (1 − SSE/SST about the labels' mean; NaN for n < 2),
    ``mae``, ``rmse`` and ``coverage_2sigma``, the fraction of labels within ``2·√(σ_pred² + σ_label²)`` of the
    prediction."""
    rows = []
    for name, part in table.groupby("property", sort=False):
        label, pred = part["label"].to_numpy(), part["predicted"].to_numpy()
        error = pred - label
        sst = float(np.sum((label - label.mean()) ** 2))
        width = 2.0 * np.sqrt(part["predicted_std"].to_numpy() ** 2 + part["label_std"].to_numpy() ** 2)
        rows.append({"property": name, "n": len(part),
                     "r2": 1.0 - float(np.sum(error ** 2)) / sst if len(part) > 1 and sst > 0 else np.nan,
                     "mae": float(np.mean(np.abs(error))), "rmse": float(np.sqrt(np.mean(error ** 2))),
                     "coverage_2sigma": float(np.mean(np.abs(error) <= width))})
    return pd.DataFrame(rows, columns=["property", "n", "r2", "mae", "rmse", "coverage_2sigma"])


def top_candidates(frame: pd.DataFrame, objectives: Sequence[Objective],
                   constraints: Sequence[OutcomeConstraint] = (), n: int = 10) -> pd.DataFrame:
    """The ``n`` best labelled rows, best first, with the columns ``pareto_rank`` and ``feasible`` added.

    Feasible rows come before infeasible ones; then by Pareto rank of the utilities (for one objective the rank is the
    order of the utility), ties broken by the mean of the utilities scaled to [0, 1] per objective.
    """
    if n < 1:
        raise ValueError(f"the number of top candidates must be at least 1, got {n}")
    utility = utilities(frame, objectives)
    ok = feasible(frame, constraints)
    labelled = ~np.isnan(utility).any(axis=1)
    ranks = np.zeros(len(frame), dtype=int)
    for group in (ok & labelled, ~ok & labelled):
        rows = np.flatnonzero(group)
        ranks[rows] = pareto_ranks(utility[rows])
    scaled = np.zeros(len(frame))
    if labelled.any():
        low, high = utility[labelled].min(axis=0), utility[labelled].max(axis=0)
        scaled[labelled] = ((utility[labelled] - low) / np.where(high > low, high - low, 1.0)).mean(axis=1)
    result = frame.assign(pareto_rank=ranks, feasible=ok, _labelled=labelled, _score=scaled)
    result = result[result["_labelled"]].sort_values(["feasible", "pareto_rank", "_score"],
                                                    ascending=[False, True, False], kind="stable")
    return result.drop(columns=["_labelled", "_score"]).head(n).reset_index(drop=True)
