"""Benchmark: PI1070 5-fold cross-validation of the GP (calibrated and not) and the random-forest baseline.

Properties: density, refractive index, Cp, thermal conductivity, bulk modulus. Prints the figures and writes
benchmarks/results/surrogate_cv.json (r2, mae, coverage_1sigma, coverage_2sigma, msll, n per model and property).
"""

from __future__ import annotations

import time

import torch
from _report import report  # benchmarks/ is on sys.path when a script runs
from threadpoolctl import threadpool_limits

from polyloop.surrogate.baselines import RandomForestSurrogate
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP
from polyloop.surrogate.validation import cross_validate

PROPERTIES = ["density", "refractive_index", "cp", "thermal_conductivity", "bulk_modulus"]


def main() -> dict:
    """Run the benchmark and return its figures."""
    torch.set_num_threads(1)
    data = load_pi1070_data(PROPERTIES)
    models = {
        "gp": lambda d: MultiPropertyGP.fit(d),
        "gp_uncalibrated": lambda d: MultiPropertyGP.fit(d, GPSettings(calibrate=False)),
        "rf": lambda d: RandomForestSurrogate.fit(d, n_jobs=1),
    }
    figures = {}
    with threadpool_limits(limits=1):
        for name, fit in models.items():
            start = time.perf_counter()
            scores = cross_validate(data, fit, folds=5, seed=0)
            figures[f"{name}_seconds"] = round(time.perf_counter() - start, 1)
            for prop, s in scores.items():
                figures[f"{name}/{prop}"] = {k: round(v, 4) if isinstance(v, float) else v
                                             for k, v in s.as_dict().items()}
    report("surrogate_cv", figures)
    return figures


if __name__ == "__main__":
    main()
