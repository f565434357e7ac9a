"""The stored candidate library: a Parquet dataset partitioned by class, plus a JSON manifest.

Layout of a library directory::

    library.json                                  manifest (see below)
    polymer_class=<name>/part-<chunk>.parquet     one file per finished build chunk of that class
    _build/                                       resume state of an unfinished build (removed when it finishes)

Columns of every row (``polymer_class`` comes from the directory name, as in any hive-partitioned dataset; the
files themselves hold the other eight):

=================  ========================  ==========================================================
``id``             string                    stable id, ``"PL"`` + 16 hex digits of a hash of ``smiles``
``smiles``         string                    canonical repeat-unit SMILES
``polymer_class``  string                    the class (equal to the classifier's class of ``smiles``)
``source``         string                    ``"rule:<reaction id>"`` or ``"model:<model id>"``
``parents``        string                    parent monomers or seed units, ``"."``-joined ("" if none)
``molecular_weight`` float64                 g/mol per repeat unit
``heavy_atoms``    int32                     non-hydrogen atoms per repeat unit
``backbone_atoms`` int32                     atoms on the shortest head-to-tail path
``fingerprint``    fixed_size_binary(256)    ``pack_bits(morgan_bits(unit))``, FingerprintSpec(2, 2048)
=================  ========================  ==========================================================

The manifest ``library.json`` holds at least ``{"fingerprint": {"radius": 2, "n_bits": 2048}, "n_candidates": N}``
and, for a built library, the seed, size, classes, chunk size, versions, the raw counters of the build per class
and its creation time. Reading goes through :func:`iter_batches` (bounded memory, chosen columns) or DuckDB
(:mod:`polyloop.library.query`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from polyloop.library.errors import LibraryError

__all__ = [
    "COLUMNS",
    "FILE_SCHEMA",
    "MANIFEST",
    "PARTITION",
    "count_rows",
    "fingerprint_array",
    "iter_batches",
    "open_dataset",
    "part_files",
    "part_path",
    "read_manifest",
    "read_table",
    "write_manifest",
    "write_part",
]

MANIFEST = "library.json"
PARTITION = "polymer_class"

FILE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("smiles", pa.string()),
        ("source", pa.string()),
        ("parents", pa.string()),
        ("molecular_weight", pa.float64()),
        ("heavy_atoms", pa.int32()),
        ("backbone_atoms", pa.int32()),
        ("fingerprint", pa.binary(256)),
    ]
)
COLUMNS = ("id", "smiles", "polymer_class", "source", "parents", "molecular_weight", "heavy_atoms",
           "backbone_atoms", "fingerprint")


def part_path(root: Path | str, polymer_class: str, chunk: int) -> Path:
    """Path of the Parquet file of chunk ``chunk`` of class ``polymer_class`` in the library at ``root``."""
    return Path(root) / f"{PARTITION}={polymer_class}" / f"part-{chunk:05d}.parquet"


def write_part(path: Path, table: pa.Table) -> None:
    """Write ``table`` (columns of :data:`FILE_SCHEMA`) to ``path`` atomically: a temporary file, then a rename, so
    that an interrupted write never leaves a partial Parquet file under its final name."""
    table = table.select(FILE_SCHEMA.names).cast(FILE_SCHEMA)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, temporary, compression="zstd")
    os.replace(temporary, path)


def write_manifest(root: Path | str, manifest: dict) -> Path:
    """Write the manifest ``library.json`` of the library at ``root`` (atomically) and return its path."""
    path = Path(root) / MANIFEST
    temporary = path.with_name(f".{MANIFEST}.tmp")
    temporary.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(temporary, path)
    return path


def read_manifest(root: Path | str) -> dict:
    """The manifest of the library at ``root``; :class:`LibraryError` if there is none or it is incomplete."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise LibraryError(f"{root} is not a candidate library: it has no {MANIFEST} (build one with "
                           "`polyloop library build`, or finish an interrupted build by running it again)")
    manifest = json.loads(path.read_text())
    missing = [key for key in ("fingerprint", "n_candidates") if key not in manifest]
    if missing:
        raise LibraryError(f"the manifest {path} lacks the key(s) {missing}")
    return manifest


def open_dataset(root: Path | str) -> ds.Dataset:
    """The library at ``root`` as a pyarrow dataset (hive partitioning: ``polymer_class`` is a string column)."""
    read_manifest(root)
    return _dataset(Path(root))


def _dataset(root: Path) -> ds.Dataset:
    files = [str(p) for p in part_files(root)]
    partitioning = ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive")
    return ds.dataset(files, format="parquet", partitioning=partitioning, partition_base_dir=str(root),
                      schema=_dataset_schema())


def part_files(root: Path | str) -> list[Path]:
    """The Parquet files of the library at ``root``, sorted by class directory and chunk."""
    return sorted(Path(root).glob(f"{PARTITION}=*/part-*.parquet"))


def _dataset_schema() -> pa.Schema:
    return FILE_SCHEMA.insert(2, pa.field(PARTITION, pa.string()))


def iter_batches(
    root: Path | str,
    columns: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
    batch_size: int = 65_536,
) -> Iterator[pa.RecordBatch]:
    """Record batches of the library at ``root`` with the chosen ``columns`` (default all), optionally only rows of
    the given ``classes``; at most ``batch_size`` rows are in memory at a time (per batch)."""
    columns = list(COLUMNS if columns is None else columns)
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise LibraryError(f"unknown library column(s) {unknown}; the columns are {list(COLUMNS)}")
    dataset = open_dataset(root)
    where = None if classes is None else ds.field(PARTITION).isin(list(classes))
    yield from dataset.to_batches(columns=columns, filter=where, batch_size=batch_size)


def read_table(root: Path | str, columns: Sequence[str] | None = None,
               classes: Sequence[str] | None = None) -> pa.Table:
    """The whole library (or the given columns and classes of it) as one Arrow table; mind the memory."""
    batches = list(iter_batches(root, columns, classes))
    if not batches:
        schema = _dataset_schema()
        return schema.empty_table().select(list(COLUMNS if columns is None else columns))
    return pa.Table.from_batches(batches)


def count_rows(root: Path | str, classes: Sequence[str] | None = None) -> int:
    """Number of candidates in the library at ``root`` (optionally only of ``classes``), read from file metadata."""
    dataset = open_dataset(root)
    where = None if classes is None else ds.field(PARTITION).isin(list(classes))
    return dataset.count_rows(filter=where)


def fingerprint_array(column: pa.Array, width: int = 256) -> np.ndarray:
    """The ``fingerprint`` column of a record batch as a (rows, ``width``) uint8 array, without copying.

    Raises :class:`LibraryError` when the column is not ``fixed_size_binary(width)`` or has missing values.
    """
    if not pa.types.is_fixed_size_binary(column.type) or column.type.byte_width != width:
        raise LibraryError(f"library fingerprint column is {column.type}, expected fixed_size_binary({width})")
    if column.null_count:
        raise LibraryError(f"{column.null_count} library candidate(s) have no fingerprint")
    raw = np.frombuffer(column.buffers()[1], dtype=np.uint8)
    return raw[column.offset * width:(column.offset + len(column)) * width].reshape(len(column), width)
