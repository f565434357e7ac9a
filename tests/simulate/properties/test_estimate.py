"""The Estimate record: plain, JSON-ready dictionaries and refusal of meaningless numbers."""

import json

import numpy as np
import pytest

from polyloop.simulate.properties.estimate import Estimate, PropertyError, relative_error
from polyloop.simulate.properties.transport import DiffusionEstimate


def test_as_dict_is_plain_and_carries_subclass_fields():
    assert Estimate(1.5, 0.1, "g/cm^3").as_dict() == {"value": 1.5, "stderr": 0.1, "unit": "g/cm^3"}
    flagged = DiffusionEstimate(np.float64(2e-12), np.float64(1e-13), "m^2/s", exponent=0.4, diffusive=False)
    record = flagged.as_dict()
    assert record == {"value": 2e-12, "stderr": 1e-13, "unit": "m^2/s", "exponent": 0.4, "diffusive": False}
    assert type(record["value"]) is float
    assert json.loads(json.dumps(record)) == record


def test_meaningless_numbers_are_refused():
    with pytest.raises(PropertyError, match="finite value"):
        Estimate(float("nan"), 0.1, "K")
    with pytest.raises(PropertyError, match="stderr >= 0"):
        Estimate(1.0, -0.1, "K")
    assert relative_error(Estimate(-2.0, 0.5, "K")) == 0.25
    with pytest.raises(PropertyError, match="undefined"):
        relative_error(Estimate(0.0, 0.5, "K"))
