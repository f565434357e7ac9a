"""The campaign: an ask/tell Bayesian-optimisation loop whose whole state lives in a database.

``suggest(q)`` refits the surrogate (:class:`~polyloop.surrogate.multi.MultiPropertyGP`) on the warm start and the
campaign's own labels, asks :func:`~polyloop.design.acquisition.choose_batch` for ``q`` candidates of the pool that are
neither pending, observed, failed nor (by default) in the warm start, and records them as pending with the model's
predictions and a model snapshot. ``observe(rows)`` records labels (full or partial rows) and failures. Each of the two
computes first and then writes in ONE transaction, so a process killed at any moment leaves either all of a call's
rows or none of them; :meth:`Campaign.load` continues from what was committed.

Rules (tested in ``tests/design/test_campaign.py``):

- a candidate is suggested at most once per campaign (a unique constraint in the database enforces it);
- a label is (candidate, property) → value ± standard error. Re-observing the same (candidate, property) with the same
  value is an idempotent no-op (so re-running an ``observe`` file after a crash is harmless); a *different* value is an
  error, and nothing of that call is written;
- a label for an id the campaign never suggested is accepted only with its SMILES (a label obtained elsewhere);
- a failed candidate is never suggested again and cannot be labelled; failing it again is a no-op;
- the budget counts labelled candidates plus pending ones: ``suggest`` returns at most
  :meth:`remaining_budget` candidates (none once it is spent); labels are never refused for budget reasons.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polyloop import __version__
from polyloop.design.acquisition import Choice, choose_batch
from polyloop.design.campaign_status import campaign_status
from polyloop.design.config import CampaignConfig
from polyloop.design.labels import parse_rows
from polyloop.design.pool import CandidatePool, InMemoryPool
from polyloop.design.store import (
    CampaignError,
    CampaignRow,
    Failure,
    ModelSnapshot,
    Observation,
    Suggestion,
    engine_for,
)
from polyloop.design.training_set import concatenate, observation_data, warm_start_data
from polyloop.library.fingerprints import FingerprintSpec, fingerprint_matrix
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.surrogate.data import TrainingData
from polyloop.surrogate.multi import MultiPropertyGP

__all__ = ["Campaign", "CampaignError"]


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite gives back naive times: they were stored as UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


class Campaign:
    """A campaign stored in the database at ``url``. Build it with :meth:`create` or :meth:`load`."""

    def __init__(self, config: CampaignConfig, url: str, campaign_id: int) -> None:
        self.config = config
        self.url = url
        self.id = campaign_id
        self.engine = engine_for(url)

    @property
    def name(self) -> str:
        """The campaign's unique name."""
        return self.config.name

    @classmethod
    def create(cls, config: CampaignConfig, url: str) -> Campaign:
        """Store a new campaign; raises :class:`CampaignError` if the database already has one of that name."""
        engine = engine_for(url)
        try:
            with Session(engine) as session, session.begin():
                row = CampaignRow(name=config.name, config=config.source, base_dir=config.base_dir,
                                  polyloop_version=__version__)
                session.add(row)
                session.flush()
                campaign_id = row.id
        except IntegrityError:
            raise CampaignError(f"a campaign named {config.name!r} already exists in {url}; load it, or give the new "
                                "one another [campaign] name") from None
        return cls(config, url, campaign_id)

    @classmethod
    def load(cls, url: str, name: str) -> Campaign:
        """The campaign ``name`` stored at ``url``, exactly as its last committed ``suggest``/``observe`` left it."""
        _check_exists(url)
        engine = engine_for(url)
        with Session(engine) as session:
            row = session.scalars(select(CampaignRow).where(CampaignRow.name == name)).one_or_none()
            if row is None:
                names = session.scalars(select(CampaignRow.name).order_by(CampaignRow.name)).all()
                raise CampaignError(f"no campaign named {name!r} in {url}; it holds {names or 'no campaigns'}")
            config = CampaignConfig.from_toml(row.config, base_dir=row.base_dir)
            return cls(config, url, row.id)

    # ----------------------------------------------------------------------------------------------------- reading
    def _suggestions(self, session: Session, status: str | None = None) -> list[Suggestion]:
        query = select(Suggestion).where(Suggestion.campaign_id == self.id)
        if status is not None:
            query = query.where(Suggestion.status == status)
        return list(session.scalars(query.order_by(Suggestion.id)))

    def _labelled_ids(self, session: Session) -> set[str]:
        query = select(Observation.candidate_id).where(Observation.campaign_id == self.id).distinct()
        return set(session.scalars(query))

    def pending(self) -> list[dict]:
        """Suggested candidates without a label or a failure yet: ``id``, ``smiles``, ``round``, ``suggested_at``
        (ISO 8601), and the predicted ``mean``/``std`` and ``acquisition`` value recorded with them."""
        with Session(self.engine) as session:
            return [{"id": s.candidate_id, "smiles": s.smiles, "round": s.round, "suggested_at": _iso(s.suggested_at),
                     "mean": dict(s.mean), "std": dict(s.std), "acquisition": s.acquisition}
                    for s in self._suggestions(session, "pending")]

    def suggestions(self) -> pd.DataFrame:
        """Every suggestion: id, smiles, round, status, acquisition, reason, ``<property>_mean``,
        ``<property>_sd`` (the predicted σ), suggested_at, updated_at."""
        with Session(self.engine) as session:
            records = [{"id": s.candidate_id, "smiles": s.smiles, "round": s.round, "status": s.status,
                        "acquisition": s.acquisition, "reason": s.reason,
                        **{f"{p}_mean": v for p, v in s.mean.items()}, **{f"{p}_sd": v for p, v in s.std.items()},
                        "suggested_at": _iso(s.suggested_at), "updated_at": _iso(s.updated_at)}
                       for s in self._suggestions(session)]
        return pd.DataFrame.from_records(records, columns=None if records else ["id", "smiles", "round", "status"])

    def observations(self) -> pd.DataFrame:
        """One row per labelled candidate: id, smiles, round, ``<property>``, ``<property>_std`` (NaN if unknown) for
        every observed property (modelled ones first), source and observed_at (the latest label's time)."""
        with Session(self.engine) as session:
            labels = list(session.scalars(select(Observation).where(Observation.campaign_id == self.id)
                                          .order_by(Observation.id)))
        rows: dict[str, dict] = {}
        for label in labels:
            row = rows.setdefault(label.candidate_id, {"id": label.candidate_id, "smiles": label.smiles,
                                                       "round": label.round, "source": label.source})
            row[label.property] = label.value
            row[f"{label.property}_std"] = np.nan if label.stderr is None else label.stderr
            row["observed_at"] = _iso(label.observed_at)
        names = list(dict.fromkeys(self.config.objective_properties() + sorted({x.property for x in labels})))
        columns = ["id", "smiles", "round"] + [c for p in names for c in (p, f"{p}_std")] + ["source", "observed_at"]
        return pd.DataFrame.from_records(list(rows.values()), columns=columns)

    def failures(self) -> pd.DataFrame:
        """Failed candidates: id, smiles, reason, round, failed_at."""
        with Session(self.engine) as session:
            records = [{"id": f.candidate_id, "smiles": f.smiles, "reason": f.reason, "round": f.round,
                        "failed_at": _iso(f.failed_at)}
                       for f in session.scalars(select(Failure).where(Failure.campaign_id == self.id)
                                                .order_by(Failure.id))]
        return pd.DataFrame.from_records(records, columns=["id", "smiles", "reason", "round", "failed_at"])

    def rounds(self) -> int:
        """Number of ``suggest`` calls that recorded something (the round of the latest suggestion)."""
        with Session(self.engine) as session:
            return self._round(session)

    def _round(self, session: Session) -> int:
        query = select(func.max(Suggestion.round)).where(Suggestion.campaign_id == self.id)
        return int(session.scalar(query) or 0)

    def remaining_budget(self) -> int:
        """``budget`` − (labelled candidates + pending candidates), at least 0."""
        with Session(self.engine) as session:
            used = len(self._labelled_ids(session)) + len(self._suggestions(session, "pending"))
        return max(self.config.budget - used, 0)

    def warm_start(self) -> TrainingData | None:
        """The warm-start labels of the modelled properties (None without a warm start)."""
        return warm_start_data(self.config.warm_start, self.config.objective_properties(), self.config.seed)

    def training_data(self) -> TrainingData:
        """Warm start + the campaign's labels, for the modelled (objective and constraint) properties."""
        properties = self.config.objective_properties()
        return concatenate([self.warm_start(), observation_data(self.observations(), properties)], properties)

    def status(self) -> dict:
        """A JSON-ready summary; see :func:`~polyloop.design.campaign_status.campaign_status` for the keys."""
        with Session(self.engine) as session:
            n_pending = len(self._suggestions(session, "pending"))
            n_failed = int(session.scalar(select(func.count()).select_from(Failure)
                                          .where(Failure.campaign_id == self.id)))
            rounds = self._round(session)
            snapshot = session.scalars(select(ModelSnapshot).where(ModelSnapshot.campaign_id == self.id)
                                       .order_by(ModelSnapshot.id.desc()).limit(1)).one_or_none()
            model = None if snapshot is None else {"round": snapshot.round, "n_train": snapshot.n_train,
                                                   "mode": snapshot.describe.get("mode")}
        return campaign_status(self.config, self.observations(), n_pending=n_pending, n_failed=n_failed,
                               rounds=rounds, remaining=self.remaining_budget(), model=model)

    def model_snapshots(self) -> pd.DataFrame:
        """The stored surrogate summaries: round, n_train, describe (dict), has_model, created."""
        with Session(self.engine) as session:
            records = [{"round": m.round, "n_train": m.n_train, "describe": m.describe,
                        "has_model": m.model is not None, "created": _iso(m.created)}
                       for m in session.scalars(select(ModelSnapshot).where(ModelSnapshot.campaign_id == self.id)
                                                .order_by(ModelSnapshot.id))]
        return pd.DataFrame.from_records(records, columns=["round", "n_train", "describe", "has_model", "created"])

    def load_model(self, round: int | None = None) -> MultiPropertyGP | None:
        """The surrogate stored with round ``round`` (default: the latest stored one), or None if none was stored."""
        from polyloop.surrogate.persistence import load_model

        with Session(self.engine) as session:
            query = select(ModelSnapshot).where(ModelSnapshot.campaign_id == self.id, ModelSnapshot.model.is_not(None))
            if round is not None:
                query = query.where(ModelSnapshot.round == round)
            snapshot = session.scalars(query.order_by(ModelSnapshot.id.desc()).limit(1)).one_or_none()
            blob = None if snapshot is None else snapshot.model
        if blob is None:
            return None
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.npz"
            path.write_bytes(blob)
            return load_model(path)

    # ----------------------------------------------------------------------------------------------------- asking
    @cached_property
    def pool(self) -> CandidatePool:
        """The candidate pool of the configuration (built once per Campaign object)."""
        return self.config.pool_object()

    @cached_property
    def _pool_ids_by_smiles(self) -> dict[str, list[str]] | None:
        """Pool ids of each canonical SMILES for an in-memory pool; None for a library (its ids are a hash)."""
        if not isinstance(self.pool, InMemoryPool):
            return None
        index: dict[str, list[str]] = defaultdict(list)
        for candidate, smiles in zip(self.pool.ids, self.pool.smiles):
            index[str(smiles)].append(str(candidate))
        return index

    def _pool_ids(self, smiles: set[str]) -> set[str]:
        """Pool ids of the polymers ``smiles`` (canonical), so that a known polymer is excluded whatever its id."""
        if self._pool_ids_by_smiles is None:
            from polyloop.library.describe import unit_id

            return {unit_id(s) for s in smiles}
        return {i for s in smiles for i in self._pool_ids_by_smiles.get(s, ())}

    def suggest(self, q: int | None = None) -> list[Choice]:
        """Choose up to ``q`` (default ``batch_size``, capped by :meth:`remaining_budget`) new candidates and record
        them as pending, with the model snapshot, in one transaction. Returns [] once the budget or pool is spent."""
        q = self.config.batch_size if q is None else q
        if q < 1:
            raise CampaignError(f"q must be at least 1, got {q}")
        q = min(q, self.remaining_budget())
        if q == 0:
            return []
        with Session(self.engine) as session:
            suggested = self._suggestions(session)
            labelled = self._labelled_ids(session)
            failed = list(session.execute(select(Failure.candidate_id, Failure.smiles)
                                          .where(Failure.campaign_id == self.id)))
            round_ = self._round(session) + 1
        observed = self.observations()
        properties = self.config.objective_properties()
        training = concatenate([self.warm_start(), observation_data(observed, properties)], properties)
        for j, name in enumerate(properties):
            if np.isfinite(training.targets[:, j]).sum() < 2:
                raise CampaignError(f"campaign {self.name!r} has fewer than 2 labels of {name!r} to fit the surrogate; "
                                    "add a [warm_start] or observe some candidates first")
        model = MultiPropertyGP.fit(training, self.config.gp_settings())
        pending = [s for s in suggested if s.status == "pending"]
        known_smiles = {s.smiles for s in suggested} | set(observed["smiles"]) | {s for _, s in failed}
        if self.config.warm_start.get("exclude_known", True):
            known_smiles |= set(training.smiles)
        exclude = {s.candidate_id for s in suggested} | labelled | {i for i, _ in failed} | self._pool_ids(known_smiles)
        packed = (fingerprint_matrix((RepeatUnit(smiles=s.smiles) for s in pending), FingerprintSpec())
                  if pending else None)
        choices = choose_batch(model, self.pool, self.config.objectives, self.config.constraints, q, pending=packed,
                               exclude=exclude, settings=self.config.acquisition_settings(),
                               seed=self.config.seed * 100_003 + round_)
        if choices:  # an exhausted pool records nothing
            self._record_suggestions(choices, round_, model)
        return choices

    def _record_suggestions(self, choices: list[Choice], round_: int, model: MultiPropertyGP) -> None:
        blob = _model_bytes(model) if self.config.store_model else None
        try:
            with Session(self.engine) as session, session.begin():
                for c in choices:
                    session.add(Suggestion(campaign_id=self.id, candidate_id=c.id, smiles=c.smiles, round=round_,
                                           mean=c.mean, std=c.std, acquisition=c.acquisition, reason=c.reason,
                                           status="pending"))
                session.add(ModelSnapshot(campaign_id=self.id, round=round_, n_train=len(model.data),
                                          describe=model.describe(), model=blob))
        except IntegrityError as error:
            raise CampaignError(f"campaign {self.name!r}: another process recorded some of these candidates at the "
                                f"same time, so nothing was written; call suggest again ({error.orig})") from None

    # ----------------------------------------------------------------------------------------------------- telling
    def observe(self, rows, source: str = "observe", first_line: int | None = None) -> int:
        """Record labels and failures (see the module docstring for the rules) in one transaction.

        ``rows``: mappings ``{"id", ["smiles"], "<property>": value, ["<property>_std": s], ["failed": reason],
        ["source": text]}`` (see :mod:`~polyloop.design.labels`). Returns the number of labels plus failures newly
        recorded (no-ops are not counted). Raises :class:`CampaignError` naming the row (``row i``, or ``line N``
        counted from ``first_line`` for rows read from a file); then nothing is written.
        """
        from polyloop.design.observe import apply_rows

        parsed = parse_rows(rows, self.config.objective_properties(), first_line)
        try:
            with Session(self.engine) as session, session.begin():
                return apply_rows(session, self.id, parsed, source, self._round(session))
        except IntegrityError as error:
            raise CampaignError(f"campaign {self.name!r}: another process recorded some of these labels at the same "
                                f"time, so nothing was written; observe again ({error.orig})") from None

    def fail(self, candidate_id: str, reason: str) -> None:
        """Record that ``candidate_id`` could not be labelled (never suggested again)."""
        self.observe([{"id": candidate_id, "failed": reason}])


def _check_exists(url: str) -> None:
    """Refuse to open an SQLite file that does not exist (a typo would otherwise create an empty database)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise CampaignError(f"cannot use database URL {url!r}: {error}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).is_file():
            raise CampaignError(f"database file {parsed.database!r} of {url} does not exist; create the campaign "
                                "with `polyloop campaign init CONFIG.toml --db URL` first")


def _model_bytes(model: MultiPropertyGP) -> bytes:
    """The ``.npz`` file of :func:`~polyloop.surrogate.persistence.save_model`, as bytes."""
    from polyloop.surrogate.persistence import save_model

    with tempfile.TemporaryDirectory() as folder:
        return save_model(model, Path(folder) / "model.npz").read_bytes()

