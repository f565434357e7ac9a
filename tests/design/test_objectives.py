"""Objectives and outcome constraints: parsing, TOML tables, utilities and clear errors."""

import math

import numpy as np
import pytest

from polyloop.design.objectives import Objective, ObjectiveError, OutcomeConstraint, bound_in_model_units


def test_parse_max_min_target():
    assert Objective.parse("thermal_conductivity:max") == Objective("thermal_conductivity", "max")
    assert Objective.parse("density:min") == Objective("density", "min")
    target = Objective.parse("refractive_index:target:1.60:1.70")
    assert (target.sense, target.low, target.high) == ("target", 1.60, 1.70)
    assert str(target) == "refractive_index:target:1.6:1.7"


@pytest.mark.parametrize("text, message", [
    ("density", "cannot read objective"),
    ("density:maximise", "cannot read objective"),
    ("refractive_index:target:1.7", "cannot read objective"),
    ("refractive_index:target:a:1.7", "low in 'refractive_index:target:a:1.7' is not a number"),
    ("refractive_index:target:1.8:1.7", "low 1.8 > high 1.7"),
])
def test_parse_errors_say_what(text, message):
    with pytest.raises(ObjectiveError, match=message):
        Objective.parse(text)


def test_from_dict_and_its_errors():
    assert Objective.from_dict({"property": "density", "sense": "min"}) == Objective("density", "min")
    table = {"property": "refractive_index", "sense": "target", "low": 1.6, "high": 1.7}
    assert Objective.from_dict(table).high == 1.7
    with pytest.raises(ObjectiveError, match="unknown key"):
        Objective.from_dict({"property": "density", "sense": "min", "weight": 2})
    with pytest.raises(ObjectiveError, match="needs a sense"):
        Objective.from_dict({"property": "density"})
    with pytest.raises(ObjectiveError, match="low/high are for 'target' only"):
        Objective.from_dict({"property": "density", "sense": "min", "low": 1.0})


def test_utilities():
    y = np.array([1.0, 1.65, 2.0, np.nan])
    assert Objective("p", "max").utility(y)[:3].tolist() == [1.0, 1.65, 2.0]
    assert Objective("p", "min").utility(y)[:3].tolist() == [-1.0, -1.65, -2.0]
    target = Objective("p", "target", 1.6, 1.7).utility(y)
    assert target[:3] == pytest.approx([-0.6, 0.0, -0.3])
    assert math.isnan(target[3])


def test_constraints_parse_satisfy_and_errors():
    upper = OutcomeConstraint.parse("density <= 1200")
    assert (upper.property, upper.lower, upper.upper) == ("density", None, 1200.0)
    assert OutcomeConstraint.parse("cp>=1.0").lower == 1.0
    assert upper.satisfied(np.array([1000.0, 1300.0, np.nan])).tolist() == [True, False, False]
    assert OutcomeConstraint.from_dict({"property": "density", "upper": 1.2}).upper == 1.2
    with pytest.raises(ObjectiveError, match="PROPERTY<=VALUE"):
        OutcomeConstraint.parse("density < 1.2")
    with pytest.raises(ObjectiveError, match="needs a lower or an upper bound"):
        OutcomeConstraint.from_dict({"property": "density"})
    with pytest.raises(ObjectiveError, match="nothing can satisfy it"):
        OutcomeConstraint("density", lower=2.0, upper=1.0)


def test_bounds_in_model_units():
    assert bound_in_model_units(math.e, "log") == pytest.approx(1.0)
    assert bound_in_model_units(-1.0, "log") == -math.inf
    assert bound_in_model_units(1.5, "identity") == 1.5
    assert bound_in_model_units(None, "log") is None
