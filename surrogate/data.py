"""Training data for the surrogates: packed fingerprints, labels with gaps, and per-point standard errors.

Two sources: the bundled PI1070 set (``"pi1070"``) and CSV files with a ``smiles`` column, one column per property and
optional ``<property>_std`` columns (the standard error of each label, used as fixed per-point noise). For PI1070 the
standard error is the replicate standard deviation over the square root of the replicate count, ``std / √count``
(0 where a single run gives no spread).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from polyloop.library.datasets import load_pi1070, pi1070_properties
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.fingerprints import FingerprintSpec, fingerprint_matrix
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.surrogate.errors import DatasetFormatError

__all__ = ["TrainingData", "load_csv", "load_dataset", "load_pi1070_data"]


@dataclass(frozen=True)
class TrainingData:
    """Labelled polymers: ``packed`` (n, n_bits/8) fingerprints, ``targets`` (n, p) in original units with NaN for
    missing labels, ``noise_std`` (n, p) standard errors of the labels (0 where unknown, NaN where the label is
    missing) or None, ``smiles`` (n canonical repeat units) and the fingerprint ``spec``."""

    packed: np.ndarray
    targets: np.ndarray
    properties: tuple[str, ...]
    smiles: tuple[str, ...]
    spec: FingerprintSpec
    noise_std: np.ndarray | None = None

    def __post_init__(self) -> None:
        n, p = len(self.packed), len(self.properties)
        if self.targets.shape != (n, p):
            raise DatasetFormatError(f"targets have shape {self.targets.shape}, expected ({n}, {p})")
        if self.noise_std is not None and self.noise_std.shape != (n, p):
            raise DatasetFormatError(f"noise_std has shape {self.noise_std.shape}, expected ({n}, {p})")
        if len(self.smiles) != n:
            raise DatasetFormatError(f"{len(self.smiles)} SMILES for {n} fingerprints")

    def __len__(self) -> int:
        return len(self.packed)

    def subset(self, rows: np.ndarray) -> TrainingData:
        """The rows ``rows`` (indices or a boolean mask) of this data set."""
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows)
        return TrainingData(self.packed[rows], self.targets[rows], self.properties,
                            tuple(self.smiles[i] for i in rows), self.spec,
                            None if self.noise_std is None else self.noise_std[rows])

    def select(self, properties: list[str] | tuple[str, ...]) -> TrainingData:
        """The same polymers with only the named ``properties`` (in that order)."""
        unknown = [p for p in properties if p not in self.properties]
        if unknown:
            raise DatasetFormatError(f"unknown properties {unknown}; the data set has {list(self.properties)}")
        columns = [self.properties.index(p) for p in properties]
        return TrainingData(self.packed, self.targets[:, columns], tuple(properties), self.smiles, self.spec,
                            None if self.noise_std is None else self.noise_std[:, columns])


@cache
def _pi1070_fingerprints(spec: FingerprintSpec) -> np.ndarray:
    table = load_pi1070()
    packed = fingerprint_matrix((RepeatUnit(smiles=s) for s in table["canonical_smiles"]), spec)
    packed.setflags(write=False)
    return packed


def load_pi1070_data(properties: list[str] | None = None, spec: FingerprintSpec = FingerprintSpec()) -> TrainingData:
    """PI1070 (1,077 polymers) as training data for ``properties`` (default: all 15), with standard errors."""
    known = list(pi1070_properties())
    properties = list(properties or known)
    unknown = [p for p in properties if p not in known]
    if unknown:
        raise DatasetFormatError(f"PI1070 has no properties {unknown}; it has {known}")
    table = load_pi1070()
    targets = table[properties].to_numpy(dtype=float)
    std = table[[f"{p}_std" for p in properties]].to_numpy(dtype=float)
    count = table[[f"{p}_count" for p in properties]].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.where(count > 0, std / np.sqrt(count), np.nan)
    error = np.where(np.isnan(targets), np.nan, np.nan_to_num(error, nan=0.0))
    return TrainingData(_pi1070_fingerprints(spec), targets, tuple(properties),
                        tuple(table["canonical_smiles"]), spec, error)


def load_csv(path: str | Path, properties: list[str], spec: FingerprintSpec = FingerprintSpec()) -> TrainingData:
    """A CSV file with a ``smiles`` column, the ``properties`` columns and optional ``<property>_std`` columns.

    Raises :class:`DatasetFormatError` naming missing columns, non-numeric values or invalid SMILES (with row numbers).
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetFormatError(f"dataset file {str(path)!r} does not exist")
    table = pd.read_csv(path)
    missing = [c for c in ["smiles", *properties] if c not in table.columns]
    if missing:
        raise DatasetFormatError(f"{path.name} lacks the column(s) {missing}; it has {list(table.columns)}")
    units, bad = [], []
    for row, smiles in enumerate(table["smiles"].astype(str), start=2):  # row 1 is the header
        try:
            units.append(RepeatUnit.from_smiles(smiles))
        except InvalidRepeatUnit as error:
            bad.append(f"line {row}: {error}")
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise DatasetFormatError(f"{path.name} has {len(bad)} invalid repeat unit(s): {shown}")
    targets = _numeric(table, properties, path.name)
    std_columns = [f"{p}_std" for p in properties]
    noise = None
    if any(c in table.columns for c in std_columns):
        present = [c if c in table.columns else None for c in std_columns]
        noise = np.column_stack([_numeric(table, [c], path.name)[:, 0] if c else np.zeros(len(table))
                                 for c in present])
        if np.any(noise < 0):
            raise DatasetFormatError(f"{path.name} has negative standard errors in the *_std columns")
        noise = np.where(np.isnan(targets), np.nan, np.nan_to_num(noise, nan=0.0))
    return TrainingData(fingerprint_matrix(units, spec), targets, tuple(properties),
                        tuple(u.smiles for u in units), spec, noise)


def _numeric(table: pd.DataFrame, columns: list[str], name: str) -> np.ndarray:
    values = table[columns].apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & table[columns].notna()
    if bad.any().any():
        column = bad.any().idxmax()
        raise DatasetFormatError(f"{name}: column {column!r} has non-numeric values at line(s) "
                                 f"{[int(i) + 2 for i in np.flatnonzero(bad[column])[:5]]}")
    return values.to_numpy(dtype=float)


def load_dataset(source: str, properties: list[str] | None, spec: FingerprintSpec = FingerprintSpec()) -> TrainingData:
    """``"pi1070"`` (the bundled set) or the path of a CSV file (then ``properties`` is required)."""
    if source.lower() == "pi1070":
        return load_pi1070_data(properties, spec)
    if not properties:
        raise DatasetFormatError(f"name the properties to model from {source!r} (e.g. --properties density)")
    return load_csv(source, properties, spec)
