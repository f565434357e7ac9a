"""The full-pool screen: score every candidate of a pool with the surrogate and keep the best ``size`` (a shortlist).

The pool is streamed in batches; per batch the Tanimoto block to the model's basis is computed once (float32) and
shared by every property, giving a Gaussian predictive ``N(μ, σ²)`` per property in modelling units (as
:meth:`MultiPropertyGP.predict_model_space`, latent). Only a running top-``size`` is kept, so memory is
O(batch × basis + size) whatever the pool size. Scores (``u`` is the utility of :mod:`~polyloop.design.problem`,
``f*`` the best utility observed among feasible labelled points, ``z = (μ_u − f*)/σ``):

- ``logei`` (one max/min objective): analytic log expected improvement,
  ``log EI = log σ + log h(z)``, ``h(z) = φ(z) + zΦ(z)``, computed without underflow (asymptotic form for
  ``z ≪ 0``), plus ``Σ log P(constraint satisfied)`` with ``P = Φ((b − μ)/σ)`` per bound (independent Gaussians).
  With no feasible labelled point yet the score is the log probability of feasibility alone.
- ``range`` (one target objective): ``log P(low ≤ y ≤ high) = log(Φ(b) − Φ(a))`` plus the constraint terms.
- ``ucb`` (any number of objectives): the union over objectives of the top ``size/m`` by the optimistic utility
  ``μ_u + κσ`` (for a target objective: minus the distance from ``[μ − κσ, μ + κσ]`` to the range).
- ``ehvi`` (several objectives; the cheap stand-in for EHVI used on millions of candidates): the hypervolume
  improvement of the optimistic (UCB) utility point over the observed Pareto front, in utilities scaled by their
  observed spread, times the probability of feasibility; candidates whose UCB point is still dominated are ranked
  after all others by their domination gap (how far all objectives must move to leave the dominated region).
  Exact EHVI per candidate needs MC or box integrals over every cell and is left to the batch step on the shortlist.
- ``mean`` (greedy baseline): ``μ_u`` for one objective (candidates whose mean violates a constraint last), the
  HVI of the mean point for several.
- ``random``: a uniform random key (a reservoir sample of the pool).

SMARTS filters of the pool are applied to the shortlist only (:meth:`CandidatePool.accepts`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from scipy.special import erfcx, log_ndtr

from polyloop.design.pareto import domination_gap, hypervolume_improvement, non_dominated, reference_point
from polyloop.design.pool import CandidatePool, PoolBatch
from polyloop.design.problem import Problem
from polyloop.surrogate.multi import MultiPropertyGP

__all__ = ["SCREENS", "Shortlist", "log_expected_improvement", "log_probability_in_range", "screen_pool"]

SCREENS = ("logei", "range", "ucb", "ehvi", "mean", "random")
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@dataclass(frozen=True)
class Shortlist:
    """The screen's survivors, best first: ids, smiles, packed fingerprints, score, and the model-unit predictive
    ``mean``/``var`` (n, p) of the problem's properties; with counts and timing."""

    batch: PoolBatch
    score: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    method: str
    n_screened: int
    n_rejected: int
    seconds: float

    def __len__(self) -> int:
        return len(self.score)


def log_h(z: np.ndarray) -> np.ndarray:
    """``log(φ(z) + zΦ(z))`` for any real ``z``, accurate where ``h(z)`` underflows (z ≪ 0).

    For ``z < −1``: ``h(z) = φ(z)(1 − t·R(t))`` with ``t = −z`` and Mills' ratio ``R(t) = √(π/2)·erfcx(t/√2)``; for
    ``t > 100`` the bracket is replaced by its series ``1/t² − 3/t⁴ + 15/t⁶``.
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    upper = z >= -1
    zu = z[upper]
    out[upper] = np.log(np.exp(-0.5 * zu**2 - _LOG_SQRT_2PI) + zu * np.exp(log_ndtr(zu)))
    t = -z[~upper]
    bracket = np.where(t > 100, 1 / t**2 - 3 / t**4 + 15 / t**6,
                       1 - t * math.sqrt(math.pi / 2) * erfcx(t / math.sqrt(2)))
    out[~upper] = -0.5 * t**2 - _LOG_SQRT_2PI + np.log(np.maximum(bracket, 1e-300))
    return out


def log_expected_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """``log E[max(Y − best, 0)]`` for ``Y ~ N(mean, std²)``: ``log σ + log h((μ − best)/σ)``."""
    std = np.maximum(np.asarray(std, dtype=np.float64), 1e-12)
    return np.log(std) + log_h((np.asarray(mean) - best) / std)


def log_probability_in_range(mean: np.ndarray, std: np.ndarray, low: float, high: float) -> np.ndarray:
    """``log P(low ≤ Y ≤ high)`` for ``Y ~ N(mean, std²)``, stable in both tails (uses the mirrored form
    ``Φ(−a) − Φ(−b)`` when the range lies above the mean)."""
    std = np.maximum(np.asarray(std, dtype=np.float64), 1e-12)
    a, b = (low - np.asarray(mean)) / std, (high - np.asarray(mean)) / std
    flip = a > 0
    upper, lower = np.where(flip, -a, b), np.where(flip, -b, a)
    log_upper, log_lower = log_ndtr(upper), log_ndtr(lower)
    with np.errstate(divide="ignore"):
        return log_upper + np.log1p(-np.exp(np.minimum(log_lower - log_upper, 0.0)))


def _log_feasibility(problem: Problem, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    total = np.zeros(len(mean))
    for column, lower, upper in problem.bounds:
        total += log_probability_in_range(mean[:, column], std[:, column], lower, upper)
    return total


class _Scorer:
    """Scores of one batch's predictive for a method (see the module docstring)."""

    def __init__(self, problem: Problem, method: str, observed: np.ndarray, kappa: float, seed: int) -> None:
        self.problem, self.method, self.kappa = problem, method, kappa
        self.rng = np.random.default_rng(seed)
        self.best = float(observed[:, 0].max()) if problem.n_objectives == 1 and len(observed) else None
        if problem.n_objectives > 1 and method in ("ehvi", "mean"):
            spread = observed.std(axis=0) if len(observed) > 1 else np.ones(problem.n_objectives)
            self.scale = np.where(spread > 0, spread, 1.0)
            front = observed[non_dominated(observed)] / self.scale if len(observed) else observed
            self.front = front
            self.reference = (reference_point(observed / self.scale) if len(observed)
                              else np.full(problem.n_objectives, -1e6))

    def optimistic(self, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
        """Per-objective optimistic utilities (n, m) at width κ."""
        columns = []
        for j, (sign, span) in enumerate(zip(self.problem.signs, self.problem.ranges, strict=True)):
            if span is None:
                columns.append(sign * mean[:, j] + self.kappa * std[:, j])
            else:
                low, high = mean[:, j] - self.kappa * std[:, j], mean[:, j] + self.kappa * std[:, j]
                columns.append(-np.maximum(np.maximum(span[0] - high, low - span[1]), 0.0))
        return np.column_stack(columns)

    def __call__(self, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return self._score(mean, var)

    def _score(self, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
        std = np.sqrt(np.maximum(var, 0.0))
        problem, method = self.problem, self.method
        if method == "random":
            return self.rng.random(len(mean))
        if method == "ucb":
            return self.optimistic(mean, std)
        if method == "mean" and problem.n_objectives == 1:
            return problem.utility_np(mean)[:, 0] - 1e6 * ~problem.feasible(mean)
        feasibility = _log_feasibility(problem, mean, std)
        if method == "range":
            low, high = problem.ranges[0]
            return log_probability_in_range(mean[:, 0], std[:, 0], low, high) + feasibility
        if method == "logei":
            if self.best is None:
                return feasibility
            sign = problem.signs[0]
            return log_expected_improvement(sign * mean[:, 0], std[:, 0], self.best) + feasibility
        points = (self.optimistic(mean, std) if method == "ehvi" else problem.utility_np(mean)) / self.scale
        gain = hypervolume_improvement(points, self.front, self.reference)
        probability = np.exp(feasibility)
        gap = domination_gap(points, self.front)
        return np.where(gain > 0, gain * probability, -gap / np.maximum(probability, 1e-12) - 1e-12)


class _RunningTop:
    """The ``size`` best rows seen so far (by one score column)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.parts: list[tuple] = []
        self.kept: tuple | None = None

    def add(self, score: np.ndarray, batch: PoolBatch, mean: np.ndarray, var: np.ndarray) -> None:
        score = np.where(np.isfinite(score), score, -np.inf)
        if len(score) > self.size:
            rows = np.argpartition(-score, self.size - 1)[: self.size]
            score, batch, mean, var = score[rows], batch.take(rows), mean[rows], var[rows]
        self.parts.append((score, batch, mean, var))
        if sum(len(p[0]) for p in self.parts) > 4 * self.size:
            self._merge()

    def threshold(self) -> float:
        """The score a new row must beat to enter (−∞ until ``size`` rows were kept)."""
        scores = np.concatenate([p[0] for p in self.parts]) if self.parts else np.empty(0)
        if len(scores) < self.size:
            return -np.inf
        return float(np.partition(scores, len(scores) - self.size)[len(scores) - self.size])

    def _merge(self) -> None:
        score = np.concatenate([p[0] for p in self.parts])
        batch = PoolBatch(*(np.concatenate([getattr(p[1], k) for p in self.parts]) for k in ("ids", "smiles",
                                                                                               "packed")))
        mean, var = np.concatenate([p[2] for p in self.parts]), np.concatenate([p[3] for p in self.parts])
        order = np.argsort(-score, kind="stable")[: self.size]
        self.parts = [(score[order], batch.take(order), mean[order], var[order])]

    def result(self) -> tuple[np.ndarray, PoolBatch, np.ndarray, np.ndarray]:
        if not self.parts:
            return np.empty(0), PoolBatch(np.empty(0, object), np.empty(0, object), np.empty((0, 256), np.uint8)), \
                np.empty((0, 0)), np.empty((0, 0))
        self._merge()
        return self.parts[0]


def _predictive(model: MultiPropertyGP, packed: np.ndarray, names: list[str], variance: bool,
                need: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Model-unit latent mean and variance (n, p) — :meth:`MultiPropertyGP.predict_model_space` in float32
    similarities (the costly part of a screen). With ``need`` (model-unit means → boolean mask) the variance is
    computed only for the rows it selects; the others get NaN (their score becomes −∞: they cannot be kept)."""
    similarity = model.basis.similarity(packed, dtype=np.float32)
    mean = model.predict_standardised(similarity, names, variance=False)[0].astype(np.float64)
    for j, name in enumerate(names):
        mean[:, j] = model.transforms[name].to_model_units(mean[:, j], mean[:, j])[0]
    var = np.zeros_like(mean) if not variance else np.full_like(mean, np.nan if need is not None else 0.0)
    if variance:
        rows = np.arange(len(mean)) if need is None else np.flatnonzero(need(mean))
        if len(rows):
            latent = model.predict_standardised(similarity[rows], names)[1].astype(np.float64)
            var[rows] = latent * np.array([model.transforms[p].scale ** 2 for p in names])
    return mean, var


def _prior_variance(model: MultiPropertyGP, names: list[str]) -> np.ndarray:
    """The largest latent variance of each property in model units, ``τ²·s·scale²`` (posterior ≤ prior)."""
    return np.array([model.hyperparameters[p].variance_scale * model.hyperparameters[p].outputscale
                     * model.transforms[p].scale ** 2 for p in names])


def _logei_pruner(problem: Problem, best: float, prior_std: np.ndarray,
                  threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    """Rows whose LogEI could still beat ``threshold`` (the running shortlist's worst score): log EI increases with
    σ and the feasibility terms are ≤ 0, so ``log EI(μ, σ_prior)`` bounds the score; rows below are never kept."""
    def need(mean: np.ndarray) -> np.ndarray:
        if not np.isfinite(threshold):
            return np.ones(len(mean), dtype=bool)
        bound = log_expected_improvement(problem.signs[0] * mean[:, 0], np.full(len(mean), prior_std[0]), best)
        return bound > threshold
    return need


def default_screen(problem: Problem) -> str:
    """``logei`` (one max/min objective), ``range`` (one target objective) or ``ehvi`` (several)."""
    if problem.n_objectives > 1:
        return "ehvi"
    return "range" if problem.ranges[0] is not None else "logei"


def screen_pool(model: MultiPropertyGP, pool: CandidatePool, problem: Problem, size: int, *,
                method: str = "auto", kappa: float = 2.0, exclude: Collection[str] = frozenset(),
                batch_size: int = 65536, seed: int = 0) -> Shortlist:
    """Score every candidate of ``pool`` not in ``exclude`` and keep the best ``size`` (see the module docstring)."""
    method = default_screen(problem) if method == "auto" else method
    if method not in SCREENS:
        raise ValueError(f"unknown screen {method!r}; choose one of ('auto', {', '.join(map(repr, SCREENS))})")
    if method == "logei" and (problem.n_objectives != 1 or problem.ranges[0] is not None):
        raise ValueError("the logei screen is for one max/min objective; use 'range' for a target objective and "
                         "'ehvi' or 'ucb' for several")
    if method == "range" and (problem.n_objectives != 1 or problem.ranges[0] is None):
        raise ValueError("the range screen is for one target objective")
    if size < 1:
        raise ValueError(f"the shortlist size must be at least 1, got {size}")
    start = time.perf_counter()
    names = list(problem.properties)
    for name in names:  # factor the posteriors once, before streaming
        model.posterior(name)
    scorer = _Scorer(problem, method, problem.observed_utility(model), kappa, seed)
    columns = problem.n_objectives if method == "ucb" else 1
    tops = [_RunningTop(max(1, math.ceil(size / columns))) for _ in range(columns)]
    screened, prior_std = 0, np.sqrt(_prior_variance(model, names))
    for batch in pool.batches(batch_size):
        if exclude:
            keep = np.fromiter((i not in exclude for i in batch.ids), dtype=bool, count=len(batch))
            batch = batch.take(keep) if not keep.all() else batch
        if len(batch) == 0:
            continue
        screened += len(batch)
        if method == "random":
            mean = var = np.zeros((len(batch), len(names)))
        else:
            need = None
            if method == "logei" and scorer.best is not None:  # LogEI grows with σ: bound it by the prior σ
                need = _logei_pruner(problem, scorer.best, prior_std, tops[0].threshold())
            mean, var = _predictive(model, batch.packed, names, method != "mean" or problem.n_objectives > 1, need)
        score = scorer(mean, var)
        if score.ndim == 2 and columns == 1:
            score = score[:, 0]
        for j, top in enumerate(tops):
            top.add(score if columns == 1 else score[:, j], batch, mean, var)
    score, batch, mean, var = _union([top.result() for top in tops], size)
    rejected = 0
    if len(batch):
        accepted = pool.accepts(list(batch.smiles))
        rejected = int((~accepted).sum())
        score, batch, mean, var = score[accepted], batch.take(accepted), mean[accepted], var[accepted]
    return Shortlist(batch, score, mean, var, method, screened, rejected, time.perf_counter() - start)


def _union(results: list[tuple], size: int) -> tuple[np.ndarray, PoolBatch, np.ndarray, np.ndarray]:
    """One list from per-objective top lists: round-robin by rank, each id once, at most ``size``."""
    if len(results) == 1:
        return results[0]
    order, seen = [], set()
    for rank in range(max(len(r[0]) for r in results)):
        for k, r in enumerate(results):
            if rank < len(r[0]) and r[1].ids[rank] not in seen:
                seen.add(r[1].ids[rank])
                order.append((k, rank))
    order = order[:size]
    score = np.array([results[k][0][rank] for k, rank in order])
    pick = [(results[k][1], results[k][2], results[k][3], rank) for k, rank in order]
    batch = PoolBatch(np.array([b.ids[r] for b, _, _, r in pick], dtype=object),
                      np.array([b.smiles[r] for b, _, _, r in pick], dtype=object),
                      np.stack([b.packed[r] for b, _, _, r in pick]))
    return score, batch, np.stack([m[r] for _, m, _, r in pick]), np.stack([v[r] for _, _, v, r in pick])
