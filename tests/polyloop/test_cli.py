"""The polyloop command line."""

import json

from typer.testing import CliRunner

from polyloop import __version__
from polyloop.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"polyloop {__version__}"


def test_one_group_per_capability() -> None:
    result = runner.invoke(app, ["--help"])
    for group in ["library", "generators", "simulate", "surrogate", "campaign"]:
        assert group in result.stdout


def test_canon_arguments_give_one_json_object_each() -> None:
    result = runner.invoke(app, ["library", "canon", "*OCC*", "*CC"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0] == {"input": "*OCC*", "canonical": "*CCO*", "class": "polyether", "error": None}
    assert records[1]["canonical"] is None and records[1]["class"] is None
    assert records[1]["error"] == "expected 2 connection points '*', found 1 in '*CC'"
    assert all(list(r) == ["input", "canonical", "class", "error"] for r in records)


def test_canon_reads_stdin_line_by_line() -> None:
    result = runner.invoke(app, ["library", "canon"], input="*CCCC*\nnot smiles\n\n*CC(c1ccccc1)*\n")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == ["*CCCC*", "not smiles", "", "*CC(c1ccccc1)*"]
    assert [r["canonical"] for r in records] == ["*C*", None, None, "*CC(*)c1ccccc1"]
    assert records[3]["class"] == "polystyrene"


def test_info_and_classes() -> None:
    result = runner.invoke(app, ["library", "info", "*CC(C)(C(=O)OC)*"])
    assert result.exit_code == 0 and "polyacrylic" in result.stdout and "100.117 g/mol" in result.stdout
    bad = runner.invoke(app, ["library", "info", "*CC"])
    assert bad.exit_code == 1
    listing = runner.invoke(app, ["library", "classes"])
    assert listing.exit_code == 0 and "polyphosphazene" in listing.stdout


def test_demo_options_and_a_bad_option(tmp_path) -> None:
    shown = runner.invoke(app, ["demo", "--help"])
    assert shown.exit_code == 0
    for option in ("--out", "--preset", "--library-size", "--batch", "--iterations", "--workers"):
        assert option in shown.stdout
    bad = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--iterations", "0"])
    assert bad.exit_code == 1 and "iterations must be at least 1, got 0" in bad.output
    assert not (tmp_path / "demo").exists()
