"""The class of a unit from its parts' effects."""

import pytest

from polyloop.generators.composition import INERT, UNCLASSIFIED, class_index, class_name, unit_class


def test_earliest_effect_wins():
    assert unit_class(True, [class_index("polyester"), class_index("polyether")]) == class_index("polyether")
    assert unit_class(False, [class_index("polyolefin"), class_index("polystyrene")]) == class_index("polystyrene")


def test_carbon_classes_do_not_count_in_a_heteroatom_chain():
    effects = [class_index("polystyrene"), class_index("polyamide")]
    assert unit_class(True, effects) == class_index("polyamide")
    assert unit_class(True, [class_index("polystyrene")]) == INERT


def test_names_and_indices():
    assert class_index("polyimide") == 0 and class_name(0) == "polyimide"
    assert class_index(None) == UNCLASSIFIED and class_name(UNCLASSIFIED) is None
    with pytest.raises(KeyError, match="unknown polymer class 'polyfoo'"):
        class_index("polyfoo")
