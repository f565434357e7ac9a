"""Training on a tiny corpus: seeds, effects, n-gram statistics, and a file round trip."""

import pytest

from polyloop.generators.composition import class_index
from polyloop.generators.training import load_model, save_model, train_model

CORPUS = {
    "polyester": ["*CCOC(=O)c1ccc(C(=O)O*)cc1", "*CCCCCC(=O)O*"],
    "polystyrene": ["*CC(*)c1ccccc1", "*CC(*)c1ccc(C)cc1"],
    "polyolefin": ["*CC(*)C", "*CC(*)CC"],
}


def test_train_small_model(tmp_path):
    model = train_model(CORPUS, novel_sides=30, seed=1)
    assert {k: len(v) for k, v in model["seeds"].items()} == {"polyester": 2, "polystyrene": 2, "polyolefin": 2}
    sides = model["sides"]
    assert model["side_effect_c"][sides.index("-c%50ccccc%50")] == class_index("polystyrene")
    assert model["side_effect_c"][sides.index("C")] == class_index("polyolefin")
    stats = model["stats"]["ngram"]["polyolefin"]
    assert stats["drawn"] == 30 and 0 < stats["valid"] <= 30
    path = tmp_path / "model.json.gz"
    save_model(model, path)
    assert load_model(path) == model


def test_bundled_model_keeps_nearly_every_corpus_unit_as_a_seed():
    """The bundled model's seeds are its corpus units whose blocks compose to their class: at least 98 % of each
    class (units cut inside a linkage would lose most polyesters, polycarbonates and polyanhydrides)."""
    stats = load_model()["stats"]["seeds"]
    for name, counts in stats.items():
        assert counts["seeds"] >= 0.98 * counts["corpus"], (name, counts)
    assert stats["polyphosphazene"]["seeds"] >= 40


@pytest.mark.slow
def test_retraining_reproduces_the_bundled_model():
    """``polyloop generators train`` on the current corpora gives exactly the bundled model file's content, so the
    bundled model is what the code and data in the repository make."""
    import json

    from polyloop.generators.corpus import class_corpora

    assert json.loads(json.dumps(train_model(class_corpora(seed=0), seed=0))) == load_model()
