"""Benchmark: build the candidate library with the project's generators, and the cost of each stage per unit.

    .venv/bin/python benchmarks/build_library.py                       # the full build: 1,778,039 units, 2 workers
    .venv/bin/python benchmarks/build_library.py --size 42000 --stats  # a smaller build, with its figures

Prints the figures and writes them to benchmarks/results/build_library.json: the load average before the run,
wall-clock and CPU time, peak resident memory of the whole process tree (sampled every 0.2 s), candidates per
second, the build's raw counters, and the CPU cost per proposal of each stage (generate, parse, canonicalise,
classify, fingerprint) measured on a sample of proposals from every class. ``--stats`` adds the library's figures
(`polyloop library stats`), per class.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.commands.library import registry_generators, training_corpora
from polyloop.library.build import build_library
from polyloop.library.canonical import canonical_form
from polyloop.library.classes import classify
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.fingerprints import flank_copies, morgan_bits
from polyloop.library.oligomer import capped_chain
from polyloop.library.parsing import parse_repeat_unit, quiet_rdkit
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.library.stats import library_stats


class PeakMemory:
    """Samples the resident memory of this process and all its descendants; ``peak`` is the largest sum seen."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self._root = psutil.Process()
        self._every = every
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for process in [self._root, *self._root.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except Exception:  # a worker that ended between listing and reading
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self._every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def stage_costs(per_class: int = 100, seed: int = 0) -> dict[str, float]:
    """CPU milliseconds per proposal of each stage, on ``per_class`` proposals of every class's generators: generate,
    parse, canonicalise (which hands on the canonical molecule), classify (capped trimer and SMARTS), fingerprint."""
    rng = np.random.default_rng(seed)
    proposals = []
    generators = registry_generators(list(_all_classes()))
    t0 = time.process_time()
    for class_generators in generators.values():
        for generator in class_generators:
            proposals += [p.smiles for p in generator.propose(per_class // len(class_generators), rng)]
    clock = {"generate": time.process_time() - t0, "parse": 0.0, "canonicalise": 0.0, "classify": 0.0,
             "fingerprint": 0.0}
    with quiet_rdkit():
        for smiles in proposals:
            t0 = time.process_time()
            try:
                mol = parse_repeat_unit(smiles)
            except InvalidRepeatUnit:
                continue
            t1 = time.process_time()
            unit = RepeatUnit.from_canonical(*canonical_form(mol))
            t2 = time.process_time()
            trimer = capped_chain(unit.mol, 3)
            classify(unit, trimer)
            t3 = time.process_time()
            flank = flank_copies(unit, 2)
            morgan_bits(unit, chain=trimer if flank == 1 else capped_chain(unit.mol, 2 * flank + 1))
            t4 = time.process_time()
            for key, dt in zip(("parse", "canonicalise", "classify", "fingerprint"), (t1 - t0, t2 - t1, t3 - t2,
                                                                                      t4 - t3)):
                clock[key] += dt
    return {f"{k}_ms": round(v / len(proposals) * 1e3, 4) for k, v in clock.items()} | {"n_proposals": len(proposals)}


def _all_classes() -> list[str]:
    from polyloop.library.classes import polymer_classes

    return [c.name for c in polymer_classes()]


def main() -> dict:
    """Run the benchmark and return its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_778_039)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="library directory (default: a temporary one)")
    parser.add_argument("--stats", action="store_true", help="also compute the library's figures")
    parser.add_argument("--keep", action="store_true", help="keep the library (default: delete a temporary one)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="polyloop-build-")) / "library"
    load_before = os.getloadavg()
    costs = stage_costs()
    cpu_start = time.process_time()
    children_start = os.times().children_user + os.times().children_system
    start = time.perf_counter()
    with PeakMemory() as memory:
        manifest = build_library(out, args.size, registry_generators, seed=args.seed, workers=args.workers)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start + os.times().children_user + os.times().children_system - children_start
    totals = {k: sum(c[k] for c in manifest["counters"].values()) for k in next(iter(manifest["counters"].values()))}
    figures = {
        "size": args.size,
        "workers": args.workers,
        "load_average_before": [round(x, 2) for x in load_before],
        "n_candidates": manifest["n_candidates"],
        "n_classes": sum(1 for c in manifest["counters"].values() if c["kept"] > 0),
        "smallest_class_fraction": round(min(c["kept"] for c in manifest["counters"].values())
                                         / manifest["n_candidates"], 4),
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "cpu_ms_per_candidate": round(cpu / manifest["n_candidates"] * 1e3, 3),
        "candidates_per_second": round(manifest["n_candidates"] / wall, 1),
        "peak_memory_gb": round(memory.peak / 1e9, 3),
        "stage_cpu_ms_per_proposal": costs,
        "raw_validity": round(totals["valid"] / totals["proposals"], 5),
        "raw_class_fidelity": round(totals["class_consistent"] / totals["valid"], 5),
        "yield": round(totals["new_unique"] / totals["proposals"], 5),
        "exhausted": manifest["exhausted"],
        "counters": manifest["counters"],
    }
    if args.stats:
        corpora, source = training_corpora()
        figures["stats"] = library_stats(out, corpora) | {"corpora": source}
    report("build_library", figures, hide=("counters", "stats"))
    if args.out is None and not args.keep:
        shutil.rmtree(out.parent)
    return figures


if __name__ == "__main__":
    main()
