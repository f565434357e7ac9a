"""Benchmark: canonicalise, classify and fingerprint the 1,077 PI1070 repeat units.

Prints the figures and writes them to benchmarks/results/canonicalize_pi1070.json:
time to canonicalise all units, duplicates found, class agreement with the reference, time to fingerprint.
"""

from __future__ import annotations

import time

from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.library.classes import classify
from polyloop.library.datasets import load_pi1070
from polyloop.library.fingerprints import fingerprint_matrix
from polyloop.library.repeat_unit import RepeatUnit, canonicalize


def main() -> dict[str, float]:
    """Run the benchmark and return its figures."""
    data = load_pi1070()
    start = time.perf_counter()
    canonical = [canonicalize(s) for s in data["smiles"]]
    canonicalise = time.perf_counter() - start

    start = time.perf_counter()
    predicted = [classify(RepeatUnit(smiles=s)) for s in data["canonical_smiles"]]
    classify_time = time.perf_counter() - start
    agreement = sum(p == r for p, r in zip(predicted, data["polymer_class"])) / len(data)

    start = time.perf_counter()
    fingerprint_matrix(RepeatUnit(smiles=s) for s in data["canonical_smiles"])
    fingerprint_time = time.perf_counter() - start

    figures = {
        "n_units": len(data),
        "canonicalise_seconds": round(canonicalise, 2),
        "duplicates": len(canonical) - len(set(canonical)),
        "classify_seconds": round(classify_time, 2),
        "class_agreement": round(agreement, 4),
        "fingerprint_seconds": round(fingerprint_time, 2),
    }
    report("canonicalize_pi1070", figures)
    return figures


if __name__ == "__main__":
    main()
