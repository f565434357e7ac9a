"""``polyloop campaign`` commands on a campaign's stored state: ``init``, ``suggest``, ``observe``, ``status``.

The state lives in a database (``--db``: ``sqlite:///campaign.db``, or ``postgresql+psycopg://user@host/db``); see
:mod:`polyloop.design.campaign`. Errors (missing campaign, bad CSV, invalid configuration) print ``error: ...`` on
stderr and exit with code 1; nothing already recorded is lost.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

DB_HELP = "database URL: sqlite:///campaign.db (a file) or postgresql+psycopg://user@host/dbname"


def _fail(error: Exception) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=1)


def _load(db: str, name: str):
    from polyloop.design.campaign import Campaign

    return Campaign.load(db, name)


def _errors() -> tuple[type[Exception], ...]:
    from polyloop.design.config import ConfigError
    from polyloop.design.store import CampaignError
    from polyloop.library.errors import LibraryError
    from polyloop.surrogate.errors import SurrogateError

    return CampaignError, ConfigError, LibraryError, SurrogateError, ValueError


def init(
    config: Path = typer.Argument(..., help="campaign file (TOML; see docs/campaign_config.md)"),
    db: str = typer.Option(..., "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="print the new campaign's status as JSON"),
) -> None:
    """Create a campaign in the database from its TOML file."""
    from polyloop.design.campaign import Campaign
    from polyloop.design.config import CampaignConfig

    try:
        campaign = Campaign.create(CampaignConfig.from_toml(config), db)
        summary = campaign.status()
    except _errors() as error:
        _fail(error)
    typer.echo(json.dumps(summary) if as_json else
               f"created campaign {campaign.name!r} in {db}: objectives {', '.join(summary['objectives'])}, "
               f"budget {summary['budget']}")


def suggest(
    db: str = typer.Option(..., "--db", help=DB_HELP),
    campaign: str = typer.Option(..., "--campaign", help="campaign name"),
    q: int = typer.Option(None, "-q", "--q", min=1, help="number of candidates (default: the campaign's batch_size)"),
    threads: int = typer.Option(2, min=1, help="BLAS/torch threads"),
    as_json: bool = typer.Option(False, "--json", help="print a JSON list of choices"),
) -> None:
    """Fit the surrogate, choose the next candidates and record them as pending.

    JSON: a list of {"id", "smiles", "mean": {property: value}, "std": {property: σ}, "acquisition", "reason"}
    (empty once the budget is spent).
    """
    import warnings

    import torch
    from linear_operator.utils.warnings import NumericalWarning
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads), warnings.catch_warnings():
            # gpytorch's notes on jitter and tiny fixed noise are routine for exact labels; they are not errors
            warnings.simplefilter("ignore", NumericalWarning)
            state = _load(db, campaign)
            choices = state.suggest(q)
    except _errors() as error:
        _fail(error)
    records = [{"id": c.id, "smiles": c.smiles, "mean": c.mean, "std": c.std, "acquisition": c.acquisition,
                "reason": c.reason} for c in choices]
    if as_json:
        typer.echo(json.dumps(records))
        return
    if not records:
        typer.echo(f"campaign {campaign!r} has no budget left: nothing suggested", err=True)
    for i, r in enumerate(records, start=1):
        means = ", ".join(f"{p}={v:.4g}±{r['std'][p]:.2g}" for p, v in r["mean"].items())
        typer.echo(f"{i:>3}  {r['id']:<20} {r['smiles']:<40} {means}")


def observe(
    file: Path = typer.Argument(..., help="CSV: id[,smiles], property columns, optional <property>_std, "
                                          "optional failed (a reason)"),
    db: str = typer.Option(..., "--db", help=DB_HELP),
    campaign: str = typer.Option(..., "--campaign", help="campaign name"),
    source: str = typer.Option("observe", help="provenance stored with each label (unless a source column is given)"),
    as_json: bool = typer.Option(False, "--json", help="print {\"recorded\", \"n_observed\", \"n_pending\", ...}"),
) -> None:
    """Record labels (full or partial rows) and failures from a CSV file, in one transaction."""
    from polyloop.design.labels import read_label_csv

    try:
        state = _load(db, campaign)
        rows = read_label_csv(file)
        recorded = state.observe(rows, source=source, first_line=2)
        summary = state.status()
    except _errors() as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps({"recorded": recorded, **{k: summary[k] for k in
                                                         ("n_observed", "n_pending", "n_failed", "remaining_budget")}}))
        return
    typer.echo(f"recorded {recorded} new label(s)/failure(s) from {file.name}; campaign {campaign!r} now has "
               f"{summary['n_observed']} labelled, {summary['n_pending']} pending, {summary['n_failed']} failed "
               f"candidate(s)")


def status(
    db: str = typer.Option(..., "--db", help=DB_HELP),
    campaign: str = typer.Option(..., "--campaign", help="campaign name"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Counts, budget, best labels per objective and the Pareto front of a campaign."""
    try:
        summary = _load(db, campaign).status()
    except _errors() as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"campaign {summary['name']}: {', '.join(summary['objectives'])}"
               + (f" subject to {', '.join(summary['constraints'])}" if summary["constraints"] else ""))
    typer.echo(f"  rounds {summary['rounds']}, labelled {summary['n_observed']}, pending {summary['n_pending']}, "
               f"failed {summary['n_failed']}, budget left {summary['remaining_budget']} of {summary['budget']}")
    for name, best in summary["best"].items():
        typer.echo(f"  best {name}: " + ("none yet" if best is None else f"{best['value']:.5g} ({best['id']}, "
                                                                          f"{best['smiles']})"))
    if len(summary["objectives"]) > 1:
        typer.echo(f"  Pareto front ({len(summary['pareto'])}): {', '.join(summary['pareto'])}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``campaign`` group ``app``."""
    app.command("init")(init)
    app.command("suggest")(suggest)
    app.command("observe")(observe)
    app.command("status")(status)
