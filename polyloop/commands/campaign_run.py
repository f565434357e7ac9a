"""``polyloop campaign`` commands: run (the MD-labelled loop, resumable with the same command)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console


def _fail(message: str, code: int = 1) -> None:
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=code)


def run(
    config: Path = typer.Argument(..., help="Campaign TOML file ([campaign], [pool], [[objectives]], [simulation], "
                                            "[executor], ...)."),
    db: str = typer.Option(None, "--db", help="Campaign database URL (SQLAlchemy); also the property database "
                                              "unless --property-db is given. Default: sqlite:///WORKDIR/polyloop.db"),
    workdir: Path = typer.Option(Path("campaign-runs"), "--workdir",
                                 help="Folder of the MD run folders (WORKDIR/<campaign>/<candidate id>)."),
    property_db: str = typer.Option(None, "--property-db", help="Property database URL (default: --db)."),
    max_failures: int = typer.Option(None, "--max-failures", min=1,
                                     help="Stop suggesting after this many failed candidates (default: the budget)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the live progress display."),
    as_json: bool = typer.Option(False, "--json", help="Print the final campaign status as one JSON object."),
) -> None:
    """Run a campaign to its budget: suggest candidates, label them by MD on the configured executor (Dask
    LocalCluster by default), observe each result as it lands, refit and suggest more. Every label also goes to the
    property database with its provenance. After a crash or Ctrl-C, run the same command again: it resumes (pending
    runs continue from their checkpoints; nothing is labelled twice).

    JSON keys (the campaign status): name, objectives, constraints, n_observed, n_labels, n_pending, n_failed, budget,
    remaining_budget, rounds, n_feasible, best, pareto, model.
    """
    from polyloop.design.config import ConfigError
    from polyloop.design.executors import ExecutorError
    from polyloop.design.loop import LoopError, run_campaign
    from polyloop.design.store import CampaignError

    workdir.mkdir(parents=True, exist_ok=True)
    url = db or f"sqlite:///{(workdir / 'polyloop.db').resolve()}"
    try:
        status = run_campaign(config, url, workdir=workdir, progress=progress and not as_json,
                              property_db=property_db, max_failures=max_failures)
    except (ConfigError, LoopError, ExecutorError, CampaignError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        _fail(f"interrupted; run the same command again to resume (runs keep their checkpoints in {workdir})", 130)
    if as_json:
        typer.echo(json.dumps(status))
        return
    console = Console()
    console.print(f"campaign {status['name']!r}: {status['n_observed']} labelled, {status['n_failed']} failed, "
                  f"{status['rounds']} round(s); database {url}")
    for prop, best in status["best"].items():
        if best is not None:
            console.print(f"  best {prop} ({best['sense']}): {best['value']:.4g}  {best['id']}  {best['smiles']}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``campaign`` group ``app``."""
    app.command("run")(run)
