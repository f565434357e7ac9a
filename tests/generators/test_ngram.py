"""The grammar-aware n-gram: samples are well-formed, mostly valid, reproducible, and survive a JSON round trip."""

import numpy as np
import pytest
from rdkit import Chem, RDLogger

from polyloop.generators.ngram import NGramModel, atom_valence
from polyloop.generators.tokens import tokenize

TRAINING = ["CC(C)C", "C(=O)OC", "-c1ccccc1", "-c1ccc(Cl)cc1", "OCC", "C(F)(F)F", "C1CCCCC1", "C(=O)N(C)C",
            "CCOC(=O)C", "-c1ccc2ccccc2c1", "C#N", "OC(C)=O", "S(=O)(=O)C", "-c1ccncc1"]


def test_samples_are_balanced_and_close_every_ring():
    model = NGramModel.train(TRAINING, order=4)
    rng = np.random.default_rng(0)
    samples = [s for s in (model.sample(rng) for _ in range(300)) if s]
    assert len(samples) > 250
    for text in samples:
        depth, open_rings = 0, set()
        for token in tokenize(text):
            depth += (token == "(") - (token == ")")
            assert depth >= 0
            if token.isdigit():
                open_rings ^= {token}
        assert depth == 0 and not open_rings, text
    RDLogger.DisableLog("rdApp.*")
    parsed = sum(Chem.MolFromSmiles("*" + s) is not None for s in samples)
    RDLogger.EnableLog("rdApp.*")
    assert parsed / len(samples) > 0.8


def test_same_seed_same_samples_and_json_round_trip():
    model = NGramModel.train(TRAINING, order=3)
    again = NGramModel.from_json(model.to_json())
    a = [model.sample(np.random.default_rng(7)) for _ in range(3)]
    b = [again.sample(np.random.default_rng(7)) for _ in range(3)]
    assert a == b


def test_valences():
    assert atom_valence("C") == 4 and atom_valence("c") == 3 and atom_valence("Cl") == 1
    assert atom_valence("[nH]") == 2 and atom_valence("[Si]") == 4 and atom_valence("[N+]") == 4


def test_order_must_be_positive():
    with pytest.raises(ValueError, match="order must be >= 1"):
        NGramModel.train(TRAINING, order=0)
