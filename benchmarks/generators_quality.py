"""Quality and speed of the class generators, measured on the raw proposals (before any filtering).

Per class, for the language model (``model:``) and the rule products (``rule:``):
  raw_validity   valid repeat units (two-star rules of polyloop.library.parsing) / proposals
  raw_fidelity   proposals the classifier puts in the generator's class / proposals
  yield          new (not in any training corpus, not proposed before) valid unique units / proposals
  uniqueness     unique canonical units / valid proposals
  novelty        unique valid units not in the training corpora / unique valid units
  diversity      mean pairwise Tanimoto distance of up to 300 unique units, and of the class's training corpus
  proposals_per_s  sampling only (no validation), one core

Usage: .venv/bin/python benchmarks/generators_quality.py [--n 2000] [--classes a,b] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.generators.corpus import class_corpora
from polyloop.generators.registry import class_generators
from polyloop.library.classes import classify, polymer_classes
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.fingerprints import fingerprint_matrix, tanimoto
from polyloop.library.repeat_unit import RepeatUnit


def diversity(units: list[str], rng: np.random.Generator, most: int = 300) -> float | None:
    """Mean pairwise Tanimoto distance 1 - T(a, b) over distinct pairs of up to ``most`` units."""
    if len(units) < 2:
        return None
    picked = [units[i] for i in rng.permutation(len(units))[:most]]
    packed = fingerprint_matrix([RepeatUnit.from_smiles(u) for u in picked])
    total = sum(float(np.sum(1.0 - tanimoto(packed[i], packed[i + 1:]))) for i in range(len(picked) - 1))
    return round(total / (len(picked) * (len(picked) - 1) / 2), 4)


def measure(proposals, polymer_class: str, known: set[str]) -> dict:
    """Raw validity, fidelity, yield, uniqueness and novelty of a list of proposals."""
    valid, faithful, seen, new = 0, 0, set(), 0
    for proposal in proposals:
        try:
            unit = RepeatUnit.from_smiles(proposal.smiles)
        except InvalidRepeatUnit:
            continue
        valid += 1
        faithful += classify(unit) == polymer_class
        if unit.smiles not in seen and unit.smiles not in known:
            new += 1
        seen.add(unit.smiles)
    n = max(len(proposals), 1)
    return {"proposals": len(proposals), "raw_validity": round(valid / n, 4), "raw_fidelity": round(faithful / n, 4),
            "yield": round(new / n, 4), "uniqueness": round(len(seen) / max(valid, 1), 4),
            "novelty": round(len(seen - known) / max(len(seen), 1), 4), "units": sorted(seen)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="proposals per class and generator")
    parser.add_argument("--classes", default="", help="comma-separated classes (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = [c for c in args.classes.split(",") if c] or [c.name for c in polymer_classes()]
    corpora = class_corpora()
    known = {u for units in corpora.values() for u in units}
    rng = np.random.default_rng(args.seed)
    figures: dict = {"n_per_class": args.n, "classes": {}}
    start = time.perf_counter()
    generators = class_generators(names)
    figures["build_generators_s"] = round(time.perf_counter() - start, 3)
    sampled = total_time = 0.0
    for name in names:
        row = {}
        for generator in generators[name]:
            kind = "rules" if generator.name.startswith("rules:") else "model"
            tic = time.perf_counter()
            proposals = generator.propose(args.n, rng)
            elapsed = time.perf_counter() - tic
            stats = measure(proposals, name, known)
            stats["proposals_per_s"] = round(len(proposals) / max(elapsed, 1e-9))
            if kind == "model":
                sampled += len(proposals)
                total_time += elapsed
                stats["diversity"] = diversity(stats["units"], rng)
                stats["training_diversity"] = diversity(corpora[name], rng)
            if kind == "rules":
                stats["rule_products_in_class"] = len(generator)
            stats.pop("units")
            row[kind] = stats
        figures["classes"][name] = row
        model = row["model"]
        print(f"{name:16s} validity {model['raw_validity']:.4f} fidelity {model['raw_fidelity']:.4f} "
              f"yield {model['yield']:.3f} unique {model['uniqueness']:.3f} novelty {model['novelty']:.3f} "
              f"diversity {model['diversity']} (training {model['training_diversity']}) "
              f"{model['proposals_per_s']}/s", flush=True)
    models = [row["model"] for row in figures["classes"].values()]
    figures["model_min_raw_validity"] = min(m["raw_validity"] for m in models)
    figures["model_min_raw_fidelity"] = min(m["raw_fidelity"] for m in models)
    figures["model_min_yield"] = min(m["yield"] for m in models)
    figures["model_min_novelty"] = min(m["novelty"] for m in models)
    figures["model_proposals_per_s"] = round(sampled / max(total_time, 1e-9))
    report("generators_quality", figures, hide=("classes",))


if __name__ == "__main__":
    main()
