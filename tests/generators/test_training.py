"""Training on a tiny corpus: seeds, effects, n-gram statistics, and a file round trip."""

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
