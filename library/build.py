"""Build the candidate library: run the class generators to a target size and class mix, describe, filter, store.

``build_library(out, size, classes, seed, workers)``:

1. **Plan.** Each class gets a target, ``size`` split by the class weights of ``data/library_build.toml``
   (equal by default) with largest remainders.
2. **One stream per class.** A class is built by one task: its generators are created fresh, one random stream
   ``numpy.random.default_rng([seed, class id])`` drives them, and proposals are drawn in chunks of a fixed size,
   split between the class's generators by their ``weight`` attribute (1 if absent). Classes run in parallel
   (``workers`` processes, spawn start method). A class's output depends only on the seed, the class and the chunk
   size, so the library is the same for any number of workers.
3. **Describe, deduplicate, filter** (:class:`~polyloop.library.describe.Describer`): parse and validate the
   emitted string, canonicalise, classify, fingerprint; keep a unit if it is valid, new (by canonical SMILES) in its
   class, classified as the class it was generated for, and passes the filters (heavy atoms within bounds, no
   unbalanced formal charge). Keeping only class-consistent units also deduplicates across classes: a canonical
   SMILES has one classifier class, so it can be kept by one class only.
4. **Store.** Each chunk's kept rows go to ``polymer_class=<class>/part-<chunk>.parquet``
   (:mod:`polyloop.library.store`). A class stops at its target, or short of it once it has drawn
   ``max_proposals_per_target`` proposals per unit of target, or when its generators run dry; any shortfall is then
   given to the classes that can still grow, and they continue their streams.
5. **Resume.** ``_build/`` records each finished chunk (journal line, and the canonical keys first seen in it). Run
   again with the same arguments, an interrupted build skips finished chunks, replays their proposals to bring the
   generators and the random stream to the same state without describing them, and redoes the interrupted chunk.

The raw counters of the build (before any filtering) are kept per class in the manifest: ``proposals``, ``valid``
(two-star validity), ``class_consistent`` (valid and classified as the class), ``new_unique`` (valid and not seen
before in the class's stream), ``filtered_heavy_atoms``, ``filtered_charged``, ``kept``.

Generators must take all randomness from the ``rng`` passed to ``propose`` and keep state between calls only in
attributes (a cursor, a permutation) so that a replay restores it.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace
from multiprocessing import get_context
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

import numpy as np

from polyloop.library.class_stream import (
    STATE,
    BuildError,
    BuildSettings,
    ClassReport,
    ClassTask,
    GeneratorSource,
    build_class,
    settings,
)
from polyloop.library.classes import polymer_classes
from polyloop.library.store import MANIFEST, write_manifest

__all__ = ["BuildError", "BuildSettings", "GeneratorSource", "build_library", "class_targets", "settings"]


def class_targets(size: int, classes: Sequence[str], weights: Mapping[str, float] | None = None) -> dict[str, int]:
    """Split ``size`` between ``classes`` in proportion to ``weights`` (1 where missing), by largest remainders
    (ties to the earlier class), so the targets sum to ``size`` exactly."""
    weights = weights or {}
    w = np.array([float(weights.get(c, 1.0)) for c in classes])
    if size < 0 or not len(classes) or (w <= 0).any():
        raise BuildError(f"cannot split size {size} between classes {list(classes)} with weights {w.tolist()}")
    exact = size * w / w.sum()
    targets = np.floor(exact).astype(int)
    for i in sorted(range(len(classes)), key=lambda i: (-(exact[i] - targets[i]), i))[: size - targets.sum()]:
        targets[i] += 1
    return {c: int(t) for c, t in zip(classes, targets)}


def _plan(out: Path, request: dict) -> dict:
    """The build plan at ``out``: the request plus the current class targets; a new one, or the unfinished one if
    it is for the same request (else :class:`BuildError`)."""
    path = out / STATE / "plan.json"
    if path.is_file():
        plan = json.loads(path.read_text())
        if plan["request"] != request:
            raise BuildError(f"{out} holds an unfinished build of {plan['request']}, not {request}: run it again with "
                             "those arguments to finish it, or choose another output directory")
        return plan
    if out.exists() and any(p.name != STATE for p in out.iterdir()):
        raise BuildError(f"{out} is not empty and holds no unfinished build: choose a new output directory")
    weights = {c: request["weights"].get(c, 1.0) for c in request["classes"]}
    plan = {"request": request, "targets": class_targets(request["size"], request["classes"], weights)}
    _save_plan(out, plan)
    return plan


def _save_plan(out: Path, plan: dict) -> None:
    path = out / STATE / "plan.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan, indent=2) + "\n")


def _run_tasks(tasks: list[ClassTask], workers: int, on_rows: Callable[[str, int], None]) -> list[ClassReport]:
    """Run the class tasks, in this process (``workers == 1``) or in ``workers`` spawned processes."""
    if workers == 1:
        reports = []
        for task in tasks:
            reports.append(build_class(_with_progress(task, _CallbackQueue(on_rows))))
        return reports
    context = get_context("spawn")
    reports: dict[str, ClassReport] = {}
    manager = SyncManager(ctx=context)
    manager.start(_end_with_parent, (os.getpid(),))
    with manager, ProcessPoolExecutor(workers, mp_context=context, initializer=_end_with_parent,
                                      initargs=(os.getpid(),)) as pool:
        queue = manager.Queue()
        pending = {pool.submit(build_class, _with_progress(task, queue)) for task in tasks}
        while pending:
            finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            while not queue.empty():
                on_rows(*queue.get())
            for future in finished:
                report = future.result()  # a worker's error is raised here, at once
                reports[report.polymer_class] = report
        while not queue.empty():
            on_rows(*queue.get())
    return [reports[task.polymer_class] for task in tasks]


def _end_with_parent(parent: int) -> None:
    """Start-up of each helper process of a build: end it once the build's process is gone (killed outright, so it
    could not stop its helpers), instead of leaving it to write on into the library. The build resumes cleanly."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="end-with-parent").start()


class _CallbackQueue:
    def __init__(self, callback: Callable[[str, int], None]) -> None:
        self.put = lambda item: callback(*item)


def _with_progress(task: ClassTask, queue: Any) -> ClassTask:
    return replace(task, progress=queue)


def build_library(
    out: Path | str,
    size: int,
    source: GeneratorSource,
    classes: Sequence[str] | None = None,
    seed: int = 0,
    workers: int = 1,
    chunk_limit: int | None = None,
    on_rows: Callable[[str, int], None] | None = None,
    build_settings: BuildSettings | None = None,
) -> dict:
    """Build the library of ``size`` candidates of ``classes`` (default: all) at ``out``; return its manifest.

    Runs again on an unfinished build at ``out`` (same arguments) resume it. ``chunk_limit`` stops every class after
    that many chunks in this call (the build stays unfinished, and the return value is the plan, without
    ``n_candidates``). ``on_rows(class, n)`` is called as rows are kept (for a progress bar). ``source`` maps a list of
    class names to their generators (the command line passes the project's registry,
    ``polyloop.generators.registry.class_generators``); it must be picklable when ``workers > 1``.
    """
    out = Path(out)
    rules = build_settings or settings()
    known = [c.name for c in polymer_classes()]
    classes = list(known if classes is None else classes)
    unknown = [c for c in classes if c not in known]
    if unknown or not classes or len(set(classes)) != len(classes):
        raise BuildError(f"classes must be distinct names among {known}, got {classes}")
    if size < 1 or workers < 1 or seed < 0:
        raise BuildError(f"size and workers must be >= 1 and seed >= 0, got size={size}, workers={workers}, "
                         f"seed={seed}")
    if (out / MANIFEST).is_file():
        raise BuildError(f"{out} already holds a finished library ({MANIFEST}); choose a new output directory")
    request = {"size": size, "classes": classes, "seed": seed, "chunk_size": rules.chunk_size,
               "weights": rules.weights, "filters": {"min_heavy_atoms": rules.min_heavy_atoms,
                                                     "max_heavy_atoms": rules.max_heavy_atoms,
                                                     "reject_charged": rules.reject_charged}}
    plan = _plan(out, request)
    ids = {c.name: c.id for c in polymer_classes()}
    started = time.time()
    while True:
        tasks = [ClassTask(str(out), c, ids[c], plan["targets"][c], seed, rules, source, chunk_limit)
                 for c in classes]
        reports = _run_tasks(tasks, min(workers, len(tasks)), on_rows or (lambda name, n: None))
        if any(r.stopped_early for r in reports):
            return plan
        shortfall = size - sum(r.counters["kept"] for r in reports)
        growable = [r.polymer_class for r in reports if not r.exhausted]
        if shortfall <= 0 or not growable:
            break
        extra = class_targets(shortfall, growable, {c: rules.weights.get(c, 1.0) for c in growable})
        plan["targets"] = {c: plan["targets"][c] + extra.get(c, 0) for c in classes}
        _save_plan(out, plan)
    manifest = _manifest(plan, reports, time.time() - started)
    write_manifest(out, manifest)
    shutil.rmtree(out / STATE)
    return manifest


def _manifest(plan: dict, reports: list[ClassReport], seconds: float) -> dict:
    import pyarrow
    import rdkit

    from polyloop import __version__

    request = plan["request"]
    return {
        "format": 1,
        "fingerprint": {"radius": 2, "n_bits": 2048},
        "n_candidates": sum(r.counters["kept"] for r in reports),
        "seed": request["seed"],
        "size": request["size"],
        "classes": request["classes"],
        "chunk_size": request["chunk_size"],
        "filters": request["filters"],
        "targets": plan["targets"],
        "counters": {r.polymer_class: r.counters for r in reports},
        "exhausted": sorted(r.polymer_class for r in reports if r.exhausted),
        "versions": {"polyloop": __version__, "rdkit": rdkit.__version__, "pyarrow": pyarrow.__version__},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds_last_run": round(seconds, 1),
    }
