"""The full-pool screen: stable log-EI, streaming keeps the true top-k, exclusions, shortlist contents."""

import math

import mpmath
import numpy as np
import pytest
from scipy.stats import norm

from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.pool import InMemoryPool
from polyloop.design.problem import Problem
from polyloop.design.screening import (
    _predictive,
    _Scorer,
    log_expected_improvement,
    log_h,
    log_probability_in_range,
    screen_pool,
)
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP


@pytest.fixture(scope="module")
def setting():
    data = load_pi1070_data(["thermal_conductivity", "density"])
    rows = np.arange(0, 1077, 4)[:260]
    train = rows[:40]
    model = MultiPropertyGP.fit(data.subset(train), GPSettings())
    pool = InMemoryPool([f"P{i}" for i in rows], [data.smiles[i] for i in rows], data.packed[rows])
    return model, pool


def test_log_h_matches_high_precision_values():
    for z in (3.0, 0.0, -0.5, -3.0, -12.0, -40.0, -300.0):
        exact = mpmath.log(mpmath.npdf(z) + z * mpmath.ncdf(z))
        assert log_h(np.array([z]))[0] == pytest.approx(float(exact), rel=1e-6, abs=1e-9)


def test_log_ei_and_range_probability_against_closed_forms():
    mean, std, best = np.array([1.0, 0.2]), np.array([0.5, 0.1]), 0.8
    z = (mean - best) / std
    direct = np.log(std * (norm.pdf(z) + z * norm.cdf(z)))
    assert log_expected_improvement(mean, std, best) == pytest.approx(direct)
    inside = log_probability_in_range(np.array([0.0, 5.0, -30.0]), np.ones(3), -1.0, 1.0)
    expected = np.log([norm.cdf(1) - norm.cdf(-1), norm.cdf(-4) - norm.cdf(-6)])
    assert inside[:2] == pytest.approx(expected)
    assert inside[2] == pytest.approx(float(mpmath.log(mpmath.ncdf(-29) - mpmath.ncdf(-31))), rel=1e-6)


@pytest.mark.parametrize("objectives, constraints", [
    (["thermal_conductivity:max"], []),
    (["density:min"], ["thermal_conductivity>=0.2"]),
    (["thermal_conductivity:max", "density:min"], []),
])
def test_streaming_screen_keeps_the_true_top_k(setting, objectives, constraints):
    model, pool = setting
    problem = Problem.build(model, [Objective.parse(t) for t in objectives],
                            [OutcomeConstraint.parse(t) for t in constraints])
    exclude = set(pool.ids[:50])
    shortlist = screen_pool(model, pool, problem, 25, exclude=exclude, batch_size=17)
    # the same scores computed in one piece over the whole pool
    keep = ~np.isin(pool.ids, list(exclude))
    mean, var = _predictive(model, pool.packed[keep], list(problem.properties), True)
    method = "logei" if len(objectives) == 1 else "ehvi"
    score = _Scorer(problem, method, problem.observed_utility(model), 2.0, 0)(mean, var)
    order = np.argsort(-score)
    assert shortlist.score == pytest.approx(score[order[:25]], rel=1e-5, abs=1e-9)
    assert len(set(shortlist.batch.ids) ^ set(pool.ids[keep][order[:25]])) <= 2  # only near-ties may swap
    assert not set(shortlist.batch.ids) & exclude
    assert np.all(np.diff(shortlist.score) <= 1e-12)  # best first
    assert shortlist.n_screened == int(keep.sum()) and shortlist.mean.shape == (25, len(problem.properties))


def test_ucb_union_and_random_screens(setting):
    model, pool = setting
    problem = Problem.build(model, [Objective.parse("thermal_conductivity:max"), Objective.parse("density:min")])
    union = screen_pool(model, pool, problem, 20, method="ucb", batch_size=50)
    assert len(union) <= 20 and len(set(union.batch.ids)) == len(union)
    mean, var = _predictive(model, pool.packed, list(problem.properties), True)
    ucb = mean[:, 0] + 2.0 * np.sqrt(var[:, 0])
    assert set(pool.ids[np.argsort(-ucb)[:5]]) <= set(union.batch.ids)  # each objective's best UCB kept
    first = screen_pool(model, pool, problem, 10, method="random", seed=3)
    again = screen_pool(model, pool, problem, 10, method="random", seed=3)
    assert first.batch.ids.tolist() == again.batch.ids.tolist()
    with pytest.raises(ValueError, match="logei screen is for one max/min objective"):
        screen_pool(model, pool, problem, 10, method="logei")


def test_target_objective_scores_probability_in_range(setting):
    model, pool = setting
    problem = Problem.build(model, [Objective.parse("density:target:1000:1100")])
    shortlist = screen_pool(model, pool, problem, 5)
    assert shortlist.method == "range"
    std = np.sqrt(shortlist.var[:, 0])
    expected = np.log(norm.cdf((1100 - shortlist.mean[:, 0]) / std) - norm.cdf((1000 - shortlist.mean[:, 0]) / std))
    assert shortlist.score == pytest.approx(expected, rel=1e-6)
    assert math.isfinite(shortlist.score[0]) and shortlist.score[0] > math.log(0.5)
