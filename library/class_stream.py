"""One class's stream of a library build: draw proposals in chunks, describe, deduplicate, filter, store, journal.

See :mod:`polyloop.library.build` for the whole build. :func:`build_class` builds (or continues) one class: fresh
generators and one random stream ``numpy.random.default_rng([seed, class id])``, chunks of a fixed number of
proposals split between the generators by their ``weight`` (1 if absent), rows kept if valid, new in the class,
classified as the class, and within the filters. Each finished chunk writes its Parquet part, then its keys first
seen and a journal line under ``_build/<class>/``; a resumed stream replays the proposals of finished chunks
(without describing them) to restore the generators and the random stream, and redoes an unfinished chunk.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from polyloop.library.describe import Describer, Description
from polyloop.library.errors import InvalidRepeatUnit, LibraryError
from polyloop.library.fingerprints import FingerprintSpec
from polyloop.library.parsing import quiet_rdkit
from polyloop.library.store import part_path, write_part

__all__ = ["COUNTERS", "STATE", "BuildError", "BuildSettings", "ClassReport", "ClassTask", "Generator",
           "GeneratorSource", "build_class", "settings"]

COUNTERS = ("proposals", "valid", "class_consistent", "new_unique", "filtered_heavy_atoms", "filtered_charged",
            "kept")
STATE = "_build"


class BuildError(LibraryError):
    """A library build cannot start or continue (bad arguments, a directory holding another build, no generators)."""


class Generator(Protocol):
    """What the build needs of a generator (see :mod:`polyloop.generators.base`)."""

    name: str
    polymer_class: str

    def propose(self, n: int, rng: np.random.Generator) -> list: ...


GeneratorSource = Callable[[Sequence[str]], Mapping[str, Sequence[Generator]]]


@dataclass(frozen=True)
class BuildSettings:
    """Settings read from ``data/library_build.toml`` (see the comments there)."""

    chunk_size: int
    max_proposals_per_target: float
    min_heavy_atoms: int
    max_heavy_atoms: int
    reject_charged: bool
    weights: dict[str, float] = field(default_factory=dict)


@cache
def settings() -> BuildSettings:
    """The build settings of ``data/library_build.toml``."""
    data = tomllib.loads(resources.files("polyloop.library.data").joinpath("library_build.toml").read_text())
    return BuildSettings(
        chunk_size=int(data["chunks"]["size"]),
        max_proposals_per_target=float(data["chunks"]["max_proposals_per_target"]),
        min_heavy_atoms=int(data["filters"]["min_heavy_atoms"]),
        max_heavy_atoms=int(data["filters"]["max_heavy_atoms"]),
        reject_charged=bool(data["filters"]["reject_charged"]),
        weights={k: float(v) for k, v in data.get("mix", {}).items()},
    )


@dataclass(frozen=True)
class ClassTask:
    """Everything one class's build task needs (picklable, for worker processes)."""

    out: str
    polymer_class: str
    class_id: int
    target: int
    seed: int
    settings: BuildSettings
    source: GeneratorSource
    chunk_limit: int | None = None  # stop after this many chunks of the class in this run (a build in steps)
    progress: Any = None  # a queue receiving (class, rows kept) after each chunk, or None


@dataclass
class ClassReport:
    """Result of a class task: counters over all its chunks so far, and whether it can still grow."""

    polymer_class: str
    counters: dict[str, int]
    chunks: int
    exhausted: bool
    stopped_early: bool  # True if chunk_limit ended the task before the class was done


def _largest_remainder(n: int, weights: np.ndarray) -> list[int]:
    exact = n * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    for i in sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))[: n - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def _draw(generators: Sequence[Generator], n: int, drawn: list[int], rng: np.random.Generator) -> list:
    """Draw one chunk of ``n`` proposals, split by the generators' weights. A generator with a length (a finite
    list, such as rule products) is never asked for more than its length over the stream; what it cannot give goes
    to the others. ``drawn`` (proposals asked of each generator so far) is updated. The chunk is returned in a
    random order."""
    counts = [0] * len(generators)
    room = [len(g) - d if hasattr(g, "__len__") else None for g, d in zip(generators, drawn)]
    left = n
    while left:
        open_ = [i for i in range(len(generators)) if room[i] is None or room[i] > counts[i]]
        if not open_:
            break
        share = _largest_remainder(left, np.array([float(getattr(generators[i], "weight", 1.0)) for i in open_]))
        for i, k in zip(open_, share):
            k = k if room[i] is None else min(k, room[i] - counts[i])
            counts[i] += k
            left -= k
    proposals = []
    for i, (generator, k) in enumerate(zip(generators, counts)):
        if k:
            proposals.extend(generator.propose(k, rng))
            drawn[i] += k
    return [proposals[i] for i in rng.permutation(len(proposals))]  # mixed, so a class cut short has every source


class _Journal:
    """The resume state of one class: ``_build/<class>/journal.jsonl`` and ``seen-<chunk>.npy`` per chunk."""

    def __init__(self, out: Path, polymer_class: str) -> None:
        self.folder = out / STATE / polymer_class
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "journal.jsonl"

    def entries(self) -> list[dict]:
        """The finished chunks, in order; a line cut short by an interruption (and anything after it) is dropped
        from the file, so that chunk is redone."""
        if not self.path.is_file():
            return []
        entries = []
        lines = self.path.read_text().splitlines()
        for line in lines:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                break
        if len(entries) != len(lines):
            self.path.write_text("".join(json.dumps(e) + "\n" for e in entries))
        return entries

    def seen(self, chunks: int) -> set[int]:
        keys: set[int] = set()
        for chunk in range(chunks):
            keys.update(int(k) for k in np.load(self.folder / f"seen-{chunk:05d}.npy"))
        return keys

    def record(self, chunk: int, counters: dict[str, int], exhausted: bool, new_keys: list[int]) -> None:
        np.save(self.folder / f"seen-{chunk:05d}.npy", np.array(new_keys, dtype=np.uint64))
        with self.path.open("a") as handle:
            handle.write(json.dumps({"chunk": chunk, "counters": counters, "exhausted": exhausted}) + "\n")


def _passes(description: Description, polymer_class: str, rules: BuildSettings, counters: dict[str, int]) -> bool:
    if description.polymer_class != polymer_class:
        return False
    if not rules.min_heavy_atoms <= description.heavy_atoms <= rules.max_heavy_atoms:
        counters["filtered_heavy_atoms"] += 1
        return False
    if rules.reject_charged and description.charged:
        counters["filtered_charged"] += 1
        return False
    return True


def _rows_table(rows: list[tuple[Description, Any]]) -> pa.Table:
    return pa.table({
        "id": pa.array([d.id for d, _ in rows], pa.string()),
        "smiles": pa.array([d.smiles for d, _ in rows], pa.string()),
        "source": pa.array([p.source for _, p in rows], pa.string()),
        "parents": pa.array([".".join(p.parents) for _, p in rows], pa.string()),
        "molecular_weight": pa.array([d.molecular_weight for d, _ in rows], pa.float64()),
        "heavy_atoms": pa.array([d.heavy_atoms for d, _ in rows], pa.int32()),
        "backbone_atoms": pa.array([d.backbone_atoms for d, _ in rows], pa.int32()),
        "fingerprint": pa.array([d.fingerprint for d, _ in rows], pa.binary(256)),
    })


def build_class(task: ClassTask) -> ClassReport:
    """Build (or continue building) one class of the library at ``task.out``; see the module docstring."""
    out, name, rules = Path(task.out), task.polymer_class, task.settings
    generators = list(task.source([name]).get(name, []))
    if not generators:
        raise BuildError(f"no generator for class {name!r}")
    rng = np.random.default_rng([task.seed, task.class_id])
    drawn = [0] * len(generators)
    journal = _Journal(out, name)
    done = journal.entries()
    counters = {key: 0 for key in COUNTERS}
    exhausted = False
    for entry in done:  # replay finished chunks: same proposals, same generator and random state, not described
        _draw(generators, rules.chunk_size, drawn, rng)
        counters = {key: counters[key] + entry["counters"][key] for key in COUNTERS}
        exhausted = exhausted or entry["exhausted"]
    chunk = len(done)
    for stale in part_path(out, name, 0).parent.glob("part-*.parquet"):  # parts of chunks cut short by a crash
        if int(stale.stem.split("-")[1]) >= chunk:
            stale.unlink()
    if task.progress is not None and counters["kept"]:
        task.progress.put((name, counters["kept"]))  # rows kept before the interruption
    seen = journal.seen(chunk)
    describer = Describer(FingerprintSpec(2, 2048))
    run_chunks = 0
    with quiet_rdkit():
        while counters["kept"] < task.target and not exhausted:
            if task.chunk_limit is not None and run_chunks >= task.chunk_limit:
                return ClassReport(name, counters, chunk, exhausted, stopped_early=True)
            proposals = _draw(generators, rules.chunk_size, drawn, rng)
            step = {key: 0 for key in COUNTERS}
            rows: list[tuple[Description, Any]] = []
            new_keys: list[int] = []
            for proposal in proposals:
                if counters["kept"] + step["kept"] >= task.target:
                    break
                step["proposals"] += 1
                description = describer.describe(proposal.smiles)
                if isinstance(description, InvalidRepeatUnit):
                    continue
                step["valid"] += 1
                step["class_consistent"] += description.polymer_class == name
                if description.key in seen:
                    continue
                seen.add(description.key)
                new_keys.append(description.key)
                step["new_unique"] += 1
                if _passes(description, name, rules, step):
                    rows.append((description, proposal))
                    step["kept"] += 1
            counters = {key: counters[key] + step[key] for key in COUNTERS}
            limit = rules.max_proposals_per_target * max(task.target, 1)
            exhausted = not proposals or (counters["kept"] < task.target and counters["proposals"] >= limit)
            if rows:
                write_part(part_path(out, name, chunk), _rows_table(rows))
            journal.record(chunk, step, exhausted, new_keys)
            if task.progress is not None:
                task.progress.put((name, step["kept"]))
            chunk += 1
            run_chunks += 1
    return ClassReport(name, counters, chunk, exhausted, stopped_early=False)
