"""The campaign on the PI1070 pool: suggest → observe (PI1070 labels) → suggest, with pending candidates, failures,
partial rows, the budget, and the rules for repeated, conflicting and external labels."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from polyloop.design.campaign import Campaign, CampaignError
from polyloop.design.config import CampaignConfig


def config(name: str = "tc", budget: int = 12, warm: str = 'dataset = "pi1070"\nsample = 30', extra: str = "",
           pool: str = 'dataset = "pi1070"') -> CampaignConfig:
    """A small single-objective campaign (max thermal conductivity, density ≤ 1200 kg/m³)."""
    return CampaignConfig.from_toml(f"""
[campaign]
name = "{name}"
seed = 3
batch_size = 5
budget = {budget}
[pool]
{pool}
[[objectives]]
property = "thermal_conductivity"
sense = "max"
[[constraints]]
property = "density"
upper = 1200.0
[warm_start]
{warm}
[acquisition]
shortlist = 50
mc_samples = 16
{extra}""")


def pi1070_row(table: pd.DataFrame, candidate: str, properties: tuple[str, ...]) -> dict:
    """The PI1070 labels of ``candidate`` as an observation row (missing values left out)."""
    record = table.set_index("id").loc[candidate]
    row = {"id": candidate}
    for p in properties:
        if not math.isnan(record[p]):
            row[p], row[f"{p}_std"] = float(record[p]), float(np.nan_to_num(record[f"{p}_std"]))
    return row


def test_suggest_observe_suggest(database_url: str, pi1070: pd.DataFrame) -> None:
    campaign = Campaign.create(config(), database_url)
    warm = campaign.warm_start()
    assert len(warm) == 30
    warm_ids = set(pi1070.loc[pi1070["canonical_smiles"].isin(warm.smiles), "id"])

    first = campaign.suggest()
    ids = [c.id for c in first]
    assert len(ids) == 5 == len(set(ids)) and not set(ids) & warm_ids
    assert all(c.std["thermal_conductivity"] > 0 and set(c.mean) == {"thermal_conductivity", "density"}
               for c in first)
    assert [p["id"] for p in campaign.pending()] == ids and {p["round"] for p in campaign.pending()} == {1}

    properties = ("thermal_conductivity", "density")
    labelled = [i for i in ids if pi1070.set_index("id").loc[i, list(properties)].notna().all()][:2]
    others = [i for i in ids if i not in labelled]
    partial = {"id": others[0], "density": float(pi1070.set_index("id").loc[others[0], "density"])}
    rows = [pi1070_row(pi1070, i, properties) for i in labelled] + [partial, {"id": others[1], "failed": "MD crash"}]
    assert campaign.observe(rows) == 2 * 2 + 1 + 1
    status = campaign.status()
    assert (status["n_observed"], status["n_pending"], status["n_failed"]) == (3, 1, 1)
    assert (status["rounds"], status["remaining_budget"]) == (1, 12 - 3 - 1)
    table = pi1070.set_index("id").loc[labelled]
    feasible = table[table["density"] <= 1200]
    expected = None if feasible.empty else feasible["thermal_conductivity"].idxmax()
    assert (status["best"]["thermal_conductivity"] or {}).get("id") == expected
    training = campaign.training_data()
    assert len(training) == 33 and np.isnan(training.targets[-1, 0]) and np.isfinite(training.targets[-1, 1])

    second = campaign.suggest()
    assert len(second) == 5 and not {c.id for c in second} & (set(ids) | warm_ids)
    reloaded = Campaign.load(database_url, "tc")
    assert [p["id"] for p in reloaded.pending()] == [others[2]] + [c.id for c in second]
    assert {p["round"] for p in reloaded.pending()[1:]} == {2}

    statuses = reloaded.suggestions().set_index("id")["status"]
    assert statuses[labelled[0]] == "observed" and statuses[others[1]] == "failed"
    assert (statuses == "pending").sum() == 6
    snapshots = reloaded.model_snapshots()
    assert list(snapshots["round"]) == [1, 2] and list(snapshots["n_train"]) == [30, 33]


def test_budget_caps_suggestions_and_models_are_stored(tmp_path: Path) -> None:
    campaign = Campaign.create(config(budget=7, extra='method = "greedy"\n'), f"sqlite:///{tmp_path / 'c.db'}")
    first = campaign.suggest()
    assert len(first) == 5 and campaign.remaining_budget() == 2
    campaign.observe([{"id": first[0].id, "density": 1000.0}, {"id": first[1].id, "failed": "no cell"}])
    assert campaign.remaining_budget() == 3  # 1 labelled + 3 pending; the failure does not count
    second = campaign.suggest(q=10)
    assert len(second) == 3 and not {c.id for c in second} & {c.id for c in first}
    assert campaign.remaining_budget() == 0 and campaign.suggest() == []
    snapshots = campaign.model_snapshots()
    assert list(snapshots["round"]) == [1, 2] and list(snapshots["n_train"]) == [30, 31]
    model = campaign.load_model()
    assert model is not None and len(model.data) == 31 and model.properties == ("thermal_conductivity", "density")
    assert campaign.load_model(round=1).data.smiles == campaign.warm_start().smiles
    mean, _ = model.predict(model.data.packed[:3])
    refit = campaign.load_model(round=2).predict(model.data.packed[:3])[0]
    assert np.allclose(mean, refit)


def test_observe_rules(database_url: str) -> None:
    campaign = Campaign.create(config(warm=""), database_url)
    with pytest.raises(CampaignError, match="never suggested this id; give its smiles"):
        campaign.observe([{"id": "ext1", "density": 855.0}])
    assert campaign.observe([{"id": "ext1", "smiles": "*CCCC*", "density": 855.0, "density_std": 2.0}]) == 1
    assert campaign.observe([{"id": "ext1", "thermal_conductivity": 0.21}]) == 1  # a partial row, later
    assert campaign.observe([{"id": "ext1", "smiles": "*CC*", "density": 855.0, "density_std": 2.0}]) == 0  # same
    with pytest.raises(CampaignError, match=r"density is already recorded as 855.0 ± 2.0; a different value"):
        campaign.observe([{"id": "ext2", "smiles": "*CC(*)C", "density": 900.0}, {"id": "ext1", "density": 856.0}])
    assert "ext2" not in set(campaign.observations()["id"])  # the whole call was refused
    with pytest.raises(CampaignError, match="is not the polymer recorded for this id"):
        campaign.observe([{"id": "ext1", "smiles": "*CC(*)C", "cp": 1500.0}])
    assert campaign.observe([{"id": "ext3", "smiles": "*CCO*", "failed": "LAMMPS lost atoms"}]) == 1
    campaign.fail("ext3", "again")  # a no-op
    with pytest.raises(CampaignError, match="recorded as failed \\('LAMMPS lost atoms'\\)"):
        campaign.observe([{"id": "ext3", "density": 1100.0}])
    with pytest.raises(CampaignError, match="already has labels"):
        campaign.fail("ext1", "too late")
    bad_rows = [
        ({"id": "ext1", "densty": 1.0}, "unknown property column(s) ['densty']"),
        ({"id": "ext1", "density": "heavy"}, "density must be a number, got 'heavy'"),
        ({"id": "ext1", "cp": 1.0, "cp_std": -1.0}, "cp_std must be >= 0"),
        ({"id": "ext1", "cp": 1.0, "failed": "x"}, "has both values ['cp'] and failed"),
        ({"id": "ext1", "cp": float("nan")}, "no property value and no failed reason"),
        ({"id": "", "cp": 1.0}, "no candidate id"),
        ({"id": "ext4", "smiles": "*CC", "cp": 1.0}, "invalid smiles"),
        ({"id": "ext1", "cv_std": 1.0}, "given without the value(s) ['cv']"),
    ]
    for row, message in bad_rows:
        with pytest.raises(CampaignError) as caught:
            campaign.observe([row])
        assert message in str(caught.value) and str(caught.value).startswith("row 1")
    observed = campaign.observations()
    assert list(observed["id"]) == ["ext1"] and observed.loc[0, "smiles"] == "*C*"
    assert (observed.loc[0, "density"], observed.loc[0, "density_std"]) == (855.0, 2.0)
    assert observed.loc[0, "thermal_conductivity"] == 0.21 and np.isnan(observed.loc[0, "thermal_conductivity_std"])
    failures = campaign.failures()
    assert list(failures["id"]) == ["ext3"] and failures.loc[0, "reason"] == "LAMMPS lost atoms"
    assert campaign.remaining_budget() == 11
    with pytest.raises(CampaignError, match="fewer than 2 labels of 'thermal_conductivity'"):
        campaign.suggest()


def test_status_best_and_pareto(database_url: str) -> None:
    extra = '[[objectives]]\nproperty = "density"\nsense = "min"\n'
    campaign = Campaign.create(CampaignConfig.from_toml(config(warm="").source + extra), database_url)
    labels = {"a": (0.30, 1000.0), "b": (0.25, 900.0), "c": (0.20, 950.0), "d": (0.40, 1300.0)}
    rows = [{"id": k, "smiles": s, "thermal_conductivity": tc, "density": rho}
            for (k, (tc, rho)), s in zip(labels.items(), ["*CC*", "*CC(*)C", "*CC(*)CC", "*CCO*"])]
    rows.append({"id": "e", "smiles": "*CCN*", "thermal_conductivity": 0.5})  # no density: not known feasible
    assert campaign.observe(rows, source="literature") == 9
    status = campaign.status()
    assert status["objectives"] == ["thermal_conductivity:max", "density:min"]
    assert status["constraints"] == ["density<=1200"]
    assert (status["n_observed"], status["n_labels"], status["n_feasible"]) == (5, 9, 3)
    assert status["best"]["thermal_conductivity"]["id"] == "a" and status["best"]["density"]["value"] == 900.0
    assert sorted(status["pareto"]) == ["a", "b"]
    assert set(campaign.observations()["source"]) == {"literature"}


def test_create_load_errors(database_url: str) -> None:
    Campaign.create(config(), database_url)
    with pytest.raises(CampaignError, match="a campaign named 'tc' already exists"):
        Campaign.create(config(), database_url)
    with pytest.raises(CampaignError, match=r"no campaign named 'other' in .*; it holds \['tc'\]"):
        Campaign.load(database_url, "other")
    with pytest.raises(CampaignError, match="q must be at least 1"):
        Campaign.load(database_url, "tc").suggest(0)


def test_csv_pool_excludes_warm_start_polymers_by_smiles(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    units = ["*CC*", "*CC(*)C", "*CC(*)CC", "*CCO*", "*CCCO*", "*CC(*)c1ccccc1", "*CC(*)Cl", "*CC(F)(F)*"]
    pool.write_text("id,smiles\n" + "".join(f"m{i},{s}\n" for i, s in enumerate(units)))
    warm = tmp_path / "warm.csv"
    warm.write_text("smiles,thermal_conductivity,density\n*CCCC*,0.30,855\n*CC(C)*,0.21,900\n*OCC*,0.25,1110\n"
                    "*CC(Cl)*,0.18,1380\n")
    campaign = Campaign.create(config(pool=f'dataset = "{pool}"', warm=f'csv = "{warm}"',
                                      extra='method = "greedy"\n'), f"sqlite:///{tmp_path / 'c.db'}")
    chosen = [c.id for c in campaign.suggest(q=8)]
    assert sorted(chosen) == ["m2", "m4", "m5", "m7"]  # *CC*, *CC(*)C, *CCO*, *CC(*)Cl are in the warm start
    assert campaign.suggest() == [] and campaign.rounds() == 1  # the pool is spent; nothing more recorded
    assert len(campaign.model_snapshots()) == 1
