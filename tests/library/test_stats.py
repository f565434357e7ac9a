"""Library figures: distances, raw figures from counters, and the whole report on a built library."""

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from polyloop.library.build import build_library, settings
from polyloop.library.fingerprints import pack_bits
from polyloop.library.stats import library_stats, mean_pairwise_distance, raw_figures, sa_scores
from polyloop.library.store import read_table

sys.path.insert(0, str(Path(__file__).parent))
from build_generators import known_source  # noqa: E402

KEYS = {"n_candidates", "n_unique", "validity", "class_fidelity", "novelty", "internal_diversity", "raw_validity",
        "raw_class_fidelity", "yield", "per_class"}


def test_mean_pairwise_distance_of_known_sets() -> None:
    bits = np.zeros((3, 64), dtype=np.uint8)
    bits[0, :4] = 1  # {0,1,2,3}
    bits[1, 2:6] = 1  # {2,3,4,5}: T = 2/6 with row 0
    bits[2, :4] = 1  # identical to row 0: T = 1
    expected = 1 - (2 / 6 + 1 + 2 / 6) / 3
    assert mean_pairwise_distance(pack_bits(bits)) == pytest.approx(expected)
    assert np.isnan(mean_pairwise_distance(pack_bits(bits[:1])))


def test_raw_figures_from_counters() -> None:
    figures = raw_figures({"proposals": 200, "valid": 199, "class_consistent": 197, "new_unique": 170})
    assert figures == {"raw_validity": 0.995, "raw_class_fidelity": 197 / 199, "yield": 0.85}
    assert raw_figures({}) == {"raw_validity": None, "raw_class_fidelity": None, "yield": None}


def test_sa_scores_rank_simple_below_complex() -> None:
    scores = sa_scores(["*CC*", "*C[C@H]1C[C@@H]2C(C)(C)[C@H]1C2(C)C(*)=O"])
    assert scores is not None and 1 <= scores[0] < scores[1] <= 10


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("stats") / "lib"
    build_library(out, 60, known_source, ["polyether", "polyester"], seed=3,
                  build_settings=replace(settings(), chunk_size=32, weights={}))
    return out


def test_report_on_a_built_library(built) -> None:
    table = read_table(built, ["smiles", "polymer_class"]).to_pandas()
    ether = sorted(table[table["polymer_class"] == "polyether"]["smiles"])
    corpora = {"polyether": ether[:10], "polyester": []}  # 10 of the 30 polyethers are "known"
    figures = library_stats(built, corpora, sample=12, diversity_sample=20, sa_sample=5)
    assert KEYS <= set(figures)
    assert figures["n_candidates"] == figures["n_unique"] == 60
    assert figures["per_class"] == {"polyether": 30, "polyester": 30}
    assert figures["validity"] == 1.0 and figures["class_fidelity"] == 1.0
    assert figures["novelty"] == pytest.approx(50 / 60)
    assert figures["novelty_model"] == pytest.approx(50 / 60)  # every row comes from a "model:" source
    assert figures["per_class_metrics"]["polyether"]["novelty"] == pytest.approx(20 / 30)
    assert 0 < figures["internal_diversity"] < 1
    assert figures["raw_validity"] < 1 and figures["raw_class_fidelity"] < 1  # the generators emit bad strings
    assert figures["sa_score"]["p10"] <= figures["sa_score"]["p50"] <= figures["sa_score"]["p90"]
