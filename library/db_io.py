"""Tables in and out of the property database: PI1070 and CSV/Parquet files as :class:`RunRecord` lists, and the
export table.

The export table (:data:`EXPORT_COLUMNS`) is long: one row per (run, property), the run's provenance repeated on each
of its rows (JSON fields as JSON text), and one row with an empty ``property`` for a run without values (a failure).
:func:`read_records` reads that schema back, so export → import reproduces the database. It also reads a *wide* table,
the usual hand-made label file: a ``smiles`` column, one column per property (values in the stored SI units, see
``data/property_names.toml``), optional ``<property>_std`` standard errors, ``polymer_class`` and ``external_id``.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from polyloop.library.datasets import load_pi1070, pi1070_properties
from polyloop.library.db_properties import (
    PropertyDatabaseError,
    canonical_name,
    dataset_provenance,
    property_specs,
    to_stored_unit,
)
from polyloop.library.db_records import RUN_COLUMNS, RunRecord, polymer_identity, run_columns, run_key
from polyloop.library.db_schema import RUN_STATUSES

__all__ = ["EXPORT_COLUMNS", "JSON_COLUMNS", "pi1070_records", "read_records", "read_table"]

JSON_COLUMNS = ("preset_settings", "overrides", "versions", "cost", "convergence", "details", "value_details")
POLYMER_COLUMNS = ("smiles", "polymer_class", "external_id")
VALUE_COLUMNS = ("property", "value", "stderr", "unit", "error", "value_details")
EXPORT_COLUMNS = (*POLYMER_COLUMNS, *RUN_COLUMNS, "created", *VALUE_COLUMNS)
WIDE_EXTRA = ("polymer_class", "external_id")


def pi1070_records() -> list[RunRecord]:
    """One run per PI1070 polymer (source ``pi1070``): each property under its database name, in SI, with
    ``stderr = std / √count`` (None where a single replicate gives no spread) and the replicate ``std`` and ``count``
    in the value's details; the simulation conditions of each row in ``preset_settings``."""
    table = load_pi1070()
    source = resources.files("polyloop.library.data").joinpath("PI1070.csv")
    with resources.as_file(source) as path:
        conditions = pd.read_csv(path, usecols=["monomer_ID", "temp", "press", "tacticity", "DP", "n_mol"])
    conditions = conditions.set_index(conditions["monomer_ID"].astype(str))
    provenance = dataset_provenance("pi1070")
    infos = pi1070_properties()
    records = []
    for row in table.itertuples(index=False):
        row = row._asdict()
        values = []
        for name, info in infos.items():
            value = row[name]
            if math.isnan(value):
                continue
            std, count = row[f"{name}_std"], int(row[f"{name}_count"])
            stderr = std / math.sqrt(count) if count > 0 and math.isfinite(std) else None
            value, stderr, unit = to_stored_unit(canonical_name(name), value, stderr, info.unit)
            values.append({"property": canonical_name(name), "value": value, "stderr": stderr, "unit": unit,
                           "error": None, "details": {"std": std if math.isfinite(std) else None, "count": count}})
        c = conditions.loc[row["id"]]
        settings = {"temperature": float(c["temp"]), "pressure": float(c["press"]), "tacticity": str(c["tacticity"]),
                    "degree_of_polymerization": int(c["DP"]), "chains": int(c["n_mol"])}
        run = run_columns(source="pi1070", run_key=run_key("pi1070", row["id"], row["canonical_smiles"]),
                          preset=provenance.get("preset"), preset_settings=settings,
                          forcefield=provenance.get("forcefield"), charges=provenance.get("charges"), status="ok")
        records.append(RunRecord(row["canonical_smiles"], row["polymer_class"], row["id"], run, values))
    return records


def read_table(path: str | Path) -> pd.DataFrame:
    """A ``.csv`` or ``.parquet`` file as a DataFrame; raises :class:`PropertyDatabaseError` if it is missing."""
    path = Path(path)
    if not path.is_file():
        raise PropertyDatabaseError(f"file {str(path)!r} does not exist")
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path)
    raise PropertyDatabaseError(f"cannot read {path.name!r}: expected a .csv or .parquet file")


def _cell(value: Any) -> Any:
    """A table cell as a Python value: NaN, NA and empty strings become None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value.item() if isinstance(value, np.generic) else value


def _timestamp(value: Any, line: int) -> datetime | None:
    """A ``created`` cell as a timezone-aware UTC datetime (a naive one is taken as UTC)."""
    value = _cell(value)
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except ValueError:
        raise PropertyDatabaseError(f"line {line}: 'created' is not a date and time: {value!r}") from None
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()


def _text(value: Any) -> str | None:
    value = _cell(value)
    return None if value is None else str(value)


def _json(value: Any, column: str, line: int) -> Any:
    value = _cell(value)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise PropertyDatabaseError(f"line {line}: column {column!r} is not valid JSON: {value[:80]!r}") from None


def _number(value: Any, column: str, line: int, kind=float) -> Any:
    value = _cell(value)
    if value is None:
        return None
    if kind is bool:
        if isinstance(value, str):
            if value.strip().lower() not in ("true", "false", "1", "0"):
                raise PropertyDatabaseError(f"line {line}: column {column!r} must be true or false, got {value!r}")
            return value.strip().lower() in ("true", "1")
        return bool(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PropertyDatabaseError(f"line {line}: column {column!r} must be a number, got {value!r}") from None
    return int(number) if kind is int else number


def read_records(path: str | Path) -> list[RunRecord]:
    """The runs of a long (export schema) or wide label file; see the module docstring. Errors name the line."""
    path = Path(path)
    table = read_table(path)
    if "smiles" not in table.columns:
        raise PropertyDatabaseError(f"{path.name} has no 'smiles' column (it has {list(table.columns)})")
    if "property" in table.columns:
        return _long_records(table, path)
    return _wide_records(table, path)


def _long_records(table: pd.DataFrame, path: Path) -> list[RunRecord]:
    unknown = sorted(set(table.columns) - set(EXPORT_COLUMNS))
    if unknown:
        raise PropertyDatabaseError(f"{path.name}: unknown column(s) {unknown}; the export schema has "
                                    f"{list(EXPORT_COLUMNS)}")
    identity = [c for c in ("smiles", "source", "preset", "seed", "campaign", "run_dir") if c in table.columns]
    groups: dict[str, list[tuple[int, dict]]] = {}
    for line, row in enumerate(table.to_dict("records"), start=2):  # line 1 is the header
        key = _text(row.get("run_key"))
        if key is None:  # a hand-written long file: one run per (smiles, source, preset, seed, campaign, run_dir)
            key = run_key("csv", path.name, *(str(_cell(row[c])) for c in identity))
        groups.setdefault(key, []).append((line, row))
    known: dict[tuple[str, str | None], tuple[str, str | None]] = {}
    records = []
    for key, rows in groups.items():
        line, first = rows[0]
        run = run_columns(**{c: _json(first[c], c, line) if c in JSON_COLUMNS else _cell(first[c])
                             for c in RUN_COLUMNS if c in first})
        run.update(run_key=key, source=run["source"] or f"csv:{path.stem}", status=run["status"] or "ok",
                   seed=_number(run["seed"], "seed", line, int),
                   atom_steps=_number(run["atom_steps"], "atom_steps", line, int),
                   wall_s=_number(run["wall_s"], "wall_s", line),
                   converged=_number(run["converged"], "converged", line, bool))
        if run["status"] not in RUN_STATUSES:
            raise PropertyDatabaseError(f"{path.name} line {line}: status must be one of {list(RUN_STATUSES)}, "
                                        f"got {run['status']!r}")
        try:
            smiles, polymer_class = _identity(first, line, path, known)
        except PropertyDatabaseError:
            if run["status"] != "failed" or _text(first.get("smiles")) is None:
                raise
            smiles, polymer_class = _text(first["smiles"]), None  # a failure may be the invalid SMILES itself
        values = [_value(row, str(row["property"]), line) for line, row in rows if _cell(row["property"]) is not None]
        records.append(RunRecord(smiles, polymer_class, _text(first.get("external_id")), run, values,
                                 _timestamp(first.get("created"), line)))
    return records


def _identity(row: dict, line: int, path: Path,
              known: dict[tuple[str, str | None], tuple[str, str | None]] | None = None) -> tuple[str, str | None]:
    """Canonical SMILES of a row and its class: the ``polymer_class`` cell when given, else classified (``known``
    caches the answers of one file)."""
    smiles = _text(row.get("smiles"))
    if smiles is None:
        raise PropertyDatabaseError(f"{path.name} line {line}: empty smiles")
    given = _text(row.get("polymer_class"))
    known = {} if known is None else known
    if (smiles, given) not in known:
        try:
            canonical, polymer_class = polymer_identity(smiles, classify=given is None)
        except PropertyDatabaseError as error:
            raise PropertyDatabaseError(f"{path.name} line {line}: {error}") from None
        known[smiles, given] = canonical, given if given is not None else polymer_class
    return known[smiles, given]


def _value(row: dict, name: str, line: int) -> dict[str, Any]:
    try:
        prop = canonical_name(name)
        value, stderr, unit = to_stored_unit(prop, _number(row.get("value"), "value", line),
                                             _number(row.get("stderr"), "stderr", line), _cell(row.get("unit")))
    except PropertyDatabaseError as error:
        raise PropertyDatabaseError(f"line {line}: {error}") from None
    error = _cell(row.get("error"))
    if value is None and error is None:
        error = "no value recorded"
    return {"property": prop, "value": value, "stderr": stderr, "unit": unit, "error": error,
            "details": _json(row.get("value_details"), "value_details", line)}


def _wide_records(table: pd.DataFrame, path: Path) -> list[RunRecord]:
    props, unknown = {}, []
    for column in table.columns:
        if column == "smiles" or column in WIDE_EXTRA or column.endswith("_std"):
            continue
        try:
            props[column] = canonical_name(column)
        except PropertyDatabaseError:
            unknown.append(column)
    unknown += [c for c in table.columns if c.endswith("_std") and c[:-4] not in props]
    if unknown:
        raise PropertyDatabaseError(f"{path.name}: unknown column(s) {unknown}; a label file has smiles, "
                                    f"{list(WIDE_EXTRA)}, property columns {list(property_specs())} and "
                                    "<property>_std columns")
    records = []
    for line, row in enumerate(table.to_dict("records"), start=2):  # line 1 is the header
        smiles, polymer_class = _identity(row, line, path)
        values = []
        for column, prop in props.items():
            value = _number(row[column], column, line)
            if value is None:
                continue
            stderr = _number(row.get(f"{column}_std"), f"{column}_std", line)
            if stderr is not None and stderr < 0:
                raise PropertyDatabaseError(f"{path.name} line {line}: {column}_std is negative ({stderr})")
            values.append({"property": prop, "value": value, "stderr": stderr,
                           "unit": property_specs()[prop].unit, "error": None, "details": None})
        key = run_key("csv", path.name, smiles, sorted((v["property"], v["value"], v["stderr"]) for v in values))
        run = run_columns(source=f"csv:{path.stem}", run_key=key, status="ok")
        records.append(RunRecord(smiles, polymer_class, _text(row.get("external_id")), run, values))
    return records
