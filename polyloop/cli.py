"""The ``polyloop`` command line: one sub-command group per capability.

Groups: ``library``, ``generators``, ``simulate``, ``surrogate``, ``campaign``, ``db``; plus ``demo``, the short
end-to-end example that ``make demo`` runs.
"""

from __future__ import annotations

from pathlib import Path

import typer

from polyloop import __version__
from polyloop.commands import campaign, db, generators, library, simulate, surrogate

app = typer.Typer(no_args_is_help=True, help="polyloop: closed-loop polymer design.")
app.add_typer(library.app, name="library")
app.add_typer(generators.app, name="generators")
app.add_typer(simulate.app, name="simulate")
app.add_typer(surrogate.app, name="surrogate")
app.add_typer(campaign.app, name="campaign")
app.add_typer(db.app, name="db")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"polyloop {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """polyloop: closed-loop polymer design."""


@app.command()
def demo(
    out: Path = typer.Option(Path("polyloop-demo"), "--out", help="Output folder (library, database, MD runs, "
                                                                   "report); the same folder resumes."),
    preset: str = typer.Option(None, "--preset", help="MD preset (default: the campaign file's, quick)."),
    library_size: int = typer.Option(3000, "--library-size", help="Candidates in the library built on the spot."),
    batch: int = typer.Option(None, "--batch", help="Polymers per batch = MD jobs in flight (default 2)."),
    iterations: int = typer.Option(2, "--iterations", help="Batches: the budget is batch x iterations MD labels."),
    workers: int = typer.Option(None, "--workers", help="Dask LocalCluster workers (default 2)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the live progress display."),
) -> None:
    """Run the demo campaign (design/demo_campaign.toml): build a small library, label candidates by quick MD on a
    Dask LocalCluster, warm-started on PI1070, then write the report to OUT/report/index.html. About 20 minutes on
    2 cores with the defaults. Interrupted? Run the same command again: it resumes.
    """
    from rich.console import Console

    from polyloop.demo import DemoError, DemoSettings, run_demo
    from polyloop.design.config import ConfigError
    from polyloop.design.executors import ExecutorError
    from polyloop.design.loop import LoopError
    from polyloop.design.store import CampaignError
    from polyloop.library.errors import LibraryError

    settings = DemoSettings(out=out, preset=preset, library_size=library_size, batch=batch, iterations=iterations,
                            workers=workers, progress=progress)
    errors = Console(stderr=True, soft_wrap=True)
    try:
        run_demo(settings)
    except (DemoError, ConfigError, LoopError, ExecutorError, CampaignError, LibraryError) as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        errors.print(f"[red]interrupted[/red]; run the same command again to resume (everything is kept in {out})")
        raise typer.Exit(code=130) from None
