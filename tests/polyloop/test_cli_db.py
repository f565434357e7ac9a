"""``polyloop db``: import, add, export and stats on SQLite and PostgreSQL, and clear errors."""

import json
from pathlib import Path

from typer.testing import CliRunner

from polyloop.cli import app

runner = CliRunner()
RESULT_FILE = Path(__file__).parents[1] / "library" / "data" / "tiny_result.json"


def _invoke(*args: str):
    result = runner.invoke(app, ["db", *args])
    assert result.exit_code == 0, result.output
    return result


def test_import_add_export_stats(database_url, tmp_path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("smiles,density,density_std,thermal_conductivity\n*CC*,850,2,0.3\n*CC(*)Cl,1380,,\n")
    imported = json.loads(_invoke("import", str(labels), "--db", database_url, "--json").stdout)
    assert imported == {"source": str(labels), "runs_added": 2, "polymers": 2, "runs": 2}
    assert "0 run(s) added" in _invoke("import", str(labels), "--db", database_url).stdout
    assert "run 3" in _invoke("add", str(RESULT_FILE), "--db", database_url, "--campaign", "demo").stdout
    stats = json.loads(_invoke("stats", "--db", database_url, "--json").stdout)
    assert stats["polymers"] == 3 and stats["runs"] == 3
    assert stats["runs_by_source"] == {"csv:labels": {"ok": 2}, "md": {"ok": 1}}
    assert stats["labels"]["density"] == 3 and stats["labels"]["thermal_conductivity"] == 2
    assert list(stats) == ["polymers", "runs", "runs_by_source", "runs_by_status", "labels", "labelled_polymers"]
    out = tmp_path / "export.parquet"
    assert f"wrote {out}" in _invoke("export", str(out), "--db", database_url).stdout
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    _invoke("import", str(out), "--db", copy)
    assert json.loads(_invoke("stats", "--db", copy, "--json").stdout) == stats
    text = _invoke("stats", "--db", database_url).stdout
    assert "3 polymers, 3 runs" in text and "density: 3 values on 3 polymers" in text


def test_import_pi1070(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    assert "pi1070: 1077 run(s) added" in _invoke("import", "pi1070", "--db", url).stdout
    stats = json.loads(_invoke("stats", "--db", url, "--json").stdout)
    assert stats["labels"]["isothermal_compressibility"] == 1076 and "compressibility" not in stats["labels"]


def test_errors_are_reported_not_raised(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    missing = runner.invoke(app, ["db", "import", str(tmp_path / "nope.csv"), "--db", url])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    bad_format = runner.invoke(app, ["db", "export", str(tmp_path / "out.txt"), "--db", url])
    assert bad_format.exit_code == 1 and "format must be one of" in bad_format.output
    bad_url = runner.invoke(app, ["db", "stats", "--db", "nosuchdb://x"])
    assert bad_url.exit_code == 1 and "cannot use database URL" in bad_url.output
    no_result = runner.invoke(app, ["db", "add", str(tmp_path), "--db", url])
    assert no_result.exit_code == 1 and "no result record" in no_result.output


def test_surrogate_fits_from_the_database(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    labels = tmp_path / "labels.csv"
    labels.write_text("smiles,density\n*CC*,855\n*CC(*)c1ccccc1,1040\n*CC(*)C(=O)OC,1180\n*CC(C)(*)C(=O)OC,1170\n"
                      "*CCO*,1110\n*CC(*)Cl,1380\n*CC(F)(F)*,1770\n*CC(*)C#N,1150\n")
    _invoke("import", str(labels), "--db", url)
    _invoke("add", str(RESULT_FILE), "--db", url)  # a ninth polymer, from MD
    fitted = runner.invoke(app, ["surrogate", "fit", "--db", url, "--properties", "density",
                                 "--out", str(tmp_path / "model.npz"), "--json"])
    assert fitted.exit_code == 0, fitted.output
    summary = json.loads(fitted.stdout)
    assert summary["n_train"] == 9 and list(summary["properties"]) == ["density"]
    empty = runner.invoke(app, ["surrogate", "fit", "--db", f"sqlite:///{tmp_path / 'empty.db'}",
                                "--out", str(tmp_path / "none.npz")])
    assert empty.exit_code == 1 and "no labels to train on" in empty.output
