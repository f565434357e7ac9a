"""``polyloop db``: the property database (polymers, MD runs, property values with provenance)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="The property database: import, export, inspect.")
