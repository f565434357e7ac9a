"""Fingerprints of polymer repeat units that respect periodicity.

A repeat unit's features must describe the infinite chain, not the written unit: they must not depend on where the
chain was cut, must not see the ``*`` atoms as atoms, and must not change when a unit is written twice over.

Method: the canonical (primitive) unit is joined into a hydrogen-capped oligomer with enough flanking units that
every circular environment of radius ``r`` centred on the middle unit lies inside the chain. Only the
environments centred on the middle unit's atoms are counted (RDKit Morgan with ``fromAtoms``). A unit whose
backbone has ``L`` bonds per period (``L`` = number of backbone atoms) needs ``ceil((r + 1) / L)`` flanking units on
each side. So the count vector is the number of each environment *per period* of the chain. Since the unit is
canonical and primitive, ``*CC*`` and ``*CCCC*`` give identical vectors.

Storage: bit vectors are packed eight to a byte (:func:`pack_bits`, 2048 bits → 256 bytes). A packed matrix can
be viewed as ``uint64`` words (:func:`as_words`) for popcount-based Tanimoto over millions of candidates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator

from polyloop.library.oligomer import CappedChain, capped_chain
from polyloop.library.repeat_unit import RepeatUnit

__all__ = [
    "FingerprintSpec",
    "as_words",
    "fingerprint_matrix",
    "flank_copies",
    "morgan_bits",
    "morgan_counts",
    "pack_bits",
    "periodic_oligomer",
    "sparse_counts",
    "tanimoto",
    "unpack_bits",
]


@dataclass(frozen=True)
class FingerprintSpec:
    """Settings of a Morgan fingerprint: ``radius`` (2 ≈ ECFP4) and folded length ``n_bits`` (a multiple of 64)."""

    radius: int = 2
    n_bits: int = 2048

    def __post_init__(self) -> None:
        if self.radius < 0:
            raise ValueError(f"radius must be >= 0, got {self.radius}")
        if self.n_bits <= 0 or self.n_bits % 64:
            raise ValueError(f"n_bits must be a positive multiple of 64, got {self.n_bits}")

    def generator(self) -> rdFingerprintGenerator.FingerprintGenerator64:
        """The RDKit Morgan generator for these settings."""
        return _generator(self.radius, self.n_bits)


_GENERATORS: dict[tuple[int, int], rdFingerprintGenerator.FingerprintGenerator64] = {}


def _generator(radius: int, n_bits: int) -> rdFingerprintGenerator.FingerprintGenerator64:
    key = (radius, n_bits)
    if key not in _GENERATORS:
        _GENERATORS[key] = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
    return _GENERATORS[key]


def flank_copies(unit: RepeatUnit, radius: int) -> int:
    """Units needed on each side of the middle one for radius-``radius`` environments: ``ceil((r + 1) / L)``."""
    return math.ceil((radius + 1) / len(unit.backbone))


def periodic_oligomer(unit: RepeatUnit, radius: int, chain: CappedChain | None = None) -> tuple[Chem.Mol, list[int]]:
    """A hydrogen-capped oligomer of ``unit`` long enough for radius-``radius`` environments of its middle unit,
    and the indices of the middle unit's atoms in it.

    ``chain``, if given, is an already built capped oligomer of ``unit`` (from
    :func:`~polyloop.library.oligomer.capped_chain`) with ``2 * flank_copies(unit, radius) + 1`` copies.
    """
    flank = flank_copies(unit, radius)
    if chain is None:
        chain = capped_chain(unit.mol, 2 * flank + 1)
    elif len(set(chain.copy)) != 2 * flank + 1:
        raise ValueError(f"a radius-{radius} fingerprint of {unit.smiles!r} needs {2 * flank + 1} copies, "
                         f"the chain given has {len(set(chain.copy))}")
    return chain.mol, chain.atoms_of_copy(flank)


def morgan_counts(
    unit: RepeatUnit, spec: FingerprintSpec = FingerprintSpec(), chain: CappedChain | None = None
) -> np.ndarray:
    """Folded Morgan count vector (``uint32``, length ``spec.n_bits``): environments per period of the chain.

    ``chain`` (optional) is the oligomer of :func:`periodic_oligomer`, if the caller has already built it.
    """
    mol, middle = periodic_oligomer(unit, spec.radius, chain)
    return spec.generator().GetCountFingerprintAsNumPy(mol, fromAtoms=middle).astype(np.uint32)


def morgan_bits(
    unit: RepeatUnit, spec: FingerprintSpec = FingerprintSpec(), chain: CappedChain | None = None
) -> np.ndarray:
    """Folded Morgan bit vector (``uint8`` of 0/1, length ``spec.n_bits``): bit ``i`` is set where count ``i`` of
    :func:`morgan_counts` is positive (RDKit folds bits and counts alike; read directly, which is faster)."""
    mol, middle = periodic_oligomer(unit, spec.radius, chain)
    return spec.generator().GetFingerprintAsNumPy(mol, fromAtoms=middle).astype(np.uint8)


def sparse_counts(unit: RepeatUnit, radius: int = 2) -> dict[int, int]:
    """Unfolded Morgan counts per period: ``{environment id: count}`` with no hash collisions from folding."""
    chain, middle = periodic_oligomer(unit, radius)
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=radius)
    return dict(generator.GetSparseCountFingerprint(chain, fromAtoms=middle).GetNonzeroElements())


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """Pack 0/1 bit vectors (last axis of length n_bits) into ``uint8`` bytes (length n_bits / 8)."""
    return np.packbits(np.asarray(bits, dtype=np.uint8), axis=-1)


def unpack_bits(packed: np.ndarray, n_bits: int | None = None) -> np.ndarray:
    """Inverse of :func:`pack_bits`: 0/1 ``uint8`` vectors of length ``n_bits`` (default: 8 × bytes)."""
    return np.unpackbits(np.asarray(packed, dtype=np.uint8), axis=-1, count=n_bits)


def as_words(packed: np.ndarray) -> np.ndarray:
    """View a packed ``uint8`` matrix (rows of a multiple of 8 bytes) as ``uint64`` words, without copying."""
    packed = np.ascontiguousarray(packed, dtype=np.uint8)
    if packed.shape[-1] % 8:
        raise ValueError(f"packed rows must hold a multiple of 8 bytes, got {packed.shape[-1]}")
    return packed.view(np.uint64)


def fingerprint_matrix(units: Iterable[RepeatUnit], spec: FingerprintSpec = FingerprintSpec()) -> np.ndarray:
    """Bit-packed fingerprints of many units: a ``uint8`` matrix of shape (n_units, n_bits / 8)."""
    rows = [pack_bits(morgan_bits(unit, spec)) for unit in units]
    if not rows:
        return np.zeros((0, spec.n_bits // 8), dtype=np.uint8)
    return np.vstack(rows)


def tanimoto(query: np.ndarray, packed: np.ndarray) -> np.ndarray:
    """Tanimoto similarity of one packed fingerprint ``query`` to every row of the packed matrix ``packed``.

    ``T(a, b) = |a ∧ b| / |a ∨ b|`` computed with popcounts on ``uint64`` words; two empty vectors give 1.
    """
    query_words = as_words(np.asarray(query).reshape(1, -1))
    words = as_words(np.atleast_2d(packed))
    both = np.bitwise_count(words & query_words).sum(axis=1, dtype=np.int64)
    either = np.bitwise_count(words | query_words).sum(axis=1, dtype=np.int64)
    return np.where(either == 0, 1.0, both / np.maximum(either, 1))
