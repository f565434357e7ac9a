"""The hand-written commercial polymers: valid units, filed under the class the classifier gives them."""

from polyloop.generators.corpus import commercial_polymers, strip_stereo
from polyloop.library.classes import classify, polymer_classes


def test_commercial_classes_match_the_classifier():
    table = commercial_polymers()
    assert len(table) >= 150
    assert [classify(s) for s in table["smiles"]] == list(table["polymer_class"])


def test_every_class_has_commercial_examples():
    counts = commercial_polymers()["polymer_class"].value_counts()
    assert all(counts.get(c.name, 0) >= 4 for c in polymer_classes())


def test_strip_stereo():
    assert strip_stereo("*C/C=C\\C*") == strip_stereo("*C/C=C/C*") == "*C=CCC*"
