"""Benchmark: fit time of a 15-property GP at n = 1,000 (exact) and n = 10,000 (landmarks).

Labels for n polymers: perturbed PI1070 fingerprints (surrogate.synthetic) labelled by a GP fitted on PI1070 plus
noise, with 5 % of each property's labels removed at random. Prints the figures and writes
benchmarks/results/surrogate_fit.json. One BLAS/torch thread (fastest on the shared 2-core machine).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import torch
from _report import report  # benchmarks/ is on sys.path when a script runs
from threadpoolctl import threadpool_limits

from polyloop.surrogate.data import TrainingData, load_pi1070_data
from polyloop.surrogate.multi import MultiPropertyGP
from polyloop.surrogate.screen import iter_library
from polyloop.surrogate.synthetic import write_synthetic_library


def synthetic_labels(n: int, seed: int = 0) -> TrainingData:
    """``n`` perturbed PI1070 polymers with 15 synthetic properties (5 % missing each)."""
    pi1070 = load_pi1070_data()
    with TemporaryDirectory() as directory:
        write_synthetic_library(Path(directory), n, seed=seed, chunk=n)
        packed = np.vstack([p for _, p in iter_library(directory, batch_size=n)])
    mean, variance = MultiPropertyGP.fit(pi1070).predict(packed)
    rng = np.random.default_rng(seed)
    targets = mean * (1 + 0.02 * rng.standard_normal(mean.shape))
    targets[rng.random(targets.shape) < 0.05] = np.nan
    return TrainingData(packed, targets, pi1070.properties, tuple(f"SYN{i}" for i in range(n)), pi1070.spec)


def main() -> dict:
    """Run the benchmark and return its figures."""
    torch.set_num_threads(1)
    figures = {"cpu_cores": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2)}
    with threadpool_limits(limits=1):
        for n in (1000, 10000):
            data = synthetic_labels(n)
            start = time.perf_counter()
            model = MultiPropertyGP.fit(data)
            figures[f"fit_seconds_n{n}"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            model.predict(data.packed[:100])
            figures[f"posterior_seconds_n{n}"] = round(time.perf_counter() - start, 2)
            figures[f"mode_n{n}"] = model.mode
            figures[f"basis_n{n}"] = len(model.basis)
    figures["properties"] = 15
    report("surrogate_fit", figures)
    return figures


if __name__ == "__main__":
    main()
