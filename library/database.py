"""The polymer property database: polymers, labelling runs with their provenance, and property values with standard
errors and units, in SQLite (the default) or PostgreSQL (SQLAlchemy 2.0; tables in :mod:`polyloop.library.db_schema`).

Every MD result lands here (:meth:`PropertyDatabase.add_run`, idempotent), next to the bundled PI1070 labels
(:meth:`~PropertyDatabase.import_dataset`) and any label file (:meth:`~PropertyDatabase.import_csv`); the surrogates
train from it (:meth:`~PropertyDatabase.training_data`). Values are stored in SI units under the MD engine's property
names (``data/property_names.toml``); other spellings and units are mapped on the way in, or refused.

Example::

    db = PropertyDatabase("sqlite:///labels.db")        # or postgresql+psycopg://user@host/dbname, or a file path
    db.import_dataset("pi1070")
    run_id = db.add_run(result)                         # a polyloop.simulate result record (or its result.json)
    table = db.values(["density", "thermal_conductivity"])
    data = db.training_data(["density"])                # -> polyloop.surrogate.data.TrainingData
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from polyloop.library.db_io import EXPORT_COLUMNS, JSON_COLUMNS, pi1070_records, read_records
from polyloop.library.db_properties import PropertyDatabaseError, canonical_name, property_specs
from polyloop.library.db_records import RUN_COLUMNS, RunRecord, failure_record, result_record, store_runs
from polyloop.library.db_schema import database_url, engine_for, polymers, property_values, runs
from polyloop.library.fingerprints import FingerprintSpec, fingerprint_matrix
from polyloop.library.repeat_unit import RepeatUnit

if TYPE_CHECKING:
    from polyloop.surrogate.data import TrainingData

__all__ = ["PropertyDatabase", "PropertyDatabaseError"]

DATASETS = ("pi1070",)
FORMATS = ("parquet", "csv")
ATTEMPTS = 5  # transactions retried after a unique-key race or a locked SQLite file


class PropertyDatabase:
    """The property database at ``url`` (an SQLAlchemy URL, or a file path for SQLite); creates its tables if missing.
    """

    def __init__(self, url: str) -> None:
        self.url = database_url(url)
        self.engine = engine_for(self.url)

    def __repr__(self) -> str:
        return f"PropertyDatabase({self.engine.url.render_as_string(hide_password=True)!r})"

    # --- writing ----------------------------------------------------------------------------------------------------

    def _store(self, records: Sequence[RunRecord]) -> tuple[list[int], int]:
        """Store records in one transaction; a unique-key race with another writer (or a locked SQLite file) is
        retried: the retry finds the other writer's rows."""
        for attempt in range(ATTEMPTS):
            try:
                with self.engine.begin() as connection:
                    return store_runs(connection, records)
            except (IntegrityError, OperationalError) as error:
                retry = isinstance(error, IntegrityError) or "locked" in str(error.orig)
                if attempt == ATTEMPTS - 1 or not retry:
                    raise PropertyDatabaseError(f"could not store {len(records)} run(s): {error.orig}") from None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def add_run(self, result: dict[str, Any] | str | Path, *, run_dir: str | None = None,
                campaign: str | None = None) -> int:
        """Store a simulate result record (the dict :func:`polyloop.simulate.protocol.runner.run` returns, a
        ``result.json`` path, or its run folder) and return its run id.

        Idempotent: the same result added twice is stored once and the same id returned (see
        :mod:`polyloop.library.db_records`). Raises :class:`PropertyDatabaseError` for a malformed record, an unknown
        property or a unit that cannot be converted; nothing is stored then.
        """
        if isinstance(result, str | Path):
            path = Path(result)
            path = path / "result.json" if path.is_dir() else path
            if not path.is_file():
                raise PropertyDatabaseError(f"no result record at {str(path)!r}")
            run_dir = run_dir or str(path.parent)
            result = json.loads(path.read_text())
        ids, _ = self._store([result_record(result, run_dir=run_dir, campaign=campaign)])
        return ids[0]

    def add_failure(self, smiles: str, reason: str, *, preset: str | None, campaign: str | None = None,
                    run_dir: str | None = None, seed: int | None = None) -> int:
        """Record a run of ``smiles`` that failed with ``reason`` (status ``failed``, no values); return its run id.
        The same failure recorded twice is stored once."""
        ids, _ = self._store([failure_record(smiles, reason, preset=preset, campaign=campaign, run_dir=run_dir,
                                             seed=seed)])
        return ids[0]

    def import_dataset(self, name: str = "pi1070") -> int:
        """Import a bundled dataset (``pi1070``: 1,077 polymers, one run each, source ``pi1070``); return the number
        of runs added (0 when it was imported before)."""
        if name.lower() not in DATASETS:
            raise PropertyDatabaseError(f"unknown dataset {name!r}; bundled datasets: {list(DATASETS)}")
        return self._store(pi1070_records())[1]

    def import_csv(self, path: str | Path) -> int:
        """Import a label file (``.csv`` or ``.parquet``): the export schema, or a wide table of labels (see
        :mod:`polyloop.library.db_io`); return the number of runs added (runs already stored are skipped)."""
        return self._store(read_records(path))[1]

    # --- reading ----------------------------------------------------------------------------------------------------

    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write every run and value to ``path`` as Parquet or CSV (``format``; default from the suffix) in the long
        export schema of :mod:`polyloop.library.db_io`, which :meth:`import_csv` reads back."""
        path = Path(path)
        format = (format or path.suffix.lstrip(".")).lower()
        if format not in FORMATS:
            raise PropertyDatabaseError(f"cannot export to {path.name!r}: format must be one of {list(FORMATS)}")
        table = self.export_table()
        path.parent.mkdir(parents=True, exist_ok=True)
        if format == "parquet":
            table.to_parquet(path, index=False)
        else:
            table.to_csv(path, index=False)
        return path

    def export_table(self) -> pd.DataFrame:
        """The long export table (columns :data:`~polyloop.library.db_io.EXPORT_COLUMNS`), ordered by run id."""
        columns = [polymers.c.smiles, polymers.c.polymer_class, polymers.c.external_id,
                   *(runs.c[name] for name in RUN_COLUMNS), runs.c.created, property_values.c.property,
                   property_values.c.value, property_values.c.stderr, property_values.c.unit,
                   property_values.c.error, property_values.c.details.label("value_details")]
        query = (select(*columns).select_from(runs.join(polymers).outerjoin(property_values))
                 .order_by(runs.c.id, property_values.c.id))
        with self.engine.connect() as connection:
            table = pd.DataFrame(connection.execute(query).all(), columns=list(EXPORT_COLUMNS))
        for name in JSON_COLUMNS:
            table[name] = [None if v is None else json.dumps(v, sort_keys=True) for v in table[name]]
        table["created"] = pd.to_datetime(table["created"].map(_utc), utc=True)
        for name, dtype in (("seed", "Int64"), ("atom_steps", "Int64"), ("converged", "boolean"),
                            ("value", "float64"), ("stderr", "float64"), ("wall_s", "float64")):
            table[name] = table[name].astype(dtype)
        return table

    def _long_values(self, properties: list[str] | None, sources: list[str] | None, campaign: str | None,
                     converged_only: bool) -> pd.DataFrame:
        query = (select(polymers.c.smiles, polymers.c.polymer_class, property_values.c.property,
                        property_values.c.value, property_values.c.stderr)
                 .select_from(property_values.join(runs).join(polymers))
                 .where(runs.c.status == "ok", property_values.c.value.is_not(None)))
        if properties is not None:
            query = query.where(property_values.c.property.in_(properties))
        if sources is not None:
            query = query.where(runs.c.source.in_(sources))
        if campaign is not None:
            query = query.where(runs.c.campaign == campaign)
        if converged_only:
            query = query.where(runs.c.converged.is_(True))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return pd.DataFrame(rows, columns=["smiles", "polymer_class", "property", "value", "stderr"]).astype(
            {"value": float, "stderr": float})

    def values(self, properties: list[str] | None = None, sources: list[str] | None = None, *,
               campaign: str | None = None, converged_only: bool = False) -> pd.DataFrame:
        """One row per polymer with a value of any of ``properties`` (default: every property stored): ``smiles``,
        ``polymer_class``, then ``<property>`` and ``<property>_std`` for each property, in SI units.

        Only successful runs count; ``sources`` (e.g. ``["md"]``, ``["pi1070"]``), ``campaign`` and
        ``converged_only`` narrow them. A polymer with several runs gets the mean
        ``x̄ = (1/k) Σ xᵢ`` and its standard error ``σ(x̄) = √(Σ σᵢ²) / k`` (a run without a standard error counts
        as σᵢ = 0; NaN when none has one). Aliases (``compressibility``) are accepted and named as stored.
        """
        wanted = None if properties is None else list(dict.fromkeys(canonical_name(p) for p in properties))
        long = self._long_values(wanted, sources, campaign, converged_only)
        order = wanted if wanted is not None else [p for p in property_specs() if p in set(long["property"])]
        columns = ["smiles", "polymer_class", *(c for p in order for c in (p, f"{p}_std"))]
        if long.empty:
            return pd.DataFrame({c: pd.Series(dtype=object if c in ("smiles", "polymer_class") else float)
                                 for c in columns})
        long["variance"] = long["stderr"] ** 2
        grouped = long.groupby(["smiles", "property"])
        mean = grouped["value"].mean()
        stderr = np.sqrt(grouped["variance"].sum(min_count=1)) / grouped["value"].count()
        wide = pd.concat({"value": mean.unstack(), "std": stderr.unstack()}, axis=1)
        table = pd.DataFrame(index=wide.index)
        for prop in order:
            table[prop] = wide["value"][prop] if prop in wide["value"] else np.nan
            table[f"{prop}_std"] = wide["std"][prop] if prop in wide["std"] else np.nan
        classes = long.drop_duplicates("smiles").set_index("smiles")["polymer_class"]
        table.insert(0, "polymer_class", classes.reindex(table.index))
        return table.rename_axis("smiles").reset_index()[columns]

    def training_data(self, properties: list[str] | None = None, sources: list[str] | None = None, *,
                      spec: FingerprintSpec = FingerprintSpec(), converged_only: bool = False) -> TrainingData:
        """The labels of ``properties`` (default: every MD-engine property with a label) as surrogate training data:
        packed fingerprints (``spec``), targets in SI units with NaN for missing labels, and the standard errors as
        per-point noise (0 where a label has none, NaN where the label is missing), as
        :mod:`polyloop.surrogate.data` builds them."""
        from polyloop.surrogate.data import TrainingData

        if properties is None:
            labelled = set(self._long_values(None, sources, None, converged_only)["property"])
            properties = [p for p, s in property_specs().items() if not s.extra and p in labelled]
            if not properties:
                raise PropertyDatabaseError(f"the database {self!r} holds no labels to train on")
        table = self.values(properties, sources, converged_only=converged_only)
        properties = [canonical_name(p) for p in properties]
        targets = table[properties].to_numpy(dtype=float)
        noise = table[[f"{p}_std" for p in properties]].to_numpy(dtype=float)
        noise = np.where(np.isnan(targets), np.nan, np.nan_to_num(noise, nan=0.0))
        packed = fingerprint_matrix((RepeatUnit(smiles=s) for s in table["smiles"]), spec)
        return TrainingData(packed, targets, tuple(properties), tuple(table["smiles"]), spec, noise)

    def runs(self, campaign: str | None = None) -> pd.DataFrame:
        """One row per run: ``run_id``, ``smiles``, ``source``, ``preset``, ``seed``, ``status``, ``failure_reason``,
        ``converged``, ``wall_s``, ``campaign``, ``run_dir``, ``created`` (optionally of one ``campaign``)."""
        names = ["source", "preset", "seed", "status", "failure_reason", "converged", "wall_s", "campaign", "run_dir",
                 "created"]
        query = (select(runs.c.id.label("run_id"), polymers.c.smiles, *(runs.c[n] for n in names))
                 .select_from(runs.join(polymers)).order_by(runs.c.id))
        if campaign is not None:
            query = query.where(runs.c.campaign == campaign)
        with self.engine.connect() as connection:
            return pd.DataFrame(connection.execute(query).all(), columns=["run_id", "smiles", *names])

    def stats(self) -> dict[str, Any]:
        """Counts, JSON-ready: ``polymers``, ``runs``, ``runs_by_source`` ({source: {status: n}}), ``runs_by_status``,
        ``labels`` (values per property) and ``labelled_polymers`` (polymers with a value, per property)."""
        with self.engine.connect() as connection:
            n_polymers = connection.execute(select(func.count()).select_from(polymers)).scalar_one()
            by_source = connection.execute(select(runs.c.source, runs.c.status, func.count())
                                           .group_by(runs.c.source, runs.c.status)).all()
            labels = connection.execute(
                select(property_values.c.property, func.count(), func.count(runs.c.polymer_id.distinct()))
                .select_from(property_values.join(runs))
                .where(runs.c.status == "ok", property_values.c.value.is_not(None))
                .group_by(property_values.c.property)).all()
        sources: dict[str, dict[str, int]] = {}
        statuses: dict[str, int] = {}
        for source, status, count in sorted(by_source):
            sources.setdefault(source, {})[status] = int(count)
            statuses[status] = statuses.get(status, 0) + int(count)
        order = {name: i for i, name in enumerate(property_specs())}
        labels = sorted(labels, key=lambda row: order.get(row[0], len(order)))
        return {"polymers": int(n_polymers), "runs": sum(statuses.values()), "runs_by_source": sources,
                "runs_by_status": statuses, "labels": {p: int(n) for p, n, _ in labels},
                "labelled_polymers": {p: int(k) for p, _, k in labels}}


def _utc(value: Any) -> Any:
    """A stored timestamp as timezone-aware UTC (SQLite returns naive datetimes of UTC times)."""
    if value is None or getattr(value, "tzinfo", None) is not None:
        return value
    return value.replace(tzinfo=UTC)
