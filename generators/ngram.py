"""A SMILES-token n-gram language model with a grammar-aware sampler (Ikebata et al. 2017's chemical language).

Training counts token n-grams of SMILES strings padded with a start token ``^`` and an end token ``$``. Sampling
draws one token at a time from the longest context seen in training ("stupid backoff": if the order-``n`` context
was never seen, or none of its continuations is allowed, drop its oldest token), with

    p(token | context) = count(context, token) / sum over allowed tokens t' of count(context, t')

restricted to tokens the SMILES grammar allows at that point. The grammar state tracks open branches, open ring
bonds (a ring bond is never closed on the atom that opened it or its neighbour, never left open at the end), the
pending bond order, and every atom's valence: a token that would over-fill an atom is never drawn. Nothing is
rejected as a whole string except one that runs past ``max_tokens``; such failures count in the raw validity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from polyloop.generators.tokens import is_atom, is_ring_label, tokenize

__all__ = ["NGramModel", "atom_valence"]

START, END = "^", "$"
_VALENCE = {"C": 4, "c": 3, "N": 3, "n": 3, "O": 2, "o": 2, "S": 6, "s": 2, "P": 5, "p": 3, "F": 1, "Cl": 1,
            "Br": 1, "I": 1, "B": 3, "b": 3}
_BOND_ORDER = {"-": 1, "=": 2, "#": 3, ":": 1}


def atom_valence(token: str) -> int:
    """Most bonds an atom token may make (hydrogens written inside brackets count against it)."""
    if token in _VALENCE:
        return _VALENCE[token]
    inner = token.strip("[]")
    symbol = inner.lstrip("0123456789").rstrip("+-0123456789")
    hydrogens = 0
    if "H" in symbol[1:] or symbol.endswith("H"):
        head, _, rest = symbol.partition("H")
        symbol, hydrogens = head, int(rest) if rest.isdigit() else 1
    base = {"Si": 4, "n": 3, "N": 3, "O": 2, "S": 6, "P": 5, "C": 4, "c": 3, "o": 2, "s": 2}.get(symbol, 4)
    if "+" in inner:
        base += 1
    if "-" in inner:
        base -= 1
    return max(base - hydrogens, 1)


@dataclass
class _State:
    """Grammar state of a partial SMILES."""

    used: list[int] = field(default_factory=list)
    limit: list[int] = field(default_factory=list)
    current: int = -1
    branches: list[int] = field(default_factory=list)
    rings: dict[str, int] = field(default_factory=dict)
    bond: int = 0  # pending bond order (0: none written)
    last: str = START

    def free(self, atom: int) -> int:
        return self.limit[atom] - self.used[atom]

    def allowed(self, token: str) -> bool:
        last_is_atomish = is_atom(self.last) or is_ring_label(self.last) or self.last == ")"
        if token == END:
            return not self.branches and not self.rings and self.bond == 0 and last_is_atomish
        if is_atom(token):
            if self.current < 0:
                return self.last == START
            order = self.bond or 1
            return self.free(self.current) >= order and atom_valence(token) >= order
        if token in _BOND_ORDER:
            order = _BOND_ORDER[token]
            return self.current >= 0 and self.bond == 0 and (last_is_atomish or self.last == "(") and (
                self.free(self.current) >= order)
        if token == "(":
            return self.current >= 0 and last_is_atomish and self.free(self.current) >= 2 and len(self.branches) < 4
        if token == ")":
            return bool(self.branches) and last_is_atomish and self.bond == 0
        if is_ring_label(token):
            if self.current < 0 or not (is_atom(self.last) or is_ring_label(self.last) or self.last in _BOND_ORDER):
                return False
            order = self.bond or 1
            if token in self.rings:
                opener = self.rings[token]
                return opener < self.current - 1 and self.free(self.current) >= order and self.free(opener) >= order
            return len(self.rings) < 3 and self.free(self.current) >= order + 1
        return False

    def push(self, token: str) -> None:
        if is_atom(token):
            order = self.bond or 1
            self.used.append(0)
            self.limit.append(atom_valence(token))
            if self.current >= 0:
                self.used[self.current] += order
                self.used[-1] += order
            self.current = len(self.used) - 1
            self.bond = 0
        elif token in _BOND_ORDER:
            self.bond = _BOND_ORDER[token]
        elif token == "(":
            self.branches.append(self.current)
        elif token == ")":
            self.current = self.branches.pop()
        elif is_ring_label(token):
            order = self.bond or 1
            if token in self.rings:
                opener = self.rings.pop(token)
                self.used[opener] += order
                self.used[self.current] += order
            else:
                self.rings[token] = self.current
            self.bond = 0
        self.last = token


@dataclass
class NGramModel:
    """Token n-gram counts: ``counts[context][token]`` for every context of 0 to ``order - 1`` previous tokens."""

    order: int
    counts: dict[tuple[str, ...], Counter] = field(default_factory=lambda: defaultdict(Counter))

    @classmethod
    def train(cls, smiles: Iterable[str], order: int = 4, weights: Iterable[float] | None = None) -> NGramModel:
        """Count the n-grams of every string in ``smiles`` (each weighted by ``weights``, default 1)."""
        if order < 1:
            raise ValueError(f"n-gram order must be >= 1, got {order}")
        model = cls(order=order)
        weight_list = list(weights) if weights is not None else None
        for k, text in enumerate(smiles):
            w = weight_list[k] if weight_list is not None else 1.0
            tokens = [START, *tokenize(text), END]
            for i in range(1, len(tokens)):
                for n in range(order):
                    if i - n < 0:
                        break
                    model.counts[tuple(tokens[i - n:i])][tokens[i]] += w
        return model

    def merged(self, other: NGramModel, weight: float) -> NGramModel:
        """A model whose counts are this model's plus ``weight`` times ``other``'s (class model over a pooled one)."""
        model = NGramModel(order=self.order)
        for source, w in ((self, 1.0), (other, weight)):
            for context, counter in source.counts.items():
                for token, count in counter.items():
                    model.counts[context][token] += w * count
        return model

    def sample(self, rng: np.random.Generator, max_tokens: int = 60) -> str | None:
        """One grammar-constrained sample (without ``^``/``$``), or None if it ran past ``max_tokens``."""
        state, history = _State(), [START]
        while len(history) <= max_tokens:
            token = self._draw(history, state, rng)
            if token is None:
                return None
            if token == END:
                return "".join(history[1:])
            state.push(token)
            history.append(token)
        return None

    def _draw(self, history: list[str], state: _State, rng: np.random.Generator) -> str | None:
        for n in range(min(self.order - 1, len(history)), -1, -1):
            counter = self.counts.get(tuple(history[len(history) - n:]))
            if not counter:
                continue
            tokens = [t for t in counter if state.allowed(t)]
            if tokens:
                weights = np.array([counter[t] for t in tokens], dtype=float)
                return tokens[int(rng.choice(len(tokens), p=weights / weights.sum()))]
        return None

    def to_json(self) -> dict:
        """JSON-ready form: order and the counts keyed by space-joined context."""
        return {"order": self.order,
                "counts": {" ".join(ctx): dict(counter) for ctx, counter in self.counts.items()}}

    @classmethod
    def from_json(cls, data: dict) -> NGramModel:
        """Inverse of :meth:`to_json`."""
        model = cls(order=int(data["order"]))
        for ctx, counter in data["counts"].items():
            model.counts[tuple(ctx.split(" ")) if ctx else ()] = Counter(counter)
        return model
