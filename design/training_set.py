"""The surrogate's training set of a campaign: the warm start (labels known before the campaign) and the campaign's
own observations, as one :class:`~polyloop.surrogate.data.TrainingData` over the modelled properties.

Warm start sources (``[warm_start]`` of the campaign file): ``dataset = "pi1070"`` (the bundled set, with standard
errors; its three other spellings — compressibility, volume_expansion, static_dielectric_constant — are mapped to the
MD engine's names), ``csv = "FILE.csv"`` (a ``smiles`` column, property columns, optional ``<property>_std`` columns)
or ``database = "URL"`` (the property database, :class:`~polyloop.library.database.PropertyDatabase`, optionally only
its ``sources``, e.g. ``["md"]``).
``properties`` limits the properties taken from it (default: every modelled property it has; the others are
missing), ``sample = N`` keeps a seeded random N of its polymers that have at least one label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polyloop.library.fingerprints import FingerprintSpec, fingerprint_matrix
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.surrogate.data import TrainingData, load_csv, load_pi1070_data

__all__ = ["concatenate", "observation_data", "warm_start_data"]


def _widen(data: TrainingData, properties: list[str]) -> TrainingData:
    """``data`` with columns ``properties``; those it lacks are all missing (NaN)."""
    n = len(data)
    targets = np.full((n, len(properties)), np.nan)
    noise = np.full((n, len(properties)), np.nan)
    for j, name in enumerate(properties):
        if name in data.properties:
            k = data.properties.index(name)
            targets[:, j] = data.targets[:, k]
            noise[:, j] = np.zeros(n) if data.noise_std is None else data.noise_std[:, k]
    noise = np.where(np.isnan(targets), np.nan, np.nan_to_num(noise, nan=0.0))
    return TrainingData(data.packed, targets, tuple(properties), data.smiles, data.spec, noise)


def _pi1070_labels(wanted: list[str]) -> TrainingData | None:
    """PI1070's labels of ``wanted`` (MD-engine or PI1070 spellings), named as ``wanted`` (None if it has none)."""
    from polyloop.library.datasets import pi1070_properties
    from polyloop.library.db_properties import PropertyDatabaseError, canonical_name

    def same(a: str, b: str) -> bool:
        try:
            return canonical_name(a) == canonical_name(b)
        except PropertyDatabaseError:
            return a == b

    spelled = {name: next((p for p in pi1070_properties() if same(p, name)), None) for name in wanted}
    available = [name for name, p in spelled.items() if p is not None]
    if not available:
        return None
    data = load_pi1070_data([spelled[name] for name in available])
    return TrainingData(data.packed, data.targets, tuple(available), data.smiles, data.spec, data.noise_std)


def warm_start_data(warm: dict, properties: list[str], seed: int = 0) -> TrainingData | None:
    """The warm-start labels of ``properties`` (None without a warm start or when it has none of them)."""
    wanted = [p for p in properties if p in warm.get("properties", properties)]
    if "dataset" in warm:
        data = _pi1070_labels(wanted)
    elif "csv" in warm:
        header = pd.read_csv(warm["csv"], nrows=0).columns
        available = [p for p in wanted if p in header]
        data = load_csv(warm["csv"], available) if available else None
    elif "database" in warm:
        from polyloop.library.database import PropertyDatabase

        database = PropertyDatabase(warm["database"])
        data = database.training_data(wanted, warm.get("sources")) if wanted else None
    else:
        return None
    if data is None:
        return None
    data = _widen(data, properties)
    labelled = np.flatnonzero(np.isfinite(data.targets).any(axis=1))
    if "sample" in warm and warm["sample"] < len(labelled):
        labelled = np.sort(np.random.default_rng(seed).choice(labelled, warm["sample"], replace=False))
    return data.subset(labelled)


def observation_data(observations: pd.DataFrame, properties: list[str]) -> TrainingData | None:
    """The campaign's labels (the wide table of :meth:`Campaign.observations`) of ``properties`` (None if none)."""
    if observations.empty:
        return None
    columns = [p for p in properties if p in observations.columns]
    if not columns:
        return None
    table = observations[observations[columns].notna().any(axis=1)]
    if table.empty:
        return None
    targets = np.column_stack([table[p].to_numpy(dtype=float) if p in table.columns else np.full(len(table), np.nan)
                               for p in properties])
    noise = np.column_stack([table[f"{p}_std"].to_numpy(dtype=float) if f"{p}_std" in table.columns
                             else np.zeros(len(table)) for p in properties])
    noise = np.where(np.isnan(targets), np.nan, np.nan_to_num(noise, nan=0.0))
    smiles = tuple(str(s) for s in table["smiles"])
    spec = FingerprintSpec()
    packed = fingerprint_matrix((RepeatUnit(smiles=s) for s in smiles), spec)
    return TrainingData(packed, targets, tuple(properties), smiles, spec, noise)


def concatenate(parts: list[TrainingData | None], properties: list[str]) -> TrainingData:
    """The rows of every part (None parts skipped), in order; all parts have the columns ``properties``."""
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        spec = FingerprintSpec()
        return TrainingData(np.zeros((0, spec.n_bits // 8), dtype=np.uint8), np.zeros((0, len(properties))),
                            tuple(properties), (), spec, np.zeros((0, len(properties))))
    noise = [np.where(np.isnan(p.targets), np.nan, 0.0) if p.noise_std is None else p.noise_std for p in parts]
    return TrainingData(np.concatenate([p.packed for p in parts]), np.concatenate([p.targets for p in parts]),
                        tuple(properties), tuple(s for p in parts for s in p.smiles), parts[0].spec,
                        np.concatenate(noise))
