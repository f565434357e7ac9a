"""``polyloop surrogate``: fit, cross-validate and screen with Gaussian-process surrogate models."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Gaussian-process surrogate models.")
