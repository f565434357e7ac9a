"""Choosing the next batch: a full-pool screen, then a batch acquisition on the shortlist (the Campaign's entry point).

``choose_batch`` = :func:`~polyloop.design.screening.screen_pool` (every candidate of the pool, in bounded memory,
ranked by a cheap analytic score; the best ``shortlist`` kept) followed by
:func:`~polyloop.design.batch.select_batch` (BoTorch's qLogNEI / qLogNEHVI with the pending candidates conditioned,
Thompson sampling, or the greedy / random baselines) on that shortlist. The screen may use a cheaper model than the
batch step (``screen_model``, e.g. a landmark/SGPR fit of the same labels, for million-candidate pools), so that the
exact GP only ever sees the shortlist.

Defaults per method: ``auto`` is qLogNEI for one objective and qLogNEHVI for 2–4, screened by LogEI (or the
probability of lying in the range, for a target objective) and by the hypervolume improvement of the UCB point for
several objectives; ``thompson`` uses the same screen; ``greedy`` screens by the predicted mean, ``random`` by a
uniform random key.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields

import numpy as np

from polyloop.design.batch import BATCH_METHODS, select_batch
from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.pool import CandidatePool
from polyloop.design.problem import Problem
from polyloop.design.screening import SCREENS, Shortlist, default_screen, screen_pool
from polyloop.surrogate.multi import MultiPropertyGP

__all__ = ["METHODS", "AcquisitionSettings", "Choice", "choose_batch"]

METHODS = ("auto", *BATCH_METHODS)
_LABELS = {"qlognei": "qLogNEI", "qlognehvi": "qLogNEHVI", "thompson": "Thompson sample",
           "greedy": "predicted mean", "random": "random pick"}
_SCREEN_LABELS = {"logei": "LogEI", "range": "P(in range)", "ucb": "UCB", "ehvi": "HVI of the UCB point",
                  "mean": "predicted mean", "random": "random key"}


@dataclass(frozen=True)
class AcquisitionSettings:
    """How a batch is chosen: ``method`` (``auto``, ``qlognei``, ``qlognehvi``, ``thompson``, ``greedy``,
    ``random``), ``shortlist`` size kept by the screen, ``screen`` (``auto``, ``logei``, ``range``, ``ehvi``,
    ``ucb``, ``mean``, ``random``), UCB width ``kappa``, ``mc_samples`` of the BoTorch acquisitions, and the pool's
    streaming ``batch_size``."""

    method: str = "auto"
    shortlist: int = 2000
    screen: str = "auto"
    kappa: float = 2.0
    mc_samples: int = 128
    batch_size: int = 65536

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown acquisition method {self.method!r}; choose one of {METHODS}")
        if self.screen not in ("auto", *SCREENS):
            raise ValueError(f"unknown screen {self.screen!r}; choose one of {('auto', *SCREENS)}")
        for name in ("shortlist", "mc_samples", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.kappa < 0:
            raise ValueError(f"kappa must be >= 0, got {self.kappa}")

    @classmethod
    def from_dict(cls, table: dict) -> AcquisitionSettings:
        """From a TOML table with any of the field names; unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"unknown acquisition setting(s) {unknown}; allowed: {sorted(known)}")
        return cls(**table)

    def resolved(self, n_objectives: int) -> tuple[str, str]:
        """The batch method and screen actually used for ``n_objectives`` objectives."""
        method = self.method
        if method == "auto":
            method = "qlognei" if n_objectives == 1 else "qlognehvi"
        screen = self.screen
        if screen == "auto":
            screen = {"greedy": "mean", "random": "random"}.get(method, "auto")
        return method, screen


@dataclass(frozen=True)
class Choice:
    """A chosen candidate: id, SMILES, predicted mean and σ of every modelled property (original units), the
    acquisition value and why it was chosen."""

    id: str
    smiles: str
    mean: dict[str, float]
    std: dict[str, float]
    acquisition: float
    reason: str


def choose_batch(model: MultiPropertyGP, pool: CandidatePool, objectives: Sequence[Objective],
                 constraints: Sequence[OutcomeConstraint], q: int, *, pending: np.ndarray | None = None,
                 exclude: Collection[str] = frozenset(), settings: AcquisitionSettings = AcquisitionSettings(),
                 seed: int = 0, screen_model: MultiPropertyGP | None = None) -> list[Choice]:
    """Choose up to ``q`` candidates of ``pool`` (never one of ``exclude``, never twice) for the next labels.

    ``pending``: packed fingerprints (k, 256) of candidates suggested but not yet labelled (conditioned on by
    qLogNEI / qLogNEHVI); ``screen_model``: the model used for the full-pool screen (default ``model``).
    Returns fewer than ``q`` choices only when fewer candidates remain.
    """
    if q < 1:
        raise ValueError(f"q must be at least 1, got {q}")
    problem = Problem.build(model, objectives, constraints)
    method, screen = settings.resolved(problem.n_objectives)
    screen = default_screen(problem) if screen == "auto" else screen
    size = max(settings.shortlist, q)
    shortlist = screen_pool(screen_model or model, pool, problem, size, method=screen, kappa=settings.kappa,
                            exclude=exclude, batch_size=settings.batch_size, seed=seed)
    picks = select_batch(model, problem, shortlist, q, method=method, pending=pending,
                         mc_samples=settings.mc_samples, seed=seed)
    return _choices(model, shortlist, picks, method, screen)


def _choices(model: MultiPropertyGP, shortlist: Shortlist, picks: list, method: str, screen: str) -> list[Choice]:
    if not picks:
        return []
    rows = np.array([p.row for p in picks])
    mean, var = model.predict(shortlist.batch.packed[rows])
    names = model.properties
    out = []
    for k, pick in enumerate(picks):
        row = pick.row
        reason = (f"{_LABELS[method]} {pick.value:.4g} (pick {k + 1} of {len(picks)}; rank {row + 1} of "
                  f"{len(shortlist)} shortlisted by {_SCREEN_LABELS[screen]} from {shortlist.n_screened} screened)")
        out.append(Choice(id=str(shortlist.batch.ids[row]), smiles=str(shortlist.batch.smiles[row]),
                          mean={p: float(mean[k, j]) for j, p in enumerate(names)},
                          std={p: float(np.sqrt(max(var[k, j], 0.0))) for j, p in enumerate(names)},
                          acquisition=float(pick.value), reason=reason))
    return out
