"""Benchmark: full screen of a 1.78 M-candidate library with a 15-property GP fitted on PI1070.

The library is synthetic (surrogate.synthetic: perturbed PI1070 fingerprints, in the on-disk library format) and is
written once to benchmarks/results/synthetic_library_1780000 by a child process, so the peak RSS reported is that
of the screen alone. Screens with variance for 1 property (the CLI default) and for 4. Reports wall and CPU
seconds: on the shared machine the wall time depends on the other engineers' load. Usage:
``python surrogate_screen.py [threads] [screens]``. Prints the figures and writes
benchmarks/results/surrogate_screen.json.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

import torch
from _report import report  # benchmarks/ is on sys.path when a script runs
from threadpoolctl import threadpool_limits

from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.multi import MultiPropertyGP
from polyloop.surrogate.screen import screen
from polyloop.surrogate.synthetic import write_synthetic_library

N_CANDIDATES = 1_780_000
SCREENS = (["density"], ["density", "refractive_index", "cp", "thermal_conductivity"])
LIBRARY = Path(__file__).parent / "results" / f"synthetic_library_{N_CANDIDATES}"


def main(threads: int = 2, screens: int = 2) -> dict:
    """Run the benchmark and return its figures."""
    if not (LIBRARY / "library.json").is_file():
        start = time.perf_counter()
        child = multiprocessing.Process(target=write_synthetic_library, args=(LIBRARY, N_CANDIDATES))
        child.start()
        child.join()
        print(f"wrote the synthetic library in {time.perf_counter() - start:.0f} s")
    torch.set_num_threads(threads)
    figures = {"threads": threads, "load_average_1min": round(os.getloadavg()[0], 2)}
    with threadpool_limits(limits=threads):
        model = MultiPropertyGP.fit(load_pi1070_data())
        for names in SCREENS[:screens]:
            cpu = time.process_time()
            result = screen(LIBRARY, model, names, top=100, batch_size=32768, progress=False)
            key = f"{len(names)}_property" + ("" if len(names) == 1 else "_variances")
            figures[f"seconds_{key}"] = round(result.seconds, 1)
            figures[f"cpu_seconds_{key}"] = round(time.process_time() - cpu, 1)
            figures[f"candidates_per_second_{key}"] = round(result.n_candidates / result.seconds)
        figures["n_candidates"] = result.n_candidates
        figures["basis"] = len(model.basis)
    figures["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 3)
    figures["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    report("surrogate_screen", figures)
    return figures


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
