"""Batch selection on a shortlist: BoTorch acquisition functions, Thompson sampling, and the replay baselines.

The surrogate's BoTorch model of the problem's properties (:meth:`MultiPropertyGP.botorch_model`, outputs in
modelling units) is evaluated on the shortlist through :mod:`~polyloop.design.indexed`: a precomputed Tanimoto
table and the joint posterior over training ∪ shortlist ∪ pending computed once (the same posterior, gathered
instead of re-solved per t-batch). Methods:

- ``qlognei`` (one objective): ``qLogNoisyExpectedImprovement`` with the training points as ``X_baseline``, the
  objective ``u(y)`` (negated for a minimised property, minus the distance to the range for a target) as a
  ``GenericMCObjective`` and outcome constraints as BoTorch constraint callables (``≤ 0`` where satisfied);
- ``qlognehvi`` (2–4 objectives): ``qLogNoisyExpectedHypervolumeImprovement`` on the utilities
  (``GenericMCMultiOutputObjective``), reference point just below the worst observed feasible utility of each
  objective (10 % of its range);

both chosen by ``optimize_acqf_discrete`` — sequential greedy: the ``k``-th pick maximises the acquisition with the
``k − 1`` earlier picks and the campaign's pending candidates as ``X_pending``, so the batch is pending-aware.

- ``thompson``: one joint posterior sample over the shortlist per batch slot (so a slot's choice sees the
  correlations between candidates); slot ``k`` takes the best unused candidate of sample ``k`` (several objectives:
  a random augmented Chebyshev scalarisation of the sampled utilities per slot; samples violating a constraint
  rank last). Pending candidates enter only through exclusion: cheap, for large batches.
- ``greedy``: best predicted mean (several objectives: sequentially the largest hypervolume improvement of the mean
  utility point over the observed front plus earlier picks).
- ``random``: the shortlist order of the ``random`` screen (uniform over the pool).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from botorch.acquisition.logei import qLogNoisyExpectedImprovement
from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
from botorch.acquisition.multi_objective.objective import GenericMCMultiOutputObjective
from botorch.acquisition.objective import GenericMCObjective
from botorch.models import ModelListGP, SingleTaskGP
from botorch.optim.optimize import optimize_acqf_discrete
from botorch.sampling import SobolQMCNormalSampler
from gpytorch.distributions import MultivariateNormal

from polyloop.design.indexed import FixedSetModel, IndexedSet, indexed_model
from polyloop.design.pareto import domination_gap, hypervolume_improvement, non_dominated, reference_point
from polyloop.design.problem import Problem
from polyloop.design.screening import Shortlist
from polyloop.surrogate.multi import MultiPropertyGP

__all__ = ["BATCH_METHODS", "Pick", "select_batch"]

BATCH_METHODS = ("qlognei", "qlognehvi", "thompson", "greedy", "random")


@dataclass(frozen=True)
class Pick:
    """A chosen shortlist row, its acquisition value and the name of the method that chose it."""

    row: int
    value: float
    method: str


def select_batch(model: MultiPropertyGP, problem: Problem, shortlist: Shortlist, q: int, *, method: str,
                 pending: np.ndarray | None = None, mc_samples: int = 128, seed: int = 0,
                 max_batch_size: int = 512) -> list[Pick]:
    """Choose ``min(q, len(shortlist))`` distinct shortlist rows by ``method`` (see the module docstring)."""
    if method not in BATCH_METHODS:
        raise ValueError(f"unknown batch method {method!r}; choose one of {BATCH_METHODS}")
    if method == "qlognei" and problem.n_objectives != 1:
        raise ValueError(f"qlognei is for one objective, the problem has {problem.n_objectives}; use qlognehvi")
    if method == "qlognehvi" and problem.n_objectives < 2:
        raise ValueError("qlognehvi is for 2-4 objectives; use qlognei for one")
    q = min(q, len(shortlist))
    if q <= 0:
        return []
    if method == "random":
        return [Pick(k, float(shortlist.score[k]), method) for k in range(q)]
    if method == "greedy":
        return _greedy(model, problem, shortlist, q)
    if method == "thompson":
        return _thompson(model, problem, shortlist, q, seed)
    return _botorch(model, problem, shortlist, q, method, pending, mc_samples, seed, max_batch_size)


def _indexed(model: MultiPropertyGP, problem: Problem, shortlist: Shortlist,
             pending: np.ndarray | None) -> tuple[SingleTaskGP | ModelListGP, IndexedSet]:
    """The BoTorch model of the problem's properties on indices of training ∪ shortlist ∪ pending."""
    points = IndexedSet.build(model.data.packed, shortlist.batch.packed, pending, model.data.spec.n_bits)
    names = list(problem.properties)
    labelled = [np.flatnonzero(np.isfinite(model.data.targets[:, model.properties.index(p)])) for p in names]
    return indexed_model(model.botorch_model(names), labelled, points), points


def _botorch(model: MultiPropertyGP, problem: Problem, shortlist: Shortlist, q: int, method: str,
             pending: np.ndarray | None, mc_samples: int, seed: int, max_batch_size: int) -> list[Pick]:
    """The BoTorch batch, deterministic under ``seed``: the QMC sampler is seeded, and so is torch's global
    generator (inside a fork, so the caller's stream is untouched) for BoTorch's unseeded draws such as the
    pruning of the baseline points."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return _botorch_batch(model, problem, shortlist, q, method, pending, mc_samples, seed, max_batch_size)


def _botorch_batch(model: MultiPropertyGP, problem: Problem, shortlist: Shortlist, q: int, method: str,
                   pending: np.ndarray | None, mc_samples: int, seed: int, max_batch_size: int) -> list[Pick]:
    surrogate, points = _indexed(model, problem, shortlist, pending)
    surrogate = FixedSetModel.of(surrogate, points)
    sampler = SobolQMCNormalSampler(torch.Size([mc_samples]), seed=seed)
    constraints = problem.constraint_callables() or None
    x_pending = points.indices("pending") if pending is not None and len(pending) else None
    values = problem.observed(model)[:, : problem.n_objectives]
    baseline = points.indices("train", np.flatnonzero(np.isfinite(values).all(axis=1)))
    if method == "qlognei":
        acquisition = qLogNoisyExpectedImprovement(
            surrogate, baseline, sampler=sampler, X_pending=x_pending, constraints=constraints,
            objective=GenericMCObjective(lambda samples, X=None: problem.utility(samples)[..., 0]))
    else:
        observed = problem.observed_utility(model)
        if len(observed) == 0:  # nothing feasible yet: the reference point from every labelled point
            observed = problem.utility_np(values)
            observed = observed[np.isfinite(observed).all(axis=1)]
        acquisition = qLogNoisyExpectedHypervolumeImprovement(
            surrogate, torch.as_tensor(reference_point(observed), dtype=torch.float64), baseline,
            sampler=sampler, X_pending=x_pending, constraints=constraints, prune_baseline=True,
            objective=GenericMCMultiOutputObjective(lambda samples, X=None: problem.utility(samples)))
    chosen, acquired = optimize_acqf_discrete(acquisition, q, points.indices("shortlist"),
                                              max_batch_size=max_batch_size, unique=True)
    rows = chosen[..., 0].long().numpy() - points.n_train
    return [Pick(int(r), float(v), method) for r, v in zip(rows, acquired.reshape(-1).tolist(), strict=True)]


def _greedy(model: MultiPropertyGP, problem: Problem, shortlist: Shortlist, q: int) -> list[Pick]:
    utility = problem.utility_np(shortlist.mean)
    feasible = problem.feasible(shortlist.mean)
    if problem.n_objectives == 1:
        score = utility[:, 0] - 1e6 * ~feasible
        order = np.argsort(-score, kind="stable")[:q]
        return [Pick(int(k), float(score[k]), "greedy") for k in order]
    observed = problem.observed_utility(model)
    scale = observed.std(axis=0) if len(observed) > 1 else np.ones(problem.n_objectives)
    scale = np.where(scale > 0, scale, 1.0)
    points = utility / scale
    front = observed[non_dominated(observed)] / scale if len(observed) else np.empty((0, problem.n_objectives))
    reference = reference_point(np.vstack([front, points]))
    picks, used = [], np.zeros(len(points), dtype=bool)
    for _ in range(q):
        gain = hypervolume_improvement(points, front, reference)
        score = np.where(gain > 0, gain, -domination_gap(points, front) - 1e-12) - 1e6 * (used | ~feasible)
        k = int(np.argmax(score))
        picks.append(Pick(k, float(score[k]), "greedy"))
        used[k] = True
        front = np.vstack([front, points[k]])
    return picks


def _thompson(model: MultiPropertyGP, problem: Problem, shortlist: Shortlist, q: int, seed: int) -> list[Pick]:
    surrogate, points = _indexed(model, problem, shortlist, None)
    members = surrogate.models if isinstance(surrogate, ModelListGP) else [surrogate]
    generator = torch.Generator().manual_seed(seed)
    x = points.indices("shortlist")
    with torch.no_grad():
        samples = torch.stack([_joint_samples(member.posterior(x).mvn, q, generator) for member in members],
                              dim=-1)                                   # (q, n, p)
    utility = problem.utility(samples).numpy()                          # (q, n, m)
    violation = sum((c(samples) > 0).numpy() for c in problem.constraint_callables()) if problem.bounds else 0
    rng = np.random.default_rng(seed)
    observed = problem.observed_utility(model)
    low = observed.min(axis=0) if len(observed) else utility.reshape(-1, problem.n_objectives).min(axis=0)
    spread = np.ptp(observed, axis=0) if len(observed) > 1 else np.ones(problem.n_objectives)
    spread = np.where(spread > 0, spread, 1.0)
    picks, used = [], np.zeros(len(shortlist), dtype=bool)
    for slot in range(q):
        if problem.n_objectives == 1:
            score = utility[slot, :, 0]
        else:
            weights = rng.dirichlet(np.ones(problem.n_objectives))
            scaled = (utility[slot] - low) / spread
            score = (weights * scaled).min(axis=1) + 0.05 * (weights * scaled).sum(axis=1)
        score = score - 1e6 * np.asarray(violation if np.isscalar(violation) else violation[slot]) - 1e9 * used
        k = int(np.argmax(score))
        picks.append(Pick(k, float(score[k]), "thompson"))
        used[k] = True
    return picks


def _joint_samples(mvn: MultivariateNormal, count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` joint samples (count, n) of one output's posterior over n points (jitter grows until the
    Cholesky factor exists)."""
    mean, matrix = mvn.mean.reshape(-1), mvn.covariance_matrix.reshape(len(mvn.mean.reshape(-1)), -1)
    n = len(mean)
    jitter = 1e-8 * float(matrix.diagonal().mean().clamp(min=1e-12))
    for _ in range(8):
        factor, info = torch.linalg.cholesky_ex(matrix + jitter * torch.eye(n, dtype=matrix.dtype))
        if int(info) == 0:
            break
        jitter *= 10
    return mean + torch.randn(count, n, generator=generator, dtype=matrix.dtype) @ factor.T
