"""The property database's imports and exports: PI1070, label files, export → import round trips (SQLite and
PostgreSQL)."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from polyloop.library.database import PropertyDatabase, PropertyDatabaseError
from polyloop.library.datasets import pi1070_properties

RESULT_FILE = Path(__file__).parent / "data" / "tiny_result.json"
RENAMED = {"compressibility": "isothermal_compressibility", "volume_expansion": "volumetric_expansion",
           "static_dielectric_constant": "dielectric_constant"}


def test_pi1070_import(database_url, pi1070) -> None:
    db = PropertyDatabase(database_url)
    assert db.import_dataset("pi1070") == 1077
    assert db.import_dataset("pi1070") == 0  # already there: nothing added
    stats = db.stats()
    n_values = int(pi1070[list(pi1070_properties())].notna().sum().sum())
    assert (stats["polymers"], stats["runs"], sum(stats["labels"].values())) == (1077, 1077, n_values)
    assert n_values == 1077 * 15 - 26  # 26 missing values in PI1070
    assert stats["runs_by_source"] == {"pi1070": {"ok": 1077}}
    assert set(stats["labels"]) == {RENAMED.get(p, p) for p in pi1070_properties()}
    assert stats["labels"]["thermal_conductivity"] == 1070
    table = db.values().set_index("smiles").loc[pi1070["canonical_smiles"]]
    for name in pi1070_properties():
        np.testing.assert_allclose(table[RENAMED.get(name, name)], pi1070[name], rtol=1e-12)
    # standard error = replicate std / √count: polyethylene's density, 5 replicates
    assert table.loc["*C*", "density_std"] == pytest.approx(1.776626 / math.sqrt(5), rel=1e-6)
    assert table.loc["*C*", "polymer_class"] == "polyolefin"
    exported = db.export_table()
    first = exported[exported["external_id"] == "PI1"].iloc[0]
    assert (first["preset"], first["forcefield"], first["charges"]) == ("radonpy", "gaff2_mod", "resp")
    assert json.loads(first["preset_settings"]) == {"temperature": 300.0, "pressure": 1.0, "tacticity": "none",
                                                   "degree_of_polymerization": 165, "chains": 10}


def test_training_data_matches_the_surrogates_pi1070_loader(database_url) -> None:
    from polyloop.surrogate.data import load_pi1070_data

    db = PropertyDatabase(database_url)
    db.import_dataset("pi1070")
    ours = db.training_data(["density", "thermal_conductivity"], sources=["pi1070"])
    theirs = load_pi1070_data(["density", "thermal_conductivity"])
    order = [ours.smiles.index(s) for s in theirs.smiles]
    assert len(ours) == len(theirs) == 1077
    assert np.array_equal(ours.packed[order], theirs.packed)
    np.testing.assert_allclose(ours.targets[order], theirs.targets, rtol=1e-12)
    np.testing.assert_allclose(ours.noise_std[order], theirs.noise_std, rtol=1e-12)


@pytest.fixture
def filled(database_url, tmp_path) -> PropertyDatabase:
    """A database with an MD run, two failures (one of an invalid SMILES) and a label file of three polymers."""
    db = PropertyDatabase(database_url)
    db.add_run(json.loads(RESULT_FILE.read_text()), run_dir="/runs/pp", campaign="demo")
    db.add_failure("*CC(*)c1ccccc1", "LAMMPS: lost atoms", preset="quick", campaign="demo")
    db.add_failure("*C(*", "invalid repeat unit", preset="quick")
    labels = tmp_path / "lab.csv"
    labels.write_text("smiles,polymer_class,external_id,density,density_std,compressibility\n"
                      "*CC*,polyolefin,PE,850.0,2.0,4e-10\n*CC(*)Cl,,PVC,1380.0,,\n*OCC*,,,1110.0,3.0,\n")
    assert db.import_csv(labels) == 3
    return db


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_export_then_import_reproduces_the_database(filled, tmp_path, suffix) -> None:
    path = filled.export(tmp_path / f"export.{suffix}")
    copy = PropertyDatabase(f"sqlite:///{tmp_path / 'copy.db'}")
    assert copy.import_csv(path) == 1 + 2 + 3
    assert copy.import_csv(path) == 0
    pd.testing.assert_frame_equal(copy.export_table(), filled.export_table())
    pd.testing.assert_frame_equal(copy.values(), filled.values())
    assert copy.stats() == filled.stats()


def test_label_file_import(filled) -> None:
    table = filled.values(["density", "isothermal_compressibility"], sources=["csv:lab"]).set_index("smiles")
    assert table["density"].to_dict() == {"*C*": 850.0, "*CC(*)Cl": 1380.0, "*CCO*": 1110.0}
    assert table.loc["*C*", "isothermal_compressibility"] == 4e-10  # PI1070's spelling, mapped
    assert table.loc["*CC(*)Cl", "polymer_class"] == "polyhalo_olefin"  # classified when the file gives no class
    exported = filled.export_table().drop_duplicates("smiles").set_index("smiles")
    assert exported.loc["*CC(*)Cl", "external_id"] == "PVC"


def test_long_file_with_units_and_no_run_keys(database_url, tmp_path) -> None:
    db = PropertyDatabase(database_url)
    long = tmp_path / "long.csv"
    long.write_text("smiles,source,seed,property,value,stderr,unit\n"
                    "*CC*,md,1,density,0.85,0.01,g/cm^3\n*CC*,md,1,bulk_modulus,2.5,0.1,GPa\n"
                    "*CC*,md,2,density,0.87,0.01,g/cm^3\n")
    assert db.import_csv(long) == 2  # two seeds: two runs
    row = db.values().iloc[0]
    assert row["density"] == pytest.approx(860.0) and row["bulk_modulus"] == pytest.approx(2.5e9)
    assert row["density_std"] == pytest.approx(math.hypot(10.0, 10.0) / 2)
    assert db.import_csv(long) == 0


@pytest.mark.parametrize("text, message", [
    ("smiles,density,glass_transition\n*CC*,850,400\n", "unknown column\\(s\\) \\['glass_transition'\\]"),
    ("smiles,density\n*CC*,850\n*CC,900\n", "lab.csv line 3: invalid repeat unit '\\*CC'"),
    ("smiles,density\n*CC*,dense\n", "line 2: column 'density' must be a number, got 'dense'"),
    ("smiles,density,density_std\n*CC*,850,-1\n", "line 2: density_std is negative"),
    ("density\n850\n", "lab.csv has no 'smiles' column"),
    ("smiles,property,value,unit\n*CC*,density,0.8,GPa\n", "line 2: density is stored in 'kg/m\\^3'"),
    ("smiles,property,value,colour\n*CC*,density,0.8,red\n", "unknown column\\(s\\) \\['colour'\\]"),
])
def test_bad_label_files_are_refused(tmp_path, text, message) -> None:
    labels = tmp_path / "lab.csv"
    labels.write_text(text)
    db = PropertyDatabase(f"sqlite:///{tmp_path / 'labels.db'}")
    with pytest.raises(PropertyDatabaseError, match=message):
        db.import_csv(labels)
    assert db.stats()["runs"] == 0


def test_bad_paths_and_formats(tmp_path) -> None:
    db = PropertyDatabase(tmp_path / "labels.db")  # a plain path means SQLite
    assert db.url == f"sqlite:///{tmp_path / 'labels.db'}"
    with pytest.raises(PropertyDatabaseError, match="does not exist"):
        db.import_csv(tmp_path / "missing.csv")
    (tmp_path / "labels.xlsx").write_text("x")
    with pytest.raises(PropertyDatabaseError, match="expected a .csv or .parquet file"):
        db.import_csv(tmp_path / "labels.xlsx")
    with pytest.raises(PropertyDatabaseError, match="format must be one of \\['parquet', 'csv'\\]"):
        db.export(tmp_path / "out.json")
    with pytest.raises(PropertyDatabaseError, match="unknown dataset 'pi2000'"):
        db.import_dataset("pi2000")
