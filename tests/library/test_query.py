"""Queries over a built library: class, property ranges, SMARTS, limit; errors for bad input."""

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rdkit import Chem

from polyloop.library.build import build_library, settings
from polyloop.library.errors import LibraryError
from polyloop.library.query import connect, query_library
from polyloop.library.store import read_table

sys.path.insert(0, str(Path(__file__).parent))
from build_generators import known_source  # noqa: E402


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("query") / "lib"
    build_library(out, 90, known_source, ["polyolefin", "polyether", "polyester"], seed=4,
                  build_settings=replace(settings(), chunk_size=32, weights={}))
    return out


def test_class_and_ranges_match_a_pandas_filter(library) -> None:
    everything = read_table(library).to_pandas()
    expected = everything[(everything["polymer_class"] == "polyester") & everything["molecular_weight"].between(
        150, 250) & (everything["backbone_atoms"] >= 10)].sort_values("id")
    found = query_library(library, polymer_class="polyester",
                          ranges={"molecular_weight": (150, 250), "backbone_atoms": (10, None)}, limit=None)
    assert len(expected) > 0
    assert found["id"].tolist() == expected["id"].tolist()


def test_smarts_filter_and_limit(library) -> None:
    pattern = Chem.MolFromSmarts("[CH]([CH3])([CH3])")  # an isopropyl end
    everything = read_table(library, ["id", "smiles"]).to_pandas().sort_values("id")
    expected = [i for i, s in zip(everything["id"], everything["smiles"])
                if Chem.MolFromSmiles(s).HasSubstructMatch(pattern)]
    assert len(expected) >= 3
    assert query_library(library, smarts="[CH]([CH3])([CH3])", limit=None)["id"].tolist() == expected
    assert query_library(library, smarts="[CH]([CH3])([CH3])", limit=2)["id"].tolist() == expected[:2]
    assert query_library(library, limit=5)["id"].tolist() == everything["id"].tolist()[:5]


def test_duckdb_view_sees_every_row_and_class(library) -> None:
    counts = dict(connect(library).execute("SELECT polymer_class, count(*) FROM library GROUP BY 1").fetchall())
    assert counts == {"polyolefin": 30, "polyether": 30, "polyester": 30}


def test_bad_queries_are_refused(library) -> None:
    with pytest.raises(LibraryError, match="not a valid SMARTS"):
        query_library(library, smarts="C(((")
    with pytest.raises(LibraryError, match="cannot filter on 'density'"):
        query_library(library, ranges={"density": (1, 2)})
    with pytest.raises(LibraryError, match="limit must be >= 0"):
        query_library(library, limit=-1)
