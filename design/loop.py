"""The MD-labelled campaign loop: suggest → label by MD on an executor → observe → refit → suggest … to the budget.

:func:`run_campaign` creates the campaign of a TOML file (or loads it when the database already holds it: the same
call resumes after a crash or Ctrl-C), re-submits its pending suggestions (their run folders resume from checkpoints;
a finished one just hands back its ``result.json``), keeps up to ``max_pending`` MD jobs in flight and, as each lands:

1. adds the result to the property database (:class:`~polyloop.library.database.PropertyDatabase`, idempotent per
   run), then
2. records the label in the campaign (``Campaign.observe``, one transaction; re-observing an equal label is a no-op),

in that order, so a process killed between the two re-does both harmlessly on resume and no label is lost or
duplicated. A job that fails after its retries is marked in its run folder, added to the property database as a
failure and recorded with ``Campaign.fail`` (never suggested again). Then the surrogate is refitted and the free slots
are refilled with ``Campaign.suggest(q)``, ``q`` = free slots bounded by the remaining budget, until the budget is
spent and nothing is in flight (or the pool has nothing left to suggest).

``[simulation]`` of the campaign file: ``preset`` (default ``"quick"``), ``overrides`` (``"section.field=value"``),
``properties`` (default: the objective and constraint properties). ``[executor]``: see
:mod:`~polyloop.design.executors` (``threads`` sets ``engine.threads`` of every job).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polyloop.design.campaign import Campaign, CampaignError
from polyloop.design.config import CampaignConfig
from polyloop.design.executors import Executor, JobFailed, check_executor_config, make_executor
from polyloop.design.labelling import (
    LabelError,
    LabelJob,
    missing_reasons,
    observation_row,
    read_failure,
    read_result,
    record_failure,
)
from polyloop.design.progress import LoopProgress

__all__ = ["LoopError", "SimulationSettings", "open_campaign", "run_campaign"]

SIMULATION_KEYS = ("preset", "overrides", "properties")


class LoopError(ValueError):
    """The campaign cannot be run as configured (the message says which setting and why)."""


@dataclass(frozen=True)
class SimulationSettings:
    """How candidates are labelled: MD ``preset`` + ``overrides``, the ``properties`` computed, OpenMP ``threads``
    per job (0: the preset's ``engine.threads``)."""

    preset: str = "quick"
    overrides: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    threads: int = 0

    @classmethod
    def from_config(cls, config: CampaignConfig) -> SimulationSettings:
        """The settings of ``config``'s ``[simulation]`` and ``[executor] threads``; checked against the MD engine."""
        from polyloop.simulate.protocol.presets import PresetError, load_preset
        from polyloop.simulate.protocol.runner import PROPERTY_NAMES

        table = config.simulation
        unknown = sorted(set(table) - set(SIMULATION_KEYS))
        if unknown:
            raise LoopError(f"[simulation] keys {unknown} are not understood (allowed: {list(SIMULATION_KEYS)})")
        properties = tuple(table.get("properties", config.objective_properties()))
        not_md = [p for p in properties if p not in PROPERTY_NAMES]
        if not_md:
            raise LoopError(f"[simulation] properties {not_md} are not computed by the MD engine; its properties are "
                            f"{list(PROPERTY_NAMES)} (the campaign's objectives and constraints must use these names)")
        settings = cls(preset=table.get("preset", "quick"), overrides=tuple(table.get("overrides", ())),
                       properties=properties, threads=int(config.executor.get("threads", 0)))
        try:
            load_preset(settings.preset, list(settings.overrides))
        except PresetError as error:
            raise LoopError(f"[simulation]: {error}") from None
        return settings

    def job(self, candidate_id: str, smiles: str, workdir: Path) -> LabelJob:
        """The labelling job of one candidate, run in ``workdir/<candidate id>``."""
        folder = re.sub(r"[^A-Za-z0-9_.-]", "_", candidate_id)
        return LabelJob(candidate_id=candidate_id, smiles=smiles, preset=self.preset, overrides=self.overrides,
                        properties=self.properties, run_dir=str(workdir / folder), threads=self.threads)


def open_campaign(config: CampaignConfig, url: str) -> tuple[Campaign, bool]:
    """The campaign of ``config`` at ``url``: loaded when it exists (``True``), else created (``False``)."""
    try:
        return Campaign.load(url, config.name), True
    except CampaignError:
        return Campaign.create(config, url), False


class _Loop:
    """One session of the loop (the state is in the databases and run folders; this only tracks jobs in flight)."""

    def __init__(self, campaign: Campaign, settings: SimulationSettings, executor: Callable[[], Executor],
                 database: Any, workdir: Path, max_pending: int, max_failures: int, progress: LoopProgress) -> None:
        self.campaign, self.settings, self.database = campaign, settings, database
        self._make_executor, self._executor = executor, None
        self.workdir, self.max_pending, self.max_failures, self.progress = workdir, max_pending, max_failures, progress
        self.in_flight: dict[str, LabelJob] = {}
        self.exhausted = False

    @property
    def executor(self) -> Executor:
        """The executor, started on first use (a finished campaign starts no cluster)."""
        if self._executor is None:
            self._executor = self._make_executor()
        return self._executor

    def close(self, own: bool) -> None:
        """Close the executor if this loop started it (``own``) and it was started."""
        if own and self._executor is not None:
            self._executor.close()

    def start(self, job: LabelJob) -> None:
        """Settle a job whose run folder already holds its outcome; submit the others."""
        result, reason = read_result(job.run_dir), read_failure(job.run_dir)
        if result is not None:
            self.progress.event(f"{job.candidate_id}: result already on disk")
            self.finish(job, result)
        elif reason is not None:
            self.finish(job, JobFailed(job, reason, 0))
        else:
            self.executor.submit(job)
            self.in_flight[job.candidate_id] = job

    def finish(self, job: LabelJob, outcome: dict | JobFailed) -> None:
        """Record a finished job in the property database, then in the campaign (module docstring)."""
        from polyloop.library.database import PropertyDatabaseError

        name = self.campaign.name
        if isinstance(outcome, dict):
            try:
                row = observation_row(job, outcome)
                if len(row) > 2:
                    self.database.add_run(outcome, run_dir=job.run_dir, campaign=name)
                    self.campaign.observe([row], source=f"md:{self.settings.preset}")
                    values = ", ".join(f"{k}={v:.4g}" for k, v in row.items() if k in job.properties)
                    self.progress.event(f"{job.candidate_id}: {values}")
                    return
                reason = f"no finite value of {list(job.properties)}: {missing_reasons(job, outcome)}"
            except (LabelError, PropertyDatabaseError) as error:
                reason = f"the result in {job.run_dir} could not be recorded: {error}"
            outcome = JobFailed(job, reason, 1)
        record_failure(job, outcome.reason)
        self.database.add_failure(job.smiles, outcome.reason, preset=self.settings.preset, campaign=name)
        self.campaign.fail(job.candidate_id, outcome.reason)
        self.progress.event(f"[red]{job.candidate_id} failed[/red]: {outcome.reason}")

    def refill(self) -> None:
        """Suggest candidates for the free slots (bounded by the remaining budget) and submit them."""
        free = self.max_pending - len(self.in_flight)
        if free < 1 or self.exhausted:
            return
        status = self.campaign.status()
        if status["n_failed"] >= self.max_failures:
            self.progress.event(f"[red]stopping suggestions: {status['n_failed']} failures (max_failures)[/red]")
            self.exhausted = True
            return
        q = min(free, self.campaign.remaining_budget())
        if q < 1:
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            choices = self.campaign.suggest(q)
        for message in dict.fromkeys(str(w.message).splitlines()[0] for w in caught):
            self.progress.event(f"[dim]surrogate: {message}[/dim]")
        if not choices:
            self.exhausted = True
            self.progress.event("the pool has no candidate left to suggest")
            return
        self.progress.event(f"round {self.campaign.rounds()}: suggested {', '.join(c.id for c in choices)}")
        for choice in choices:
            self.start(self.settings.job(choice.id, choice.smiles, self.workdir))

    def run(self, poll_s: float) -> None:
        """Drive the loop until the budget is spent and nothing is in flight."""
        for pending in self.campaign.pending():
            self.start(self.settings.job(pending["id"], pending["smiles"], self.workdir))
        while True:
            self.refill()
            self.progress.update(self.campaign.status(), len(self.in_flight))
            if not self.in_flight:
                break
            for job, outcome in self.executor.done(timeout=poll_s):
                self.in_flight.pop(job.candidate_id, None)
                self.finish(job, outcome)


def run_campaign(config_path: str | Path, url: str, *, workdir: str | Path, progress: bool = True,
                 property_db: str | None = None, executor: Executor | None = None, poll_s: float = 2.0,
                 max_failures: int | None = None) -> dict[str, Any]:
    """Run (or resume) the campaign of ``config_path`` stored at ``url`` to its budget; return
    :meth:`Campaign.status`.

    ``workdir``: the MD run folders go to ``workdir/<campaign name>/<candidate id>``. ``property_db``: URL of the
    property database (default: ``url``). ``executor``: a ready executor (default: built from ``[executor]``; it
    is closed at the end). ``max_failures``: stop suggesting after this many failed candidates (default: the
    budget). ``progress``: show the live display on the terminal.
    """
    config = CampaignConfig.from_toml(Path(config_path))
    SimulationSettings.from_config(config)
    if executor is None:
        check_executor_config(config.executor)
    from polyloop.library.database import PropertyDatabase

    database = PropertyDatabase(property_db or url)
    campaign, resumed = open_campaign(config, url)
    settings = SimulationSettings.from_config(campaign.config)
    display = LoopProgress(campaign.name, enabled=progress)
    if resumed and campaign.config.source != config.source:
        display.event("[yellow]the campaign file differs from the stored campaign; the stored settings are used "
                      "(the executor comes from the file)[/yellow]")
    max_pending = int(config.executor.get("max_pending", 2))
    folder = Path(workdir) / re.sub(r"[^A-Za-z0-9_.-]", "_", campaign.name)
    factory = (lambda: executor) if executor is not None else (lambda: make_executor(config.executor))
    loop = _Loop(campaign, settings, factory, database, folder, max_pending, max_failures or campaign.config.budget,
                 display)
    try:
        with display:
            display.event(f"{'resuming' if resumed else 'starting'} campaign {campaign.name!r}: preset "
                          f"{settings.preset!r}, up to {max_pending} job(s) in flight, run folders in {folder}")
            loop.run(poll_s)
    finally:
        loop.close(own=executor is None)
    return campaign.status()
