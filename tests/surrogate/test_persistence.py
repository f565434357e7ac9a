"""Save/load round trip and clear errors for files that are not models."""

import json

import numpy as np
import pytest

from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.errors import ModelFileError
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP
from polyloop.surrogate.persistence import load_model, save_model


@pytest.mark.parametrize("settings", [GPSettings(), GPSettings(exact_max=200, n_landmarks=80)])
def test_round_trip_predicts_identically(tmp_path, settings) -> None:
    data = load_pi1070_data(["density", "self_diffusion"]).subset(np.arange(300))
    model = MultiPropertyGP.fit(data, settings)
    path = save_model(model, tmp_path / "model")
    assert path.name == "model.npz"
    loaded = load_model(path)
    assert loaded.mode == model.mode and loaded.hyperparameters == model.hyperparameters
    assert loaded.data.spec == model.data.spec and loaded.data.smiles == model.data.smiles
    queries = load_pi1070_data(["density"]).packed[600:640]
    for before, after in zip(model.predict(queries), loaded.predict(queries)):
        assert np.array_equal(before, after)


def test_foreign_and_future_files_are_refused(tmp_path) -> None:
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a polyloop surrogate model file"):
        load_model(junk)
    future = tmp_path / "future.npz"
    np.savez(future, header=np.array(json.dumps({"format": "polyloop.surrogate.MultiPropertyGP", "version": 99})))
    with pytest.raises(ModelFileError, match="format version 99; this polyloop reads version 1"):
        load_model(future)
