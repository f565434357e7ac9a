"""Campaign state in a relational database (SQLAlchemy 2.0 ORM): SQLite by default, PostgreSQL by URL.

Five tables, all prefixed ``campaign`` so that they can share a database with the property database
(:mod:`polyloop.library.database`):

=========================  ============================================================================================
``campaigns``              one row per campaign: unique ``name``, the campaign TOML ``config`` text and the folder its
                           relative paths resolve against, ``created``, schema ``version``, polyloop version
``campaign_suggestions``   one row per suggested candidate: ``candidate_id``, ``smiles``, ``round``, predicted
                           ``mean``/``std`` per property (JSON), ``acquisition`` value, ``reason``, ``status``
                           (``pending`` | ``observed`` | ``failed``), ``suggested_at``, ``updated_at``;
                           unique per (campaign, candidate)
``campaign_observations``  one row per label: ``candidate_id``, ``smiles``, ``property``, ``value``, ``stderr``,
                           ``source``, ``round``, ``observed_at``; unique per (campaign, candidate, property)
``campaign_failures``      one row per failed candidate: ``candidate_id``, ``smiles``, ``reason``, ``round``,
                           ``failed_at``; unique per (campaign, candidate)
``campaign_models``        one row per fitted surrogate: ``round``, ``n_train``, ``describe`` (the model's
                           :meth:`~polyloop.surrogate.multi.MultiPropertyGP.describe` JSON), ``model`` (the ``.npz``
                           bytes of :func:`~polyloop.surrogate.persistence.save_model`, optional), ``created``
=========================  ============================================================================================

Only portable column types are used (Integer, Float, Text, String, JSON, DateTime, LargeBinary), so the same code runs
on SQLite and PostgreSQL (``postgresql+psycopg://user@host/db``). The unique constraints make a duplicate suggestion
or a second label of the same (candidate, property) impossible even with several writers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["SCHEMA_VERSION", "Base", "CampaignError", "CampaignRow", "Failure", "ModelSnapshot", "Observation",
           "Suggestion", "engine_for", "utc_now"]

SCHEMA_VERSION = 1
STATUSES = ("pending", "observed", "failed")


class CampaignError(ValueError):
    """A campaign operation that cannot be done: unknown campaign, duplicate name, bad observation, no database."""


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the campaign tables (its own metadata: creating them touches no other table)."""


class CampaignRow(Base):
    """A campaign: its name and configuration."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    config: Mapped[str] = mapped_column(Text, nullable=False)
    base_dir: Mapped[str] = mapped_column(Text, nullable=False, default=".")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=SCHEMA_VERSION)
    polyloop_version: Mapped[str] = mapped_column(String(40), default="")


class Suggestion(Base):
    """A candidate the campaign chose, with the model's prediction at the time."""

    __tablename__ = "campaign_suggestions"
    __table_args__ = (UniqueConstraint("campaign_id", "candidate_id", name="uq_suggestion_candidate"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[str] = mapped_column(String(200), nullable=False)
    smiles: Mapped[str] = mapped_column(Text, nullable=False)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    mean: Mapped[dict] = mapped_column(JSON, default=dict)
    std: Mapped[dict] = mapped_column(JSON, default=dict)
    acquisition: Mapped[float | None] = mapped_column(Float, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    suggested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Observation(Base):
    """One label: the value (and standard error) of one property of one candidate."""

    __tablename__ = "campaign_observations"
    __table_args__ = (UniqueConstraint("campaign_id", "candidate_id", "property", name="uq_observation_label"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[str] = mapped_column(String(200), nullable=False)
    smiles: Mapped[str] = mapped_column(Text, nullable=False)
    property: Mapped[str] = mapped_column(String(100), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    stderr: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(200), default="observe")
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Failure(Base):
    """A candidate that could not be labelled; it is never suggested again."""

    __tablename__ = "campaign_failures"
    __table_args__ = (UniqueConstraint("campaign_id", "candidate_id", name="uq_failure_candidate"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[str] = mapped_column(String(200), nullable=False)
    smiles: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ModelSnapshot(Base):
    """The surrogate fitted for one ``suggest``: its summary and, optionally, its saved file."""

    __tablename__ = "campaign_models"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    n_train: Mapped[int] = mapped_column(Integer, nullable=False)
    describe: Mapped[dict] = mapped_column(JSON, nullable=False)
    model: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on and a busy timeout, so that a second process waits for a writer instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    """The engine of database ``url`` (one per URL and process), with the campaign tables created if missing.

    Raises :class:`CampaignError` for a URL SQLAlchemy cannot read or a database it cannot open.
    """
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise CampaignError(f"cannot use database URL {url!r}: {error} (examples: sqlite:///campaign.db, "
                            "postgresql+psycopg://user@host/dbname)") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        Base.metadata.create_all(engine)
    except OperationalError as error:
        raise CampaignError(f"cannot open database {url!r}: {error.orig}") from None
    return engine
