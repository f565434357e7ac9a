"""``polyloop campaign`` commands: state."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``campaign`` group ``app``."""
