"""Randomly pivoted Cholesky landmark selection."""

import numpy as np

from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.kernels import tanimoto_popcount
from polyloop.surrogate.landmarks import select_landmarks


def _nystrom_trace_error(packed: np.ndarray, chosen: np.ndarray) -> float:
    gram = tanimoto_popcount(packed, packed)
    cross = gram[:, chosen]
    return float(np.trace(gram - cross @ np.linalg.pinv(gram[np.ix_(chosen, chosen)]) @ cross.T))


def test_landmarks_are_distinct_skip_duplicates_and_beat_random_choice() -> None:
    packed = load_pi1070_data(["density"]).packed[:300]
    doubled = np.vstack([packed, packed[:50]])  # 50 exact duplicates
    chosen = select_landmarks(doubled, 120)
    assert len(chosen) == 120 and len(set(chosen)) == 120
    assert len({doubled[i].tobytes() for i in chosen}) == 120  # no fingerprint chosen twice
    uniform = np.mean([_nystrom_trace_error(packed, np.random.default_rng(s).choice(300, 120, replace=False))
                       for s in range(3)])
    assert _nystrom_trace_error(packed, select_landmarks(packed, 120, seed=0)) < 0.95 * uniform
    assert len(select_landmarks(packed[:5], 50)) <= 5
