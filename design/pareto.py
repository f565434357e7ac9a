"""Pareto fronts: non-dominated sets, hypervolume, hypervolume improvement. Every column is to be MAXIMISED
(callers flip the sign of minimised objectives, e.g. with :meth:`Objective.utility`).

A point ``a`` dominates ``b`` when ``a ≥ b`` in every objective and ``a > b`` in at least one. The hypervolume of a
set ``Y`` with respect to a reference point ``r`` is the Lebesgue measure of the region it dominates above ``r``,

    HV(Y; r) = λ( ∪_{y ∈ Y, y > r} [r, y] ),

computed exactly: a sweep over the sorted front in 2-D, BoTorch's box decomposition (``DominatedPartitioning``)
for 3–4 objectives. The hypervolume improvement of a point ``x`` is ``HVI(x) = HV(Y ∪ {x}) − HV(Y)``; with the
non-dominated region above ``r`` split into boxes ``[l_c, u_c]`` (``FastNondominatedPartitioning``),

    HVI(x) = Σ_c Π_j max(0, min(x_j, u_cj) − l_cj),

which vectorises over many candidates at once (:func:`hypervolume_improvement`).
"""

from __future__ import annotations

import numpy as np
import torch
from botorch.utils.multi_objective.box_decompositions.dominated import DominatedPartitioning
from botorch.utils.multi_objective.box_decompositions.non_dominated import FastNondominatedPartitioning

__all__ = ["domination_gap", "hypervolume", "hypervolume_improvement", "non_dominated", "reference_point"]

MAX_OBJECTIVES = 4


def _matrix(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"expected an (n, m) array of objective values, got shape {values.shape}")
    if np.isnan(values).any():
        raise ValueError("objective values contain NaN; drop unlabelled points first")
    return values


def non_dominated(values: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Boolean mask (n,) of the points of ``values`` (n, m) that no other point dominates (duplicates all kept)."""
    values = _matrix(values)
    keep = np.ones(len(values), dtype=bool)
    for start in range(0, len(values), chunk):
        block = values[start:start + chunk]
        geq = (values[None, :, :] >= block[:, None, :]).all(axis=2)
        gt = (values[None, :, :] > block[:, None, :]).any(axis=2)
        keep[start:start + chunk] = ~(geq & gt).any(axis=1)
    return keep


def _front_above(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The non-dominated points strictly better than ``reference`` in every objective."""
    values = values[(values > reference).all(axis=1)]
    return values[non_dominated(values)] if len(values) else values


def _check(values: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = _matrix(values)
    reference = np.asarray(reference, dtype=float).reshape(-1)
    if len(reference) != values.shape[1]:
        raise ValueError(f"the reference point has {len(reference)} coordinates for {values.shape[1]} objectives")
    if not 1 <= len(reference) <= MAX_OBJECTIVES:
        raise ValueError(f"hypervolumes are computed for 1 to {MAX_OBJECTIVES} objectives, got {len(reference)}")
    return values, reference


def hypervolume(values: np.ndarray, reference: np.ndarray) -> float:
    """Exact hypervolume dominated by ``values`` (n, m) above ``reference`` (m,), for 1 ≤ m ≤ 4 (maximisation)."""
    values, reference = _check(values, reference)
    front = _front_above(values, reference)
    if len(front) == 0:
        return 0.0
    m = len(reference)
    if m == 1:
        return float(front[:, 0].max() - reference[0])
    if m == 2:  # sweep: by decreasing first objective, each point adds a slab above the best second value so far
        front = front[np.argsort(-front[:, 0], kind="stable")]
        heights = np.maximum.accumulate(front[:, 1])
        lower = np.concatenate([[reference[1]], heights[:-1]])
        return float(np.sum((front[:, 0] - reference[0]) * np.maximum(heights - lower, 0.0)))
    partitioning = DominatedPartitioning(torch.as_tensor(reference, dtype=torch.float64),
                                         torch.as_tensor(front, dtype=torch.float64))
    return float(partitioning.compute_hypervolume())


def reference_point(values: np.ndarray, margin: float = 0.1) -> np.ndarray:
    """A reference point just below the worst value of each objective: ``min − margin·(max − min)`` (a range of 0
    counts as 1)."""
    values = _matrix(values)
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return low - margin * span


def hypervolume_improvement(points: np.ndarray, front: np.ndarray, reference: np.ndarray,
                            chunk: int = 4096) -> np.ndarray:
    """``HVI(x)`` (n,) of each row of ``points`` (n, m) added alone to the set ``front`` (k, m), above ``reference``.

    ``front`` may be empty (then ``HVI(x) = Π_j max(x_j − r_j, 0)``).
    """
    points, reference = _check(points, reference)
    front = _matrix(front).reshape(-1, len(reference)) if len(front) else np.empty((0, len(reference)))
    front = _front_above(front, reference) if len(front) else front
    if len(front) == 0:
        return np.prod(np.maximum(points - reference, 0.0), axis=1)
    partitioning = FastNondominatedPartitioning(torch.as_tensor(reference, dtype=torch.float64),
                                                torch.as_tensor(front, dtype=torch.float64))
    bounds = partitioning.get_hypercell_bounds().numpy()
    lower, upper = bounds[0], bounds[1]
    result = np.empty(len(points))
    for start in range(0, len(points), chunk):
        block = points[start:start + chunk, None, :]
        sides = np.maximum(np.minimum(block, upper[None]) - lower[None], 0.0)
        result[start:start + chunk] = np.prod(sides, axis=2).sum(axis=1)
    return result


def domination_gap(points: np.ndarray, front: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """The smallest amount ``ε ≥ 0`` (n,) to add to every objective of each point so that no point of ``front``
    dominates it any more: ``ε(x) = max(0, max_f min_j (f_j − x_j))``. Zero for points not dominated."""
    points = _matrix(points)
    if len(front) == 0:
        return np.zeros(len(points))
    front = _matrix(front)
    result = np.empty(len(points))
    for start in range(0, len(points), chunk):
        gaps = (front[None, :, :] - points[start:start + chunk, None, :]).min(axis=2)
        result[start:start + chunk] = np.maximum(gaps.max(axis=1), 0.0)
    return result
