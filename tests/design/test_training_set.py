"""Warm-start sources of a campaign's training set: PI1070 under the MD engine's names, and the property database."""

import numpy as np

from polyloop.design.training_set import warm_start_data
from polyloop.library.database import PropertyDatabase


def test_pi1070_warm_start_serves_md_names_for_its_other_spellings(pi1070) -> None:
    data = warm_start_data({"dataset": "pi1070"}, ["isothermal_compressibility", "dielectric_constant"])
    assert data.properties == ("isothermal_compressibility", "dielectric_constant")
    labelled = pi1070.dropna(subset=["compressibility"])
    column = data.targets[:, 0]
    assert np.isfinite(column).sum() == len(labelled)
    assert np.nanmean(column) == np.float64(labelled["compressibility"].mean())


def test_database_warm_start_limits_sources(tmp_path, pi1070) -> None:
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    PropertyDatabase(url).import_dataset("pi1070")
    data = warm_start_data({"database": url, "sources": ["pi1070"]}, ["density"])
    assert len(data) == pi1070["density"].notna().sum()
    assert abs(np.nanmean(data.targets[:, 0]) - pi1070["density"].mean()) < 1e-6 * pi1070["density"].mean()
    assert len(warm_start_data({"database": url, "sources": ["md"]}, ["density"])) == 0
