"""Benchmark: ``choose_batch(q=10)`` over a 1.78 M-candidate library with 2,000 labels (issue 7: ≤ 2 min on 2 cores).

Library: the synthetic 1.78 M library of ``surrogate_screen.py`` (perturbed PI1070 fingerprints in the on-disk library
format; written on first use). Labels: the 1,070 PI1070 thermal conductivities plus 930 library candidates labelled
synthetically with their parent polymer's value times (1 + 5 % Gaussian noise) — 2,000 labels in all. Two models
of the same labels: the exact GP (batch step, on the shortlist) and a landmark (SGPR, 1,000 landmarks) model for the
full-pool screen. Timed: the two fits and ``choose_batch`` (screen by LogEI → shortlist 2,000 → qLogNEI with 5
pending candidates), then the screen alone for a breakdown. Reports wall and CPU seconds and the load average (the
machine is shared). Usage:
``python campaign_suggest.py [threads]``; writes benchmarks/results/campaign_suggest.json.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _report import report  # benchmarks/ is on sys.path when a script runs
from threadpoolctl import threadpool_limits

from polyloop.design.acquisition import AcquisitionSettings, choose_batch
from polyloop.design.objectives import Objective
from polyloop.design.pool import LibraryPool
from polyloop.design.problem import Problem
from polyloop.design.screening import screen_pool
from polyloop.library.store import iter_batches
from polyloop.surrogate.data import TrainingData, load_pi1070_data
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP
from polyloop.surrogate.synthetic import write_synthetic_library

N_CANDIDATES = 1_780_000
N_LABELS = 2000
LIBRARY = Path(__file__).parent / "results" / f"synthetic_library_{N_CANDIDATES}"


def labels() -> tuple[TrainingData, set[str]]:
    """PI1070 thermal conductivities + synthetic labels of library candidates: 2,000 labelled polymers, and the
    library ids among them (excluded from the choice)."""
    base = load_pi1070_data(["thermal_conductivity"])
    base = base.subset(np.isfinite(base.targets[:, 0]))
    parents = load_pi1070_data(["thermal_conductivity"]).targets[:, 0]
    extra = N_LABELS - len(base)
    batch = next(iter_batches(LIBRARY, ["id", "smiles", "parents", "fingerprint"], batch_size=4 * extra))
    rng = np.random.default_rng(0)
    parent = np.array([int(p.split(":")[1]) for p in batch.column("parents").to_pylist()])
    usable = np.flatnonzero(np.isfinite(parents[parent]))[:extra]
    width = base.packed.shape[1]
    raw = np.frombuffer(batch.column("fingerprint").buffers()[1], dtype=np.uint8)
    raw = raw[batch.column("fingerprint").offset * width:].reshape(-1, width)[: len(batch)]
    values = parents[parent[usable]] * (1 + 0.05 * rng.standard_normal(len(usable)))
    smiles = batch.column("smiles").to_pylist()
    data = TrainingData(np.vstack([base.packed, raw[usable]]), np.concatenate([base.targets[:, 0], values])[:, None],
                        ("thermal_conductivity",), base.smiles + tuple(smiles[i] for i in usable), base.spec)
    return data, {batch.column("id")[int(i)].as_py() for i in usable}


def _timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


def main(threads: int = 2) -> dict:
    """Run the benchmark and return its figures."""
    if not (LIBRARY / "library.json").is_file():
        child = multiprocessing.Process(target=write_synthetic_library, args=(LIBRARY, N_CANDIDATES))
        child.start()
        child.join()
    torch.set_num_threads(threads)
    warnings.filterwarnings("ignore")  # gpytorch's jitter and small-noise notices
    figures: dict = {"threads": threads, "load_average_1min_before": os.getloadavg()[0]}
    with threadpool_limits(threads):
        data, library_ids = labels()
        figures["n_labels"] = len(data)
        exact, figures["fit_exact_s"], figures["fit_exact_cpu_s"] = _timed(
            MultiPropertyGP.fit, data, GPSettings(exact_max=5000))
        landmarks, figures["fit_landmarks_s"], figures["fit_landmarks_cpu_s"] = _timed(
            MultiPropertyGP.fit, data, GPSettings(exact_max=1000, n_landmarks=1000))
        pool = LibraryPool(LIBRARY)
        figures["n_candidates"] = len(pool)
        pending = next(iter_batches(LIBRARY, ["fingerprint"], batch_size=5)).column("fingerprint")
        pending = np.frombuffer(pending.buffers()[1], dtype=np.uint8)[: 5 * 256].reshape(5, 256)
        objectives = [Objective.parse("thermal_conductivity:max")]
        choices, figures["choose_batch_s"], figures["choose_batch_cpu_s"] = _timed(
            choose_batch, exact, pool, objectives, [], 10, pending=pending, exclude=library_ids,
            settings=AcquisitionSettings(shortlist=2000), screen_model=landmarks)
        problem = Problem.build(exact, objectives)  # the screen alone, for the breakdown
        shortlist, figures["screen_only_s"], figures["screen_only_cpu_s"] = _timed(
            screen_pool, landmarks, pool, problem, 2000, exclude=library_ids)
        figures["screened"], figures["shortlist"] = shortlist.n_screened, len(shortlist)
    figures["total_s"] = round(figures["fit_exact_s"] + figures["fit_landmarks_s"] + figures["choose_batch_s"], 2)
    figures["total_cpu_s"] = round(figures["fit_exact_cpu_s"] + figures["fit_landmarks_cpu_s"]
                                   + figures["choose_batch_cpu_s"], 2)
    figures["load_average_1min_after"] = os.getloadavg()[0]
    figures["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 3)
    figures["chosen"] = [{"id": c.id, "acquisition": round(c.acquisition, 4), "reason": c.reason} for c in choices]
    report("campaign_suggest", figures, hide=("chosen",))
    return figures


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
