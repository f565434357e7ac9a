"""Kernels against direct set-based definitions on small cases."""

import numpy as np
import pytest
import torch

from polyloop.library.fingerprints import pack_bits
from polyloop.surrogate.kernels import (
    MinMaxKernel,
    TanimotoBasis,
    TanimotoKernel,
    minmax_matrix,
    tanimoto_popcount,
)


def _bits(n: int, seed: int) -> np.ndarray:
    bits = (np.random.default_rng(seed).random((n, 128)) < 0.1).astype(np.uint8)
    bits[0] = 0  # an empty fingerprint
    return bits


def _set_tanimoto(a: np.ndarray, b: np.ndarray) -> float:
    sa, sb = set(np.flatnonzero(a)), set(np.flatnonzero(b))
    return 1.0 if not sa | sb else len(sa & sb) / len(sa | sb)


def test_tanimoto_matches_set_definition() -> None:
    a, b = _bits(7, 0), _bits(5, 1)
    expected = np.array([[_set_tanimoto(x, y) for y in b] for x in a])
    assert expected[0, 0] == 1.0 and expected[0, 1] == 0.0
    assert np.allclose(tanimoto_popcount(pack_bits(a), pack_bits(b)), expected, atol=1e-15)
    basis = TanimotoBasis(pack_bits(b), 128)
    assert np.allclose(basis.similarity(pack_bits(a)), expected, atol=1e-15)
    assert np.allclose(basis.similarity(pack_bits(a), dtype=np.float32), expected, atol=1e-6)
    kernel = TanimotoKernel()
    dense = kernel(torch.from_numpy(a).double(), torch.from_numpy(b).double()).to_dense().detach().numpy()
    assert np.allclose(dense, expected, atol=1e-12)
    diagonal = kernel(torch.from_numpy(a).double(), torch.from_numpy(a).double(), diag=True).detach().numpy()
    assert np.allclose(diagonal, 1.0)


def test_minmax_matches_direct_sums_and_reduces_to_tanimoto_on_bits() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 4, (6, 40)), rng.integers(0, 4, (4, 40))
    a[0] = 0
    b[0] = 0
    expected = np.array([[1.0 if np.maximum(x, y).sum() == 0 else np.minimum(x, y).sum() / np.maximum(x, y).sum()
                          for y in b] for x in a])
    assert np.allclose(minmax_matrix(a, b), expected, atol=1e-12)
    kernel = MinMaxKernel()(torch.from_numpy(a).double(), torch.from_numpy(b).double()).to_dense()
    assert np.allclose(kernel.detach().numpy(), expected, atol=1e-12)
    bits = _bits(5, 3)
    assert np.allclose(minmax_matrix(bits, bits), tanimoto_popcount(pack_bits(bits), pack_bits(bits)))


def test_basis_rejects_mismatched_widths() -> None:
    basis = TanimotoBasis(pack_bits(_bits(3, 4)), 128)
    with pytest.raises(ValueError, match="query rows have 8 bytes, the basis has 16"):
        basis.similarity(np.zeros((2, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="do not hold 2048 bits"):
        TanimotoBasis(pack_bits(_bits(3, 4)), 2048)
