"""``polyloop db``: the property database (polymers, MD runs, property values with provenance)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True, help="The property database: import, export, inspect.")

DB_HELP = ("database URL: sqlite:///labels.db (a plain file path means SQLite) or "
           "postgresql+psycopg://user@host/dbname")


def _open(url: str):
    from polyloop.library.database import PropertyDatabase

    return PropertyDatabase(url)


def _fail(error: Exception) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=1)


@app.command("import")
def import_(
    source: str = typer.Argument(..., help="'pi1070' (the bundled dataset) or a .csv/.parquet label file: the export "
                                           "schema, or smiles + property columns (+ <property>_std)"),
    db: str = typer.Option(..., "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Load PI1070 or a label file into the database (runs already there are skipped)."""
    from polyloop.library.database import PropertyDatabaseError

    try:
        database = _open(db)
        if source.lower() == "pi1070":
            added = database.import_dataset("pi1070")
        else:
            added = database.import_csv(source)
        stats = database.stats()
    except PropertyDatabaseError as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps({"source": source, "runs_added": added, "polymers": stats["polymers"],
                               "runs": stats["runs"]}))
    else:
        typer.echo(f"{source}: {added} run(s) added; the database now holds {stats['polymers']} polymers and "
                   f"{stats['runs']} runs")


@app.command()
def add(
    results: list[Path] = typer.Argument(..., help="result.json files or run folders of `polyloop simulate run`"),
    db: str = typer.Option(..., "--db", help=DB_HELP),
    campaign: str = typer.Option(None, help="campaign name to record with the runs"),
) -> None:
    """Add MD result records (idempotent: a result already stored is not stored twice)."""
    from polyloop.library.database import PropertyDatabaseError

    try:
        database = _open(db)
        for path in results:
            run_id = database.add_run(path, campaign=campaign)
            typer.echo(f"{path}: run {run_id}")
    except PropertyDatabaseError as error:
        _fail(error)


@app.command()
def export(
    out: Path = typer.Argument(..., help="output file, .parquet or .csv"),
    db: str = typer.Option(..., "--db", help=DB_HELP),
    format: str = typer.Option(None, help="parquet or csv (default: from the file suffix)"),
) -> None:
    """Write every run and property value (one row per value, with provenance) to Parquet or CSV."""
    from polyloop.library.database import PropertyDatabaseError

    try:
        path = _open(db).export(out, format)
    except PropertyDatabaseError as error:
        _fail(error)
    typer.echo(f"wrote {path}")


@app.command()
def stats(
    db: str = typer.Option(..., "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Counts: polymers, runs by source and status, labels per property."""
    from polyloop.library.database import PropertyDatabaseError

    try:
        counts = _open(db).stats()
    except PropertyDatabaseError as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps(counts))
        return
    typer.echo(f"{counts['polymers']} polymers, {counts['runs']} runs")
    for source, by_status in counts["runs_by_source"].items():
        typer.echo(f"  {source}: " + ", ".join(f"{n} {status}" for status, n in by_status.items()))
    for prop, n in counts["labels"].items():
        typer.echo(f"  {prop}: {n} values on {counts['labelled_polymers'][prop]} polymers")
