"""The stored library: part files round-trip, the manifest, batched reading with chosen columns and classes."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from polyloop.library.errors import LibraryError
from polyloop.library.store import (
    COLUMNS,
    FILE_SCHEMA,
    count_rows,
    iter_batches,
    part_files,
    part_path,
    read_manifest,
    read_table,
    write_manifest,
    write_part,
)


def rows(n: int, start: int = 0) -> pa.Table:
    return pa.table({
        "id": [f"PL{i:016x}" for i in range(start, start + n)],
        "smiles": [f"*C{'C' * i}O*" for i in range(start, start + n)],
        "source": ["model:test"] * n,
        "parents": ["*CC*.*OCC*"] * n,
        "molecular_weight": [44.05 + 14.03 * i for i in range(start, start + n)],
        "heavy_atoms": pa.array([3 + i for i in range(start, start + n)], pa.int64()),  # cast to int32 on write
        "backbone_atoms": pa.array([3 + i for i in range(start, start + n)], pa.int64()),
        "fingerprint": pa.array([bytes([i % 256]) * 256 for i in range(start, start + n)], pa.binary(256)),
    })


@pytest.fixture
def store(tmp_path):
    write_part(part_path(tmp_path, "polyether", 0), rows(5))
    write_part(part_path(tmp_path, "polyether", 1), rows(3, start=5))
    write_part(part_path(tmp_path, "polyester", 0), rows(4, start=100))
    write_manifest(tmp_path, {"fingerprint": {"radius": 2, "n_bits": 2048}, "n_candidates": 12})
    return tmp_path


def test_parts_are_hive_partitioned_with_the_file_schema(store) -> None:
    assert [p.relative_to(store).as_posix() for p in part_files(store)] == [
        "polymer_class=polyester/part-00000.parquet", "polymer_class=polyether/part-00000.parquet",
        "polymer_class=polyether/part-00001.parquet"]
    assert pq.read_schema(part_files(store)[0]).equals(FILE_SCHEMA)
    assert not list(store.rglob("*.tmp"))  # written through a temporary file, renamed in place


def test_round_trip_with_class_column(store) -> None:
    table = read_table(store)
    assert table.column_names == list(COLUMNS) and table.num_rows == 12
    ether = read_table(store, ["id", "smiles", "polymer_class"], classes=["polyether"]).to_pandas()
    assert set(ether["polymer_class"]) == {"polyether"} and len(ether) == 8
    assert sorted(ether["smiles"]) == sorted(rows(8)["smiles"].to_pylist())
    assert table.schema.field("heavy_atoms").type == pa.int32()
    assert table.schema.field("fingerprint").type == pa.binary(256)


def test_batches_are_bounded_and_counts_come_from_metadata(store) -> None:
    sizes = [b.num_rows for b in iter_batches(store, ["id"], batch_size=2)]
    assert max(sizes) <= 2 and sum(sizes) == 12
    assert count_rows(store) == 12 and count_rows(store, ["polyester"]) == 4


def test_manifest_errors_say_what_is_missing(tmp_path, store) -> None:
    assert read_manifest(store)["n_candidates"] == 12
    with pytest.raises(LibraryError, match="has no library.json"):
        read_manifest(tmp_path / "nowhere")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "library.json").write_text(json.dumps({"n_candidates": 3}))
    with pytest.raises(LibraryError, match=r"lacks the key\(s\) \['fingerprint'\]"):
        read_manifest(tmp_path / "half")
    with pytest.raises(LibraryError, match="unknown library column"):
        next(iter_batches(store, ["smiles", "colour"]))
