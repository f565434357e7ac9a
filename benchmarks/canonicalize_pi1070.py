"""Benchmark: canonicalise, classify and fingerprint the 1,077 PI1070 repeat units.

Prints the figures and writes them to benchmarks/results/canonicalize_pi1070.json:
time to canonicalise all units, duplicates found, class agreement with the reference, time to fingerprint.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

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
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    out = Path(__file__).parent / "results" / "canonicalize_pi1070.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
