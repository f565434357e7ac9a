"""How the fragment language model draws its parts and seeds (the settings are data: ``data/language_model.toml``).

* :class:`Draws`: uniform random numbers from a numpy ``Generator`` in batches;
* :class:`PartPool`: the parts (blocks or side groups) allowed for one kind of edit, drawn by corpus frequency,
  with a chance of a part no corpus unit holds, or as the most similar of a few drawn parts;
* :func:`side_counts`, :func:`block_counts`: how often each part occurs in the class's corpus and in all corpora;
* :func:`seed_weights`: typical seeds of a class (summed Tanimoto similarity to the others) weigh more.

How a drawn edit is chosen among others (``near_edits``) is in :mod:`polyloop.generators.language_model`.

Drawing by frequency is what an n-gram does with its tokens: ``P(part) ∝ own_weight · n_class(part) + n_all(part)``
for a part seen in the corpora, and with probability ``novel_parts`` a uniformly drawn unseen part.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import accumulate

import numpy as np

__all__ = ["EDIT_KINDS", "Draws", "PartPool", "Sampling", "block_counts", "sampling", "seed_weights", "side_counts"]


EDIT_KINDS = ("decorate", "substitute", "variant", "block", "side", "add", "remove")


@dataclass(frozen=True)
class Sampling:
    """The sampling settings of one class (see ``data/language_model.toml`` for their meaning)."""

    edits: tuple[tuple[str, float], ...]
    max_edits: int
    chain: float
    own_weight: float
    novel_parts: float
    near_draws: int
    near_edits: int
    seed_density: float
    wide_novel: float


@cache
def sampling(polymer_class: str) -> Sampling:
    """The settings of ``polymer_class``: the defaults with the class's overrides."""
    data = tomllib.loads(resources.files("polyloop.generators.data").joinpath("language_model.toml").read_text())
    merged = {**data["defaults"], **data.get("classes", {}).get(polymer_class, {})}
    unknown = set(merged) - set(Sampling.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)} in language_model.toml")
    settings = Sampling(**{**merged, "edits": tuple((k, float(v)) for k, v in merged["edits"].items())})
    strange = sorted({name for name, _ in settings.edits} - set(EDIT_KINDS))
    if strange:
        raise ValueError(f"unknown edit kind(s) {strange} of {polymer_class!r} in language_model.toml; "
                         f"known: {', '.join(EDIT_KINDS)}")
    if abs(sum(w for _, w in settings.edits) - 1.0) > 1e-9:
        raise ValueError(f"edit probabilities of {polymer_class!r} in language_model.toml must sum to 1")
    counts = {name: int(getattr(settings, name)) for name in ("max_edits", "near_draws", "near_edits")}
    low = sorted(name for name, value in counts.items() if value < 1)
    if low:
        raise ValueError(f"{', '.join(low)} of {polymer_class!r} in language_model.toml must be at least 1")
    return replace(settings, **counts)


class Draws:
    """Uniform random numbers drawn from ``rng`` in batches (one numpy call per batch, not per number)."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        self._rng, self._size = rng, max(size, 256)
        self._buffer: list[float] = []
        self._next = 0

    def uniform(self) -> float:
        """A number in [0, 1)."""
        if self._next >= len(self._buffer):
            self._buffer, self._next = self._rng.random(self._size).tolist(), 0
        self._next += 1
        return self._buffer[self._next - 1]

    def index(self, n: int) -> int:
        """An integer in [0, n)."""
        return int(self.uniform() * n)


class PartPool:
    """Parts allowed for one kind of edit (see the module docstring): a part seen in the corpora with weight
    ``own_weight * own[i] + every[i]``, and with probability ``novel_parts`` a uniformly drawn unseen part."""

    def __init__(self, ids: list[int], own: Counter, every: Counter, settings: Sampling) -> None:
        self.settings = settings
        self.seen = [i for i in ids if every[i]]
        self.novel = [i for i in ids if not every[i]]
        self.cumulative = list(accumulate(settings.own_weight * own[i] + every[i] for i in self.seen))

    def pick(self, draws: Draws, wide: bool = False) -> int | None:
        """One part id, or None if the pool is empty; ``wide`` draws an unseen part with probability
        ``wide_novel`` instead of ``novel_parts``."""
        chance = self.settings.wide_novel if wide else self.settings.novel_parts
        if self.novel and (not self.seen or draws.uniform() < chance):
            return self.novel[draws.index(len(self.novel))]
        if not self.seen:
            return None
        k = bisect_right(self.cumulative, draws.uniform() * self.cumulative[-1])
        return self.seen[min(k, len(self.seen) - 1)]

    def pick_near(self, draws: Draws, old: int, similarity: Callable[[int, int], float], wide: bool) -> int | None:
        """The part most similar to ``old`` among ``near_draws`` other parts drawn by :meth:`pick` (the first on
        ties); None if only ``old`` was drawn. ``wide``: one part drawn by ``pick(draws, wide=True)``."""
        if wide or self.settings.near_draws <= 1:
            part = self.pick(draws, wide)
            return None if part == old else part
        best, best_similarity = None, -1.0
        for _ in range(self.settings.near_draws):
            part = self.pick(draws)
            if part is None:
                return None
            if part == old:
                continue
            value = similarity(old, part)
            if value > best_similarity:
                best, best_similarity = part, value
        return best


def side_counts(model: dict, polymer_class: str) -> tuple[Counter, Counter]:
    """Occurrences of each side group in the class's own corpus and in all corpora."""
    every: Counter = Counter()
    for counts in model["corpus_sides"].values():
        every.update({int(k): n for k, n in counts.items()})
    return Counter({int(k): n for k, n in model["corpus_sides"].get(polymer_class, {}).items()}), every


def block_counts(model: dict, polymer_class: str) -> tuple[Counter, Counter]:
    """Occurrences of each block template (either writing direction) in the class's own seeds and in all seeds."""
    reverse = model["reverse_of"]
    own: Counter = Counter()
    every: Counter = Counter()
    for name, seeds in model["seeds"].items():
        for seed in seeds:
            for tid, _ in seed["blocks"]:
                for t in {tid, reverse[tid]} - {-1}:
                    every[t] += 1
                    if name == polymer_class:
                        own[t] += 1
    return own, every


def seed_weights(smiles: list[str], exponent: float) -> list[float]:
    """Weight of each seed: ``(sum_j T(i, j)) ** exponent``, its summed Tanimoto similarity (Morgan, periodic) to
    all the seeds (itself included); all 1 for ``exponent == 0``."""
    if exponent == 0 or len(smiles) < 2:
        return [1.0] * len(smiles)
    from polyloop.library.fingerprints import fingerprint_matrix, tanimoto
    from polyloop.library.repeat_unit import RepeatUnit

    packed = fingerprint_matrix([RepeatUnit(smiles=s) for s in smiles])
    return [float(tanimoto(row, packed).sum()) ** exponent for row in packed]
