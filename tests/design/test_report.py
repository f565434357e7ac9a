"""Campaign reports from a real campaign: a small PI1070 pool, labels from PI1070 for a few rounds, then the report
(HTML + PNGs) and the ``polyloop campaign report`` command."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from polyloop.cli import app
from polyloop.design.campaign import Campaign
from polyloop.design.config import CampaignConfig
from polyloop.design.report import stored_predictions, write_report
from polyloop.design.report_tables import top_candidates
from polyloop.library.database import PropertyDatabase

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CLASSES = ["polyester", "polyether", "polyamide"]
TWO_OBJECTIVES = f"""
[campaign]
name = "tc-density"
seed = 1
batch_size = 4
budget = 20
[pool]
dataset = "pi1070"
classes = {json.dumps(CLASSES)}
[[objectives]]
property = "thermal_conductivity"
sense = "max"
[[objectives]]
property = "density"
sense = "min"
[[constraints]]
property = "density"
upper = 1200.0
[acquisition]
shortlist = 60
mc_samples = 16
"""
ONE_OBJECTIVE = TWO_OBJECTIVES.replace('"tc-density"', '"tc-only"').split("[[objectives]]\nproperty = \"density\"")[0] \
    + "[acquisition]\nshortlist = 60\n"


def _label(pi1070: pd.DataFrame, ids) -> list[dict]:
    """PI1070 as the oracle: the labels of ``ids`` as observation rows."""
    table = pi1070.set_index("id")
    rows = []
    for i in ids:
        row = {"id": i, "smiles": table.loc[i, "canonical_smiles"]}
        for name in ("thermal_conductivity", "density"):
            row[name], row[f"{name}_std"] = float(table.loc[i, name]), float(table.loc[i, f"{name}_std"])
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def campaign_url(tmp_path_factory, pi1070) -> str:
    """A two-objective campaign: 6 initial labels, then two rounds of 4 suggestions labelled from PI1070, and one
    suggestion left pending; plus a one-objective campaign with initial labels only, in the same database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'campaign.db'}"
    pool = pi1070[pi1070["polymer_class"].isin(CLASSES) & pi1070["thermal_conductivity"].notna()]
    initial = pool.sample(6, random_state=0)["id"].tolist()
    campaign = Campaign.create(CampaignConfig.from_toml(TWO_OBJECTIVES), url)
    campaign.observe(_label(pi1070, initial))
    campaign.observe(_label(pi1070, [c.id for c in campaign.suggest(4)]))
    campaign.observe(_label(pi1070, [c.id for c in campaign.suggest(5)][:4]))  # the fifth stays pending
    single = Campaign.create(CampaignConfig.from_toml(ONE_OBJECTIVE), url)
    single.observe(_label(pi1070, initial))
    # an MD run of the first Pareto-front member in the property database of the same file (as the loop stores it)
    front = campaign.observations().set_index("id").loc[campaign.status()["pareto"][0]]
    PropertyDatabase(url).add_run({
        "smiles": front["smiles"], "preset": "tiny", "converged": True, "wall_s": 12.4,
        "properties": {"density": {"value": front["density"] / 1000, "stderr": 0.01, "unit": "g/cm^3"}},
        "provenance": {"seed": 3, "preset": {"name": "tiny"}, "forcefield": "gaff2", "charges": "gasteiger"},
    }, campaign="tc-density")
    return url


def _images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_report_of_a_two_objective_campaign(tmp_path, campaign_url):
    campaign = Campaign.load(campaign_url, "tc-density")
    index = write_report(campaign, tmp_path / "report", top=5)
    html = index.read_text()
    out = index.parent
    for name in ("pareto_front.png", "best_so_far.png", "hypervolume.png", "parity.png"):
        assert (out / name).read_bytes()[:8] == PNG_SIGNATURE
        assert f'src="{name}"' in html
    for image in _images(html):
        assert (out / image).read_bytes()[:8] == PNG_SIGNATURE  # every picture the page shows is there
    observed = campaign.observations()
    assert len(observed) == 14
    expected = top_candidates(observed, campaign.config.objectives, campaign.config.constraints, n=5)
    shown = re.findall(r'<img src="structures/([^"]+)\.png"', html)
    assert shown == expected["id"].tolist()
    front = set(campaign.status()["pareto"])
    assert front and front <= set(shown)  # the Pareto front leads the table
    # the 8 labelled suggestions carry stored predictions; the 6 initial labels do not
    predicted = stored_predictions(campaign)
    labelled = predicted[predicted["status"] == "observed"]
    assert len(labelled) == 8
    assert np.isfinite(labelled[["thermal_conductivity_pred", "thermal_conductivity_pred_std"]].to_numpy()).all()
    assert "<td>thermal_conductivity</td><td class=\"num\">8</td>" in html
    assert "Pending (1)" in html and "thermal_conductivity [W/(m K)]" in html
    assert "<th>MD run</th>" in html and "<td>tiny, seed 3, 12 s, converged</td>" in html


def test_report_of_a_one_objective_campaign_and_of_an_empty_one(tmp_path, campaign_url, pi1070):
    single = Campaign.load(campaign_url, "tc-only")
    html = write_report(single, tmp_path / "single").read_text()
    assert "Ranking" in html and not (tmp_path / "single" / "hypervolume.png").exists()
    best = pi1070.set_index("id").loc[single.observations()["id"], "thermal_conductivity"].idxmax()
    pictures = [i for i in _images(html) if i.startswith("structures/")]
    assert pictures[0] == f"structures/{best}.png" and len(pictures) == 6  # the best label first
    empty = Campaign.create(CampaignConfig.from_toml(ONE_OBJECTIVE.replace('"tc-only"', '"empty"')), campaign_url)
    page = write_report(empty, tmp_path / "empty").read_text()
    assert "No candidate has been labelled yet" in page and _images(page) == []


def test_report_command(tmp_path, campaign_url):
    runner = CliRunner()
    result = runner.invoke(app, ["campaign", "report", "--db", campaign_url, "--campaign", "tc-density",
                                 "--out", str(tmp_path / "cli"), "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["n_observed"] == 14
    assert {"index.html", "pareto_front.png", "parity.png"} <= set(summary["files"])
    assert len([f for f in summary["files"] if f.startswith("structures/")]) == 3
    missing = runner.invoke(app, ["campaign", "report", "--db", campaign_url, "--campaign", "nope",
                                  "--out", str(tmp_path / "x")])
    assert missing.exit_code == 1
    assert "no campaign named 'nope'" in missing.output
