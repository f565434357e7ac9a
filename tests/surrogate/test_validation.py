"""Cross-validation scores: formulas on hand-made numbers, and a small GP vs RF run."""

import math

import numpy as np
import pytest

from polyloop.surrogate.baselines import RandomForestSurrogate
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.multi import MultiPropertyGP
from polyloop.surrogate.validation import cross_validate, score_predictions


def test_scores_on_hand_made_predictions() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    mean = np.array([1.5, 2.0, 2.0, 4.0])
    variance = np.array([1.0, 1.0, 0.25, 1.0])
    scores = score_predictions(y, mean, variance, "identity", np.full(4, 2.5), np.full(4, 1.0))
    assert scores.r2 == pytest.approx(1 - 1.25 / 5.0)
    assert scores.mae == pytest.approx(0.375)
    assert scores.coverage_1sigma == 0.75 and scores.coverage_2sigma == 1.0  # |3 − 2| / 0.5 = 2 is inside ±2σ
    nlpd = 0.5 * np.log(2 * math.pi * variance) + (y - mean) ** 2 / (2 * variance)
    trivial = 0.5 * np.log(2 * math.pi) + (y - 2.5) ** 2 / 2
    assert scores.msll == pytest.approx(np.mean(nlpd - trivial)) and scores.n == 4
    logged = score_predictions(np.exp(y), mean, variance, "log", np.full(4, 2.5), np.full(4, 1.0))
    assert logged.coverage_1sigma == 0.75 and logged.mae == pytest.approx(np.mean(np.abs(np.exp(y) - np.exp(mean))))


def test_gp_and_forest_cross_validation_on_a_pi1070_subset() -> None:
    data = load_pi1070_data(["density", "refractive_index"]).subset(np.arange(400))
    gp = cross_validate(data, MultiPropertyGP.fit, folds=3, seed=0)
    forest = cross_validate(data, lambda d: RandomForestSurrogate.fit(d, n_estimators=30), folds=3, seed=0)
    assert gp["density"].n == 400 and forest["refractive_index"].n == 400
    for name in ("density", "refractive_index"):
        assert gp[name].r2 > 0.6 and forest[name].r2 > 0.4
        assert 0.55 < gp[name].coverage_1sigma < 0.85 and gp[name].coverage_2sigma > 0.8
    with pytest.raises(ValueError, match="folds must be between 2"):
        cross_validate(data, MultiPropertyGP.fit, folds=1)
