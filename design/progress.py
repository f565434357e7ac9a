"""The live display of a running campaign (rich): round, budget, pending / running / done / failed jobs, the best
label per objective and the size of the current Pareto front, with a log of events above it."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

__all__ = ["LoopProgress", "status_table"]


def _number(value: float) -> str:
    return f"{value:.4g}"


def status_table(name: str, status: dict[str, Any], running: int, elapsed_s: float) -> Table:
    """A table of the campaign's ``status`` (:meth:`Campaign.status`) and ``running`` jobs after ``elapsed_s``."""
    table = Table(title=f"campaign {name}", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("round", str(status.get("rounds", 0)))
    table.add_row("budget", f"{status.get('n_observed', 0)} labelled of {status.get('budget', '?')} "
                            f"({status.get('remaining_budget', '?')} left to suggest)")
    waiting = max(int(status.get("n_pending", 0)) - running, 0)
    table.add_row("jobs", f"{running} running, {waiting} pending, {status.get('n_observed', 0)} done, "
                          f"{status.get('n_failed', 0)} failed")
    for prop, best in (status.get("best") or {}).items():
        text = "—" if best is None else f"{_number(best['value'])} ({best['id']}, {best['smiles']})"
        table.add_row(f"best {prop} ({'?' if best is None else best['sense']})", text)
    if len(status.get("objectives", [])) > 1:
        table.add_row("Pareto front", f"{len(status.get('pareto', []))} candidate(s)")
    table.add_row("elapsed", f"{elapsed_s:.0f} s")
    return table


class LoopProgress:
    """A context manager that shows :func:`status_table` live and prints events; silent when not ``enabled``."""

    def __init__(self, name: str, *, enabled: bool = True, console: Console | None = None) -> None:
        self.name, self.enabled = name, enabled
        self.console = console or Console()
        self.started = time.monotonic()
        self.events: list[str] = []
        self._live: Live | None = None
        self._last: tuple[dict[str, Any], int] | None = None

    def __enter__(self) -> LoopProgress:
        if self.enabled:
            self._live = Live(console=self.console, refresh_per_second=2, transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)
            self._live = None

    def event(self, text: str) -> None:
        """Record (and, when enabled, print) one line, e.g. a label that landed or a failure."""
        self.events.append(text)
        if self.enabled:
            self.console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {text}")

    def update(self, status: dict[str, Any], running: int) -> None:
        """Show the latest ``status`` with ``running`` jobs."""
        self._last = (status, running)
        if self._live is not None:
            self._live.update(status_table(self.name, status, running, time.monotonic() - self.started))
