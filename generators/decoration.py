"""Ring decoration: the small edit of a side group, a substituent put on one of its aromatic C–H carbons.

Swapping a whole side group is a large step in fingerprint space when the unit is small (a styrene unit's aryl is
most of its Morgan bits), so a class whose real members differ mostly by ring substituents (polystyrenes:
4-methyl-, 4-chloro-, 2,5-dichloro-, 4-methoxystyrene, ...) becomes far more diverse than its real polymers when its
only edits are whole-part swaps. The ``decorate`` edit takes the step chemists take instead: styrene to
4-methylstyrene.

* **Where.** The aromatic carbons of the side group's SMILES that carry one hydrogen, found from its tokens (an
  aromatic ``c`` with two neighbours written: the atom before it, ring-bond labels, branches and the atom after
  it). No RDKit is needed to choose; each new group is parsed once, when it is first made, for its fingerprint
  bits, and a string RDKit rejects is never used.
* **What.** The substituents of ``data/ring_substituents.toml`` (inert on an aromatic ring: a decorated group has
  its parent's class effect, which the tests check over the vocabulary).
* **Ids.** A new group gets the next free side-group id of the shared parts (:class:`SharedParts.add_side`). Ids
  beyond the trained vocabulary are never drawn by the part pools; they are reached only by this edit (and kept by
  later edits of the unit). A group's text, not its id, decides what is written, so the output does not depend on
  the order in which groups were first made.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from rdkit import Chem

from polyloop.generators.tokens import BONDS, is_atom, is_ring_label, tokenize
from polyloop.library.parsing import quiet_rdkit

if TYPE_CHECKING:
    from polyloop.generators.language_model import SharedParts
    from polyloop.generators.sampling import Draws

__all__ = ["RingDecorations", "hydrogen_carbons", "ring_substituents"]

_MAX_SIDE_ATOMS = 24  # a decorated side group stays within this many heavy atoms


@cache
def ring_substituents() -> tuple[str, ...]:
    """The substituents (SMILES written from the atom bonded to the ring) of ``data/ring_substituents.toml``."""
    text = resources.files("polyloop.generators.data").joinpath("ring_substituents.toml").read_text()
    return tuple(tomllib.loads(text)["substituents"])


def hydrogen_carbons(tokens: list[str]) -> list[int]:
    """Token indices, in ``tokens`` of a side group written from its attachment atom, of the aromatic carbons that
    carry one hydrogen: an aromatic ``c`` bonded to exactly two atoms as written (every atom is bonded to the one
    before it, the first to the host; then one bond per ring-bond label, per branch and to the atom after it)."""
    out = []
    for i, token in enumerate(tokens):
        if token != "c":
            continue
        j = _past_labels(tokens, i)
        bonds = 1 + sum(map(is_ring_label, tokens[i + 1:j]))
        while j < len(tokens) and tokens[j] == "(":  # branches at this atom
            bonds += 1
            depth = 1
            j += 1
            while j < len(tokens) and depth:
                depth += {"(": 1, ")": -1}.get(tokens[j], 0)
                j += 1
        if j < len(tokens) and (is_atom(tokens[j]) or tokens[j] in BONDS):
            bonds += 1
        if bonds == 2:
            out.append(i)
    return out


def _past_labels(tokens: list[str], atom: int) -> int:
    """Index of the first token after the atom at ``atom`` and its ring-bond labels (with their bond symbols)."""
    j = atom + 1
    while j < len(tokens) and (is_ring_label(tokens[j]) or tokens[j] in BONDS and j + 1 < len(tokens)
                               and is_ring_label(tokens[j + 1])):
        j += 1
    return j


class RingDecorations:
    """The ``decorate`` edit over the side groups of ``shared`` (made lazily, cached by side-group id)."""

    def __init__(self, shared: SharedParts) -> None:
        self._shared = shared
        self._substituents = ring_substituents()
        self._sub_atoms = [sum(map(is_atom, tokenize(s))) for s in self._substituents]
        self._slots: dict[int, tuple[list[str], list[int]]] = {}
        self._made: dict[tuple[int, int, int], int | None] = {}
        self._by_text: dict[str, int] = {}
        # the substituents' side-group ids: the ``substitute`` edit puts one on a free main-chain carbon
        known = {text: i for i, text in enumerate(shared.sides)}
        self.substituent_sides = [known[s] for s in self._substituents if s in known]

    def decoratable(self, side: int) -> bool:
        """True if the side group ``side`` has an aromatic C–H to decorate."""
        return bool(self._slots_of(side)[1])

    def decorate(self, side: int, draws: Draws) -> int | None:
        """The id of ``side`` with a drawn substituent on a drawn aromatic C–H; None if it has none, the result
        would be too large, or RDKit rejects it."""
        tokens, slots = self._slots_of(side)
        if not slots:
            return None
        slot, sub = draws.index(len(slots)), draws.index(len(self._substituents))
        key = (side, slot, sub)
        if key not in self._made:
            self._made[key] = self._make(side, tokens, slots[slot], sub)
        return self._made[key]

    def _slots_of(self, side: int) -> tuple[list[str], list[int]]:
        found = self._slots.get(side)
        if found is None:
            tokens = tokenize(self._shared.sides[side])
            found = self._slots[side] = (tokens, hydrogen_carbons(tokens))
        return found

    def _make(self, side: int, tokens: list[str], at: int, sub: int) -> int | None:
        shared = self._shared
        atoms = shared.side_atoms[side] + self._sub_atoms[sub]
        if atoms > _MAX_SIDE_ATOMS:
            return None
        end = _past_labels(tokens, at)
        text = "".join(tokens[:end]) + "(" + self._substituents[sub] + ")" + "".join(tokens[end:])
        known = self._by_text.get(text)
        if known is not None:
            return known
        with quiet_rdkit():
            mol = Chem.MolFromSmiles("*" + text)
        if mol is None:
            return None
        new = shared.add_side(text, side, atoms, mol)
        self._by_text[text] = new
        return new
