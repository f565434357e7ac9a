"""``polyloop generators``: class-specific generators of candidate repeat units."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Class-specific generators of candidate repeat units.")
