"""Target transforms: round trips, log-normal moments, and errors for values that cannot be logged."""

import numpy as np
import pytest

from polyloop.surrogate.errors import DatasetFormatError
from polyloop.surrogate.transforms import PropertyTransform, transform_names


def test_choices_come_from_the_data_file() -> None:
    names = transform_names()
    assert names["self_diffusion"] == "log" and names["density"] == "identity" and len(names) == 15


def test_round_trip_and_log_normal_moments() -> None:
    values = np.array([1e-13, 5e-13, 2e-12, np.nan])
    transform = PropertyTransform.fit("self_diffusion", values)
    z = transform.forward(values)
    assert np.isnan(z[3]) and abs(np.mean(z[:3])) < 1e-12
    assert np.allclose(transform.point(z[:3]), values[:3], rtol=1e-12)
    mean, variance = transform.inverse(np.array([0.0]), np.array([0.5]))
    samples = np.exp(transform.loc + transform.scale * np.random.default_rng(0).normal(0, np.sqrt(0.5), 400_000))
    assert abs(mean[0] / samples.mean() - 1) < 0.01 and abs(variance[0] / samples.var() - 1) < 0.05
    assert np.allclose(transform.forward_std(values[:3], 0.1 * values[:3]), 0.1 / transform.scale)


def test_log_of_non_positive_values_is_refused() -> None:
    with pytest.raises(DatasetFormatError, match="modelled in log space .* 1 value\\(s\\) <= 0"):
        PropertyTransform.fit("bulk_modulus", np.array([1e9, 2e9, -3.0]))
    with pytest.raises(DatasetFormatError, match="at least 2 are needed"):
        PropertyTransform.fit("density", np.array([1000.0, np.nan]))
