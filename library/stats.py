"""Figures of a stored library: validity, uniqueness, novelty, class fidelity, diversity, SA scores, raw counters.

:func:`library_stats` reads the library one class at a time (bounded memory) and returns

* ``n_candidates``, ``n_unique`` (distinct canonical SMILES), ``per_class`` (rows per class);
* ``validity`` and ``class_fidelity``: on a seeded sample of ``sample`` rows per class, the fraction whose SMILES is
  a valid repeat unit already in canonical form, and the fraction whose classifier class is the stored class;
* ``novelty``: the fraction of all rows whose SMILES is not in the training corpus of their class (``novelty_model``:
  the same over the rows from ``model:`` sources only);
* ``internal_diversity``: mean pairwise Tanimoto distance ``1 - T`` on a seeded sample of ``diversity_sample``
  rows of the library, drawn from the classes in proportion to their size (per class: on ``diversity_sample``
  rows of the class, next to the same figure for the class's training corpus);
* ``sa_score``: synthetic accessibility (Ertl & Schuffenhauer 2009; RDKit Contrib ``sascorer``) of the H-capped
  unit on ``sa_sample`` rows per class: mean and 10/50/90th percentiles (null if the Contrib module is absent);
* ``raw_validity``, ``raw_class_fidelity`` and ``yield`` from the build's own counters (before any filtering):
  valid / proposals, class-consistent / valid, new valid unique / proposals.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np
from rdkit.Chem import RDConfig

from polyloop.library.describe import Describer
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.fingerprints import fingerprint_matrix, tanimoto
from polyloop.library.oligomer import capped_chain
from polyloop.library.parsing import quiet_rdkit
from polyloop.library.query import connect
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.library.store import count_rows, iter_batches, read_manifest

__all__ = ["library_stats", "mean_pairwise_distance", "raw_figures", "sa_scores"]


def mean_pairwise_distance(packed: np.ndarray) -> float:
    """Mean Tanimoto distance ``1 - T(a, b)`` over all pairs of rows of a packed fingerprint matrix (NaN if < 2)."""
    n = len(packed)
    if n < 2:
        return float("nan")
    total = sum(float(tanimoto(packed[i], packed[i + 1:]).sum()) for i in range(n - 1))
    return 1.0 - total / (n * (n - 1) / 2)


@cache
def _sascorer():
    path = os.path.join(RDConfig.RDContribDir, "SA_Score", "sascorer.py")
    if not os.path.isfile(path):
        return None
    spec = importlib.util.spec_from_file_location("polyloop_sascorer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sa_scores(smiles: Sequence[str]) -> np.ndarray | None:
    """SA scores (1 easy .. 10 hard) of the H-capped repeat units ``smiles``; None if RDKit's Contrib sascorer is
    not installed."""
    scorer = _sascorer()
    if scorer is None:
        return None
    return np.array([scorer.calculateScore(capped_chain(RepeatUnit(smiles=s).mol, 1).mol) for s in smiles])


def raw_figures(counters: Mapping[str, int]) -> dict[str, float | None]:
    """``raw_validity``, ``raw_class_fidelity`` and ``yield`` from a build's counters (None where undefined)."""
    proposals, valid = counters.get("proposals", 0), counters.get("valid", 0)
    return {
        "raw_validity": valid / proposals if proposals else None,
        "raw_class_fidelity": counters.get("class_consistent", 0) / valid if valid else None,
        "yield": counters.get("new_unique", 0) / proposals if proposals else None,
    }


def _summary(values: np.ndarray | None) -> dict[str, float] | None:
    if values is None or not len(values):
        return None
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {"mean": round(float(values.mean()), 4), "p10": round(float(p10), 4), "p50": round(float(p50), 4),
            "p90": round(float(p90), 4)}


def _class_rows(root: Path | str, name: str) -> tuple[list[str], list[str], np.ndarray]:
    smiles, sources, fingerprints = [], [], []
    for batch in iter_batches(root, ["smiles", "source", "fingerprint"], classes=[name]):
        smiles.extend(batch.column("smiles").to_pylist())
        sources.extend(batch.column("source").to_pylist())
        raw = batch.column("fingerprint").buffers()[1]
        offset = batch.column("fingerprint").offset * 256
        fingerprints.append(np.frombuffer(raw, dtype=np.uint8)[offset: offset + 256 * len(batch)].reshape(-1, 256))
    packed = np.vstack(fingerprints) if fingerprints else np.zeros((0, 256), dtype=np.uint8)
    return smiles, sources, packed


def _finite(value: float) -> float | None:
    """``value``, or None for NaN (too few rows), so that the JSON output stays valid JSON."""
    return None if np.isnan(value) else float(value)


def _distinct_smiles(root: Path | str) -> int:
    return int(connect(root).execute("SELECT count(DISTINCT smiles) FROM library").fetchone()[0])


def library_stats(
    root: Path | str,
    corpora: Mapping[str, Sequence[str]],
    sample: int = 1000,
    diversity_sample: int = 2000,
    sa_sample: int = 200,
    seed: int = 0,
) -> dict:
    """The figures of the module docstring for the library at ``root``, novelty against ``corpora`` (class name →
    canonical SMILES of its training units)."""
    manifest = read_manifest(root)
    rng = np.random.default_rng(seed)
    classes = manifest.get("classes") or sorted(corpora)
    n_total = count_rows(root)
    describer = Describer()
    totals = {"rows": 0, "checked": 0, "valid": 0, "faithful": 0, "novel": 0, "model": 0,
              "model_novel": 0}
    per_class, metrics, pooled, all_sa = {}, {}, [], []
    for name in classes:
        smiles, sources, packed = _class_rows(root, name)
        n = len(smiles)
        per_class[name] = n
        if not n:
            continue
        corpus = set(corpora.get(name, ()))
        novel = np.array([s not in corpus for s in smiles])
        model = np.array([s.startswith("model:") for s in sources])
        picked = rng.choice(n, size=min(sample, n), replace=False)
        with quiet_rdkit():
            described = [describer.describe(smiles[i]) for i in picked]
        valid = [d for d, i in zip(described, picked)
                 if not isinstance(d, InvalidRepeatUnit) and d.smiles == smiles[i]]
        faithful = sum(d.polymer_class == name for d in valid)
        spread = rng.choice(n, size=min(diversity_sample, n), replace=False)
        share = int(round(diversity_sample * n / max(n_total, 1)))
        pooled.append(packed[spread[:share]])
        training = sorted(corpus)
        if len(training) > diversity_sample:
            training = [training[i] for i in sorted(rng.choice(len(training), diversity_sample, replace=False))]
        training_diversity = mean_pairwise_distance(fingerprint_matrix(RepeatUnit(smiles=s) for s in training))
        sa = sa_scores([smiles[i] for i in picked[:sa_sample]])
        if sa is not None:
            all_sa.append(sa)
        unique = len(set(smiles))
        totals.update(rows=totals["rows"] + n,
                      checked=totals["checked"] + len(picked), valid=totals["valid"] + len(valid),
                      faithful=totals["faithful"] + faithful, novel=totals["novel"] + int(novel.sum()),
                      model=totals["model"] + int(model.sum()),
                      model_novel=totals["model_novel"] + int((novel & model).sum()))
        metrics[name] = {
            "n": n,
            "uniqueness": unique / n,
            "validity": len(valid) / len(picked),
            "class_fidelity": faithful / len(picked),
            "novelty": float(novel.mean()),
            "novelty_model": float(novel[model].mean()) if model.any() else None,
            "model_fraction": float(model.mean()),
            "internal_diversity": _finite(mean_pairwise_distance(packed[spread])),
            "training_diversity": _finite(training_diversity),
            "training_size": len(corpus),
            "sa_score": _summary(sa),
            **raw_figures(manifest.get("counters", {}).get(name, {})),
        }
    summed = {key: sum(c.get(key, 0) for c in manifest.get("counters", {}).values())
              for key in ("proposals", "valid", "class_consistent", "new_unique")}
    checked = max(totals["checked"], 1)
    return {
        "n_candidates": totals["rows"],
        "n_unique": _distinct_smiles(root),
        "validity": totals["valid"] / checked,
        "class_fidelity": totals["faithful"] / checked,
        "novelty": totals["novel"] / max(totals["rows"], 1),
        "internal_diversity": _finite(mean_pairwise_distance(np.vstack(pooled))) if pooled else None,
        **raw_figures(summed),
        "per_class": per_class,
        "novelty_model": totals["model_novel"] / totals["model"] if totals["model"] else None,
        "sa_score": _summary(np.concatenate(all_sa)) if all_sa else None,
        "sample": {"per_class": sample, "diversity": diversity_sample, "sa": sa_sample, "seed": seed},
        "per_class_metrics": metrics,
    }
