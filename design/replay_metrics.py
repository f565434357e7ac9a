"""Metrics of replayed campaigns: top-k recovery, hypervolume fraction, enhancement and acceleration factors.

Definitions follow Liang et al., "Benchmarking the performance of Bayesian optimization across multiple experimental
materials science domains", npj Comput. Mater. 7:188 (2021): with ``Top%(i)`` the fraction of the pool's best
candidates found after ``i`` evaluations (averaged over repeated campaigns),

    enhancement factor   EF(i) = Top%_strategy(i) / Top%_random(i),
    acceleration factor  AF(a) = i_random(a) / i_strategy(a),

where ``i_s(a)`` is the number of evaluations strategy ``s`` needs to reach performance ``a`` (linear interpolation
between rounds). Here ``a`` is what random search reaches at the final budget ``B``, so ``i_random(a) = B`` and AF
says how many times fewer evaluations the strategy needs for random search's final result. For one objective random
search has an exact expectation: drawing ``i`` of ``N`` without replacement finds on average ``k·i/N`` of the top
``k`` (hypergeometric), so ``Top%_random(i) = i/N``; this analytic value is used for EF and AF. For several
objectives the performance is the hypervolume fraction and random search's curve is the empirical mean over the
random strategy's seeds.
"""

from __future__ import annotations

import math

import numpy as np

from polyloop.design.pareto import hypervolume, non_dominated

__all__ = ["acceleration_factor", "hv_fraction_curve", "summarise", "top_k_rows", "topk_curve"]


def top_k_rows(utility: np.ndarray, feasible: np.ndarray, fraction: float = 0.01) -> np.ndarray:
    """Rows of the best ``k = ceil(fraction · n_feasible)`` feasible candidates by utility (one objective), or of the
    true Pareto front of the feasible candidates (several objectives)."""
    rows = np.flatnonzero(feasible)
    if utility.shape[1] > 1:
        return rows[non_dominated(utility[rows])]
    k = max(1, math.ceil(fraction * len(rows)))
    return rows[np.argsort(-utility[rows, 0], kind="stable")[:k]]


def topk_curve(order: np.ndarray, top: np.ndarray, evaluations: list[int]) -> np.ndarray:
    """How many of ``top`` are among the first ``n`` evaluated rows of ``order``, for each ``n`` of
    ``evaluations``."""
    hit = np.isin(order, top)
    return np.array([int(hit[:n].sum()) for n in evaluations])


def hv_fraction_curve(order: np.ndarray, utility: np.ndarray, feasible: np.ndarray, reference: np.ndarray,
                      evaluations: list[int]) -> np.ndarray:
    """Hypervolume of the feasible evaluated points over that of the whole feasible pool, after each ``n``."""
    total = hypervolume(utility[feasible], reference)
    out = []
    for n in evaluations:
        rows = order[:n][feasible[order[:n]]]
        out.append(hypervolume(utility[rows], reference) / total if len(rows) and total > 0 else 0.0)
    return np.array(out)


def _first_reaching(curve: np.ndarray, evaluations: list[int], level: float) -> float | None:
    """Evaluations at which a (mean) curve first reaches ``level``, linearly interpolated; None if never."""
    for k, value in enumerate(curve):
        if value >= level - 1e-12:
            if k == 0 or curve[k - 1] >= value:
                return float(evaluations[k])
            before, after = curve[k - 1], value
            step = evaluations[k] - evaluations[k - 1]
            return float(evaluations[k - 1] + (level - before) / (after - before) * step)
    return None


def acceleration_factor(curve: np.ndarray, evaluations: list[int], level: float, random_budget: float) -> dict:
    """``AF = i_random(a) / i_strategy(a)`` for the level ``a`` (the mean performance random search reaches at the
    final budget, after ``random_budget`` evaluations); None if the strategy's mean ``curve`` never reaches ``a``."""
    needed = _first_reaching(curve, evaluations, level)
    if needed is None or needed <= 0:
        return {"acceleration_factor": None, "acceleration_level": level}
    return {"acceleration_factor": random_budget / needed, "acceleration_level": level,
            "evaluations_needed": needed, "random_evaluations_needed": random_budget}


def _stats(values: np.ndarray) -> dict:
    """Median, quartiles and mean over seeds (axis 0) of per-round values."""
    return {"median": np.median(values, axis=0).tolist(), "q25": np.quantile(values, 0.25, axis=0).tolist(),
            "q75": np.quantile(values, 0.75, axis=0).tolist(), "mean": values.mean(axis=0).tolist()}


def summarise(found: dict[str, np.ndarray], hv: dict[str, np.ndarray], wall: dict[str, float], n_top: int,
              n_pool: int, evaluations: list[int], several: bool) -> dict:
    """The per-strategy JSON block: final medians and quartiles, EF, AF, curves, wall time.

    ``found[s]``, ``hv[s]``: (seeds, rounds + 1) top-k counts and hypervolume fractions of strategy ``s``.
    """
    budget = evaluations[-1]
    out = {}
    random_hv = hv["random"].mean(axis=0) if "random" in hv else None
    for name in found:
        top_fraction = found[name].mean(axis=0) / n_top
        hv_mean = hv[name].mean(axis=0)
        if several:
            ef = float(hv_mean[-1] / random_hv[-1]) if random_hv is not None and random_hv[-1] > 0 else None
            af = (acceleration_factor(hv_mean, evaluations, float(random_hv[-1]), float(budget))
                  if random_hv is not None else {"acceleration_factor": None})
        else:
            ef = float(top_fraction[-1] / (budget / n_pool))
            af = acceleration_factor(top_fraction, evaluations, budget / n_pool, float(budget))
        out[name] = {
            "topk_found_median": float(np.median(found[name][:, -1])),
            "topk_found_quartiles": [float(np.quantile(found[name][:, -1], p)) for p in (0.25, 0.75)],
            "topk_found_mean": float(found[name][:, -1].mean()),
            "hv_fraction_median": float(np.median(hv[name][:, -1])),
            "hv_fraction_quartiles": [float(np.quantile(hv[name][:, -1], p)) for p in (0.25, 0.75)],
            "hv_regret_median": float(np.median(1 - hv[name][:, -1])),
            "enhancement_factor": ef,
            **af,
            "wall_s": round(wall[name], 2),
            "curves": {"topk_found": _stats(found[name]), "hv_fraction": _stats(hv[name])},
            "per_seed": {"topk_found": found[name][:, -1].tolist(), "hv_fraction": hv[name][:, -1].tolist()},
        }
    return out
