"""Calibrate the language model's sampling settings of one class against its training-set diversity.

Builds the class's stream of the library exactly as ``polyloop library build --classes <class> --seed <seed>`` does
(the same generators, the same random stream ``[seed, class id]``), with the class's settings of
``generators/data/language_model.toml`` changed by ``--set`` overrides, then reads it with ``polyloop library stats``'
own code and reports, for the class:

  delta              internal_diversity - training_diversity (the issue wants |delta| <= 0.02)
  internal_diversity mean pairwise Tanimoto distance of 2,000 sampled rows of the class (Morgan r=2, 2048 bits)
  training_diversity the same over the class's training corpus
  yield              new valid unique units / proposals (the build's counters, before filtering)
  raw_class_fidelity class-consistent / valid proposals
  novelty_model      rows from the model not in the training corpus / rows from the model
  seconds            wall time of the build
  sampling_us        CPU microseconds per proposal of the language model alone (20,000 proposals, no validation)
  settings           the class's sampling settings used (the TOML's, with the overrides)

``--size`` defaults to the class's target in the full build (its share of 1,778,039 by the class mix).

Usage: .venv/bin/python benchmarks/calibrate_diversity.py polystyrene [--size N] [--seed 0]
           [--set chain=0.3 --set max_edits=2 ...] [--name calibrate_diversity-polystyrene]
"""

from __future__ import annotations

import argparse
import ast
import shutil
import tempfile
import time
from dataclasses import asdict, replace
from functools import cache, partial

import numpy as np
from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.generators.corpus import class_corpora
from polyloop.generators.language_model import FragmentLanguageModel, SharedParts
from polyloop.generators.registry import class_generators
from polyloop.generators.sampling import Sampling, sampling
from polyloop.generators.training import load_model
from polyloop.library.build import build_library, class_targets
from polyloop.library.build import settings as build_settings
from polyloop.library.classes import polymer_classes
from polyloop.library.stats import library_stats


def overridden(polymer_class: str, overrides: dict) -> Sampling:
    """The class's settings from the TOML with ``overrides`` (name → value; ``edits`` as a dict) applied."""
    unknown = set(overrides) - set(Sampling.__dataclass_fields__)
    if unknown:
        raise SystemExit(f"unknown setting(s) {sorted(unknown)}; known: {sorted(Sampling.__dataclass_fields__)}")
    if "edits" in overrides:
        overrides = {**overrides, "edits": tuple((k, float(v)) for k, v in overrides["edits"].items())}
    return replace(sampling(polymer_class), **overrides)


def source(settings: Sampling, classes: list[str]) -> dict:
    """The project's generators of ``classes`` with the language model sampling by ``settings``."""
    out = class_generators(classes)
    for name, generators in out.items():
        model = next(g for g in generators if isinstance(g, FragmentLanguageModel))
        fresh = FragmentLanguageModel(_parts()[0], name, _parts()[1], settings)
        out[name] = [fresh if g is model else g for g in generators]
    return out


@cache
def _parts() -> tuple[dict, SharedParts]:
    model = load_model()
    return model, SharedParts(model)


def full_build_target(polymer_class: str, size: int = 1_778_039) -> int:
    """The class's target in a build of ``size`` units over every class, split by the class mix."""
    names = [c.name for c in polymer_classes()]
    return class_targets(size, names, build_settings().weights)[polymer_class]


def sampling_speed(polymer_class: str, settings: Sampling, n: int = 20_000) -> float:
    """CPU microseconds per proposal of a fresh language model of the class sampling by ``settings``."""
    generator = FragmentLanguageModel(_parts()[0], polymer_class, _parts()[1], settings)
    started = time.process_time()
    generator.propose(n, np.random.default_rng(1))
    return (time.process_time() - started) / n * 1e6


def calibrate(polymer_class: str, size: int, seed: int, overrides: dict) -> dict:
    """Build ``size`` units of ``polymer_class`` with ``overrides`` and return the figures of the module docstring."""
    settings = overridden(polymer_class, overrides)
    folder = tempfile.mkdtemp(prefix=f"calibrate-{polymer_class}-", dir="/tmp")
    try:
        started = time.time()
        build_library(f"{folder}/lib", size, partial(source, settings), classes=[polymer_class], seed=seed)
        seconds = time.time() - started
        corpora = class_corpora()
        metrics = library_stats(f"{folder}/lib", {polymer_class: corpora[polymer_class]},
                                seed=0)["per_class_metrics"][polymer_class]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "class": polymer_class, "size": size, "seed": seed, "overrides": {k: str(v) for k, v in overrides.items()},
        "settings": {k: (dict(v) if k == "edits" else v) for k, v in asdict(settings).items()},
        "delta": round(metrics["internal_diversity"] - metrics["training_diversity"], 4),
        "internal_diversity": round(metrics["internal_diversity"], 4),
        "training_diversity": round(metrics["training_diversity"], 4),
        "yield": round(metrics["yield"], 4), "raw_class_fidelity": round(metrics["raw_class_fidelity"], 4),
        "novelty_model": round(metrics["novelty_model"], 4) if metrics["novelty_model"] is not None else None,
        "seconds": round(seconds, 1),
        "sampling_us": round(sampling_speed(polymer_class, settings), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("polymer_class")
    parser.add_argument("--size", type=int, default=None, help="units (default: the class's full-build target)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a setting (Python literal value), e.g. --set chain=0.3")
    parser.add_argument("--name", default=None, help="results/<name>.json (default: calibrate_diversity-<class>)")
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key.strip()] = ast.literal_eval(value.strip())
    size = args.size or full_build_target(args.polymer_class)
    figures = calibrate(args.polymer_class, size, args.seed, overrides)
    report(args.name or f"calibrate_diversity-{args.polymer_class}", figures)


if __name__ == "__main__":
    main()
