"""Candidate pools: what a campaign may choose from, streamed in batches of packed fingerprints.

Two pools share the :class:`CandidatePool` protocol: :class:`InMemoryPool` (arrays held in memory: PI1070, a CSV file,
a test set) and :class:`LibraryPool` (a built library on disk, streamed with
:func:`polyloop.library.store.iter_batches`, never loaded whole). Filters (:class:`PoolFilter`) come in two costs:

- cheap ones, applied while streaming: polymer classes (for a library, whole class partitions are skipped) and a
  heavy-atom range;
- SMARTS substructure filters, which need a molecule per candidate: they are applied by :meth:`accepts` only to the
  few thousand candidates that survive the screen (a 1.78 M-row pass with RDKit would take tens of minutes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
from rdkit import Chem

from polyloop.library.datasets import load_pi1070
from polyloop.library.errors import LibraryError
from polyloop.library.fingerprints import FingerprintSpec, fingerprint_matrix
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.library.store import count_rows, fingerprint_array, iter_batches, read_manifest

__all__ = ["CandidatePool", "InMemoryPool", "LibraryPool", "PoolBatch", "PoolError", "PoolFilter"]

WIDTH = FingerprintSpec().n_bits // 8  # bytes per packed fingerprint


class PoolError(ValueError):
    """A pool or pool filter that cannot be built as asked."""


@dataclass(frozen=True)
class PoolBatch:
    """A batch of candidates: ``ids`` and ``smiles`` (n,) and ``packed`` (n, 256) uint8 fingerprints."""

    ids: np.ndarray
    smiles: np.ndarray
    packed: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> PoolBatch:
        """The rows ``rows`` (indices or a boolean mask) of this batch."""
        return PoolBatch(self.ids[rows], self.smiles[rows], self.packed[rows])


def _pattern(smarts: str) -> Chem.Mol:
    pattern = Chem.MolFromSmarts(smarts)
    if pattern is None:
        raise PoolError(f"invalid SMARTS pattern {smarts!r} in the pool filter")
    return pattern


@dataclass(frozen=True)
class PoolFilter:
    """Which candidates a pool offers: ``classes`` (None: all), SMARTS that must all match (``include_smarts``) or
    must none match (``exclude_smarts``), and an inclusive ``heavy_atoms`` range (min, max)."""

    classes: tuple[str, ...] | None = None
    include_smarts: tuple[str, ...] = ()
    exclude_smarts: tuple[str, ...] = ()
    heavy_atoms: tuple[int, int] | None = None
    _patterns: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.heavy_atoms is not None:
            low, high = self.heavy_atoms
            if low > high or low < 0:
                raise PoolError(f"heavy_atoms must be a range (min, max) with 0 <= min <= max, got {self.heavy_atoms}")
        for smarts in (*self.include_smarts, *self.exclude_smarts):
            self._patterns[smarts] = _pattern(smarts)

    @classmethod
    def from_dict(cls, table: dict) -> PoolFilter:
        """From TOML keys ``classes``, ``include_smarts``, ``exclude_smarts``, ``heavy_atoms = [min, max]`` (other
        keys of a campaign's ``[pool]`` table, ``library`` and ``dataset``, are ignored)."""
        allowed = {"classes", "include_smarts", "exclude_smarts", "heavy_atoms"}
        unknown = sorted(set(table) - allowed - {"library", "dataset"})
        if unknown:
            raise PoolError(f"unknown pool filter key(s) {unknown}; allowed: {sorted(allowed)}")
        heavy = table.get("heavy_atoms")
        if heavy is not None and (len(heavy) != 2 or not all(isinstance(v, int) for v in heavy)):
            raise PoolError(f"heavy_atoms must be two integers [min, max], got {heavy!r}")
        classes = table.get("classes")
        return cls(classes=None if classes is None else tuple(classes),
                   include_smarts=tuple(table.get("include_smarts", ())),
                   exclude_smarts=tuple(table.get("exclude_smarts", ())),
                   heavy_atoms=None if heavy is None else (heavy[0], heavy[1]))

    @property
    def has_smarts(self) -> bool:
        """Whether any substructure filter is set."""
        return bool(self.include_smarts or self.exclude_smarts)

    def accepts(self, smiles: Sequence[str]) -> np.ndarray:
        """Boolean mask: the repeat units that match every ``include_smarts`` and no ``exclude_smarts``."""
        result = np.ones(len(smiles), dtype=bool)
        if not self.has_smarts:
            return result
        for i, text in enumerate(smiles):
            mol = Chem.MolFromSmiles(str(text))
            if mol is None:
                result[i] = False
                continue
            result[i] = (all(mol.HasSubstructMatch(self._patterns[s]) for s in self.include_smarts)
                         and not any(mol.HasSubstructMatch(self._patterns[s]) for s in self.exclude_smarts))
        return result

    def heavy_mask(self, heavy_atoms: np.ndarray) -> np.ndarray:
        """Boolean mask of heavy-atom counts inside the range (all True without a range)."""
        if self.heavy_atoms is None:
            return np.ones(len(heavy_atoms), dtype=bool)
        return (heavy_atoms >= self.heavy_atoms[0]) & (heavy_atoms <= self.heavy_atoms[1])


class CandidatePool(Protocol):
    """What :func:`~polyloop.design.acquisition.choose_batch` needs from a pool."""

    def __len__(self) -> int: ...

    def batches(self, batch_size: int = 65536) -> Iterator[PoolBatch]: ...

    def accepts(self, smiles: Sequence[str]) -> np.ndarray: ...


def _heavy_atoms(smiles: Sequence[str]) -> np.ndarray:
    """Heavy (non-hydrogen, non-``*``) atoms of each repeat unit."""
    counts = []
    for text in smiles:
        mol = Chem.MolFromSmiles(str(text))
        counts.append(-1 if mol is None else sum(a.GetAtomicNum() > 1 for a in mol.GetAtoms()))
    return np.asarray(counts, dtype=np.int64)


class InMemoryPool:
    """A pool held in memory: ``ids``, ``smiles`` (n,), ``packed`` (n, 256); ``classes`` (n,) is needed to filter
    by class; heavy atoms are counted from the SMILES when a heavy-atom filter is set and none are given."""

    def __init__(self, ids: Sequence[str], smiles: Sequence[str], packed: np.ndarray,
                 filter: PoolFilter = PoolFilter(), classes: Sequence[str] | None = None,
                 heavy_atoms: Sequence[int] | None = None) -> None:
        ids = np.asarray([str(i) for i in ids], dtype=object)
        smiles = np.asarray([str(s) for s in smiles], dtype=object)
        packed = np.ascontiguousarray(packed, dtype=np.uint8)
        if not (len(ids) == len(smiles) == len(packed)) or packed.shape[1:] != (WIDTH,):
            raise PoolError(f"a pool needs as many ids ({len(ids)}), SMILES ({len(smiles)}) and packed "
                            f"fingerprints ({packed.shape}) of {WIDTH} bytes each")
        if len(set(ids)) != len(ids):
            raise PoolError("pool ids must be unique")
        keep = np.ones(len(ids), dtype=bool)
        if filter.classes is not None:
            if classes is None:
                raise PoolError("the pool filter names classes but the pool was given no classes")
            keep &= np.isin(np.asarray(classes, dtype=object), list(filter.classes))
        if filter.heavy_atoms is not None:
            counts = _heavy_atoms(smiles) if heavy_atoms is None else np.asarray(heavy_atoms)
            keep &= filter.heavy_mask(counts)
        self.filter = filter
        self.ids, self.smiles, self.packed = ids[keep], smiles[keep], packed[keep]

    @classmethod
    def from_dataset(cls, name_or_csv: str, filter: PoolFilter = PoolFilter()) -> InMemoryPool:
        """``"pi1070"`` (ids = PI1070's ``id``, canonical SMILES, classes) or a CSV file with a ``smiles`` column and
        optional ``id`` and ``polymer_class`` columns (ids default to the row number)."""
        if name_or_csv.lower() == "pi1070":
            table = load_pi1070()
            smiles = table["canonical_smiles"].tolist()
            return cls(table["id"].astype(str), smiles, _fingerprints(tuple(smiles)), filter,
                       table["polymer_class"].tolist())
        path = Path(name_or_csv)
        if not path.is_file():
            raise PoolError(f"pool dataset {name_or_csv!r} is neither 'pi1070' nor an existing CSV file")
        table = pd.read_csv(path)
        if "smiles" not in table.columns:
            raise PoolError(f"{path.name} has no 'smiles' column; it has {list(table.columns)}")
        units = [RepeatUnit.from_smiles(s) for s in table["smiles"].astype(str)]
        ids = table["id"].astype(str) if "id" in table.columns else [str(i) for i in range(len(table))]
        classes = table["polymer_class"].astype(str).tolist() if "polymer_class" in table.columns else None
        return cls(ids, [u.smiles for u in units], fingerprint_matrix(units, FingerprintSpec()), filter, classes)

    def __len__(self) -> int:
        return len(self.ids)

    def batches(self, batch_size: int = 65536) -> Iterator[PoolBatch]:
        """Consecutive batches of at most ``batch_size`` candidates (class and size filters already applied)."""
        for start in range(0, len(self), batch_size):
            rows = slice(start, start + batch_size)
            yield PoolBatch(self.ids[rows], self.smiles[rows], self.packed[rows])

    def accepts(self, smiles: Sequence[str]) -> np.ndarray:
        """The SMARTS filters applied to ``smiles`` (boolean mask)."""
        return self.filter.accepts(smiles)

    def subset(self, ids: Sequence[str]) -> InMemoryPool:
        """A pool of only the given ids (in this pool's order), same filter."""
        keep = np.isin(self.ids, np.asarray(list(ids), dtype=object))
        return InMemoryPool(self.ids[keep], self.smiles[keep], self.packed[keep], self.filter)

    @cached_property
    def index(self) -> dict[str, int]:
        """Row of each id."""
        return {i: k for k, i in enumerate(self.ids)}


def _fingerprints(smiles: tuple[str, ...]) -> np.ndarray:
    if smiles == tuple(load_pi1070()["canonical_smiles"]):  # the surrogate's cached PI1070 fingerprints
        from polyloop.surrogate.data import load_pi1070_data

        return load_pi1070_data(["density"]).packed
    return fingerprint_matrix((RepeatUnit(smiles=s) for s in smiles), FingerprintSpec())


class LibraryPool:
    """A built library (``polyloop library build`` output) streamed from disk with the filter applied."""

    def __init__(self, root: str | Path, filter: PoolFilter = PoolFilter()) -> None:
        self.root = Path(root)
        manifest = read_manifest(self.root)
        spec = manifest["fingerprint"]
        if (spec.get("radius"), spec.get("n_bits")) != (FingerprintSpec().radius, FingerprintSpec().n_bits):
            raise PoolError(f"library {self.root} has fingerprints {spec}; campaigns need radius 2, 2048 bits")
        self.filter = filter

    def __len__(self) -> int:
        if self.filter.heavy_atoms is None:
            return count_rows(self.root, self.filter.classes)
        return sum(int(self.filter.heavy_mask(b.column("heavy_atoms").to_numpy()).sum())
                   for b in iter_batches(self.root, ["heavy_atoms"], self.filter.classes))

    def batches(self, batch_size: int = 65536) -> Iterator[PoolBatch]:
        """Batches of the library's candidates of the chosen classes (other partitions are never read) inside the
        heavy-atom range."""
        columns = ["id", "smiles", "fingerprint"] + (["heavy_atoms"] if self.filter.heavy_atoms else [])
        for batch in iter_batches(self.root, columns, self.filter.classes, batch_size):
            if self.filter.heavy_atoms is not None:
                keep = self.filter.heavy_mask(batch.column("heavy_atoms").to_numpy())
                if not keep.all():
                    batch = batch.filter(pa.array(keep))
            if len(batch) == 0:
                continue
            yield PoolBatch(_strings(batch.column("id")), _strings(batch.column("smiles")),
                            _packed(batch.column("fingerprint")))

    def accepts(self, smiles: Sequence[str]) -> np.ndarray:
        """The SMARTS filters applied to ``smiles`` (boolean mask)."""
        return self.filter.accepts(smiles)


def _strings(column: pa.Array) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)


def _packed(column: pa.Array) -> np.ndarray:
    try:
        return fingerprint_array(column, WIDTH)
    except LibraryError as error:
        raise PoolError(str(error)) from None
