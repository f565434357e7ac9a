"""The demo (``make demo``): the real code path (library build, Dask LocalCluster, MD labels, property database,
report) with the ``tiny`` preset, a 40-candidate library and a budget of two, then a resume that runs nothing."""

import io
import json
import tomllib
from pathlib import Path

import pytest
from rich.console import Console

from polyloop.demo import DemoError, DemoSettings, campaign_text, run_demo, template_text
from polyloop.design.campaign import Campaign
from polyloop.design.config import CampaignConfig
from polyloop.library.database import PropertyDatabase

PNG = b"\x89PNG\r\n\x1a\n"


def _attempts(out: Path) -> dict[str, list[str]]:
    """Per MD run folder, the actions logged by the labelling jobs (run / resume / finished)."""
    logs = sorted((out / "runs" / "demo").glob("*/label_attempts.jsonl"))
    return {log.parent.name: [json.loads(line)["action"] for line in log.read_text().splitlines()] for log in logs}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[DemoSettings, dict, dict]:
    """One tiny demo (about a minute on 2 idle cores; longer when a crowded candidate fails to build and is
    replaced), with the MD attempts each run folder logged."""
    out = tmp_path_factory.mktemp("demo")
    settings = DemoSettings(out=out, preset="tiny", library_size=40, batch=2, iterations=1, workers=2,
                            warm_start_sample=60, progress=False)
    first = run_demo(settings, Console(file=io.StringIO()))
    return settings, first, _attempts(out)


@pytest.mark.slow
def test_the_demo_labels_by_md_and_stores_provenance(demo_run) -> None:
    settings, first, attempts = demo_run
    status = first["status"]
    assert first["n_library"] == 40
    assert status["budget"] == 2 and status["n_observed"] == 2 and status["n_pending"] == 0
    runs = PropertyDatabase(first["db"]).runs(campaign="demo")
    done = runs[runs["status"] == "ok"]
    assert len(done) == 2 and set(done["preset"]) == {"tiny"} and set(done["source"]) == {"md"}
    assert all(Path(d).parent == settings.out / "runs" / "demo" for d in done["run_dir"])
    assert (done["wall_s"] > 0).all() and (done["seed"] == 0).all()
    values = PropertyDatabase(first["db"]).values(["density"], sources=["md"], campaign="demo")
    assert len(values) == 2 and values["density"].between(300.0, 3000.0).all()  # kg/m3 (SI)
    observed = Campaign.load(first["db"], "demo").observations()
    assert set(observed["source"]) == {"md:tiny"}
    assert sorted(observed["smiles"]) == sorted(done["smiles"])
    assert all(actions[0] == "run" for actions in attempts.values())


@pytest.mark.slow
def test_the_demo_writes_the_report(demo_run) -> None:
    _, first, _ = demo_run
    index = Path(first["report"])
    assert index.name == "index.html" and index.parent.name == "report"
    page = index.read_text()
    for png in ("pareto_front.png", "best_so_far.png", "hypervolume.png", "parity.png"):
        assert png in page
        assert (index.parent / png).read_bytes()[:8] == PNG
    assert len(list((index.parent / "structures").glob("*.png"))) == 2


@pytest.mark.slow
def test_running_the_demo_again_resumes_without_new_runs(demo_run) -> None:
    settings, first, attempts = demo_run
    manifest = settings.out / "library" / "library.json"
    built = manifest.stat().st_mtime_ns
    again = run_demo(settings, Console(file=io.StringIO()))
    assert again["status"]["n_observed"] == 2 and again["status"]["rounds"] == first["status"]["rounds"]
    runs = PropertyDatabase(first["db"]).runs(campaign="demo")
    assert len(runs) == len(attempts) and (runs["status"] == "ok").sum() == 2  # failed builds are runs too
    assert _attempts(settings.out) == attempts
    assert manifest.stat().st_mtime_ns == built
    with pytest.raises(DemoError, match="written with other options"):
        run_demo(DemoSettings(out=settings.out, preset="quick", library_size=40, batch=2, iterations=1, workers=2,
                              warm_start_sample=60, progress=False), Console(file=io.StringIO()))
    with pytest.raises(DemoError, match="use the same --library-size"):
        run_demo(DemoSettings(out=settings.out, library_size=41), Console(file=io.StringIO()))


def test_the_options_are_written_into_the_shipped_campaign_file(tmp_path) -> None:
    text = campaign_text(DemoSettings(preset="tiny", batch=3, iterations=4, workers=5, warm_start_sample=7))
    data = tomllib.loads(text)
    assert data["campaign"]["batch_size"] == 3 and data["campaign"]["budget"] == 12
    assert data["executor"]["max_pending"] == 3 and data["executor"]["workers"] == 5
    assert data["simulation"]["preset"] == "tiny" and data["warm_start"]["sample"] == 7
    assert "# --batch" in text  # comments of the shipped file are kept
    (tmp_path / "library").mkdir()
    config = CampaignConfig.from_toml(text, base_dir=tmp_path)
    assert config.pool["library"] == str((tmp_path / "library").resolve())
    shipped = tomllib.loads(template_text())
    assert shipped["campaign"]["budget"] == 2 * shipped["campaign"]["batch_size"]
    assert shipped["simulation"]["preset"] == "quick" and shipped["warm_start"]["dataset"] == "pi1070"
    assert campaign_text(DemoSettings()) == template_text()


def test_bad_options_are_refused_before_anything_runs(tmp_path) -> None:
    with pytest.raises(DemoError, match="batch must be at least 1, got 0"):
        run_demo(DemoSettings(out=tmp_path / "d", batch=0))
    with pytest.raises(DemoError, match="library-size must be at least 1, got -5"):
        run_demo(DemoSettings(out=tmp_path / "d", library_size=-5))
    assert not (tmp_path / "d").exists()
