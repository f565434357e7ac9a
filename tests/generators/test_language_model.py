"""The bundled class language models: valid two-star units of the right class, reproducibly."""

import numpy as np
import pytest

from polyloop.generators.base import GeneratorError
from polyloop.generators.language_model import FragmentLanguageModel
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
