"""class_generators: every class gets its language model, classes with rule products a rule generator."""

import numpy as np
import pytest

from polyloop.generators.base import GeneratorError
from polyloop.generators.registry import class_generators
from polyloop.library.classes import polymer_classes


def test_every_class_has_generators():
    generators = class_generators()
    assert list(generators) == [c.name for c in polymer_classes()]
    for name, found in generators.items():
        assert found[-1].name == f"fragngram4:{name}"
        assert all(g.polymer_class == name for g in found)
    assert [g.name for g in generators["polyimide"]] == ["rules:polyimide", "fragngram4:polyimide"]
    assert [g.name for g in generators["polyphosphazene"]] == ["fragngram4:polyphosphazene"]


def test_rule_generator_proposes_products_with_parents():
    (rules, _model) = class_generators(["polyimide"])["polyimide"]
    proposals = rules.propose(5, np.random.default_rng(0))
    assert all(p.source == "rule:polyimide_diamine_dianhydride" and len(p.parents) == 2 for p in proposals)
    assert len({p.smiles for p in proposals}) == 5


def test_unknown_class_is_refused():
    with pytest.raises(GeneratorError, match="unknown polymer class"):
        class_generators(["polyfoo"])
