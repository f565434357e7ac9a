"""The chemical-language generator of one class: iQSPR-style modification of seed units with a fragment grammar.

Design (why it meets raw validity and class fidelity without filtering its output):

* **Grammar.** A repeat unit is a ring of blocks (main-chain linkages and the carbon segments between them) carrying
  side groups (:mod:`polyloop.generators.fragments`). Blocks are joined only at their head and tail atoms by single
  bonds, C-type ends to X-type ends as in real polymers, and side groups fill hydrogens or the valences their block
  leaves open. Strings are written from templates (:mod:`polyloop.generators.assembly`), so every emitted string
  is well-formed SMILES with exactly two ``*``, and valences hold by construction.
* **Vocabulary.** Blocks and side groups come from the class corpora (real polymers, commercial polymers, rule
  products) plus new side groups sampled from a token n-gram trained on the corpora's side groups (per class, with
  the class's own side groups weighted up) and checked with RDKit at training time. Parts are drawn uniformly from
  those allowed, with a ``_OWN_SIDES`` chance of drawing a side group among those of the class's own corpus.
* **Class control.** Each part has a class *effect* and the unit's class is the earliest effect in precedence order
  (:mod:`polyloop.generators.composition`). A proposal starts from a seed unit of the class (one of its corpus
  units: the iQSPR-style "modify a known structure" step) or, half of the time once there are some, from one of this
  generator's earlier proposals (a modification chain, as in iQSPR's sequential sampling), and applies 1-4 edits:
  replace a block by one with the same end types (its side groups move to the new block), replace, add or remove a
  side group. Parts that carry the class's defining linkage (effect equal to the class) are only replaced by parts
  with the same effect; other parts by parts whose effect cannot take precedence. An edit whose composed class is
  not the generator's class is dropped and another drawn (a fragment-level resample, never a whole-string
  rejection), up to ``_TRIES`` draws per edit.
* **Size and repeats.** A unit never carries more than two side groups beyond the most any seed of the class has,
  nor more heavy atoms than ``_SIZE_MARGIN`` times the heaviest seed (or ``_SIZE_SLACK`` more, if that is more), so
  chains do not grow without bound. When the
  written string was proposed before by this generator, one more edit is made (up to ``_RETRIES`` times): sampling
  avoids repeating itself, as the rule generators walk their products without repeats.
* **State.** The chain and the memory make a generator stateful: the same sequence of ``propose`` calls with the same
  ``rng`` values gives the same proposals; ``parents`` holds the unit that was modified (a corpus seed or an earlier
  proposal's string).
"""

from __future__ import annotations

import numpy as np

from polyloop.generators.assembly import render
from polyloop.generators.base import GeneratorError, Proposal
from polyloop.generators.composition import INERT, class_index, is_carbon_class
from polyloop.generators.fragments import Position, Template
from polyloop.generators.tokens import is_atom, tokenize

__all__ = ["FragmentLanguageModel", "SharedParts"]

_TRIES = 30
_RETRIES = 4  # extra edits when the written string was proposed before
_MAX_EDITS = 4
_EDITS = (("block", 0.3), ("side", 0.3), ("add", 0.35), ("remove", 0.05))
_CHAIN = 0.5  # chance that a proposal modifies an earlier proposal instead of a corpus seed
_CHAIN_SIZE = 4096  # earlier proposals kept for that
_SIZE_MARGIN = 1.2  # units stay within this factor of the heaviest seed of the class ...
_SIZE_SLACK = 12  # ... or within this many heavy atoms of it, whichever is more
_OWN_SIDES = 0.15  # chance that a side group is drawn from those of the class's own corpus


class SharedParts:
    """The class-independent parts of a trained model, shared by the generators of all classes (built once)."""

    def __init__(self, model: dict) -> None:
        self.templates = [Template(tuple(t["pieces"]), tuple(Position(e, r, c, bool(h), bool(tl))
                                                           for e, r, c, h, tl in t["positions"]), t["ends"])
                          for t in model["templates"]]
        self.hetero_template = [("X" in t.ends) for t in self.templates]
        self.nitrogen = [[p.element == "N" for p in t.positions] for t in self.templates]
        self.effect = [int(e) for e in model["template_effect"]]
        self.sides = model["sides"]
        self.side_effect = {"C": [int(e) for e in model["side_effect_c"]],
                            "N": [int(e) for e in model["side_effect_n"]]}
        self.by_ends = {ends: [i for i, t in enumerate(self.templates) if t.ends == ends]
                        for ends in ("CC", "CX", "XC", "XX")}
        self.template_atoms = [sum(map(is_atom, tokenize("".join(t.pieces)))) for t in self.templates]
        self.side_atoms = [sum(map(is_atom, tokenize(text))) for text in self.sides]

    def heavy_atoms(self, blocks: list) -> int:
        """Heavy atoms of a unit given as (template id, side ids per position) blocks."""
        return sum(self.template_atoms[tid] + sum(self.side_atoms[s] for f in fills for s in f)
                   for tid, fills in blocks)


class _Draws:
    """Uniform random numbers drawn from ``rng`` in batches (one numpy call per batch, not per number)."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        self._rng, self._size = rng, max(size, 256)
        self._buffer: list[float] = []
        self._next = 0

    def uniform(self) -> float:
        if self._next >= len(self._buffer):
            self._buffer, self._next = self._rng.random(self._size).tolist(), 0
        self._next += 1
        return self._buffer[self._next - 1]

    def index(self, n: int) -> int:
        return int(self.uniform() * n)


def _relevant(effect: int, hetero: bool) -> int:
    return INERT if hetero and is_carbon_class(effect) else effect


class FragmentLanguageModel:
    """Generator of one class (see the module docstring). ``name`` is ``fragngram<order>:<class>``."""

    def __init__(self, model: dict, polymer_class: str, shared: SharedParts | None = None) -> None:
        if polymer_class not in model["seeds"]:
            raise GeneratorError(f"the fragment model has no class {polymer_class!r}")
        self.polymer_class = polymer_class
        self.name = f"fragngram{model['order']}:{polymer_class}"
        self._shared = shared or SharedParts(model)
        self._target = class_index(polymer_class)
        self._seeds = [(s["smiles"], tuple((tid, tuple(tuple(f) for f in fills)) for tid, fills in s["blocks"]))
                       for s in model["seeds"][polymer_class]]
        if not self._seeds:
            raise GeneratorError(f"class {polymer_class!r} has no seed units in the fragment model")
        self._chain: list[tuple[str, tuple]] = []
        self._emitted: set[int] = set()
        self._max_sides = 2 + max(sum(len(f) for _, fills in blocks for f in fills) for _, blocks in self._seeds)
        heaviest = max(self._shared.heavy_atoms(list(blocks)) for _, blocks in self._seeds)
        self._max_atoms = max(int(_SIZE_MARGIN * heaviest), heaviest + _SIZE_SLACK)
        own = {int(k) for k in model["corpus_sides"].get(polymer_class, {})}
        shared = self._shared
        target = self._target
        self._blocks: dict[tuple, list[int]] = {}
        for ends, ids in shared.by_ends.items():
            for hetero in (False, True):
                rel = [_relevant(shared.effect[i], hetero) for i in ids]
                for anchor in (True, False):
                    pool = [i for i, e in zip(ids, rel) if (e == target if anchor else e >= target)]
                    self._blocks[ends, hetero, anchor] = pool
        self._sides: dict[tuple, list[int]] = {}
        for element, effects in shared.side_effect.items():
            for hetero in (False, True):
                rel = [_relevant(e, hetero) for e in effects]
                for anchor in (True, False):
                    pool = [i for i, e in enumerate(rel) if (e == target if anchor else e >= target)]
                    self._sides[element, hetero, anchor] = pool
                    self._sides[element, hetero, anchor, "own"] = [i for i in pool if i in own]

    def _pick_side(self, nitrogen: bool, hetero: bool, anchor: bool, draws: _Draws) -> int | None:
        key = ("N" if nitrogen else "C", hetero, anchor)
        pool = self._sides[key]
        own = self._sides[key + ("own",)]
        if own and draws.uniform() < _OWN_SIDES:
            pool = own
        return pool[draws.index(len(pool))] if pool else None

    def _class_of(self, blocks: list[tuple[int, list[list[int]]]]) -> int:
        shared = self._shared
        hetero = any(shared.hetero_template[tid] for tid, _ in blocks)
        best = INERT
        for tid, fills in blocks:
            best = min(best, _relevant(shared.effect[tid], hetero))
            for nitrogen, f in zip(shared.nitrogen[tid], fills):
                table = shared.side_effect["N" if nitrogen else "C"]
                for s in f:
                    best = min(best, _relevant(table[s], hetero))
        return best

    def _edit(self, blocks: list, draws: _Draws) -> bool:
        """Apply one random edit in place; False if the drawn edit had nothing to act on."""
        shared = self._shared
        hetero = any(shared.hetero_template[tid] for tid, _ in blocks)
        u, kind = draws.uniform(), _EDITS[-1][0]
        for name, weight in _EDITS:
            if u < weight:
                kind = name
                break
            u -= weight
        b = draws.index(len(blocks))
        tid, fills = blocks[b]
        template = shared.templates[tid]
        if kind == "block":
            anchor = _relevant(shared.effect[tid], hetero) == self._target
            pool = self._blocks[template.ends, hetero, anchor]
            if not pool:
                return False
            new = pool[draws.index(len(pool))]
            new_fills = []
            for position, nitrogen in zip(shared.templates[new].positions, shared.nitrogen[new]):
                picks = [self._pick_side(nitrogen, hetero, False, draws) for _ in range(position.required)]
                if None in picks:
                    return False
                new_fills.append(picks)
            # the old block's optional side groups move to free places of the new block
            moved = [s for p, f in zip(template.positions, fills) for s in f[p.required:]]
            new_positions = shared.templates[new].positions
            for side in moved:
                free = [p for p, position in enumerate(new_positions)
                        if len(new_fills[p]) - position.required < position.capacity]
                if free:
                    new_fills[free[draws.index(len(free))]].append(side)
            blocks[b] = (new, new_fills)
            return True
        nitrogen = shared.nitrogen[tid]
        if kind in ("side", "remove"):
            filled = [(p, k) for p, f in enumerate(fills) for k in range(len(f))]
            if not filled:
                return False
            p, k = filled[draws.index(len(filled))]
            if kind == "remove":
                if len(fills[p]) <= template.positions[p].required:
                    return False
                del fills[p][k]
                return True
            table = shared.side_effect["N" if nitrogen[p] else "C"]
            pick = self._pick_side(nitrogen[p], hetero, _relevant(table[fills[p][k]], hetero) == self._target, draws)
            if pick is None:
                return False
            fills[p][k] = pick
            return True
        free = [p for p, position in enumerate(template.positions)
                if len(fills[p]) - position.required < position.capacity]
        if not free or sum(len(f) for _, block_fills in blocks for f in block_fills) >= self._max_sides:
            return False
        p = free[draws.index(len(free))]
        pick = self._pick_side(nitrogen[p], hetero, False, draws)
        if pick is None:
            return False
        fills[p].append(pick)
        return True

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """``n`` modified units of this class (see the module docstring)."""
        out = []
        shared, draws = self._shared, _Draws(rng, 64 * n)
        templates, sides, source = shared.templates, shared.sides, f"model:{self.name}"
        for _ in range(n):
            if self._chain and draws.uniform() < _CHAIN:
                parent, start = self._chain[draws.index(len(self._chain))]
            else:
                parent, start = self._seeds[draws.index(len(self._seeds))]
            blocks = [(tid, [list(f) for f in fills]) for tid, fills in start]
            edits, done = 1 + draws.index(_MAX_EDITS), 0
            for _ in range(_RETRIES):
                for _ in range(_TRIES * _MAX_EDITS):
                    trial = [(tid, [list(f) for f in fills]) for tid, fills in blocks]
                    if self._edit(trial, draws) and self._class_of(trial) == self._target and (
                            shared.heavy_atoms(trial) <= self._max_atoms):
                        blocks, done = trial, done + 1
                        if done >= edits:
                            break
                text = render([templates[tid] for tid, _ in blocks],
                              [[[sides[s] for s in f] for f in fills] for _, fills in blocks])
                if hash(text) not in self._emitted:
                    break
                edits = done + 1  # written before: one more edit
            self._emitted.add(hash(text))
            out.append(Proposal(text, self.polymer_class, source, (parent,)))
            if done:
                entry = (text, tuple((tid, tuple(tuple(f) for f in fills)) for tid, fills in blocks))
                if len(self._chain) < _CHAIN_SIZE:
                    self._chain.append(entry)
                else:
                    self._chain[draws.index(_CHAIN_SIZE)] = entry
        return out
