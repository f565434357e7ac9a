"""Shared tail of the benchmark scripts: print the figures and write them to benchmarks/results/<name>.json."""

from __future__ import annotations

import json
from pathlib import Path


def report(name: str, figures: dict, hide: tuple[str, ...] = ()) -> Path:
    """Print ``figures`` (except the keys in ``hide``) and write all of them as JSON; return the file's path."""
    for key, value in figures.items():
        if key not in hide:
            print(f"{key:>26}: {value}")
    out = Path(__file__).parent / "results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return out
