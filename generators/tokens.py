"""SMILES tokens: the tokenizer shared by the language model and the fragment templates.

A token is one bracket atom (``[nH]``, ``[Si]``, ``[2*]``), one organic-subset atom (``Cl``, ``c``, ``*``), one
bond symbol (``- = # : / \\``), a branch parenthesis, or one ring-bond label (``1`` ... ``9``, ``%10`` ...).
"""

from __future__ import annotations

import re

__all__ = ["BONDS", "is_atom", "is_ring_label", "ring_label", "tokenize"]

_TOKEN = re.compile(r"(\[[^\]]+\]|Br|Cl|Si|%\d\d|[BCNOPSFIbcnops*]|[-=#:/\\()]|\d|\.)")
BONDS = frozenset("-=#:/\\")


def tokenize(smiles: str) -> list[str]:
    """Split ``smiles`` into tokens; raises ValueError if some characters are not SMILES tokens."""
    tokens = _TOKEN.findall(smiles)
    if sum(map(len, tokens)) != len(smiles):
        raise ValueError(f"cannot tokenize SMILES {smiles!r}: unexpected characters")
    return tokens


def is_atom(token: str) -> bool:
    """True for an atom token (bracket atom, organic-subset atom, aromatic atom or ``*``)."""
    return token[0] == "[" or token[0].isalpha() or token == "*"


def is_ring_label(token: str) -> bool:
    """True for a ring-bond label token (``1`` or ``%12``)."""
    return token.isdigit() or token.startswith("%")


def ring_label(number: int) -> str:
    """The SMILES spelling of ring-bond label ``number`` (``7`` or ``%57``)."""
    if not 0 < number < 100:
        raise ValueError(f"ring-bond label must be 1-99, got {number}")
    return str(number) if number < 10 else f"%{number}"
