"""The property database: MD results in, values out, on SQLite and PostgreSQL (the ``database_url`` fixture).

The MD result record is a real one: ``data/tiny_result.json`` is the ``result.json`` of
``polyloop.simulate.protocol.runner.run("*CC(*)C", preset="tiny")`` (polypropylene; the ``tiny`` preset's numbers
are not physics, only its format matters here). ``test_fresh_tiny_run_lands_in_the_database`` runs the engine itself.
"""

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest

from polyloop.library.database import PropertyDatabase, PropertyDatabaseError

RESULT_FILE = Path(__file__).parent / "data" / "tiny_result.json"


@pytest.fixture(scope="module")
def result() -> dict:
    """A real simulate result record (the committed tiny-preset run)."""
    return json.loads(RESULT_FILE.read_text())


def test_add_run_stores_values_in_si_units(database_url, result) -> None:
    db = PropertyDatabase(database_url)
    db.add_run(result, run_dir="/runs/pp", campaign="demo")
    table = db.values()
    assert list(table["smiles"]) == ["*CC(*)C"] and list(table["polymer_class"]) == ["polyolefin"]
    row = table.iloc[0]
    md = result["properties"]
    # g/cm^3 → kg/m^3, Å → m, J/(g K) → J/(kg K), 1/GPa → 1/Pa, GPa → Pa; dimensionless and SI values unchanged
    for name, factor in [("density", 1e3), ("radius_of_gyration", 1e-10), ("cp", 1e3), ("cv", 1e3),
                         ("isothermal_compressibility", 1e-9), ("bulk_modulus", 1e9), ("self_diffusion", 1.0),
                         ("volumetric_expansion", 1.0), ("refractive_index", 1.0), ("dielectric_constant", 1.0),
                         ("thermal_conductivity", 1.0), ("thermal_diffusivity", 1.0)]:
        assert row[name] == pytest.approx(md[name]["value"] * factor, rel=1e-12), name
        assert row[f"{name}_std"] == pytest.approx(md[name]["stderr"] * factor, rel=1e-12), name
    assert row["density"] == pytest.approx(653.1558, abs=1e-3)
    # the engine could not compute the isentropic properties of this run: stored with the reason, not as values
    assert "isentropic_compressibility" not in table.columns
    exported = db.export_table()
    failed = exported[exported["property"] == "isentropic_compressibility"].iloc[0]
    assert math.isnan(failed["value"]) and "not positive" in failed["error"]


def test_add_run_keeps_provenance(database_url, result) -> None:
    db = PropertyDatabase(database_url)
    run_id = db.add_run(result, run_dir="/runs/pp", campaign="demo")
    row = db.export_table().iloc[0]
    assert (row["source"], row["preset"], row["seed"], row["forcefield"], row["charges"], row["status"]) == (
        "md", "tiny", 0, "gaff2_mod", "gasteiger", "ok")
    assert (row["campaign"], row["run_dir"], bool(row["converged"])) == ("demo", "/runs/pp", False)
    assert row["wall_s"] == pytest.approx(result["wall_s"]) and row["atom_steps"] == result["atom_steps"]
    assert json.loads(row["preset_settings"])["system"]["chains"] == 2
    assert json.loads(row["versions"])["lammps"] == result["provenance"]["versions"]["lammps"]
    assert json.loads(row["cost"])["atom_steps_per_stage"]["nemd"] == 336000
    assert json.loads(row["convergence"])["not_stationary"] == ["density", "eangle", "edihed", "evdwl"]
    assert json.loads(row["details"])["system"]["atoms"] == 112
    runs = db.runs()
    assert list(runs["run_id"]) == [run_id] and runs["created"].iloc[0] is not None


def test_add_run_is_idempotent(database_url, result, tmp_path) -> None:
    db = PropertyDatabase(database_url)
    first = db.add_run(result)
    assert db.add_run(copy.deepcopy(result)) == first
    (tmp_path / "result.json").write_text(RESULT_FILE.read_text())
    assert db.add_run(tmp_path) == first  # the run folder, read from disk: the same run
    assert PropertyDatabase(database_url).add_run(tmp_path / "result.json", campaign="other") == first
    stats = db.stats()
    assert stats["runs"] == 1 and stats["polymers"] == 1 and stats["labels"]["density"] == 1


def test_two_runs_of_one_polymer_are_averaged(database_url, result) -> None:
    db = PropertyDatabase(database_url)
    second = copy.deepcopy(result)
    second["provenance"]["seed"] = 1
    second["properties"]["density"] = {"value": 0.70, "stderr": 0.03, "unit": "g/cm^3"}
    assert db.add_run(result) != db.add_run(second)
    row = db.values(["density"]).iloc[0]
    first_value, first_se = result["properties"]["density"]["value"], result["properties"]["density"]["stderr"]
    assert row["density"] == pytest.approx((first_value + 0.70) / 2 * 1e3)
    assert row["density_std"] == pytest.approx(math.hypot(first_se, 0.03) / 2 * 1e3)
    assert db.stats()["runs_by_source"] == {"md": {"ok": 2}}


def test_failures_are_runs_without_values(database_url) -> None:
    db = PropertyDatabase(database_url)
    run_id = db.add_failure("*CC(*)c1ccccc1", "LAMMPS: lost atoms", preset="quick", campaign="demo")
    assert db.add_failure("*CC(*)c1ccccc1", "LAMMPS: lost atoms", preset="quick", campaign="demo") == run_id
    bad = db.add_failure("*C(*", "invalid repeat unit", preset="quick")  # kept as written: the failure is the SMILES
    runs = db.runs().set_index("run_id")
    assert runs.loc[run_id, "status"] == "failed" and runs.loc[run_id, "failure_reason"] == "LAMMPS: lost atoms"
    assert runs.loc[bad, "smiles"] == "*C(*"
    assert db.stats()["runs_by_status"] == {"failed": 2}
    assert db.values().empty
    with pytest.raises(PropertyDatabaseError, match="needs a reason"):
        db.add_failure("*CC*", " ", preset="quick")


def test_bad_records_are_refused_and_nothing_is_stored(database_url, result) -> None:
    db = PropertyDatabase(database_url)
    unknown = copy.deepcopy(result)
    unknown["properties"]["glass_transition"] = {"value": 400.0, "stderr": 5.0, "unit": "K"}
    with pytest.raises(PropertyDatabaseError, match="unknown property 'glass_transition'"):
        db.add_run(unknown)
    wrong_dimension = copy.deepcopy(result)
    wrong_dimension["properties"]["density"]["unit"] = "GPa"
    with pytest.raises(PropertyDatabaseError, match="density is stored in 'kg/m\\^3'; a value in 'GPa'"):
        db.add_run(wrong_dimension)
    unknown_unit = copy.deepcopy(result)
    unknown_unit["properties"]["density"]["unit"] = "lb/ft^3"
    with pytest.raises(PropertyDatabaseError, match="unknown unit 'lb/ft\\^3'"):
        db.add_run(unknown_unit)
    with pytest.raises(PropertyDatabaseError, match="not a simulate result record"):
        db.add_run({"smiles": "*CC*"})
    with pytest.raises(PropertyDatabaseError, match="invalid repeat unit"):
        db.add_run({**result, "smiles": "*CC"})
    assert db.stats()["runs"] == 0 and db.stats()["polymers"] == 0


def test_values_filters_by_source_and_campaign(database_url, result, tmp_path) -> None:
    db = PropertyDatabase(database_url)
    db.add_run(result, campaign="demo")
    labels = tmp_path / "lab.csv"
    labels.write_text("smiles,density,density_std\n*CC(*)C,900.0,5.0\n*CC*,850.0,\n")
    db.import_csv(labels)
    assert db.values(["density"], sources=["md"])["density"].tolist() == pytest.approx([653.1558], abs=1e-3)
    lab = db.values(["density"], sources=["csv:lab"]).set_index("smiles")
    assert lab.loc["*CC(*)C", "density"] == 900.0 and lab.loc["*CC(*)C", "density_std"] == 5.0
    assert math.isnan(lab.loc["*C*", "density_std"])  # *CC* is stored canonical: *C*
    assert len(db.values(campaign="demo")) == 1 and db.values(campaign="none").empty
    assert db.values(["density"], converged_only=True)["smiles"].tolist() == []  # the tiny run did not converge
    assert list(db.values(["compressibility"]).columns) == [
        "smiles", "polymer_class", "isothermal_compressibility", "isothermal_compressibility_std"]


def test_training_data_from_the_database(database_url, result, tmp_path) -> None:
    db = PropertyDatabase(database_url)
    db.add_run(result)
    labels = tmp_path / "lab.csv"
    labels.write_text("smiles,density,thermal_conductivity\n*CC*,850.0,0.3\n*CC(*)c1ccccc1,1040.0,\n")
    db.import_csv(labels)
    data = db.training_data(["density", "thermal_conductivity"])
    assert data.packed.shape == (3, 256) and data.packed.dtype == np.uint8
    assert data.properties == ("density", "thermal_conductivity")
    rows = {s: i for i, s in enumerate(data.smiles)}
    assert data.targets[rows["*C*"]].tolist() == [850.0, 0.3]
    assert math.isnan(data.targets[rows["*CC(*)c1ccccc1"], 1]) and math.isnan(data.noise_std[rows["*CC(*)c1ccccc1"], 1])
    assert data.noise_std[rows["*C*"]].tolist() == [0.0, 0.0]  # labels without a standard error: zero noise
    pp = rows["*CC(*)C"]
    assert data.noise_std[pp, 0] == pytest.approx(result["properties"]["density"]["stderr"] * 1e3)
    from polyloop.library.fingerprints import fingerprint_matrix
    from polyloop.library.repeat_unit import RepeatUnit

    assert np.array_equal(data.packed[pp], fingerprint_matrix([RepeatUnit.from_smiles("*CC(*)C")])[0])
    everything = db.training_data()  # default: every MD-engine property that has a label, extras left out
    assert everything.properties[0] == "density" and "cp_classical" not in everything.properties


def test_empty_database(database_url) -> None:
    db = PropertyDatabase(database_url)
    assert db.stats() == {"polymers": 0, "runs": 0, "runs_by_source": {}, "runs_by_status": {}, "labels": {},
                          "labelled_polymers": {}}
    assert list(db.values(["density"]).columns) == ["smiles", "polymer_class", "density", "density_std"]
    with pytest.raises(PropertyDatabaseError, match="no labels to train on"):
        db.training_data()


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(PropertyDatabaseError, match="cannot use database URL 'nosuchdb://x'"):
        PropertyDatabase("nosuchdb://x")


def test_fresh_tiny_run_lands_in_the_database(tmp_path) -> None:
    """The engine's current output (not only the committed record) is accepted: a real tiny-preset run (~10 s)."""
    from polyloop.simulate.protocol.runner import PROPERTY_NAMES, run

    record = run("*CC*", preset="tiny", out=tmp_path / "run", properties=["density", "radius_of_gyration"])
    db = PropertyDatabase(tmp_path / "labels.db")
    run_id = db.add_run(tmp_path / "run")
    assert db.add_run(record) == run_id
    row = db.values().iloc[0]
    assert row["smiles"] == "*C*" and set(db.values().columns) >= {"density", "radius_of_gyration"}
    assert row["density"] == pytest.approx(record["properties"]["density"]["value"] * 1e3)
    assert set(db.stats()["labels"]) <= set(PROPERTY_NAMES) | {"cp_classical", "dielectric_orientational"}


def test_concurrent_writers_store_each_run_once(database_url, result) -> None:
    """Six writers adding 24 results of 3 distinct runs at once (the unique keys make the losers retry)."""
    from concurrent.futures import ThreadPoolExecutor

    variants = []
    for i in range(24):
        variant = copy.deepcopy(result)
        variant["provenance"]["seed"] = i % 3
        variants.append(variant)
    db = PropertyDatabase(database_url)
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(db.add_run, variants))
    assert len(set(ids)) == 3 and ids[:3] == ids[3:6]
    assert db.stats()["runs"] == 3 and db.stats()["polymers"] == 1


def test_a_forked_child_writes_through_its_own_connection(database_url, result) -> None:
    """A process forked after the parent used the database (a Dask or multiprocessing worker) opens its own
    connections instead of sharing the parent's pooled ones; both keep working."""
    import multiprocessing

    db = PropertyDatabase(database_url)
    db.add_run(result)
    variant = copy.deepcopy(result)
    variant["provenance"]["seed"] = 1

    def child() -> None:
        PropertyDatabase(database_url).add_run(variant)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert db.stats()["runs"] == 2 and db.add_run(variant) == db.runs()["run_id"].max()
