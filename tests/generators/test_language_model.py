"""The bundled class language models: valid two-star units of the right class, reproducibly."""

from collections import Counter

import numpy as np
import pytest

from polyloop.generators.base import GeneratorError
from polyloop.generators.language_model import FragmentLanguageModel, SharedParts
from polyloop.generators.sampling import Draws, PartPool, sampling
from polyloop.generators.training import load_model
from polyloop.library.classes import classify
from polyloop.library.parsing import parse_repeat_unit


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.mark.parametrize("polymer_class", ["polyimide", "polyanhydride", "polyphosphazene", "polyhalo_olefin"])
def test_samples_parse_and_keep_their_class(model, polymer_class):
    generator = FragmentLanguageModel(model, polymer_class)
    proposals = generator.propose(60, np.random.default_rng(0))
    assert len(proposals) == 60
    for p in proposals:
        parse_repeat_unit(p.smiles)  # raises if not a valid two-star unit
        assert p.polymer_class == polymer_class
        assert p.source == f"model:fragngram4:{polymer_class}" and len(p.parents) == 1
    faithful = sum(classify(p.smiles) == polymer_class for p in proposals)
    assert faithful / len(proposals) >= 0.95
    assert len({p.smiles for p in proposals}) >= 50


def test_same_calls_same_proposals(model):
    """Generators are stateful (modification chains), so two fresh ones given the same calls agree."""
    first, second = FragmentLanguageModel(model, "polyester"), FragmentLanguageModel(model, "polyester")
    a = first.propose(20, np.random.default_rng(5)) + first.propose(20, np.random.default_rng(6))
    b = second.propose(20, np.random.default_rng(5)) + second.propose(20, np.random.default_rng(6))
    assert a == b
    assert a[:20] != FragmentLanguageModel(model, "polyester").propose(20, np.random.default_rng(6))


def test_proposals_do_not_repeat_their_own_strings(model):
    generator = FragmentLanguageModel(model, "polyphosphazene")
    texts = [p.smiles for p in generator.propose(500, np.random.default_rng(0))]
    assert len(set(texts)) >= 490


def test_unknown_class(model):
    with pytest.raises(GeneratorError, match="no class 'polyfoo'"):
        FragmentLanguageModel(model, "polyfoo")


def test_parts_are_drawn_by_corpus_frequency():
    """Seen parts by weight own_weight * own + every, novel parts with probability novel_parts."""
    settings = sampling("polyimide")
    pool = PartPool([1, 2, 3, 4], own=Counter({1: 3}), every=Counter({1: 3, 2: 10}), settings=settings)
    draws = Draws(np.random.default_rng(0), 1024)
    picks = Counter(pool.pick(draws) for _ in range(40_000))
    novel = (picks[3] + picks[4]) / 40_000
    assert novel == pytest.approx(settings.novel_parts, abs=0.006)
    weight_1, weight_2 = settings.own_weight * 3 + 3, 10
    assert picks[1] / (picks[1] + picks[2]) == pytest.approx(weight_1 / (weight_1 + weight_2), abs=0.01)
    assert set(picks) == {1, 2, 3, 4}
    wide = Counter(pool.pick(draws, wide=True) for _ in range(20_000))
    assert (wide[3] + wide[4]) / 20_000 == pytest.approx(settings.wide_novel, abs=0.015)
    assert PartPool([], Counter(), Counter(), settings).pick(draws) is None


def test_replacements_prefer_similar_parts(model):
    """pick_near returns the drawn part most similar to the replaced one, never the part itself."""
    shared = SharedParts(model)
    phenyl = shared.sides.index("-c%50ccccc%50")
    pool = PartPool(list(range(len(shared.sides))), own=Counter(), every=Counter(range(len(shared.sides))),
                    settings=sampling("polyimide"))
    draws = Draws(np.random.default_rng(1), 1024)

    def similarity(a, b):
        return shared.similarity("side", a, b)

    near = [pool.pick_near(draws, phenyl, similarity, wide=False) for _ in range(200)]
    far = [pool.pick(draws) for _ in range(200)]
    assert phenyl not in near
    assert np.mean([similarity(phenyl, p) for p in near]) > np.mean([similarity(phenyl, p) for p in far]) + 0.1
    assert similarity(phenyl, phenyl) == 1.0


def test_sampling_settings_are_data():
    default, halo = sampling("polyimide"), sampling("polyhalo_olefin")
    assert sum(w for _, w in default.edits) == pytest.approx(1.0)
    assert [k for k, _ in default.edits] == ["decorate", "block", "side", "add", "remove"]
    assert dict(default.edits)["decorate"] == 0.0 and dict(sampling("polystyrene").edits)["decorate"] == 1.0
    assert halo.novel_parts > default.novel_parts and halo.edits == default.edits


def test_near_edits_keep_units_closer_to_their_start(model):
    """near_edits > 1 keeps, of several drawn edits, the one whose unit is most like the start: children end up
    measurably more similar (true Morgan Tanimoto of the whole unit) to the unit they were made from."""
    from dataclasses import replace

    from polyloop.library.fingerprints import fingerprint_matrix, tanimoto
    from polyloop.library.repeat_unit import RepeatUnit

    def mean_similarity_to_parent(near_edits: int) -> float:
        settings = replace(sampling("polyurea"), near_edits=near_edits, chain=0.0)
        proposals = FragmentLanguageModel(model, "polyurea", settings=settings).propose(300, np.random.default_rng(2))
        children = fingerprint_matrix([RepeatUnit.from_smiles(p.smiles) for p in proposals])
        parents = fingerprint_matrix([RepeatUnit.from_smiles(p.parents[0]) for p in proposals])
        return float(np.mean([tanimoto(c, parents[i:i + 1])[0] for i, c in enumerate(children)]))

    assert mean_similarity_to_parent(6) > mean_similarity_to_parent(1) + 0.02


def test_unit_bits_hold_the_bits_of_every_part(model):
    """unit_bits is the union of the parts' own Morgan bits; tanimoto on such ints is |x & y| / |x | y|."""
    from polyloop.generators.language_model import _tanimoto

    shared = SharedParts(model)
    seed = model["seeds"]["polyurea"][0]["blocks"]
    bits = shared.unit_bits(seed)
    parts = [shared.unit_bits([(tid, [[] for _ in fills])]) for tid, fills in seed]
    assert all(p and p & bits == p for p in parts)
    assert shared.unit_bits([]) == 0
    assert _tanimoto(0b1100, 0b0110) == pytest.approx(1 / 3) and _tanimoto(0, 0) == 0.0


def test_edit_counts_below_one_are_refused(sampling_with):
    read = sampling_with("[classes.polyfoo]\nnear_edits = 0")
    with pytest.raises(ValueError, match="near_edits of 'polyfoo' in language_model.toml must be at least 1"):
        read("polyfoo")
