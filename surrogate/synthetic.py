"""Synthetic candidate libraries in the on-disk library format, for benchmarks and tests of the screen.

Each candidate is a PI1070 fingerprint with extra random on bits (a perturbed real polymer), so the bit density
(≈ 40–65 of 2,048 bits on) and the similarity structure resemble a generated library. The ``smiles`` column holds the
parent PI1070 unit and ``source`` is ``"synthetic"``: these rows are not molecules and must never be labelled.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds

from polyloop.library.datasets import load_pi1070
from polyloop.surrogate.data import load_pi1070_data

__all__ = ["write_synthetic_library"]


def write_synthetic_library(directory: str | Path, n: int, seed: int = 0, extra_bits: tuple[int, int] = (15, 40),
                            chunk: int = 200_000) -> Path:
    """Write ``n`` perturbed PI1070 candidates to ``directory`` (hive-partitioned by class, with ``library.json``);
    ``extra_bits``: range of random bits switched on per candidate. Memory is bounded by ``chunk`` rows."""
    directory = Path(directory)
    base = load_pi1070_data(["density"])
    classes = load_pi1070()["polymer_class"].to_numpy()
    n_bits, width = base.spec.n_bits, base.packed.shape[1]
    rng = np.random.default_rng(seed)
    for part, start in enumerate(range(0, n, chunk)):
        rows = min(chunk, n - start)
        parents = rng.integers(0, len(base), rows)
        bits = np.unpackbits(base.packed[parents], axis=1)
        extra = rng.integers(extra_bits[0], extra_bits[1] + 1, rows)
        bits[np.repeat(np.arange(rows), extra), rng.integers(0, n_bits, extra.sum())] = 1
        packed = np.packbits(bits, axis=1)
        table = pa.table({
            "id": pa.array(np.char.add("SYN", np.char.zfill(np.arange(start, start + rows).astype(str), 9))),
            "smiles": pa.array(np.asarray(base.smiles)[parents]),
            "polymer_class": pa.array(classes[parents].astype(str)),
            "source": pa.array(np.full(rows, "synthetic")),
            "parents": pa.array(np.char.add("PI1070:", parents.astype(str))),
            "molecular_weight": pa.array(np.zeros(rows)),
            "heavy_atoms": pa.array(np.zeros(rows, dtype=np.int32)),
            "backbone_atoms": pa.array(np.zeros(rows, dtype=np.int32)),
            "fingerprint": pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), rows,
                                                                [None, pa.py_buffer(packed.tobytes())]),
        })
        ds.write_dataset(table, directory, format="parquet", partitioning=["polymer_class"],
                         partitioning_flavor="hive", basename_template=f"part-{part}-{{i}}.parquet",
                         existing_data_behavior="overwrite_or_ignore")
    manifest = {"fingerprint": {"radius": base.spec.radius, "n_bits": n_bits}, "n_candidates": n,
                "source": "synthetic (perturbed PI1070 fingerprints)"}
    (directory / "library.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return directory
