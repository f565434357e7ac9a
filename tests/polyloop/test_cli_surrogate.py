"""``polyloop surrogate``: cv keys, fit then screen, and clear errors."""

import json

from typer.testing import CliRunner

from polyloop.cli import app
from polyloop.surrogate.synthetic import write_synthetic_library

runner = CliRunner()


def test_cv_json_keys_and_values() -> None:
    result = runner.invoke(app, ["surrogate", "cv", "--dataset", "pi1070", "--properties", "density,refractive_index",
                                 "--model", "gp", "--folds", "3", "--seed", "0", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert list(scores) == ["density", "refractive_index"]
    for values in scores.values():
        assert {"r2", "mae", "coverage_1sigma", "coverage_2sigma", "n"} <= set(values)
        assert values["r2"] > 0.8 and 0.6 < values["coverage_1sigma"] < 0.76
    assert scores["density"]["n"] == 1077 and scores["refractive_index"]["n"] == 1075


def test_fit_then_screen(tmp_path) -> None:
    csv = tmp_path / "labels.csv"
    csv.write_text("smiles,density\n*CC*,855\n*CC(*)c1ccccc1,1040\n*CC(*)C(=O)OC,1180\n*CC(C)(*)C(=O)OC,1170\n"
                   "*CCO*,1110\n*CC(*)Cl,1380\n*CC(F)(F)*,1770\n*CC(*)C#N,1150\n")
    model = tmp_path / "model.npz"
    fitted = runner.invoke(app, ["surrogate", "fit", "--dataset", str(csv), "--properties", "density",
                                 "--out", str(model), "--json"])
    assert fitted.exit_code == 0, fitted.output
    summary = json.loads(fitted.stdout)
    assert summary["mode"] == "exact" and summary["n_train"] == 8 and model.is_file()
    library = write_synthetic_library(tmp_path / "library", 500, chunk=500)
    screened = runner.invoke(app, ["surrogate", "screen", "--library", str(library), "--model", str(model),
                                   "--top", "5", "--json"])
    assert screened.exit_code == 0, screened.output
    report = json.loads(screened.stdout)
    assert report["n_candidates"] == 500 and len(report["top"]) == 5
    scores = [r["score"] for r in report["top"]]
    assert scores == sorted(scores, reverse=True) and report["top"][0]["mean"]["density"] == scores[0]


def test_errors_are_reported_without_traceback(tmp_path) -> None:
    missing = runner.invoke(app, ["surrogate", "cv", "--dataset", "pi1070", "--properties", "melting_point"])
    assert missing.exit_code == 1 and "PI1070 has no properties ['melting_point']" in missing.output
    screened = runner.invoke(app, ["surrogate", "screen", "--library", str(tmp_path), "--model",
                                   str(tmp_path / "none.npz")])
    assert screened.exit_code == 1 and "does not exist" in screened.output
