"""Shared fixtures: the PI1070 table is loaded once per test session."""

import pandas as pd
import pytest

from polyloop.library.datasets import load_pi1070


@pytest.fixture(scope="session")
def pi1070() -> pd.DataFrame:
    """The bundled PI1070 dataset."""
    return load_pi1070()
