"""Candidate pools: in-memory and library pools, cheap filters while streaming, SMARTS filters on demand."""

import numpy as np
import pytest

from polyloop.design.pool import InMemoryPool, LibraryPool, PoolError, PoolFilter
from polyloop.surrogate.synthetic import write_synthetic_library


def test_pi1070_pool_has_its_ids_and_canonical_smiles(pi1070):
    pool = InMemoryPool.from_dataset("pi1070")
    assert len(pool) == len(pi1070) == 1077
    assert pool.ids[:3].tolist() == ["PI1", "PI2", "PI3"]
    assert pool.smiles[5] == pi1070["canonical_smiles"].iloc[5]
    batches = list(pool.batches(500))
    assert [len(b) for b in batches] == [500, 500, 77]
    assert batches[0].packed.shape == (500, 256) and batches[0].packed.dtype == np.uint8


def test_class_and_heavy_atom_filters(pi1070):
    classes = PoolFilter(classes=("polyimide",))
    pool = InMemoryPool.from_dataset("pi1070", classes)
    assert len(pool) == int((pi1070["polymer_class"] == "polyimide").sum()) == 261
    small = InMemoryPool(["a", "b", "c"], ["*CC*", "*CC(*)c1ccccc1", "*CC(*)Cl"], np.zeros((3, 256), np.uint8),
                         PoolFilter(heavy_atoms=(2, 3)))
    assert small.ids.tolist() == ["a", "c"]  # 2 and 3 heavy atoms; the styrene unit has 8


def test_smarts_filters_are_applied_on_demand():
    pool = InMemoryPool(["a", "b", "c"], ["*CC*", "*CC(*)c1ccccc1", "*CC(*)Cl"], np.zeros((3, 256), np.uint8),
                        PoolFilter(include_smarts=("[CH2]",), exclude_smarts=("c1ccccc1",)))
    assert len(pool) == 3  # SMARTS are not applied while streaming
    assert pool.accepts(["*CC*", "*CC(*)c1ccccc1", "*CC(*)Cl", "*[SiH2]O*"]).tolist() == [True, False, True, False]


def test_filter_errors_say_what():
    with pytest.raises(PoolError, match=r"invalid SMARTS pattern 'C\(\('"):
        PoolFilter(include_smarts=("C((",))
    with pytest.raises(PoolError, match="unknown pool filter key"):
        PoolFilter.from_dict({"clases": ["polyimide"]})
    with pytest.raises(PoolError, match="heavy_atoms must be two integers"):
        PoolFilter.from_dict({"heavy_atoms": [5]})
    with pytest.raises(PoolError, match="given no classes"):
        InMemoryPool(["a"], ["*CC*"], np.zeros((1, 256), np.uint8), PoolFilter(classes=("polyolefin",)))
    with pytest.raises(PoolError, match="unique"):
        InMemoryPool(["a", "a"], ["*CC*", "*CCC*"], np.zeros((2, 256), np.uint8))
    parsed = PoolFilter.from_dict({"library": "x", "classes": ["polyimide"], "heavy_atoms": [5, 40]})
    assert parsed.classes == ("polyimide",) and parsed.heavy_atoms == (5, 40)


def test_library_pool_streams_only_chosen_classes(tmp_path):
    root = write_synthetic_library(tmp_path / "lib", 600, seed=1)
    every = LibraryPool(root)
    assert len(every) == 600
    ids = np.concatenate([b.ids for b in every.batches(128)])
    assert len(ids) == 600 and len(set(ids)) == 600
    imides = LibraryPool(root, PoolFilter(classes=("polyimide",)))
    streamed = sum(len(b) for b in imides.batches(64))
    assert 0 < streamed == len(imides) < 600
    assert len(LibraryPool(root, PoolFilter(heavy_atoms=(1, 10)))) == 0  # synthetic rows store 0 heavy atoms
    first = next(every.batches(8))
    assert first.packed.shape == (8, 256) and first.smiles.dtype == object
