"""The class of an assembled unit from the class *effects* of its parts (no RDKit at sampling time).

Every block and side group carries an effect: the index, in the classifier's precedence order, of the class it
gives in a minimal context (a block alone, or between two CH2 when both its ends are linkage atoms; a side group on
an sp3 carbon and on an amine nitrogen of the main chain). The classifier tries classes in precedence order and the
first match wins, and every class pattern of :mod:`polyloop.library.classes` lies within one block plus its
neighbouring atoms, so

    class(unit) = min over parts of relevant_effect(part)

where an effect is relevant unless the unit has a heteroatom linkage (a block with an X-type end) and the effect is
a carbon-main-chain class (those need an all-carbon main chain, which the linkage rules out).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from polyloop.library.classes import polymer_classes

__all__ = ["INERT", "UNCLASSIFIED", "class_index", "class_name", "unit_class", "is_carbon_class"]

UNCLASSIFIED = 98  # effect of a part that the classifier leaves without a class
INERT = 99  # an effect that cannot decide the unit's class


@cache
def _names() -> tuple[str, ...]:
    return tuple(c.name for c in polymer_classes())


@cache
def _carbon() -> frozenset[int]:
    return frozenset(i for i, c in enumerate(polymer_classes()) if c.carbon_main_chain)


def class_index(name: str | None) -> int:
    """Precedence index of class ``name`` (0 is tried first); UNCLASSIFIED for None."""
    if name is None:
        return UNCLASSIFIED
    names = _names()
    if name not in names:
        raise KeyError(f"unknown polymer class {name!r}; known: {', '.join(names)}")
    return names.index(name)


def class_name(index: int) -> str | None:
    """Inverse of :func:`class_index` (None for UNCLASSIFIED or INERT)."""
    return _names()[index] if 0 <= index < len(_names()) else None


def is_carbon_class(index: int) -> bool:
    """True if class ``index`` needs an all-carbon main chain."""
    return index in _carbon()


def unit_class(hetero: bool, effects: Iterable[int]) -> int:
    """Precedence index of the unit's class from its parts' effects (``hetero``: the unit has an X-type block end)."""
    carbon = _carbon()
    best = INERT
    for effect in effects:
        if hetero and effect in carbon:
            continue
        best = min(best, effect)
    return best
