"""Test-only generators for the library build: known, enumerable units of three classes, plus known bad strings.

Importable by worker processes once this folder is on ``sys.path`` (the tests prepend it), so that spawned workers
can unpickle :func:`known_source`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ALKYLS = ["C", "CC", "CCC", "C(C)C", "CCCC", "CC(C)C", "C(C)(C)C", "CCCCC", "CCCCCC", "C1CCCCC1", "CCOC", "OC"]

# Strings that must not enter the library: invalid, another class, a charged group, too many heavy atoms.
INVALID = "*C(C*"
WRONG_CLASS = "*CC(c1ccccc1)*"  # a polystyrene
CHARGED = "*OCC(C[NH3+])C(C[O-])*"  # a polyether, neutral overall, with an unbalanced pair of charges
HUGE = "*CC(" + "C" * 110 + ")*"  # a polyolefin of 112 heavy atoms


def family(polymer_class: str) -> list[str]:
    """Distinct spellings of units of ``polymer_class`` (several spellings share one canonical unit)."""
    if polymer_class == "polyolefin":
        return [f"*CC({a})C({b})*" for a in ALKYLS[:10] for b in ALKYLS[:10]] + [f"*C{'C' * n}C(C)*" for n in range(20)]
    if polymer_class == "polyether":
        return [f"*O{'C' * a}C({b})*" for a in range(1, 9) for b in ALKYLS] + [f"*{'C' * n}O*" for n in range(1, 9)]
    if polymer_class == "polyester":
        return [f"*OC(=O){'C' * a}C(=O)O{'C' * b}*" for a in range(1, 12) for b in range(2, 12)]
    raise KeyError(polymer_class)


@dataclass(frozen=True)
class Proposal:
    """The fields of ``polyloop.generators.base.Proposal`` that the build reads."""

    smiles: str
    polymer_class: str
    source: str
    parents: tuple[str, ...]


class KnownGenerator:
    """Proposes units of :func:`family` uniformly at random, and the known bad strings at fixed rates.

    It also keeps a count of calls in an attribute (state that a resumed build must restore by replay).
    """

    weight = 1.0

    def __init__(self, polymer_class: str, bad: bool = True) -> None:
        self.polymer_class = polymer_class
        self.name = f"known:{polymer_class}"
        self.units = family(polymer_class)
        self.bad = bad
        self.calls = 0

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """``n`` proposals; after the first call, every draw is shifted by the call count (state-dependent)."""
        self.calls += 1
        out = []
        for _ in range(n):
            u = rng.random()
            if self.bad and u < 0.02:
                smiles = [INVALID, WRONG_CLASS, CHARGED, HUGE][int(rng.integers(4))]
            else:
                smiles = self.units[(int(rng.integers(len(self.units))) + self.calls) % len(self.units)]
            out.append(Proposal(smiles, self.polymer_class, f"model:known:{self.polymer_class}", ("*CC*",)))
        return out


def known_source(classes: Sequence[str]) -> dict[str, list[KnownGenerator]]:
    """Generator source for :func:`polyloop.library.build.build_library`: one :class:`KnownGenerator` per class."""
    return {c: [KnownGenerator(c)] for c in classes}


class ListGenerator:
    """Proposes the strings of a fixed list in order, cycling, with a cursor kept between calls; has a length."""

    def __init__(self, polymer_class: str, smiles: Sequence[str]) -> None:
        self.polymer_class = polymer_class
        self.name = f"list:{polymer_class}"
        self.smiles = list(smiles)
        self.cursor = 0

    def __len__(self) -> int:
        return len(self.smiles)

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """The next ``n`` strings of the list (``rng`` is not used)."""
        out = []
        for _ in range(n):
            out.append(Proposal(self.smiles[self.cursor % len(self.smiles)], self.polymer_class,
                                f"rule:list:{self.polymer_class}", ("*CC*", "*OCC*")))
            self.cursor += 1
        return out


# Every kind of proposal once: 3 distinct new polyethers (one written twice more), then the bad strings.
POLYETHER_LIST = ["*OCC*", "*CCO*", "*OCCCC*", "*COC*", "*OCC(C)*", INVALID, CHARGED, WRONG_CLASS]


def list_source(classes: Sequence[str]) -> dict[str, list]:
    """Generator source: a :class:`ListGenerator` of :data:`POLYETHER_LIST` for polyether, and a
    :class:`KnownGenerator` without bad strings for the other classes."""
    return {c: [ListGenerator(c, POLYETHER_LIST)] if c == "polyether" else [KnownGenerator(c, bad=False)]
            for c in classes}


class SlowGenerator(KnownGenerator):
    """A :class:`KnownGenerator` that takes a second per call (a build that runs long enough to be killed)."""

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """As :meth:`KnownGenerator.propose`, after a second's sleep."""
        import time

        time.sleep(1.0)
        return super().propose(n, rng)


def slow_source(classes: Sequence[str]) -> dict[str, list[SlowGenerator]]:
    """One slow generator per class."""
    return {c: [SlowGenerator(c)] for c in classes}
