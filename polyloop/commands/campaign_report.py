"""``polyloop campaign report``: write a campaign's HTML report (figures, top candidates) into a folder."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def report(
    db: str = typer.Option(..., "--db", help="database URL, e.g. sqlite:///campaign.db or postgresql+psycopg://..."),
    campaign: str = typer.Option(..., "--campaign", help="campaign name"),
    out: Path = typer.Option(..., "--out", help="folder to write index.html and its PNG figures into"),
    top: int = typer.Option(10, min=1, help="number of top candidates in the table"),
    property_db: str = typer.Option(None, "--property-db",
                                    help="property database URL for MD run provenance (default: --db)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object: report, files, n_observed"),
) -> None:
    """Write the campaign report: Pareto front (labelled vs predicted), best-so-far and hypervolume per round,
    parity of surrogate vs labels, and the top candidates with their structures."""
    from polyloop.design.campaign import Campaign
    from polyloop.design.report import write_report
    from polyloop.design.store import CampaignError

    try:
        loaded = Campaign.load(db, campaign)
        index = write_report(loaded, out, top=top, property_db=property_db)
    except (CampaignError, ValueError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=1) from None
    files = sorted(str(p.relative_to(index.parent)) for p in index.parent.rglob("*") if p.is_file())
    if as_json:
        typer.echo(json.dumps({"report": str(index), "files": files,
                               "n_observed": int(loaded.status().get("n_observed", 0))}))
    else:
        typer.echo(f"wrote {index} ({len(files)} files)")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``campaign`` group ``app``."""
    app.command("report")(report)
