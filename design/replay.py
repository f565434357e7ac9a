"""Replay benchmark: run campaigns against a labelled dataset as the oracle and compare strategies with random search.

The oracle is a dataset's labels (PI1070 by default, or a CSV in the surrogate's format): the pool is every polymer
with all objective (and constraint) labels, and "evaluating" a candidate reveals its label. Each seed draws ``init``
random polymers (the same ones for every strategy), then runs ``rounds`` rounds of ``batch``: refit the surrogate
(:class:`MultiPropertyGP`) on what was evaluated, choose a batch with :func:`choose_batch`, reveal its labels.
Strategies: ``gp`` (``method="auto"``: qLogNEI / qLogNEHVI on the screened shortlist), ``thompson``, ``greedy``
(best predicted mean) and ``random`` (uniform draws from the unevaluated pool, no model). Metrics are in
:mod:`~polyloop.design.replay_metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch

from polyloop.design.acquisition import AcquisitionSettings, choose_batch
from polyloop.design.objectives import Objective, ObjectiveError, OutcomeConstraint
from polyloop.design.pareto import reference_point
from polyloop.design.pool import InMemoryPool
from polyloop.design.replay_metrics import hv_fraction_curve, summarise, top_k_rows, topk_curve
from polyloop.surrogate.data import TrainingData, load_dataset
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP

__all__ = ["STRATEGIES", "Oracle", "ReplaySettings", "load_oracle", "replay", "run_strategy"]

STRATEGIES = {"gp": "auto", "thompson": "thompson", "greedy": "greedy", "random": "random"}


@dataclass(frozen=True)
class ReplaySettings:
    """Surrogate and acquisition settings of the replayed campaigns and the fraction of the pool counted as its top
    (one objective).

    The surrogate is the exact GP without variance calibration: the leave-one-out calibration τ² is estimated from
    the 10–110 labels of a campaign, which is noisy, and on PI1070 it shrank σ² to about 0.4× — too little
    exploration (one seed of the thermal-conductivity replay then stayed in one chemistry and found 1 of the
    top 11). The shortlist (500 of ~1,070) and MC samples (64) are below a campaign's defaults (2,000 and 128) to
    keep 30 seeds affordable; a shortlist of 200 lost top polymers on some seeds."""

    surrogate: GPSettings = field(default_factory=lambda: GPSettings(exact_max=5000, calibrate=False))
    acquisition: AcquisitionSettings = field(default_factory=lambda: AcquisitionSettings(shortlist=500,
                                                                                         mc_samples=64))
    top_fraction: float = 0.01


@dataclass(frozen=True)
class Oracle:
    """The labelled pool: ``data`` (labels of the problem's properties, original units), ``pool`` (same rows, ids
    and fingerprints), per-row ``utility`` (n, m) and ``feasible`` mask."""

    data: TrainingData
    pool: InMemoryPool
    utility: np.ndarray
    feasible: np.ndarray


def load_oracle(dataset: str, objectives: Sequence[Objective], constraints: Sequence[OutcomeConstraint] = ()) -> Oracle:
    """The rows of ``dataset`` (``"pi1070"`` or a CSV path) with every objective and constraint label."""
    names = list(dict.fromkeys([o.property for o in objectives] + [c.property for c in constraints]))
    data = load_dataset(dataset, names)
    rows = np.isfinite(data.targets).all(axis=1)
    if rows.sum() < 2:
        raise ObjectiveError(f"{dataset} has {int(rows.sum())} polymers labelled with all of {names}")
    data = data.subset(rows)
    if dataset.lower() == "pi1070":
        base = InMemoryPool.from_dataset("pi1070")
        lookup = {s: i for s, i in zip(base.smiles, base.ids, strict=True)}
        ids = [lookup[s] for s in data.smiles]
    else:
        ids = [str(i) for i in np.flatnonzero(rows)]
    pool = InMemoryPool(ids, data.smiles, data.packed)
    utility = np.column_stack([o.utility(data.targets[:, names.index(o.property)]) for o in objectives])
    feasible = np.ones(len(data), dtype=bool)
    for c in constraints:
        feasible &= c.satisfied(data.targets[:, names.index(c.property)])
    return Oracle(data, pool, utility, feasible)


def run_strategy(oracle: Oracle, objectives: Sequence[Objective], constraints: Sequence[OutcomeConstraint],
                 strategy: str, initial: np.ndarray, batch: int, rounds: int, seed: int,
                 settings: ReplaySettings = ReplaySettings()) -> np.ndarray:
    """The rows evaluated by one campaign of ``strategy``, in order (``initial`` first)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {sorted(STRATEGIES)}")
    rng = np.random.default_rng([seed, 7])
    order = list(initial)
    acquisition = replace(settings.acquisition, method=STRATEGIES[strategy])
    for round_ in range(rounds):
        seen = np.zeros(len(oracle.data), dtype=bool)
        seen[order] = True
        if strategy == "random":
            order.extend(rng.choice(np.flatnonzero(~seen), min(batch, int((~seen).sum())), replace=False))
            continue
        model = MultiPropertyGP.fit(oracle.data.subset(np.array(order)), settings.surrogate)
        exclude = set(oracle.pool.ids[order])
        choices = choose_batch(model, oracle.pool, objectives, constraints, batch, exclude=exclude,
                               settings=acquisition, seed=seed * 1000 + round_)
        order.extend(oracle.pool.index[c.id] for c in choices)
    return np.array(order)


def replay(dataset: str, objectives: Sequence[Objective], init: int = 10, batch: int = 10, rounds: int = 10,
           seeds: int = 30, strategies: Sequence[str] = ("gp", "random", "greedy"), *,
           constraints: Sequence[OutcomeConstraint] = (), settings: ReplaySettings = ReplaySettings(),
           progress: Callable[[str], None] | None = None) -> dict:
    """Replay ``seeds`` campaigns per strategy on ``dataset``; the JSON-ready summary (keys of the CLI contract:
    ``{"strategy": {name: {"topk_found_median", "hv_fraction_median", "enhancement_factor", "wall_s", ...}}}``)."""
    if init < 2 or batch < 1 or rounds < 1 or seeds < 1:
        raise ValueError(f"need init >= 2, batch >= 1, rounds >= 1, seeds >= 1; got {init}, {batch}, {rounds}, "
                         f"{seeds}")
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise ValueError(f"unknown strategies {unknown}; choose from {sorted(STRATEGIES)}")
    oracle = load_oracle(dataset, objectives, constraints)
    n = len(oracle.data)
    if init + batch * rounds > n:
        raise ValueError(f"the budget {init + batch * rounds} exceeds the {n} labelled polymers of {dataset}")
    several = len(objectives) > 1
    top = top_k_rows(oracle.utility, oracle.feasible, settings.top_fraction)
    reference = reference_point(oracle.utility[oracle.feasible], margin=0.0)
    evaluations = [init + batch * r for r in range(rounds + 1)]
    found = {s: np.zeros((seeds, rounds + 1)) for s in strategies}
    hv = {s: np.zeros((seeds, rounds + 1)) for s in strategies}
    wall = dict.fromkeys(strategies, 0.0)
    for seed in range(seeds):
        initial = np.random.default_rng([seed, 1]).choice(n, init, replace=False)
        for strategy in strategies:
            start = time.perf_counter()
            order = run_strategy(oracle, objectives, constraints, strategy, initial, batch, rounds, seed, settings)
            wall[strategy] += time.perf_counter() - start
            found[strategy][seed] = topk_curve(order, top, evaluations)
            hv[strategy][seed] = hv_fraction_curve(order, oracle.utility, oracle.feasible, reference, evaluations)
            if progress is not None:
                progress(f"seed {seed + 1}/{seeds} {strategy}: top-k found {int(found[strategy][seed, -1])}/"
                         f"{len(top)}, hv fraction {hv[strategy][seed, -1]:.3f}")
    return {
        "dataset": dataset,
        "objectives": [str(o) for o in objectives],
        "constraints": [str(c) for c in constraints],
        "n_pool": n,
        "init": init, "batch": batch, "rounds": rounds, "seeds": seeds,
        "evaluations": evaluations,
        "top_k": len(top),
        "top_k_definition": ("Pareto front of the pool" if several
                             else f"best {settings.top_fraction:.0%} of the pool (ceil)"),
        "reference_point": reference.tolist(),
        "threads": torch.get_num_threads(),
        "settings": {"surrogate": asdict(settings.surrogate), "acquisition": asdict(settings.acquisition)},
        "strategy": summarise(found, hv, wall, len(top), n, evaluations, several),
    }
