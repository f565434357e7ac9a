"""Save and load fitted multi-property GPs: one ``.npz`` file, versioned.

The file holds the training data (packed fingerprints, labels, standard errors, SMILES), the landmark indices, and a
JSON header with the format name and version, the fingerprint settings, the fit settings, and each property's
transform and hyperparameters. Loading rebuilds the posterior from these (no refit of hyperparameters), so a loaded
model predicts exactly as the saved one did. Arrays only, no pickles.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from polyloop import __version__
from polyloop.library.fingerprints import FingerprintSpec
from polyloop.surrogate.data import TrainingData
from polyloop.surrogate.errors import ModelFileError
from polyloop.surrogate.hyperparameters import Hyperparameters
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP
from polyloop.surrogate.transforms import PropertyTransform

__all__ = ["FORMAT", "VERSION", "load_model", "save_model"]

FORMAT = "polyloop.surrogate.MultiPropertyGP"
VERSION = 1


def save_model(model: MultiPropertyGP, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is appended if missing) and return the path written."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    data = model.data
    header = {
        "format": FORMAT,
        "version": VERSION,
        "polyloop": __version__,
        "fingerprint": {"radius": data.spec.radius, "n_bits": data.spec.n_bits},
        "settings": asdict(model.settings),
        "properties": list(model.properties),
        "transforms": {p: asdict(t) for p, t in model.transforms.items()},
        "hyperparameters": {p: h.as_dict() for p, h in model.hyperparameters.items()},
    }
    arrays = {"header": np.array(json.dumps(header)), "packed": data.packed, "targets": data.targets,
              "smiles": np.array(data.smiles, dtype=str)}
    if data.noise_std is not None:
        arrays["noise_std"] = data.noise_std
    if model.landmarks is not None:
        arrays["landmarks"] = model.landmarks
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path


def load_model(path: str | Path) -> MultiPropertyGP:
    """Read a model written by :func:`save_model`. Raises :class:`ModelFileError` for a file that is missing, not a
    model file, or of another format version."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file {str(path)!r} does not exist")
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except (OSError, ValueError) as error:
        raise ModelFileError(f"{path.name} is not a polyloop surrogate model file: {error}") from error
    if "header" not in arrays:
        raise ModelFileError(f"{path.name} is not a polyloop surrogate model file (no header)")
    header = json.loads(str(arrays["header"]))
    if header.get("format") != FORMAT:
        raise ModelFileError(f"{path.name} holds {header.get('format')!r}, not {FORMAT}")
    if header.get("version") != VERSION:
        raise ModelFileError(f"{path.name} is format version {header.get('version')}; this polyloop reads "
                             f"version {VERSION} (refit the model with `polyloop surrogate fit`)")
    properties = tuple(header["properties"])
    data = TrainingData(arrays["packed"], arrays["targets"], properties, tuple(str(s) for s in arrays["smiles"]),
                        FingerprintSpec(**header["fingerprint"]), arrays.get("noise_std"))
    transforms = {p: PropertyTransform(**header["transforms"][p]) for p in properties}
    hyperparameters = {p: Hyperparameters(**header["hyperparameters"][p]) for p in properties}
    return MultiPropertyGP(data, transforms, hyperparameters, GPSettings(**header["settings"]),
                           arrays.get("landmarks"))
