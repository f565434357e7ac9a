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
    assert [k for k, _ in default.edits] == ["block", "side", "add", "remove"]
    assert halo.novel_parts > default.novel_parts and halo.edits == default.edits
