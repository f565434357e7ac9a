"""Read the series that LAMMPS recorders wrote, one file per chunk, into arrays.

``fix ave/time`` (scalar mode) files hold ``step v1 v2 ...`` lines; in vector mode and for ``fix ave/chunk`` each
output is a header line ``step nrows [...]`` followed by ``nrows`` rows. Files are read in chunk order (their names
sort by segment and chunk) and a step that appears twice — the last sample of one chunk is the first of the next — is
kept once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from polyloop.simulate.errors import SimulateError

__all__ = ["read_blocks", "read_scalars"]


def _files(folder: Path, prefix: str) -> list[Path]:
    files = sorted(folder.glob(f"{prefix}.*.dat"))
    if not files:
        raise SimulateError(f"no {prefix}.*.dat series in {folder}: the stage recorded nothing")
    return files


def _data_lines(path: Path) -> list[list[float]]:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([float(x) for x in line.split()])
    return rows


def read_scalars(folder: Path, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Steps (n,) and values (n, columns) of the scalar-mode files ``prefix.*.dat`` in ``folder``."""
    steps: dict[int, list[float]] = {}
    for path in _files(folder, prefix):
        for row in _data_lines(path):
            steps.setdefault(int(row[0]), row[1:])
    order = sorted(steps)
    return np.array(order, dtype=np.int64), np.array([steps[s] for s in order], dtype=float)


def read_blocks(folder: Path, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Steps (n,) and blocks (n, rows, columns) of the vector-mode / chunk files ``prefix.*.dat`` in ``folder``;
    the row index column is dropped."""
    blocks: dict[int, list[list[float]]] = {}
    for path in _files(folder, prefix):
        rows = _data_lines(path)
        position = 0
        while position < len(rows):
            step, count = int(rows[position][0]), int(rows[position][1])
            body = rows[position + 1: position + 1 + count]
            position += 1 + count
            if len(body) == count:  # a block torn by a kill is dropped
                blocks.setdefault(step, [row[1:] for row in body])
    order = sorted(blocks)
    return np.array(order, dtype=np.int64), np.array([blocks[s] for s in order], dtype=float)
