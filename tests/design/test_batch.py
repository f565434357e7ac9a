"""Batch selection: every method returns distinct shortlisted candidates, never pending or excluded ones."""

import numpy as np
import pytest

from polyloop.design.acquisition import AcquisitionSettings, choose_batch
from polyloop.design.batch import select_batch
from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.pool import InMemoryPool
from polyloop.design.problem import Problem
from polyloop.design.screening import screen_pool
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP

ONE = [Objective.parse("thermal_conductivity:max")]
TWO = [Objective.parse("thermal_conductivity:max"), Objective.parse("density:min")]


@pytest.fixture(scope="module")
def setting():
    data = load_pi1070_data(["thermal_conductivity", "density"])
    rows = np.arange(1, 1077, 6)[:150]
    model = MultiPropertyGP.fit(data.subset(rows[:30]), GPSettings())
    pool = InMemoryPool([f"P{i}" for i in rows], [data.smiles[i] for i in rows], data.packed[rows])
    return model, pool


@pytest.mark.parametrize("method, objectives, constraints", [
    ("qlognei", ONE, []),
    ("qlognei", ONE, ["density<=1150"]),
    ("qlognehvi", TWO, []),
    ("thompson", ONE, []),
    ("thompson", TWO, ["density<=1150"]),
    ("greedy", ONE, []),
    ("greedy", TWO, []),
    ("random", TWO, []),
])
def test_batches_are_distinct_and_avoid_pending_and_excluded(setting, method, objectives, constraints):
    model, pool = setting
    pending_ids = list(pool.ids[30:33])
    exclude = set(pool.ids[:30]) | set(pending_ids)
    settings = AcquisitionSettings(method=method, shortlist=40, mc_samples=16)
    choices = choose_batch(model, pool, objectives, [OutcomeConstraint.parse(c) for c in constraints], 6,
                           pending=pool.packed[30:33], exclude=exclude, settings=settings, seed=1)
    ids = [c.id for c in choices]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert not set(ids) & exclude
    assert all(np.isfinite(c.acquisition) for c in choices)


def test_batch_never_exceeds_what_is_left(setting):
    model, pool = setting
    exclude = set(pool.ids[:146])  # four candidates remain
    choices = choose_batch(model, pool, ONE, [], 10, exclude=exclude, settings=AcquisitionSettings(mc_samples=16))
    assert sorted(c.id for c in choices) == sorted(pool.ids[146:])


def test_pending_points_change_the_qlognei_batch(setting):
    model, pool = setting
    problem = Problem.build(model, ONE)
    shortlist = screen_pool(model, pool, problem, 30, exclude=set(pool.ids[:30]))
    alone = select_batch(model, problem, shortlist, 1, method="qlognei", mc_samples=64)
    # the best candidate's fingerprint pending (as if suggested in an earlier batch): choosing it again adds
    # nothing, so a pending-aware acquisition moves to another candidate
    pending = shortlist.batch.packed[[alone[0].row]]
    conditioned = select_batch(model, problem, shortlist, 1, method="qlognei", pending=pending, mc_samples=64)
    assert conditioned[0].row != alone[0].row


def test_method_checks(setting):
    model, pool = setting
    problem = Problem.build(model, ONE)
    shortlist = screen_pool(model, pool, problem, 10)
    with pytest.raises(ValueError, match="qlognehvi is for 2-4 objectives"):
        select_batch(model, problem, shortlist, 2, method="qlognehvi")
    with pytest.raises(ValueError, match="unknown batch method"):
        select_batch(model, problem, shortlist, 2, method="ei")
