"""Queries over a stored library: by class, property ranges (DuckDB over the Parquet files) and SMARTS.

``query_library(root, polymer_class="polyester", ranges={"molecular_weight": (100, 250)}, smarts="c1ccccc1",
limit=10)`` selects rows with DuckDB (class and ranges become SQL predicates, so only matching row groups are read),
then, if a SMARTS is given, keeps the rows whose repeat unit contains it (RDKit substructure match on the unit read
from its SMILES, stars as dummy atoms that match only ``*`` or ``[#0]`` in the pattern), streaming until ``limit``
rows are found. Rows come in the order of their ids, so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import pandas as pd
from rdkit import Chem

from polyloop.library.errors import LibraryError
from polyloop.library.parsing import quiet_rdkit
from polyloop.library.store import PARTITION, part_files, read_manifest

__all__ = ["RANGE_COLUMNS", "RESULT_COLUMNS", "connect", "query_library"]

RANGE_COLUMNS = ("molecular_weight", "heavy_atoms", "backbone_atoms")
RESULT_COLUMNS = ("id", "smiles", "polymer_class", "source", "parents", "molecular_weight", "heavy_atoms",
                  "backbone_atoms")


def connect(root: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the library at ``root`` as the view ``library`` (all columns)."""
    read_manifest(root)
    files = part_files(root)
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    if not files:
        columns = ", ".join(f"NULL::VARCHAR AS {c}" for c in RESULT_COLUMNS)
        connection.execute(f"CREATE VIEW library AS SELECT {columns}, NULL::BLOB AS fingerprint WHERE false")
        return connection
    listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    connection.execute(f"CREATE VIEW library AS SELECT * FROM read_parquet([{listing}], hive_partitioning = true, "
                       f"hive_types = {{'{PARTITION}': VARCHAR}})")
    return connection


def _where(polymer_class: str | None, ranges: Mapping[str, tuple[float | None, float | None]]) -> tuple[str, list]:
    clauses, parameters = [], []
    if polymer_class is not None:
        clauses.append(f"{PARTITION} = ?")
        parameters.append(polymer_class)
    for column, (low, high) in ranges.items():
        if column not in RANGE_COLUMNS:
            raise LibraryError(f"cannot filter on {column!r}: the range columns are {list(RANGE_COLUMNS)}")
        if low is not None:
            clauses.append(f"{column} >= ?")
            parameters.append(low)
        if high is not None:
            clauses.append(f"{column} <= ?")
            parameters.append(high)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", parameters


def _candidates(connection: duckdb.DuckDBPyConnection, where: str, parameters: list,
                batch: int) -> Iterator[pd.DataFrame]:
    columns = ", ".join(RESULT_COLUMNS)
    result = connection.execute(f"SELECT {columns} FROM library{where} ORDER BY id", parameters)
    while True:
        frame = result.fetch_df_chunk()
        if frame.empty:
            return
        for start in range(0, len(frame), batch):
            yield frame.iloc[start:start + batch]


def query_library(
    root: Path | str,
    polymer_class: str | None = None,
    smarts: str | None = None,
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
    limit: int | None = 20,
) -> pd.DataFrame:
    """Rows of the library at ``root`` (columns :data:`RESULT_COLUMNS`) of ``polymer_class``, with each column of
    ``ranges`` within ``(low, high)`` (inclusive; None for open), containing ``smarts``; at most ``limit`` rows
    (None: all), by increasing id."""
    if limit is not None and limit < 0:
        raise LibraryError(f"limit must be >= 0, got {limit}")
    pattern = None
    if smarts is not None:
        with quiet_rdkit():
            pattern = Chem.MolFromSmarts(smarts)
        if pattern is None:
            raise LibraryError(f"not a valid SMARTS pattern: {smarts!r}")
    where, parameters = _where(polymer_class, ranges or {})
    connection = connect(root)
    if pattern is None:
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        return connection.execute(f"SELECT {', '.join(RESULT_COLUMNS)} FROM library{where} ORDER BY id{tail}",
                                  parameters).df()
    found = []
    count = 0
    with quiet_rdkit():
        for frame in _candidates(connection, where, parameters, batch=4096):
            if limit is not None and count >= limit:
                break
            keep = [_contains(smiles, pattern) for smiles in frame["smiles"]]
            hits = frame[keep]
            if limit is not None:
                hits = hits.iloc[: limit - count]
            found.append(hits)
            count += len(hits)
    if not found:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    return pd.concat(found, ignore_index=True)


def _contains(smiles: str, pattern: Chem.Mol) -> bool:
    mol = Chem.MolFromSmiles(smiles)
    return mol is not None and mol.HasSubstructMatch(pattern)
