"""The ``polyloop`` command line: one sub-command group per capability.

Groups: ``library``, ``generators``, ``simulate``, ``surrogate``, ``campaign``, ``db``; plus ``demo``, the short
end-to-end example that ``make demo`` runs.
"""

from __future__ import annotations

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
def demo() -> None:
    """Run the short end-to-end example of what polyloop does so far."""
    from polyloop.demo import run_demo

    run_demo()
