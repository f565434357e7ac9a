"""Recorder files are read in chunk order, with repeated steps kept once and torn blocks dropped."""

import numpy as np
import pytest

from polyloop.simulate.errors import SimulateError
from polyloop.simulate.protocol.series import read_blocks, read_scalars


def test_scalars_concatenate_chunks_and_drop_repeated_steps(tmp_path):
    (tmp_path / "thermo.000.00000.dat").write_text("# header\n# step a b\n0 1 2\n10 3 4\n")
    (tmp_path / "thermo.000.00001.dat").write_text("# header\n10 3 4\n20 5 6\n")
    steps, values = read_scalars(tmp_path, "thermo")
    assert steps.tolist() == [0, 10, 20]
    assert np.array_equal(values, [[1, 2], [3, 4], [5, 6]])


def test_blocks_drop_a_block_torn_by_a_kill(tmp_path):
    (tmp_path / "rg.000.00000.dat").write_text("# h\n# h\n100 2\n1 5.0\n2 6.0\n200 2\n1 5.5\n")
    steps, blocks = read_blocks(tmp_path, "rg")
    assert steps.tolist() == [100]
    assert blocks.shape == (1, 2, 1) and blocks[0, 1, 0] == 6.0


def test_missing_series_is_an_error(tmp_path):
    with pytest.raises(SimulateError, match="recorded nothing"):
        read_scalars(tmp_path, "thermo")
