"""`polyloop library build | stats | query` with the project's generators, on a small library."""

import json

import pytest
from typer.testing import CliRunner

from polyloop.cli import app
from polyloop.library.classes import classify
from polyloop.library.store import read_manifest

runner = CliRunner()
STATS_KEYS = ["n_candidates", "n_unique", "validity", "class_fidelity", "novelty", "internal_diversity",
              "raw_validity", "raw_class_fidelity", "yield", "per_class"]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "lib"
    result = runner.invoke(app, ["library", "build", "--size", "40", "--out", str(out),
                                 "--classes", "polyether,polyamide", "--seed", "7"])
    assert result.exit_code == 0, result.output
    return out, result


def test_build_prints_a_summary_and_writes_the_library(library) -> None:
    out, result = library
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["n_candidates"] == 40 and summary["classes"] == ["polyether", "polyamide"]
    manifest = read_manifest(out)
    # the bundled class mix weighs polyether 1.191 and polyamide 1: 40 * 1.191 / 2.191 = 21.7
    assert manifest["n_candidates"] == 40 and manifest["targets"] == {"polyether": 22, "polyamide": 18}
    assert set(manifest["counters"]["polyamide"]) >= {"proposals", "valid", "class_consistent", "new_unique", "kept"}


def test_stats_json_keeps_the_keys(library) -> None:
    result = runner.invoke(app, ["library", "stats", str(library[0]), "--json", "--sample", "10"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert all(key in figures for key in STATS_KEYS)
    assert figures["per_class"] == {"polyether": 22, "polyamide": 18}
    assert figures["n_unique"] == 40 and figures["validity"] == 1.0 and figures["class_fidelity"] == 1.0
    assert 0 < figures["raw_validity"] <= 1 and 0 < figures["yield"] <= 1


def test_query_json_by_class_and_smarts(library) -> None:
    result = runner.invoke(app, ["library", "query", str(library[0]), "--class", "polyamide", "--smarts",
                                 "C(=O)N", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all(classify(r["smiles"]) == r["polymer_class"] == "polyamide" for r in rows)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    ranged = runner.invoke(app, ["library", "query", str(library[0]), "--range", "heavy_atoms=:12", "--json",
                                 "--limit", "100"])
    assert all(json.loads(line)["heavy_atoms"] <= 12 for line in ranged.stdout.splitlines())


def test_errors_are_clear(library, tmp_path) -> None:
    again = runner.invoke(app, ["library", "build", "--size", "40", "--out", str(library[0])])
    assert again.exit_code == 1 and "already holds a finished library" in again.output
    missing = runner.invoke(app, ["library", "stats", str(tmp_path / "none"), "--json"])
    assert missing.exit_code == 1 and "has no library.json" in missing.output
    bad = runner.invoke(app, ["library", "query", str(library[0]), "--range", "heavy_atoms"])
    assert bad.exit_code != 0 and "COLUMN=LOW:HIGH" in bad.output
