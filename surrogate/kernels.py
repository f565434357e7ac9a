"""Fingerprint kernels: Tanimoto over bit vectors and MinMax over count vectors.

For bit vectors ``a``, ``b`` (sets of on bits) the Tanimoto similarity is

    T(a, b) = |a ∧ b| / |a ∨ b| = |a ∧ b| / (|a| + |b| − |a ∧ b|),   T(∅, ∅) = 1,

and for non-negative count vectors the MinMax (weighted Jaccard) similarity is

    M(a, b) = Σ_i min(a_i, b_i) / Σ_i max(a_i, b_i) = (Σa + Σb − ‖a − b‖₁) / (Σa + Σb + ‖a − b‖₁).

Both are positive-definite kernels with no hyperparameters, so one Gram matrix serves every property of a
multi-property model. Two kinds of code live here:

- numpy functions over **bit-packed** fingerprints (``uint8`` rows, :func:`polyloop.library.fingerprints.pack_bits`):
  :func:`tanimoto_popcount` (popcounts of ``uint64`` words) and :class:`TanimotoBasis`, which computes similarities to a
  fixed set of fingerprints as a sparse × dense product ``|a ∧ b| = A Bᵀ`` (A sparse: ~30–80 bits on out of 2,048).
  The sparse product is the fast path on CPUs (see ``benchmarks/surrogate_kernels.py``).
- gpytorch kernels over dense float tensors (:class:`TanimotoKernel`, :class:`MinMaxKernel`) for BoTorch models.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from gpytorch.kernels import Kernel

from polyloop.library.fingerprints import as_words

__all__ = [
    "MinMaxKernel",
    "TanimotoBasis",
    "TanimotoKernel",
    "bit_counts",
    "minmax_matrix",
    "sparse_bits",
    "tanimoto_from_counts",
    "tanimoto_popcount",
]


def bit_counts(packed: np.ndarray) -> np.ndarray:
    """Number of on bits in each row of a packed matrix (``int64``)."""
    return np.bitwise_count(as_words(np.atleast_2d(packed))).sum(axis=1, dtype=np.int64)


def tanimoto_popcount(a: np.ndarray, b: np.ndarray, rows_per_block: int = 64) -> np.ndarray:
    """Tanimoto matrix (``float64``, shape (len(a), len(b))) of two packed matrices by popcounts of ``uint64`` words.

    ``|a ∧ b| = popcount(a & b)`` summed over words. Exact, simple, and memory-bounded by ``rows_per_block``.
    """
    words_a, words_b = as_words(np.atleast_2d(a)), as_words(np.atleast_2d(b))
    counts_a, counts_b = bit_counts(a), bit_counts(b)
    both = np.empty((len(words_a), len(words_b)), dtype=np.int64)
    for start in range(0, len(words_a), rows_per_block):
        block = words_a[start:start + rows_per_block, None, :] & words_b[None, :, :]
        both[start:start + rows_per_block] = np.bitwise_count(block).sum(axis=2, dtype=np.int64)
    return tanimoto_from_counts(both, counts_a, counts_b)


def tanimoto_from_counts(both: np.ndarray, counts_a: np.ndarray, counts_b: np.ndarray) -> np.ndarray:
    """Tanimoto ``|a∧b| / (|a| + |b| − |a∧b|)`` from intersection counts (rows a, columns b); two empty vectors give 1.

    The result has the floating type of ``both`` (``float64`` for integer input).
    """
    dtype = both.dtype if np.issubdtype(both.dtype, np.floating) else np.float64
    both = both.astype(dtype, copy=False)
    union = counts_a.astype(dtype)[:, None] + counts_b.astype(dtype)[None, :] - both
    np.maximum(union, 1, out=union)
    result = np.divide(both, union, out=union)
    empty_a, empty_b = counts_a == 0, counts_b == 0
    if empty_a.any() and empty_b.any():
        result[np.ix_(empty_a, empty_b)] = 1
    return result


def sparse_bits(packed: np.ndarray, n_bits: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A packed matrix as a sparse CSR tensor of 0/1 values, shape (n, n_bits), without densifying it as floats."""
    packed = np.atleast_2d(packed)
    rows, columns = np.divmod(np.flatnonzero(np.unpackbits(packed, axis=1, count=n_bits)), n_bits)
    row_pointers = np.zeros(len(packed) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(packed)), out=row_pointers[1:])
    with warnings.catch_warnings():  # torch flags sparse CSR as beta on every construction
        warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta state")
        return torch.sparse_csr_tensor(
            torch.from_numpy(row_pointers), torch.from_numpy(columns.astype(np.int64)),
            torch.ones(len(columns), dtype=dtype), size=(len(packed), n_bits), check_invariants=False,
        )


class TanimotoBasis:
    """Tanimoto similarities of any packed fingerprints to a fixed *basis* set (training points or landmarks).

    The basis is held as a dense ``(n_bits, n_basis)`` 0/1 matrix ``B`` (a few MB); a query block ``A`` is made sparse,
    so ``|a ∧ b| = (A B)`` costs (bits on per query) × n_basis operations instead of n_bits × n_basis.
    """

    def __init__(self, packed: np.ndarray, n_bits: int) -> None:
        packed = np.ascontiguousarray(np.atleast_2d(packed), dtype=np.uint8)
        if packed.shape[1] * 8 != n_bits:
            raise ValueError(f"packed rows of {packed.shape[1]} bytes do not hold {n_bits} bits")
        self.packed = packed
        self.n_bits = n_bits
        self.counts = bit_counts(packed)
        self._dense: dict[torch.dtype, torch.Tensor] = {}

    def __len__(self) -> int:
        return len(self.packed)

    def _basis(self, dtype: torch.dtype) -> torch.Tensor:
        if dtype not in self._dense:
            bits = np.unpackbits(self.packed, axis=1, count=self.n_bits).T
            self._dense[dtype] = torch.from_numpy(np.ascontiguousarray(bits)).to(dtype)
        return self._dense[dtype]

    def similarity(self, packed: np.ndarray, dtype: np.dtype = np.float64) -> np.ndarray:
        """Tanimoto matrix of shape (len(packed), len(basis)) in ``dtype`` (``float32`` for screening)."""
        packed = np.atleast_2d(packed)
        if packed.shape[1] != self.packed.shape[1]:
            raise ValueError(f"query rows have {packed.shape[1]} bytes, the basis has {self.packed.shape[1]}")
        torch_dtype = torch.float32 if np.dtype(dtype) == np.float32 else torch.float64
        both = torch.sparse.mm(sparse_bits(packed, self.n_bits, torch_dtype), self._basis(torch_dtype)).numpy()
        return tanimoto_from_counts(both, bit_counts(packed), self.counts)


def minmax_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinMax similarity matrix of two non-negative count matrices (rows are fingerprints); two zero vectors give 1."""
    ta, tb = torch.as_tensor(np.atleast_2d(a), dtype=torch.float64), torch.as_tensor(np.atleast_2d(b),
                                                                                     dtype=torch.float64)
    return _minmax(ta, tb).numpy()


def _ratio(top: torch.Tensor, bottom: torch.Tensor) -> torch.Tensor:
    return torch.where(bottom > 0, top / bottom.clamp_min(1e-30), torch.ones_like(bottom))


def _minmax(x1: torch.Tensor, x2: torch.Tensor, diag: bool = False) -> torch.Tensor:
    if diag:
        sums, distance = x1.sum(-1) + x2.sum(-1), (x1 - x2).abs().sum(-1)
    else:
        sums, distance = x1.sum(-1).unsqueeze(-1) + x2.sum(-1).unsqueeze(-2), torch.cdist(x1, x2, p=1)
    return _ratio(sums - distance, sums + distance)


def _tanimoto(x1: torch.Tensor, x2: torch.Tensor, diag: bool = False) -> torch.Tensor:
    if diag:
        both, squares = (x1 * x2).sum(-1), (x1 * x1).sum(-1) + (x2 * x2).sum(-1)
    else:
        both = x1 @ x2.transpose(-2, -1)
        squares = (x1 * x1).sum(-1).unsqueeze(-1) + (x2 * x2).sum(-1).unsqueeze(-2)
    return _ratio(both, squares - both)


class TanimotoKernel(Kernel):
    """gpytorch Tanimoto kernel on dense feature tensors: ``k(x, y) = x·y / (x·x + y·y − x·y)``.

    On 0/1 vectors this is the set Tanimoto similarity; on non-negative reals it is its continuous extension. It has no
    hyperparameters: wrap it in ``ScaleKernel`` for an output scale.
    """

    has_lengthscale = False

    def forward(self, x1: torch.Tensor, x2: torch.Tensor, diag: bool = False, **params) -> torch.Tensor:
        """Kernel matrix (or its diagonal when ``diag``) for batches of inputs of shape (..., n, d)."""
        return _tanimoto(x1, x2, diag)


class MinMaxKernel(Kernel):
    """gpytorch MinMax kernel on non-negative count tensors: ``k(x, y) = Σ min(x_i, y_i) / Σ max(x_i, y_i)``."""

    has_lengthscale = False

    def forward(self, x1: torch.Tensor, x2: torch.Tensor, diag: bool = False, **params) -> torch.Tensor:
        """Kernel matrix (or its diagonal when ``diag``) for batches of inputs of shape (..., n, d)."""
        return _minmax(x1, x2, diag)
