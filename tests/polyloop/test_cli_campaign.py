"""``polyloop campaign init|suggest|observe|status``: a round trip through the CLI and its error messages."""

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from polyloop.cli import app

runner = CliRunner()

CONFIG = """
[campaign]
name = "cli"
seed = 2
batch_size = 4
budget = 20
[pool]
dataset = "pi1070"
[[objectives]]
property = "thermal_conductivity"
sense = "max"
[warm_start]
dataset = "pi1070"
sample = 30
[acquisition]
method = "thompson"
shortlist = 50
"""


def _run(*args: str):
    return runner.invoke(app, ["campaign", *args])


def test_init_suggest_observe_status(tmp_path: Path, pi1070: pd.DataFrame) -> None:
    config = tmp_path / "campaign.toml"
    config.write_text(CONFIG)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    created = _run("init", str(config), "--db", db)
    assert created.exit_code == 0, created.output
    assert "created campaign 'cli'" in created.output and "budget 20" in created.output
    again = _run("init", str(config), "--db", db)
    assert again.exit_code == 1 and "a campaign named 'cli' already exists" in again.output

    suggested = _run("suggest", "--db", db, "--campaign", "cli", "-q", "3", "--json")
    assert suggested.exit_code == 0, suggested.output
    choices = json.loads(suggested.stdout)
    assert len(choices) == 3 and len({c["id"] for c in choices}) == 3
    assert all(set(c) == {"id", "smiles", "mean", "std", "acquisition", "reason"} for c in choices)
    assert all(set(c["mean"]) == {"thermal_conductivity"} and c["std"]["thermal_conductivity"] > 0 for c in choices)

    labels = pi1070.set_index("id")["thermal_conductivity"]
    ids = [c["id"] for c in choices]
    values = {i: float(labels[i]) for i in ids[:2] if pd.notna(labels[i])}  # PI1070 lacks a few conductivities
    failed = [i for i in ids if i not in values]
    table = tmp_path / "labels.csv"
    table.write_text("id,smiles,thermal_conductivity,thermal_conductivity_std,failed\n"
                     + "".join(f"{i},,{v},0.01,\n" for i, v in values.items())
                     + "".join(f"{i},,,,simulation crashed\n" for i in failed))
    observed = _run("observe", str(table), "--db", db, "--campaign", "cli", "--json")
    assert observed.exit_code == 0, observed.output
    assert values and json.loads(observed.stdout) == {"recorded": 3, "n_observed": len(values), "n_pending": 0,
                                                      "n_failed": len(failed), "remaining_budget": 20 - len(values)}
    repeated = _run("observe", str(table), "--db", db, "--campaign", "cli")  # re-running a file is harmless
    assert repeated.exit_code == 0 and "recorded 0 new" in repeated.output

    status = _run("status", "--db", db, "--campaign", "cli", "--json")
    assert status.exit_code == 0, status.output
    summary = json.loads(status.stdout)
    best = max(values, key=values.get)
    assert summary["best"]["thermal_conductivity"]["id"] == best and summary["pareto"] == [best]
    assert (summary["n_observed"], summary["n_failed"], summary["rounds"]) == (len(values), len(failed), 1)
    text = _run("status", "--db", db, "--campaign", "cli")
    assert text.exit_code == 0 and f"best thermal_conductivity: {values[best]:.5g} ({best}" in text.output

    following = json.loads(_run("suggest", "--db", db, "--campaign", "cli", "--json").stdout)
    assert len(following) == 4 and not {c["id"] for c in following} & set(ids)


def test_errors_exit_1_with_a_message(tmp_path: Path) -> None:
    config = tmp_path / "campaign.toml"
    config.write_text(CONFIG)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert _run("init", str(config), "--db", db).exit_code == 0
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text(CONFIG.replace("budget = 20", "budget = -1"))
    cases = [
        (("init", str(bad_config), "--db", db), "[campaign] budget: must be at least 1"),
        (("init", str(tmp_path / "none.toml"), "--db", db), "does not exist"),
        (("status", "--db", db, "--campaign", "nope"), "no campaign named 'nope'"),
        (("status", "--db", f"sqlite:///{tmp_path / 'typo.db'}", "--campaign", "cli"), "does not exist"),
        (("suggest", "--db", "nonsense://", "--campaign", "cli"), "cannot use database URL"),
        (("observe", str(tmp_path / "none.csv"), "--db", db, "--campaign", "cli"), "does not exist"),
    ]
    files = {"no_id.csv": ("smiles,density\n*CC*,900\n", "has no 'id' column"),
             "text.csv": ("id,density\nPI1,heavy\n", "line 2 (id PI1): density must be a number, got 'heavy'"),
             "typo.csv": ("id,densty\nPI1,900\n", "unknown property column(s) ['densty']"),
             "unknown.csv": ("id,density\nX9,900\n", "line 2 (id X9): the campaign never suggested this id")}
    for name, (content, message) in files.items():
        (tmp_path / name).write_text(content)
        cases.append((("observe", str(tmp_path / name), "--db", db, "--campaign", "cli"), message))
    for args, message in cases:
        result = _run(*args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "typo.db").exists()
