"""The library screen against direct prediction, top-K selection, Parquet output, and format errors."""

import json

import numpy as np
import pandas as pd
import pytest

from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.errors import LibraryFormatError
from polyloop.surrogate.multi import MultiPropertyGP
from polyloop.surrogate.screen import iter_library, screen
from polyloop.surrogate.synthetic import write_synthetic_library


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return write_synthetic_library(tmp_path_factory.mktemp("library"), 3000, seed=1, chunk=1000)


@pytest.fixture(scope="module")
def model():
    return MultiPropertyGP.fit(load_pi1070_data(["density", "self_diffusion"]).subset(np.arange(400)))


def test_library_format_and_bit_density(library) -> None:
    manifest = json.loads((library / "library.json").read_text())
    assert manifest["n_candidates"] == 3000 and manifest["fingerprint"] == {"radius": 2, "n_bits": 2048}
    assert len(list(library.glob("polymer_class=*/part-*.parquet"))) > 10
    rows = sum(len(table) for table, _ in iter_library(library, batch_size=500))
    _, packed = next(iter_library(library))
    assert rows == 3000 and 35 < np.unpackbits(packed, axis=1).sum(axis=1).mean() < 70


def test_screen_equals_direct_prediction_and_keeps_the_best(library, model, tmp_path) -> None:
    out = tmp_path / "all.parquet"
    result = screen(library, model, rank_by="self_diffusion", maximize=False, kappa=1.0, top=25, batch_size=700,
                    out=out, progress=False)
    assert result.n_candidates == 3000 and len(result.top) == 25
    everything = pd.read_parquet(out)
    assert len(everything) == 3000 and everything["id"].is_unique
    tables, packed = zip(*iter_library(library))
    ids = np.concatenate([t.column("id").to_numpy(zero_copy_only=False) for t in tables])
    mean, variance = model.predict(np.vstack(packed))
    direct = pd.DataFrame({"id": ids, "density_mean": mean[:, 0], "self_diffusion_std": np.sqrt(variance[:, 1])})
    merged = everything.merge(direct, on="id", suffixes=("", "_direct"))
    assert np.allclose(merged["density_mean"], merged["density_mean_direct"], rtol=1e-5)
    assert np.allclose(merged["self_diffusion_std"], merged["self_diffusion_std_direct"], rtol=1e-3)
    score = everything["self_diffusion_mean"] - everything["self_diffusion_std"]
    expected = everything.loc[np.argsort(score.to_numpy(), kind="stable")[:25], "id"]
    assert list(result.top["id"]) == list(expected)
    assert np.all(np.diff(result.top["score"]) >= 0)


def test_screen_errors(library, model, tmp_path) -> None:
    with pytest.raises(LibraryFormatError, match="library.json is missing"):
        screen(tmp_path, model, progress=False)
    other = tmp_path / "other"
    other.mkdir()
    (other / "library.json").write_text(json.dumps({"fingerprint": {"radius": 3, "n_bits": 2048},
                                                    "n_candidates": 0}))
    with pytest.raises(LibraryFormatError, match="radius 3, 2048 bits; the model was fitted on radius 2"):
        screen(other, model, progress=False)
    with pytest.raises(ValueError, match="rank_by 'cp' is not among"):
        screen(library, model, rank_by="cp", progress=False)
