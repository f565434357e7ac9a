"""The chemical-language generator of one class: iQSPR-style modification of seed units with a fragment grammar.

Design (why it meets raw validity and class fidelity without filtering its output):

* **Grammar.** A repeat unit is a ring of blocks (main-chain linkages and the carbon segments between them) carrying
  side groups (:mod:`polyloop.generators.fragments`). Blocks are joined only at their head and tail atoms by single
  bonds, C-type ends to X-type ends as in real polymers, and side groups fill hydrogens or the valences their block
  leaves open. Strings are written from templates (:mod:`polyloop.generators.assembly`), so every emitted string
  is well-formed SMILES with exactly two ``*``, and valences hold by construction.
* **Vocabulary.** Blocks and side groups come from the class corpora (real polymers, commercial polymers, rule
  products) plus new side groups sampled from a token n-gram trained on the corpora's side groups (per class, with
  the class's own side groups weighted up) and checked with RDKit at training time.
* **Staying close to the class (internal diversity).** The settings named here are data, per class
  (``data/language_model.toml``); :mod:`polyloop.generators.sampling` draws the parts. Parts are drawn by how often
  they occur in the corpora, as an n-gram draws tokens by their counts: a part seen in the corpora with weight
  ``own_weight`` times its count in the class's own corpus plus its count in all corpora, and with probability
  ``novel_parts`` a part no corpus unit holds (the n-gram's new side groups, reversed blocks), uniformly. A replaced
  part is swapped for the most similar (Morgan Tanimoto of the part alone) of ``near_draws`` parts drawn that way,
  so an edit is a small step (phenyl to tolyl, not phenyl to a steroid). The same holds for the whole unit: each
  edit is the one, of ``near_edits`` edits drawn (each already in the class and within the size limits), whose unit
  is most similar to the proposal's start unit, by the union of its parts' Morgan bits
  (:meth:`SharedParts.unit_bits`, a fragment-level measure: no string is written or rejected to choose), so the unit
  changes as little as the drawn edits allow (``near_edits = 1``: the first drawn edit). Seeds are drawn in
  proportion to their summed similarity to the class's seeds, to the power ``seed_density`` (typical members of the
  class more often).
  Drawing parts and seeds uniformly instead makes nearly every edit bring in a rare part, and the generated set is
  then far more diverse (mean fingerprint distance) than the class's real polymers.
* **Yield at scale.** When the written string was proposed before, the further edits draw from the wider vocabulary
  (novel parts with probability ``wide_novel``, no similarity preference), so a class whose common neighbourhood
  is used up keeps producing new units instead of repeats.
* **Class control.** Each part has a class *effect* and the unit's class is the earliest effect in precedence order
  (:mod:`polyloop.generators.composition`). A proposal starts from a seed unit of the class (one of its corpus
  units: the iQSPR-style "modify a known structure" step) or, with probability ``chain`` once there are some, from one
  of this generator's earlier proposals (a modification chain, as in iQSPR's sequential sampling), and applies 1 to
  ``max_edits`` edits:
  replace a block by one with the same end types (its side groups move to the new block), replace, add or remove a
  side group, or a small substitution (:mod:`polyloop.generators.decoration`: ``decorate`` a side group's ring,
  ``substitute`` on a main-chain carbon, or ``variant``: a side group redrawn by frequency, not by similarity, and
  ring-decorated once if it can be; polyphosphazenes, whose units are two groups on the P=N backbone, edit only
  so). Parts that carry the class's defining linkage (effect equal to the class) are only replaced by parts
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

from bisect import bisect_right
from itertools import accumulate

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator

from polyloop.generators.assembly import render
from polyloop.generators.base import GeneratorError, Proposal
from polyloop.generators.composition import INERT, class_index, is_carbon_class
from polyloop.generators.decoration import RingDecorations
from polyloop.generators.fragments import Position, Template
from polyloop.generators.sampling import (
    Draws,
    PartPool,
    Sampling,
    block_counts,
    sampling,
    seed_weights,
    side_counts,
)
from polyloop.generators.tokens import is_atom, tokenize
from polyloop.library.parsing import quiet_rdkit

__all__ = ["FragmentLanguageModel", "SharedParts"]

_TRIES = 30
_RETRIES = 4  # extra edits when the written string was proposed before
_CHAIN_SIZE = 4096  # earlier proposals kept for that
_SIZE_MARGIN = 1.2  # units stay within this factor of the heaviest seed of the class ...
_SIZE_SLACK = 12  # ... or within this many heavy atoms of it, whichever is more


_MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


class SharedParts:
    """The class-independent parts of a trained model, shared by the generators of all classes (built once)."""

    def __init__(self, model: dict) -> None:
        self.templates = [Template(tuple(t["pieces"]), tuple(Position(e, r, c, bool(h), bool(tl))
                                                           for e, r, c, h, tl in t["positions"]), t["ends"])
                          for t in model["templates"]]
        self.hetero_template = [("X" in t.ends) for t in self.templates]
        self.nitrogen = [[p.element == "N" for p in t.positions] for t in self.templates]
        self.effect = [int(e) for e in model["template_effect"]]
        self.sides = list(model["sides"])
        self.model_sides = len(self.sides)  # ids from here on are ring decorations (made while sampling)
        self.side_effect = {"C": [int(e) for e in model["side_effect_c"]],
                            "N": [int(e) for e in model["side_effect_n"]]}
        self.by_ends = {ends: [i for i, t in enumerate(self.templates) if t.ends == ends]
                        for ends in ("CC", "CX", "XC", "XX")}
        self.template_atoms = [sum(map(is_atom, tokenize("".join(t.pieces)))) for t in self.templates]
        self._block_bits: dict[int, int] = {}
        self._side_bits: dict[int, int] = {}
        # the effects as _relevant gives them, for units without (False) and with (True) an X-type block end
        self.relevant_effect = {h: [_relevant(e, h) for e in self.effect] for h in (False, True)}
        self.relevant_side = {h: {k: [_relevant(e, h) for e in v] for k, v in self.side_effect.items()}
                              for h in (False, True)}
        self.side_atoms = [sum(map(is_atom, tokenize(text))) for text in self.sides]
        self.decorations = RingDecorations(self)

    def add_side(self, text: str, parent: int, atoms: int, mol: Chem.Mol) -> int:
        """Add the side group ``text`` (RDKit molecule ``mol`` of ``"*" + text``, ``atoms`` heavy atoms), a ring
        decoration of ``parent`` with its class effects, and return its id."""
        new = len(self.sides)
        self.sides.append(text)
        for element, effects in self.side_effect.items():
            effects.append(effects[parent])
            for hetero in (False, True):
                self.relevant_side[hetero][element].append(self.relevant_side[hetero][element][parent])
        self.side_atoms.append(atoms)
        self._side_bits[new] = _morgan_int(mol)
        return new

    def similarity(self, kind: str, a: int, b: int) -> float:
        """Tanimoto similarity of two blocks (``kind`` "block") or two side groups ("side"): Morgan bits (radius 2)
        of the part alone (a block without its side groups, a side group with a ``*`` at its attachment), computed
        once per part; a part RDKit cannot read alone gets an empty set (similarity 0)."""
        return _tanimoto(self._part_bits(kind, a), self._part_bits(kind, b))

    def unit_bits(self, blocks: list) -> int:
        """The Morgan bits of a unit given as (template id, side ids per position) blocks, made of its parts: the
        union of the bits of each block and each side group alone (see :meth:`similarity`). Cheap (cached per part),
        so an edit can be compared with others before any string is written."""
        bits = 0
        block_bits, side_bits, part_bits = self._block_bits, self._side_bits, self._part_bits
        for tid, fills in blocks:
            known = block_bits.get(tid)
            bits |= part_bits("block", tid) if known is None else known
            for f in fills:
                for s in f:
                    known = side_bits.get(s)
                    bits |= part_bits("side", s) if known is None else known
        return bits

    def _part_bits(self, kind: str, part: int) -> int:
        cache = self._block_bits if kind == "block" else self._side_bits
        bits = cache.get(part)
        if bits is None:
            text = "".join(self.templates[part].pieces) if kind == "block" else "*" + self.sides[part]
            with quiet_rdkit():
                mol = Chem.MolFromSmiles(text)
            bits = 0 if mol is None else _morgan_int(mol)
            cache[part] = bits
        return bits

    def heavy_atoms(self, blocks: list) -> int:
        """Heavy atoms of a unit given as (template id, side ids per position) blocks."""
        template_atoms, side_atoms = self.template_atoms, self.side_atoms
        total = 0
        for tid, fills in blocks:
            total += template_atoms[tid]
            for f in fills:
                for s in f:
                    total += side_atoms[s]
        return total


def _morgan_int(mol: Chem.Mol) -> int:
    """The Morgan bits (radius 2, 2048) of ``mol`` as one int, bit ``b`` set for each on-bit ``b``."""
    return sum(1 << b for b in _MORGAN.GetFingerprint(mol).GetOnBits())


def _tanimoto(x: int, y: int) -> float:
    """Tanimoto similarity |x & y| / |x | y| of two bit sets held as ints (0 if both are empty)."""
    union = (x | y).bit_count()
    return (x & y).bit_count() / union if union else 0.0


def _relevant(effect: int, hetero: bool) -> int:
    return INERT if hetero and is_carbon_class(effect) else effect


class FragmentLanguageModel:
    """Generator of one class (see the module docstring). ``name`` is ``fragngram<order>:<class>``; ``settings``
    (default: the class's settings in ``data/language_model.toml``) is how it samples."""

    def __init__(self, model: dict, polymer_class: str, shared: SharedParts | None = None,
                 settings: Sampling | None = None) -> None:
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
        self._settings = settings or sampling(polymer_class)
        self._seed_weights = list(accumulate(seed_weights([smiles for smiles, _ in self._seeds],
                                                          self._settings.seed_density)))
        self._chain: list[tuple[str, tuple]] = []
        self._emitted: set[int] = set()
        self._max_sides = 2 + max(sum(len(f) for _, fills in blocks for f in fills) for _, blocks in self._seeds)
        heaviest = max(self._shared.heavy_atoms(list(blocks)) for _, blocks in self._seeds)
        self._max_atoms = max(int(_SIZE_MARGIN * heaviest), heaviest + _SIZE_SLACK)
        side_own, side_all = side_counts(model, polymer_class)
        block_own, block_all = block_counts(model, polymer_class)
        shared = self._shared
        target = self._target
        self._blocks: dict[tuple, PartPool] = {}
        for ends, ids in shared.by_ends.items():
            for hetero in (False, True):
                rel = [_relevant(shared.effect[i], hetero) for i in ids]
                for anchor in (True, False):
                    pool = [i for i, e in zip(ids, rel) if (e == target if anchor else e >= target)]
                    self._blocks[ends, hetero, anchor] = PartPool(pool, block_own, block_all, self._settings)
        self._sides: dict[tuple, PartPool] = {}
        for element, effects in shared.side_effect.items():
            for hetero in (False, True):
                rel = [_relevant(e, hetero) for e in effects[:shared.model_sides]]
                for anchor in (True, False):
                    pool = [i for i, e in enumerate(rel) if (e == target if anchor else e >= target)]
                    self._sides[element, hetero, anchor] = PartPool(pool, side_own, side_all, self._settings)

    def _pick_side(self, nitrogen: bool, hetero: bool, anchor: bool, draws: Draws, wide: bool) -> int | None:
        return self._sides["N" if nitrogen else "C", hetero, anchor].pick(draws, wide)

    def _class_of(self, blocks: list[tuple[int, list[list[int]]]]) -> int:
        shared = self._shared
        hetero = any(shared.hetero_template[tid] for tid, _ in blocks)
        effect, sides = shared.relevant_effect[hetero], shared.relevant_side[hetero]
        on_nitrogen, on_carbon = sides["N"], sides["C"]
        best = INERT
        for tid, fills in blocks:
            if effect[tid] < best:
                best = effect[tid]
            for nitrogen, f in zip(shared.nitrogen[tid], fills):
                table = on_nitrogen if nitrogen else on_carbon
                for s in f:
                    if table[s] < best:
                        best = table[s]
        return best

    def _edit(self, blocks: list, draws: Draws, wide: bool) -> bool:
        """Apply one random edit in place; False if the drawn edit had nothing to act on. ``wide``: draw parts from
        the wider vocabulary (see the module docstring)."""
        shared = self._shared
        hetero = any(shared.hetero_template[tid] for tid, _ in blocks)
        u, kind = draws.uniform(), self._settings.edits[-1][0]
        for name, weight in self._settings.edits:
            if u < weight:
                kind = name
                break
            u -= weight
        b = draws.index(len(blocks))
        tid, fills = blocks[b]
        template = shared.templates[tid]
        if kind == "block":
            anchor = _relevant(shared.effect[tid], hetero) == self._target
            new = self._blocks[template.ends, hetero, anchor].pick_near(
                draws, tid, lambda a, b: shared.similarity("block", a, b), wide)
            if new is None:
                return False
            new_fills = []
            for position, nitrogen in zip(shared.templates[new].positions, shared.nitrogen[new]):
                picks = [self._pick_side(nitrogen, hetero, False, draws, wide) for _ in range(position.required)]
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
        if kind == "decorate":
            decorations = shared.decorations
            filled = [(p, k) for p, f in enumerate(fills) for k, s in enumerate(f) if decorations.decoratable(s)]
            if not filled:
                return False
            p, k = filled[draws.index(len(filled))]
            new = decorations.decorate(fills[p][k], draws)
            if new is None:
                return False
            fills[p][k] = new
            return True
        nitrogen = shared.nitrogen[tid]
        if kind in ("side", "remove", "variant"):
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
            old = fills[p][k]
            pool = self._sides["N" if nitrogen[p] else "C", hetero, _relevant(table[old], hetero) == self._target]
            if kind == "variant":  # a part of the vocabulary, ring-decorated once if it can be
                pick = pool.pick(draws, wide)
                if pick is not None and shared.decorations.decoratable(pick):
                    pick = shared.decorations.decorate(pick, draws)
            else:
                pick = pool.pick_near(draws, old, lambda a, b: shared.similarity("side", a, b), wide)
            if pick is None or pick == old:
                return False
            fills[p][k] = pick
            return True
        free = [p for p, position in enumerate(template.positions)
                if len(fills[p]) - position.required < position.capacity and not (kind == "substitute" and nitrogen[p])]
        if not free or sum(len(f) for _, block_fills in blocks for f in block_fills) >= self._max_sides:
            return False
        p = free[draws.index(len(free))]
        if kind == "substitute":  # a small substituent (data/ring_substituents.toml) in place of a hydrogen
            substituents = shared.decorations.substituent_sides
            pick = substituents[draws.index(len(substituents))]
        else:
            pick = self._pick_side(nitrogen[p], hetero, False, draws, wide)
        if pick is None:
            return False
        fills[p].append(pick)
        return True

    def _apply_edits(self, blocks: list, done: int, edits: int, origin: int, draws: Draws,
                     wide: bool) -> tuple[list, int]:
        """Edit ``blocks`` until ``done`` reaches ``edits`` (or the tries run out); return the blocks and ``done``.

        An edit is kept only if the unit stays in the class and within the size limits. Unless ``wide``, each edit
        is the one, among ``near_edits`` such edits drawn, whose unit is most similar to the proposal's start
        (``origin``: :meth:`SharedParts.unit_bits` of the start; the first drawn on ties), so an edit is a small step
        for the whole unit, as ``near_draws`` makes it for the replaced part. An edit that leaves the unit's bits as
        they were (often the same molecule written another way, such as a block swapped for its mirror image) comes
        last, so the closeness preference does not turn into repeats."""
        shared = self._shared
        want = 1 if wide else self._settings.near_edits
        tries = _TRIES * self._settings.max_edits * want
        while done < edits and tries > 0:
            best, best_similarity, found = None, -2.0, 0
            current = shared.unit_bits(blocks) if want > 1 else 0
            while found < want and tries > 0:
                tries -= 1
                trial = [(tid, [list(f) for f in fills]) for tid, fills in blocks]
                if self._edit(trial, draws, wide) and self._class_of(trial) == self._target and (
                        shared.heavy_atoms(trial) <= self._max_atoms):
                    found += 1
                    value = 0.0
                    if want > 1:
                        bits = shared.unit_bits(trial)
                        value = -1.0 if bits == current else _tanimoto(origin, bits)
                    if value > best_similarity:
                        best, best_similarity = trial, value
            if best is None:
                break
            blocks, done = best, done + 1
        return blocks, done

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """``n`` modified units of this class (see the module docstring)."""
        out = []
        shared, draws = self._shared, Draws(rng, 64 * n)
        templates, sides, source = shared.templates, shared.sides, f"model:{self.name}"
        for _ in range(n):
            if self._chain and draws.uniform() < self._settings.chain:
                parent, start = self._chain[draws.index(len(self._chain))]
            else:
                k = bisect_right(self._seed_weights, draws.uniform() * self._seed_weights[-1])
                parent, start = self._seeds[min(k, len(self._seeds) - 1)]
            blocks = [(tid, [list(f) for f in fills]) for tid, fills in start]
            edits, done, wide = 1 + draws.index(self._settings.max_edits), 0, False
            origin = shared.unit_bits(list(start)) if self._settings.near_edits > 1 else 0
            for _ in range(_RETRIES):
                blocks, done = self._apply_edits(blocks, done, edits, origin, draws, wide)
                text = render([templates[tid] for tid, _ in blocks],
                              [[[sides[s] for s in f] for f in fills] for _, fills in blocks])
                if hash(text) not in self._emitted:
                    break
                edits, wide = done + 1, True  # written before: one more edit, from the wider vocabulary
            self._emitted.add(hash(text))
            out.append(Proposal(text, self.polymer_class, source, (parent,)))
            if done:
                entry = (text, tuple((tid, tuple(tuple(f) for f in fills)) for tid, fills in blocks))
                if len(self._chain) < _CHAIN_SIZE:
                    self._chain.append(entry)
                else:
                    self._chain[draws.index(_CHAIN_SIZE)] = entry
        return out
