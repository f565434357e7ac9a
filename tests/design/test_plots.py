"""Campaign plots: valid PNG files, and the data drawn is the data computed (front, ranking, curves, parity)."""

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.plots import (
    draw_structure,
    draw_structures,
    plot_best_so_far,
    plot_hypervolume,
    plot_pareto_front,
    plot_parity,
    plot_ranked,
)
from polyloop.design.report_tables import best_so_far, hypervolume_by_round, parity_scores, parity_table

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OBJECTIVES = (Objective("x", "max"), Objective("y", "min"))


@pytest.fixture()
def observed() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["B", "D", "A", "E", "C"], "smiles": ["*CC*", "*CC(*)C", "*CCO*", "*CC(*)c1ccccc1", "*CC(*)Cl"],
        "round": [0, 0, 1, 2, 3], "x": [2.0, 1.0, 1.0, 2.5, 3.0], "x_std": [0.1] * 5,
        "y": [2.0, 3.0, 1.0, 1.5, 3.0], "y_std": [0.2] * 5,
    })


@pytest.fixture()
def predicted() -> pd.DataFrame:
    return pd.DataFrame({"id": ["A", "E", "C"], "x_pred": [1.2, 2.2, 2.6], "x_pred_std": [0.3, 0.2, 0.4],
                         "y_pred": [1.1, 1.9, 2.5], "y_pred_std": [0.1, 0.2, 0.3]})


def _png_size(path) -> tuple[int, int]:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(path)
    assert image.ndim == 3
    return image.shape[1], image.shape[0]


def test_pareto_front_plot_highlights_the_known_front(tmp_path, observed, predicted):
    plot = plot_pareto_front(observed, OBJECTIVES, tmp_path / "front.png", predicted)
    width, height = _png_size(plot.path)
    assert width > 300 and height > 300
    data = plot.data.set_index("id")
    assert set(data.index[data["on_front"]]) == {"A", "C", "E"}
    assert data.loc["E", "x_pred"] == 2.2 and data.loc["C", "y_pred_std"] == 0.3
    assert np.isnan(data.loc["B", "x_pred"])  # nothing stored for B


def test_pareto_front_plot_excludes_infeasible_points_from_the_front(tmp_path, observed):
    plot = plot_pareto_front(observed, OBJECTIVES, tmp_path / "front.png",
                             constraints=(OutcomeConstraint("y", upper=2.6),))
    data = plot.data.set_index("id")
    assert set(data.index[data["on_front"]]) == {"A", "E"}
    assert not data.loc["C", "feasible"]


def test_three_objectives_draw_one_panel_per_pair(tmp_path, observed):
    observed = observed.assign(z=[1.0, 1.0, 0.0, 0.0, 0.0])
    plot = plot_pareto_front(observed, (*OBJECTIVES, Objective("z", "max")), tmp_path / "front3.png")
    data = plot.data.set_index("id")
    assert set(data.index[data["on_front"]]) == {"A", "B", "C", "E"}  # B now leads on z; D is still dominated by B
    _png_size(plot.path)


def test_one_objective_gives_a_ranked_plot(tmp_path, observed, predicted):
    plot = plot_pareto_front(observed, (Objective("y", "min"),), tmp_path / "ranked.png", predicted)
    assert plot.data["id"].tolist() == ["A", "E", "B", "D", "C"]
    assert plot.data["rank"].tolist() == [1, 2, 3, 4, 5]
    assert plot.data["y_pred"].tolist()[:2] == [1.1, 1.9]
    top2 = plot_ranked(observed, Objective("x", "max"), tmp_path / "r2.png", limit=2)
    assert top2.data["id"].tolist() == ["C", "E"]
    _png_size(top2.path)


def test_best_so_far_and_hypervolume_plots_carry_the_curves(tmp_path, observed):
    curve = plot_best_so_far(best_so_far(observed, OBJECTIVES), OBJECTIVES, tmp_path / "best.png",
                             reference={"x": 2.2})
    assert curve.data["x"].tolist() == [2.0, 2.0, 2.5, 3.0]
    assert curve.data["y"].is_monotonic_decreasing
    table, _ = hypervolume_by_round(observed, OBJECTIVES)
    hv = plot_hypervolume(table, tmp_path / "hv.png")
    np.testing.assert_allclose(hv.data["hypervolume"], [1.44, 1.64, 2.99, 3.09])
    for path in (curve.path, hv.path):
        _png_size(path)


def test_parity_plot(tmp_path, observed, predicted):
    table = parity_table(observed, predicted, ["x", "y"])
    plot = plot_parity(table, tmp_path / "parity.png", parity_scores(table))
    assert len(plot.data) == 6 and set(plot.data["property"]) == {"x", "y"}
    row = plot.data[(plot.data["id"] == "C") & (plot.data["property"] == "y")].iloc[0]
    assert (row["label"], row["label_std"], row["predicted"], row["predicted_std"]) == (3.0, 0.2, 2.5, 0.3)
    _png_size(plot.path)
    empty = plot_parity(parity_table(observed, predicted.iloc[:0], ["x"]), tmp_path / "none.png")
    assert len(empty.data) == 0
    _png_size(empty.path)


def test_structures_are_drawn_as_png(tmp_path, observed):
    paths = draw_structures(dict(zip(observed["id"], observed["smiles"])), tmp_path / "structures", size=(200, 150))
    assert sorted(p.name for p in paths.values()) == ["A.png", "B.png", "C.png", "D.png", "E.png"]
    assert _png_size(paths["E"]) == (200, 150)
    assert draw_structure("*CC(*)C", tmp_path / "odd id/x.png").is_file()
    with pytest.raises(ValueError, match="cannot draw"):
        draw_structure("*C(C*", tmp_path / "bad.png")
