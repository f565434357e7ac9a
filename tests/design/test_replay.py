"""Replay: metrics on known curves, a GP campaign beating random on an easy oracle, and the CLI's JSON keys."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from polyloop.cli import app
from polyloop.design.objectives import Objective
from polyloop.design.replay import replay
from polyloop.design.replay_metrics import acceleration_factor, hv_fraction_curve, top_k_rows, topk_curve
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.kernels import TanimotoBasis


@pytest.fixture(scope="module")
def easy_oracle(tmp_path_factory):
    """150 PI1070 polymers labelled by their Tanimoto similarity to one of them: smooth under the GP's kernel."""
    data = load_pi1070_data(["density"])
    rows = np.arange(0, 1077, 7)[:150]
    similarity = TanimotoBasis(data.packed[[rows[17]]], 2048).similarity(data.packed[rows])[:, 0]
    path = tmp_path_factory.mktemp("oracle") / "easy.csv"
    pd.DataFrame({"smiles": [data.smiles[i] for i in rows], "score": similarity,
                  "cost": 1.0 - 0.5 * similarity}).to_csv(path, index=False)
    return str(path)


def test_metrics_on_known_orders():
    utility = np.array([[5.0], [4.0], [3.0], [2.0], [1.0]])
    top = top_k_rows(utility, np.ones(5, dtype=bool), fraction=0.4)
    assert sorted(top.tolist()) == [0, 1]
    assert topk_curve(np.array([4, 1, 3, 0, 2]), top, [1, 2, 4]).tolist() == [0, 1, 2]
    reference = np.array([0.0])
    assert hv_fraction_curve(np.array([4, 2, 0]), utility, np.ones(5, bool), reference, [1, 2, 3]) == \
        pytest.approx([0.2, 0.6, 1.0])
    result = acceleration_factor(np.array([0.0, 0.5, 0.5]), [10, 20, 30], level=0.25, random_budget=30.0)
    assert result["acceleration_factor"] == pytest.approx(2.0)  # 0.25 is reached half-way from 10 to 20: at 15
    assert acceleration_factor(np.array([0.2, 0.3]), [10, 20], 0.8, 20.0)["acceleration_factor"] is None


def test_gp_beats_random_on_an_easy_oracle(easy_oracle):
    result = replay(easy_oracle, [Objective.parse("score:max")], init=5, batch=5, rounds=4, seeds=3,
                    strategies=("gp", "random"))
    gp, random = result["strategy"]["gp"], result["strategy"]["random"]
    assert result["top_k"] == 2 and result["evaluations"] == [5, 10, 15, 20, 25]
    assert gp["topk_found_mean"] > random["topk_found_mean"]
    assert gp["hv_fraction_median"] == 1.0 > random["hv_fraction_median"]  # the GP finds the peak itself
    found_fraction = gp["topk_found_mean"] / 2  # EF against random's expectation 25/150 of the top found
    assert gp["enhancement_factor"] == pytest.approx(found_fraction / (25 / 150))


def test_two_objective_replay_reports_hypervolume(easy_oracle):
    result = replay(easy_oracle, [Objective.parse("score:max"), Objective.parse("cost:min")], init=5, batch=4,
                    rounds=2, seeds=2, strategies=("greedy", "random"))
    for block in result["strategy"].values():
        assert 0.0 < block["hv_fraction_median"] <= 1.0
        assert len(block["curves"]["hv_fraction"]["q25"]) == 3
    assert result["top_k_definition"] == "Pareto front of the pool"


def test_cli_replay_json_keys(easy_oracle):
    run = CliRunner().invoke(app, ["campaign", "replay", "--dataset", easy_oracle, "--objective", "score:max",
                                   "--init", "4", "--batch", "3", "--rounds", "1", "--seeds", "1",
                                   "--strategy", "gp", "--strategy", "random", "--strategy", "greedy", "--json"])
    assert run.exit_code == 0, run.output
    result = json.loads(run.output)
    assert set(result["strategy"]) == {"gp", "random", "greedy"}
    for block in result["strategy"].values():
        assert {"topk_found_median", "hv_fraction_median", "enhancement_factor", "wall_s",
                "acceleration_factor", "curves"} <= set(block)
    bad = CliRunner().invoke(app, ["campaign", "replay", "--objective", "density:maximise", "--seeds", "1"])
    assert bad.exit_code == 1 and "cannot read objective 'density:maximise'" in bad.output
