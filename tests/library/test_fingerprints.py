"""Periodic fingerprints: spelling-invariant, stars are not atoms, packing round-trips."""

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator

from polyloop.library.fingerprints import (
    FingerprintSpec,
    as_words,
    fingerprint_matrix,
    morgan_bits,
    morgan_counts,
    pack_bits,
    sparse_counts,
    tanimoto,
    unpack_bits,
)
from polyloop.library.repeat_unit import RepeatUnit

from .spellings import EQUIVALENT_GROUPS


@pytest.mark.parametrize("name", sorted(EQUIVALENT_GROUPS))
def test_all_spellings_give_identical_vectors(name: str) -> None:
    vectors = [morgan_counts(RepeatUnit.from_smiles(s)) for s in EQUIVALENT_GROUPS[name]]
    for vector in vectors[1:]:
        np.testing.assert_array_equal(vector, vectors[0])


def test_polyethylene_matches_the_middle_of_a_long_alkane() -> None:
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    reference = generator.GetCountFingerprintAsNumPy(Chem.MolFromSmiles("C" * 20), fromAtoms=[10])
    np.testing.assert_array_equal(morgan_counts(RepeatUnit.from_smiles("*CCCC*")), reference)


def test_stars_are_not_atoms() -> None:
    unit = RepeatUnit.from_smiles("*CC(C)*")
    counts = sparse_counts(unit, radius=0)
    # radius 0: one environment per heavy atom of the period (CH2, CH, CH3), none for a dummy atom
    assert sum(counts.values()) == 3
    naive = rdFingerprintGenerator.GetMorganGenerator(radius=0).GetSparseCountFingerprint(Chem.MolFromSmiles("*CC(*)C"))
    assert sum(naive.GetNonzeroElements().values()) == 5  # the naive fingerprint counts the two stars
    assert set(naive.GetNonzeroElements()) - set(counts)  # ... as environments that are not in the polymer


def test_count_is_per_period() -> None:
    counts = morgan_counts(RepeatUnit.from_smiles("*CC(C)*"), FingerprintSpec(radius=1))
    assert counts.sum() == 6  # 3 heavy atoms x (radius 0 and radius 1 environments)


def test_different_polymers_differ() -> None:
    a = morgan_bits(RepeatUnit.from_smiles("*c1ccc(*)cc1"))
    b = morgan_bits(RepeatUnit.from_smiles("*c1cccc(*)c1"))
    assert not np.array_equal(a, b)


def test_pack_unpack_round_trip_and_words() -> None:
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(5, 2048), dtype=np.uint8)
    packed = pack_bits(bits)
    assert packed.shape == (5, 256) and packed.dtype == np.uint8
    np.testing.assert_array_equal(unpack_bits(packed, 2048), bits)
    assert as_words(packed).shape == (5, 32) and as_words(packed).dtype == np.uint64


def test_tanimoto_matches_set_definition() -> None:
    units = [RepeatUnit.from_smiles(s) for s in ["*CC(c1ccccc1)*", "*CC(C)(c1ccccc1)*", "*OCC*", "*CC*"]]
    matrix = fingerprint_matrix(units)
    similarity = tanimoto(matrix[0], matrix)
    sets = [set(np.flatnonzero(unpack_bits(row))) for row in matrix]
    expected = [len(sets[0] & s) / len(sets[0] | s) for s in sets]
    np.testing.assert_allclose(similarity, expected)
    assert similarity[0] == pytest.approx(1.0)


def test_spec_validation() -> None:
    with pytest.raises(ValueError, match="multiple of 64"):
        FingerprintSpec(n_bits=100)
    with pytest.raises(ValueError, match="radius must be >= 0"):
        FingerprintSpec(radius=-1)
    assert fingerprint_matrix([]).shape == (0, 256)
