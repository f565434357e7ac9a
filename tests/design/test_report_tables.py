"""The numbers behind campaign reports, checked on a five-point campaign computed by hand."""

import numpy as np
import pandas as pd
import pytest

from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.report_tables import (
    best_so_far,
    feasible,
    hypervolume_by_round,
    pareto_ranks,
    parity_scores,
    parity_table,
    top_candidates,
)

OBJECTIVES = (Objective("x", "max"), Objective("y", "min"))


@pytest.fixture()
def observed() -> pd.DataFrame:
    """Five labelled candidates over four rounds; the front of (max x, min y) is A, E, C."""
    return pd.DataFrame({
        "id": ["B", "D", "A", "E", "C"], "smiles": ["*CC*"] * 5, "round": [0, 0, 1, 2, 3],
        "x": [2.0, 1.0, 1.0, 2.5, 3.0], "x_std": [0.1] * 5,
        "y": [2.0, 3.0, 1.0, 1.5, 3.0], "y_std": [0.2] * 5,
    })


def test_pareto_ranks_peel_successive_fronts(observed):
    utility = np.column_stack([observed["x"], -observed["y"]])
    ranks = dict(zip(observed["id"], pareto_ranks(utility)))
    assert ranks == {"A": 1, "E": 1, "C": 1, "B": 2, "D": 3}
    assert pareto_ranks(np.array([[1.0, np.nan], [0.0, 0.0]])).tolist() == [0, 1]
    assert pareto_ranks(np.empty((0, 2))).tolist() == []


def test_best_so_far_is_the_running_best_per_round(observed):
    table = best_so_far(observed, OBJECTIVES)
    assert table.index.tolist() == [0, 1, 2, 3]
    assert table["x"].tolist() == [2.0, 2.0, 2.5, 3.0]
    assert table["y"].tolist() == [2.0, 1.0, 1.0, 1.0]
    assert np.all(np.diff(table["x"]) >= 0) and np.all(np.diff(table["y"]) <= 0)


def test_best_so_far_skips_infeasible_rows_and_measures_target_distance(observed):
    table = best_so_far(observed, (Objective("x", "max"), Objective("y", "target", 1.8, 2.2)),
                        (OutcomeConstraint("y", upper=2.6),))
    assert table["x"].tolist() == [2.0, 2.0, 2.5, 2.5]  # C (x = 3) has y = 3 > 2.6
    assert table["y_distance"].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert feasible(observed, (OutcomeConstraint("y", upper=2.6),)).tolist() == [True, False, True, True, False]


def test_hypervolume_by_round_matches_the_hand_computed_areas(observed):
    table, reference = hypervolume_by_round(observed, OBJECTIVES)
    np.testing.assert_allclose(reference, [0.8, -3.2])
    np.testing.assert_allclose(table["hypervolume"], [1.44, 1.64, 2.99, 3.09])
    # the ideal point (3, -1) spans (3 - 0.8)·(-1 + 3.2) = 4.84 above the reference
    np.testing.assert_allclose(table["hypervolume_fraction"], np.array([1.44, 1.64, 2.99, 3.09]) / 4.84)
    assert table["n_front"].tolist() == [1, 2, 2, 3]
    assert table["n_labelled"].tolist() == [2, 3, 4, 5]


def test_parity_table_and_scores(observed):
    predicted = pd.DataFrame({"id": ["A", "B", "E", "Z"], "x_pred": [1.5, 2.0, 2.0, 9.0],
                              "x_pred_std": [0.1, 0.1, 0.1, 0.1]})
    table = parity_table(observed, predicted, ["x", "y"])
    assert sorted(table["id"]) == ["A", "B", "E"] and set(table["property"]) == {"x"}
    scores = parity_scores(table).iloc[0]
    label = np.array([2.0, 1.0, 2.5])  # B, A, E in observation order
    pred = np.array([2.0, 1.5, 2.0])
    expected_r2 = 1 - np.sum((pred - label) ** 2) / np.sum((label - label.mean()) ** 2)
    assert scores["n"] == 3
    assert scores["r2"] == pytest.approx(expected_r2)
    assert scores["rmse"] == pytest.approx(np.sqrt(np.mean((pred - label) ** 2)))
    # within 2·sqrt(0.1² + 0.1²) = 0.283: only B (error 0)
    assert scores["coverage_2sigma"] == pytest.approx(1 / 3)


def test_top_candidates_order_feasible_then_rank(observed):
    top = top_candidates(observed, OBJECTIVES, (OutcomeConstraint("y", upper=2.6),), n=5)
    assert top["id"].tolist()[:3] == ["E", "A", "B"]  # feasible front E, A (E scores higher), then B
    assert top["feasible"].tolist() == [True, True, True, False, False]
    assert top["pareto_rank"].tolist()[:3] == [1, 1, 2]
    with pytest.raises(ValueError, match="at least 1"):
        top_candidates(observed, OBJECTIVES, n=0)


def test_missing_objective_column_is_named(observed):
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['density'\]"):
        best_so_far(observed, (Objective("density", "min"),))
