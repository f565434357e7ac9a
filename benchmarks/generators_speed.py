"""Proposal speed of every class generator (sampling only: no validation, canonicalisation or classification).

Reports the time to build all generators (what a library-build worker pays once) and proposals per second, per class
and overall, for the language models and the rule generators, on one core.

Usage: .venv/bin/python benchmarks/generators_speed.py [--n 20000] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.generators.registry import class_generators


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000, help="proposals per class and generator")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    tic = time.perf_counter()
    generators = class_generators()
    figures: dict = {"build_all_generators_s": round(time.perf_counter() - tic, 3), "n_per_class": args.n,
                     "per_class": {}}
    rng = np.random.default_rng(args.seed)
    totals = {"model": [0, 0.0], "rules": [0, 0.0]}
    for name, found in generators.items():
        row = {}
        for generator in found:
            kind = "rules" if generator.name.startswith("rules:") else "model"
            tic = time.perf_counter()
            count = len(generator.propose(args.n, rng))
            elapsed = time.perf_counter() - tic
            row[kind] = round(count / elapsed)
            totals[kind][0] += count
            totals[kind][1] += elapsed
        figures["per_class"][name] = row
        print(f"{name:16s} " + "  ".join(f"{k} {v}/s" for k, v in row.items()), flush=True)
    figures["model_proposals_per_s"] = round(totals["model"][0] / totals["model"][1])
    figures["rule_proposals_per_s"] = round(totals["rules"][0] / totals["rules"][1])
    figures["model_seconds_for_1778039"] = round(1778039 / figures["model_proposals_per_s"], 1)
    report("generators_speed", figures, hide=("per_class",))


if __name__ == "__main__":
    main()
