"""Loading training data: PI1070 standard errors and CSV files with clear errors."""

import numpy as np
import pytest

from polyloop.surrogate.data import load_csv, load_dataset
from polyloop.surrogate.errors import DatasetFormatError


def test_pi1070_standard_errors_are_std_over_root_count(pi1070) -> None:
    data = load_dataset("pi1070", ["density", "thermal_conductivity"])
    assert data.packed.shape == (1077, 256) and data.targets.shape == (1077, 2)
    row = int(np.flatnonzero(pi1070["density_count"] == 4)[0])
    assert data.noise_std[row, 0] == pytest.approx(pi1070["density_std"][row] / 2)
    missing = np.isnan(data.targets[:, 1])
    assert missing.sum() == 7 and np.all(np.isnan(data.noise_std[missing, 1]))


def test_csv_with_std_column(tmp_path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("smiles,density,density_std,tg\n*CC*,850,5,\n*CC(*)c1ccccc1,1040,,373\n")
    data = load_csv(path, ["density", "tg"])
    assert data.smiles == ("*C*", "*CC(*)c1ccccc1")
    assert np.isnan(data.targets[0, 1]) and data.targets[1, 1] == 373
    assert data.noise_std[0, 0] == 5 and data.noise_std[1, 0] == 0 and np.isnan(data.noise_std[0, 1])


def test_csv_errors_name_the_problem(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("smiles,density\n*CC*,850\n*CC,900\n")
    with pytest.raises(DatasetFormatError, match="1 invalid repeat unit.*line 3: expected 2 connection points"):
        load_csv(path, ["density"])
    with pytest.raises(DatasetFormatError, match="lacks the column\\(s\\) \\['cp'\\]"):
        load_csv(path, ["cp"])
    path.write_text("smiles,density\n*CC*,heavy\n")
    with pytest.raises(DatasetFormatError, match="column 'density' has non-numeric values at line\\(s\\) \\[2\\]"):
        load_csv(path, ["density"])
    with pytest.raises(DatasetFormatError, match="does not exist"):
        load_dataset(str(tmp_path / "none.csv"), ["density"])
