"""Rows of the property database: a simulate result record or a failure becomes a :class:`RunRecord`, and
:func:`store_runs` writes many records in one transaction, skipping those already stored.

Identity: a run is identified by its ``run_key``, a SHA-256 of what defines it. For an MD result that is the canonical
SMILES, the preset name and its full settings, the overrides, the seed and the property values, so adding the same
result twice (from the returned dict or from ``result.json``, with or without ``run_dir``) stores it once, while two
runs that differ in any of these are two runs. Wall time is left out (a resumed run re-assembles it).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from polyloop.library.db_properties import PropertyDatabaseError, canonical_name, to_stored_unit
from polyloop.library.db_schema import polymers, property_values, runs, utc_now
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.repeat_unit import RepeatUnit

__all__ = ["RUN_COLUMNS", "RunRecord", "failure_record", "plain", "result_record", "run_key", "store_runs"]

RUN_COLUMNS = ("source", "run_key", "preset", "preset_settings", "overrides", "seed", "versions", "forcefield",
               "charges", "cost", "atom_steps", "converged", "convergence", "wall_s", "status", "failure_reason",
               "run_dir", "campaign", "details")
VALUE_FIELDS = ("value", "stderr", "unit", "error")
CHUNK = 500


@dataclass
class RunRecord:
    """One run ready to store: its polymer (canonical ``smiles``, ``polymer_class``, ``external_id``), the ``run``
    columns (every name of :data:`RUN_COLUMNS`), its property ``values`` (dicts with ``property``, ``value``,
    ``stderr``, ``unit``, ``error``, ``details``) and when it was ``created`` (None: now)."""

    smiles: str
    polymer_class: str | None
    external_id: str | None
    run: dict[str, Any]
    values: list[dict[str, Any]] = field(default_factory=list)
    created: datetime | None = None


def plain(obj: Any) -> Any:
    """``obj`` as JSON-safe plain Python: numpy scalars and arrays unwrapped, non-finite floats as None (PostgreSQL's
    JSON type rejects NaN), tuples as lists."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def run_key(*parts: Any) -> str:
    """SHA-256 (hex) of the JSON of ``parts`` with sorted keys: the identity of a run."""
    text = json.dumps(plain(list(parts)), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_columns(**given: Any) -> dict[str, Any]:
    """A full ``runs`` row: every column of :data:`RUN_COLUMNS`, None where not given (JSON values made plain)."""
    unknown = sorted(set(given) - set(RUN_COLUMNS))
    if unknown:
        raise PropertyDatabaseError(f"unknown run field(s) {unknown}; a run has {list(RUN_COLUMNS)}")
    return {name: plain(given.get(name)) for name in RUN_COLUMNS}


def value_row(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """A ``property_values`` row from a result entry ``{"value", "stderr", "unit", ...}``, converted to SI."""
    prop = canonical_name(name)
    value, stderr, unit = to_stored_unit(prop, entry.get("value"), entry.get("stderr"), entry.get("unit"))
    error = entry.get("error")
    if value is None and not error:
        error = "no value recorded"
    details = {k: v for k, v in entry.items() if k not in VALUE_FIELDS}
    return {"property": prop, "value": value, "stderr": stderr if value is not None else None, "unit": unit,
            "error": error, "details": plain(details) or None}


def polymer_identity(smiles: str, classify: bool = True) -> tuple[str, str | None]:
    """Canonical SMILES and class (None when ``classify`` is false or no class matches) of ``smiles``; raises
    :class:`PropertyDatabaseError` for an invalid repeat unit."""
    try:
        unit = RepeatUnit.from_smiles(smiles)
    except InvalidRepeatUnit as error:
        raise PropertyDatabaseError(f"invalid repeat unit {smiles!r}: {error}") from None
    return unit.smiles, unit.polymer_class if classify else None


def result_record(result: dict[str, Any], *, run_dir: str | None = None, campaign: str | None = None,
                  source: str = "md") -> RunRecord:
    """The :class:`RunRecord` of a simulate result record (``result.json`` of :mod:`polyloop.simulate`)."""
    missing = [k for k in ("smiles", "preset", "properties", "provenance") if k not in result]
    if missing:
        raise PropertyDatabaseError(f"not a simulate result record: it lacks {missing} "
                                    f"(has {sorted(result)})")
    smiles, polymer_class = polymer_identity(result["smiles"])
    provenance = result["provenance"]
    values = [value_row(name, entry) for name, entry in result["properties"].items()]
    settings = provenance.get("preset")
    seed = provenance.get("seed")
    key = run_key("md", smiles, result["preset"], settings, provenance.get("overrides"), seed,
                  {v["property"]: (v["value"], v["stderr"]) for v in values})
    details = {k: v for k, v in provenance.items()
               if k not in ("versions", "preset", "overrides", "seed", "forcefield", "charges")}
    if "system" in result:
        details["system"] = result["system"]
    run = run_columns(source=source, run_key=key, preset=result["preset"], preset_settings=settings,
                      overrides=provenance.get("overrides"), seed=seed, versions=provenance.get("versions"),
                      forcefield=provenance.get("forcefield"), charges=provenance.get("charges"),
                      cost=result.get("cost"), atom_steps=result.get("atom_steps"),
                      converged=result.get("converged"), convergence=result.get("convergence"),
                      wall_s=result.get("wall_s"), status="ok", run_dir=run_dir, campaign=campaign,
                      details=details)
    return RunRecord(smiles, polymer_class, None, run, values)


def failure_record(smiles: str, reason: str, *, preset: str | None, campaign: str | None = None,
                   run_dir: str | None = None, seed: int | None = None, source: str = "md") -> RunRecord:
    """The :class:`RunRecord` of a run that failed. A SMILES that is not a valid repeat unit is kept as written (the
    failure may be just that), with no class. The same failure (SMILES, preset, seed, campaign, reason) is one run."""
    if not reason or not str(reason).strip():
        raise PropertyDatabaseError("a failure needs a reason")
    try:
        canonical, polymer_class = polymer_identity(smiles)
    except PropertyDatabaseError:
        canonical, polymer_class = smiles, None
    key = run_key("failed", canonical, preset, seed, campaign, str(reason))
    run = run_columns(source=source, run_key=key, preset=preset, seed=seed, status="failed",
                      failure_reason=str(reason), run_dir=run_dir, campaign=campaign)
    return RunRecord(canonical, polymer_class, None, run)


def _ids_by(connection: Connection, column, keys: Iterable[str]) -> dict[str, int]:
    """``{key: id}`` of the rows of ``column``'s table whose ``column`` is in ``keys`` (queried in chunks)."""
    table, keys, found = column.table, list(keys), {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        found.update({k: i for k, i in connection.execute(select(column, table.c.id).where(column.in_(chunk)))})
    return found


def store_runs(connection: Connection, records: Sequence[RunRecord]) -> tuple[list[int], int]:
    """Store ``records`` (their polymers, runs and values) in the open transaction of ``connection``; return their
    run ids in order and the number of runs actually added. A record whose ``run_key`` is already stored (or
    repeated in ``records``) is not stored again: its existing id is returned. A polymer already stored keeps its
    class and external id unless they were empty."""
    keys = [r.run["run_key"] for r in records]
    existing = _ids_by(connection, runs.c.run_key, set(keys))
    new: dict[str, RunRecord] = {}
    for record in records:
        if record.run["run_key"] not in existing:
            new.setdefault(record.run["run_key"], record)
    if not new:
        return [existing[k] for k in keys], 0
    wanted: dict[str, RunRecord] = {}
    for record in new.values():
        wanted.setdefault(record.smiles, record)
    polymer_ids = _ids_by(connection, polymers.c.smiles, wanted)
    now = utc_now()
    fresh = [{"smiles": s, "polymer_class": r.polymer_class, "external_id": r.external_id, "created": now}
             for s, r in wanted.items() if s not in polymer_ids]
    if fresh:
        connection.execute(polymers.insert(), fresh)
        polymer_ids.update(_ids_by(connection, polymers.c.smiles, [row["smiles"] for row in fresh]))
    _fill_polymer_gaps(connection, wanted, polymer_ids, {row["smiles"] for row in fresh})
    connection.execute(runs.insert(), [{**r.run, "polymer_id": polymer_ids[r.smiles], "created": r.created or now}
                                       for r in new.values()])
    run_ids = _ids_by(connection, runs.c.run_key, new)
    value_rows = [{"run_id": run_ids[k], **value} for k, r in new.items() for value in r.values]
    if value_rows:
        connection.execute(property_values.insert(), value_rows)
    return [existing.get(k) or run_ids[k] for k in keys], len(new)


def _fill_polymer_gaps(connection: Connection, wanted: dict[str, RunRecord], polymer_ids: dict[str, int],
                       just_added: set[str]) -> None:
    """Give an existing polymer the class / external id a new record brings where the stored one is empty."""
    informative = [s for s, r in wanted.items() if s not in just_added and (r.polymer_class or r.external_id)]
    for start in range(0, len(informative), CHUNK):
        chunk = [polymer_ids[s] for s in informative[start:start + CHUNK]]
        stored = connection.execute(select(polymers.c.id, polymers.c.smiles, polymers.c.polymer_class,
                                           polymers.c.external_id).where(polymers.c.id.in_(chunk))).all()
        for pid, smiles, polymer_class, external_id in stored:
            record = wanted[smiles]
            update = {}
            if polymer_class is None and record.polymer_class:
                update["polymer_class"] = record.polymer_class
            if external_id is None and record.external_id:
                update["external_id"] = record.external_id
            if update:
                connection.execute(polymers.update().where(polymers.c.id == pid).values(**update))
