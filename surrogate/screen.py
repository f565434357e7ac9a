"""Full-library screen: posterior mean and standard deviation of every candidate of a library, in bounded memory.

A library is a directory with ``library.json`` (manifest: ``{"fingerprint": {"radius", "n_bits"},
"n_candidates"}``) and a Parquet dataset hive-partitioned by ``polymer_class=<name>/part-*.parquet`` with the
columns ``id``, ``smiles``, ``polymer_class``, ``fingerprint`` (fixed-size binary, bit-packed Morgan bits) and others.
It is read in record batches; each batch is turned into a sparse 0/1 matrix (never a dense float matrix), its
Tanimoto block against the model's basis is computed once and shared by all properties, then per property
``mean = c + t a`` and ``var = τ²(s − ‖t W‖²)`` (:mod:`~polyloop.surrogate.posterior`) in float32. Memory is
O(batch × basis) whatever the library size. The ``top`` candidates by a score are kept as the screen goes, and every
prediction can be streamed to a Parquet file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from polyloop.library.errors import LibraryError
from polyloop.library.store import fingerprint_array
from polyloop.surrogate.errors import LibraryFormatError
from polyloop.surrogate.multi import MultiPropertyGP

__all__ = ["ScreenResult", "iter_library", "read_manifest", "screen"]

COLUMNS = ["id", "smiles", "polymer_class", "fingerprint"]


@dataclass(frozen=True)
class ScreenResult:
    """The ``top`` table (id, smiles, polymer_class, score, ``<p>_mean``, ``<p>_std`` per property; best first), the
    number of candidates screened and the wall time."""

    top: pd.DataFrame
    n_candidates: int
    seconds: float
    properties: tuple[str, ...]


def read_manifest(library: str | Path) -> dict:
    """The manifest ``library.json`` of a library directory, checked for the keys the screen needs."""
    path = Path(library) / "library.json"
    if not path.is_file():
        raise LibraryFormatError(f"{str(library)!r} is not a library directory: {path.name} is missing")
    manifest = json.loads(path.read_text())
    fingerprint = manifest.get("fingerprint", {})
    if not {"radius", "n_bits"} <= set(fingerprint) or "n_candidates" not in manifest:
        raise LibraryFormatError(f"{path} must give fingerprint.radius, fingerprint.n_bits and n_candidates")
    return manifest


def iter_library(library: str | Path, batch_size: int = 16384) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    """Record batches (id, smiles, polymer_class) of a library with their packed fingerprints, (rows, n_bits/8)."""
    n_bits = read_manifest(library)["fingerprint"]["n_bits"]
    dataset = ds.dataset(library, format="parquet", partitioning="hive", exclude_invalid_files=True)
    missing = [c for c in COLUMNS if c not in dataset.schema.names]
    if missing:
        raise LibraryFormatError(f"library {str(library)!r} lacks the column(s) {missing}")
    for batch in dataset.to_batches(columns=COLUMNS, batch_size=batch_size):
        yield batch.select(COLUMNS[:3]), _packed(batch.column("fingerprint"), n_bits // 8)


def _packed(column: pa.Array, width: int) -> np.ndarray:
    try:
        return fingerprint_array(column, width)
    except LibraryError as error:
        raise LibraryFormatError(str(error)) from None


def screen(library: str | Path, model: MultiPropertyGP, properties: list[str] | None = None,
           rank_by: str | None = None, maximize: bool = True, kappa: float = 0.0, top: int = 100,
           batch_size: int = 16384, out: str | Path | None = None, progress: bool = True) -> ScreenResult:
    """Predict ``properties`` (default: all of the model's) for every candidate of ``library``.

    Candidates are ranked by ``score = mean ± kappa·std`` of ``rank_by`` (default: the first property) in original
    units, ``+`` when ``maximize``; the best ``top`` are returned. With ``out``, every prediction
    (id, ``<p>_mean``, ``<p>_std``) is written to that Parquet file batch by batch.
    """
    manifest = read_manifest(library)
    spec = manifest["fingerprint"]
    if (spec["radius"], spec["n_bits"]) != (model.data.spec.radius, model.data.spec.n_bits):
        raise LibraryFormatError(f"library fingerprints are radius {spec['radius']}, {spec['n_bits']} bits; the model "
                                 f"was fitted on radius {model.data.spec.radius}, {model.data.spec.n_bits} bits")
    names = list(properties or model.properties)
    rank_by = rank_by or names[0]
    if rank_by not in names:
        raise ValueError(f"rank_by {rank_by!r} is not among the screened properties {names}")
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    for name in names:  # factor every posterior before the clock of the first batch
        model.posterior(name)
    start, seen, best, writer = time.perf_counter(), 0, None, None
    sign = 1.0 if maximize else -1.0
    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  disable=not progress, transient=True) as bar:
        task = bar.add_task("screen", total=manifest["n_candidates"])
        for table, packed in iter_library(library, batch_size):
            columns = _predict_batch(model, names, packed)
            score = columns[f"{rank_by}_mean"] + sign * kappa * columns[f"{rank_by}_std"]
            if out is not None:
                writer = _write(writer, out, pa.table({"id": table.column("id"), **columns}))
            # only the batch's own best rows become a DataFrame: strings of the rest are never materialised
            keep = _best_rows(score, top, sign)
            frame = table.take(pa.array(keep)).to_pandas()
            frame["polymer_class"] = frame["polymer_class"].astype(str)
            frame["score"] = score[keep]
            for name, values in columns.items():
                frame[name] = values[keep]
            best = _keep_best(pd.concat([best, frame]) if best is not None else frame, top, sign)
            seen += len(table)
            bar.advance(task, len(table))
    if writer is not None:
        writer.close()
    if best is None:
        raise LibraryFormatError(f"library {str(library)!r} has no candidates")
    return ScreenResult(best.reset_index(drop=True), seen, time.perf_counter() - start, tuple(names))


def _predict_batch(model: MultiPropertyGP, names: list[str], packed: np.ndarray) -> dict[str, np.ndarray]:
    """``<p>_mean`` and ``<p>_std`` arrays in original units for one batch of packed fingerprints."""
    similarity = model.basis.similarity(packed, dtype=np.float32)
    mean, var = model.predict_standardised(similarity, names)
    columns = {}
    for j, name in enumerate(names):
        m, v = model.transforms[name].inverse(mean[:, j].astype(np.float64), var[:, j].astype(np.float64))
        columns[f"{name}_mean"], columns[f"{name}_std"] = np.asarray(m), np.sqrt(v)
    return columns


def _best_rows(score: np.ndarray, top: int, sign: float) -> np.ndarray:
    """Indices of the ``top`` best scores of a batch (any order)."""
    if len(score) <= top:
        return np.arange(len(score))
    return np.argpartition(-sign * score, top - 1)[:top]


def _keep_best(frame: pd.DataFrame, top: int, sign: float) -> pd.DataFrame:
    order = np.argsort(-sign * frame["score"].to_numpy(), kind="stable")[:top]
    return frame.iloc[order]


def _write(writer: pq.ParquetWriter | None, out: str | Path, table: pa.Table) -> pq.ParquetWriter:
    if writer is None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        writer = pq.ParquetWriter(out, table.schema)
    writer.write_table(table)
    return writer
