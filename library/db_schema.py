"""Tables of the property database (SQLAlchemy Core) and the engine that opens it.

=================== ===================================================================================================
``polymers``        one row per polymer: canonical repeat-unit ``smiles`` (unique), ``polymer_class``, an
                    ``external_id`` (PI1070's ``PI<n>``, a library id, …), ``created``
``runs``            one row per labelling run: ``polymer_id``, ``source`` (``md``, ``pi1070``, ``csv:<name>``),
                    ``run_key`` (unique; what makes adding the same result twice a no-op), ``preset`` and its full
                    ``preset_settings``, ``overrides``, ``seed``, ``versions``, ``forcefield``, ``charges``, ``cost``
                    (per stage), ``atom_steps``, ``converged`` and the ``convergence`` verdict, ``wall_s``, ``status``
                    (``ok`` | ``failed``), ``failure_reason``, ``run_dir``, ``campaign``, ``details`` (the rest of the
                    provenance: system size, charge fallbacks, QM and harmonic settings), ``created``
``property_values`` one row per (run, property): ``value`` and ``stderr`` in the property's SI ``unit`` (None when the
                    run could not compute it, with the reason in ``error``) and ``details`` (an estimator's extra
                    fields, e.g. ``diffusive``; PI1070's replicate ``std`` and ``count``)
=================== ===================================================================================================

Only portable column types (Integer, BigInteger, Float, String, Text, Boolean, JSON, DateTime) are used, so the same
code runs on SQLite (the default) and PostgreSQL (``postgresql+psycopg://user@host/dbname``). The table names do not
clash with the campaign tables (``campaign*``), so both can share one database.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError, ProgrammingError

from polyloop.library.db_properties import PropertyDatabaseError

__all__ = ["METADATA", "RUN_STATUSES", "create_tables", "database_url", "engine_for", "polymers", "property_values",
           "runs", "utc_now"]

RUN_STATUSES = ("ok", "failed")
METADATA = MetaData()


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


polymers = Table(
    "polymers", METADATA,
    Column("id", Integer, primary_key=True),
    Column("smiles", Text, nullable=False, unique=True),
    Column("polymer_class", String(100)),
    Column("external_id", String(200)),
    Column("created", DateTime(timezone=True), nullable=False, default=utc_now),
)

runs = Table(
    "runs", METADATA,
    Column("id", Integer, primary_key=True),
    Column("polymer_id", Integer, ForeignKey("polymers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source", String(200), nullable=False, index=True),
    Column("run_key", String(64), nullable=False, unique=True),
    Column("preset", String(100)),
    Column("preset_settings", JSON(none_as_null=True)),
    Column("overrides", JSON(none_as_null=True)),
    Column("seed", Integer),
    Column("versions", JSON(none_as_null=True)),
    Column("forcefield", String(100)),
    Column("charges", String(100)),
    Column("cost", JSON(none_as_null=True)),
    Column("atom_steps", BigInteger),
    Column("converged", Boolean),
    Column("convergence", JSON(none_as_null=True)),
    Column("wall_s", Float),
    Column("status", String(16), nullable=False),
    Column("failure_reason", Text),
    Column("run_dir", Text),
    Column("campaign", String(200), index=True),
    Column("details", JSON(none_as_null=True)),
    Column("created", DateTime(timezone=True), nullable=False, default=utc_now),
)

property_values = Table(
    "property_values", METADATA,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("property", String(64), nullable=False),
    Column("value", Float),
    Column("stderr", Float),
    Column("unit", String(32), nullable=False),
    Column("error", Text),
    Column("details", JSON(none_as_null=True)),
    UniqueConstraint("run_id", "property", name="uq_property_values_run_property"),
    Index("ix_property_values_property", "property"),
)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on and a busy timeout, so that a second writer waits instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def database_url(url_or_path: str) -> str:
    """``url_or_path`` as an SQLAlchemy URL: a URL is returned as is, a plain file path becomes ``sqlite:///path``."""
    text = str(url_or_path)
    return text if "://" in text else f"sqlite:///{text}"


_ENGINES: dict[str, Engine] = {}


def _forget_inherited_connections() -> None:
    """In a forked child, drop the pooled connections inherited from the parent without closing them (they belong
    to the parent); the child opens its own."""
    for engine in _ENGINES.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


def engine_for(url: str) -> Engine:
    """The engine of database ``url`` (one per URL and process), with the property tables created if missing.

    Raises :class:`PropertyDatabaseError` for a URL SQLAlchemy cannot read or a database it cannot open.
    """
    if url not in _ENGINES:
        try:
            engine = create_engine(url)
        except (ArgumentError, NoSuchModuleError, ValueError) as error:
            raise PropertyDatabaseError(f"cannot use database URL {url!r}: {error} (examples: "
                                        "sqlite:///labels.db, postgresql+psycopg://user@host/dbname)") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        _ENGINES[url] = engine
    engine = _ENGINES[url]
    create_tables(engine, url)
    return engine


def create_tables(engine: Engine, url: str) -> None:
    """Create the property tables that are missing (a cheap check when they exist)."""
    for attempt in range(3):  # another process creating the tables at the same moment makes create_all fail once
        try:
            METADATA.create_all(engine)
            break
        except (OperationalError, ProgrammingError, IntegrityError) as error:
            if attempt == 2 or "exist" not in str(error.orig):
                raise PropertyDatabaseError(f"cannot open database {url!r}: {error.orig}") from None
