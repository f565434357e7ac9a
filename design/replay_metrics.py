"""Metrics of replayed campaigns: top-k recovery, hypervolume fraction, enhancement and acceleration factors.

Definitions follow Liang et al., "Benchmarking the performance of Bayesian optimization across multiple experimental
materials science domains", npj Comput. Mater. 7:188 (2021): with ``Top%(i)`` the fraction of the pool's best
candidates found after ``i`` evaluations (averaged over repeated campaigns),

    enhancement factor   EF(i) = Top%_strategy(i) / Top%_random(i),
    acceleration factor  AF(a) = i_random(a) / i_strategy(a),

where ``i_s(a)`` is the number of evaluations strategy ``s`` needs to reach performance ``a``. Here ``a`` is the
strategy's own mean performance at the final budget. For one objective random search has an exact expectation:
drawing ``i`` of ``N`` without replacement finds on average ``k·i/N`` of the top ``k`` (hypergeometric), so
``Top%_random(i) = i/N`` and ``i_random(a) = a·N``; these analytic values are used (they also extend beyond the
replay's budget). For several objectives the performance is the hypervolume fraction and random search's curve is
the empirical mean of the random strategy (AF is then only defined if random reaches ``a`` within the budget; else
the lower bound ``budget / i_strategy(a)`` is reported).
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


def acceleration_factor(curve: np.ndarray, evaluations: list[int], random_budget: float | None,
                        budget: int) -> dict:
    """``AF = i_random(a) / i_strategy(a)`` at ``a`` = the strategy's final mean; ``random_budget`` is
    ``i_random(a)`` (None if random never reached ``a`` within ``budget``)."""
    level = float(curve[-1])
    needed = _first_reaching(curve, evaluations, level)
    if needed is None or needed <= 0:
        return {"acceleration_factor": None, "acceleration_level": level}
    if random_budget is None:
        return {"acceleration_factor": None, "acceleration_factor_at_least": budget / needed,
                "acceleration_level": level, "evaluations_needed": needed}
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
            level_budget = None
            if random_hv is not None:
                level_budget = _first_reaching(random_hv, evaluations, float(hv_mean[-1]))
            af = acceleration_factor(hv_mean, evaluations, level_budget, budget)
        else:
            ef = float(top_fraction[-1] / (budget / n_pool))
            af = acceleration_factor(top_fraction, evaluations, float(top_fraction[-1]) * n_pool, budget)
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
