"""Crash safety: a process killed with SIGKILL in the middle of ``suggest`` or ``observe`` (after its rows were flushed,
before the commit) leaves nothing behind; one killed after ``suggest`` and before ``observe`` loses nothing: the
committed suggestions are pending after ``Campaign.load``, and the next ``suggest`` repeats none of them."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading

import pandas as pd

from polyloop.design.campaign import Campaign
from polyloop.design.config import CampaignConfig

CONFIG = """
[campaign]
name = "crash"
seed = 5
batch_size = 5
budget = 40
[pool]
dataset = "pool.csv"
[[objectives]]
property = "thermal_conductivity"
sense = "max"
[warm_start]
csv = "warm.csv"
[acquisition]
method = "greedy"
shortlist = 50
"""

# Run by a child process: load the campaign and suggest (or observe the JSON rows of argv[3]); "commit" mode prints
# the committed suggestion ids, "flush" mode stops right after the new rows reached the database inside the open
# transaction and prints their candidate ids. Either way the child then waits to be killed.
CHILD = textwrap.dedent("""
    import sys, time, json
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from polyloop.design.campaign import Campaign

    url, mode = sys.argv[1], sys.argv[2]
    if mode == "flush":
        @event.listens_for(Session, "after_flush")
        def hold(session, context):
            flushed = [o.candidate_id for o in session.new if hasattr(o, "candidate_id")]
            if flushed:
                print("IDS", json.dumps(flushed), flush=True)
                time.sleep(600)
    campaign = Campaign.load(url, "crash")
    if len(sys.argv) > 3:
        campaign.observe(json.loads(sys.argv[3]))
    else:
        print("IDS", json.dumps([c.id for c in campaign.suggest()]), flush=True)
    time.sleep(600)
""")


def _run_and_kill(url: str, mode: str, rows: list[dict] | None = None) -> list[str]:
    """Run the child until it reports candidate ids (its ``IDS [...]`` line), then SIGKILL it; return those ids."""
    extra = [] if rows is None else [json.dumps(rows)]
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: the child never blocks on its warnings
        child = subprocess.Popen([sys.executable, "-c", CHILD, url, mode, *extra], stdout=subprocess.PIPE,
                                 stderr=errors, text=True)
        watchdog = threading.Timer(300, child.kill)  # a hung child fails the test instead of hanging it
        watchdog.start()
        try:
            lines = []
            while not (lines and lines[-1].startswith("IDS ")):
                line = child.stdout.readline()
                if not line:
                    errors.seek(0)
                    raise AssertionError(f"the child exited before reporting ids: {''.join(lines)}{errors.read()}")
                lines.append(line)
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            watchdog.cancel()
            if child.poll() is None:
                child.kill()
            child.stdout.close()
    return json.loads(lines[-1].removeprefix("IDS "))


def test_kill_during_and_after_suggest(database_url: str, pi1070: pd.DataFrame, tmp_path) -> None:
    # A PI1070 slice keeps the child processes quick: 100 candidates, 20 warm-start labels.
    labelled = pi1070[pi1070["thermal_conductivity"].notna()]
    labelled.iloc[:100][["id", "canonical_smiles"]].rename(columns={"canonical_smiles": "smiles"}).to_csv(
        tmp_path / "pool.csv", index=False)
    labelled.iloc[100:120][["canonical_smiles", "thermal_conductivity"]].rename(
        columns={"canonical_smiles": "smiles"}).to_csv(tmp_path / "warm.csv", index=False)
    Campaign.create(CampaignConfig.from_toml(CONFIG, base_dir=tmp_path), database_url)

    flushed = _run_and_kill(database_url, "flush")
    assert len(flushed) == 5  # the rows were in the database's open transaction when the process died
    campaign = Campaign.load(database_url, "crash")
    assert campaign.pending() == [] and campaign.rounds() == 0 and campaign.model_snapshots().empty

    committed = _run_and_kill(database_url, "commit")
    assert len(committed) == 5 == len(set(committed))
    campaign = Campaign.load(database_url, "crash")
    assert [p["id"] for p in campaign.pending()] == committed and campaign.rounds() == 1
    assert list(campaign.model_snapshots()["round"]) == [1] and campaign.remaining_budget() == 35

    labels = pi1070.set_index("id")
    observed = committed[:2]
    campaign.observe([{"id": i, "thermal_conductivity": float(labels.loc[i, "thermal_conductivity"])}
                      for i in observed])
    following = [c.id for c in campaign.suggest()]
    assert len(following) == 5 and not set(following) & set(committed)
    assert [p["id"] for p in campaign.pending()] == [i for i in committed if i not in observed] + following


def test_kill_during_observe(database_url: str) -> None:
    campaign = Campaign.create(CampaignConfig.from_toml(CONFIG.replace('"pool.csv"', '"pi1070"')
                                                        .replace('csv = "warm.csv"', "")), database_url)
    campaign.observe([{"id": "a", "smiles": "*CC*", "thermal_conductivity": 0.25}])
    rows = [{"id": "a", "density": 900.0}, {"id": "b", "smiles": "*CC(*)C", "thermal_conductivity": 0.2},
            {"id": "c", "smiles": "*CCO*", "failed": "no cell"}]
    flushed = _run_and_kill(database_url, "flush", rows)
    assert sorted(flushed) == ["a", "b", "c"]  # the three rows were in the open transaction when the process died
    campaign = Campaign.load(database_url, "crash")
    observed = campaign.observations()
    assert list(observed["id"]) == ["a"] and "density" not in observed.columns and campaign.failures().empty
    assert campaign.observe(rows) == 3  # the same file again, now complete
