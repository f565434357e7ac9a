"""PoLyInfo-style polymer classes of repeat units, defined in ``data/polymer_classes.toml``.

A polymer belongs to the class of the linkage that builds its **main chain**: the atoms on the shortest path between
the two connection atoms, plus every ring that path runs through. Each class lists SMARTS patterns whose atoms with
map number 1 must lie on the main chain of the middle unit of a hydrogen-capped trimer (so that linkages cut by the
written ``*`` are seen whole), and whose atoms with map number 2 must lie off it. Classes are tried in the file's
precedence order and the first that matches wins. The rules are data. This module reads them and applies them.

The class numbers (``id``) follow the ``polymer_class`` column of the PI1070 dataset (1 = polyolefin ...
21 = polyphenylene).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rdkit import Chem

from polyloop.library.oligomer import CappedChain, capped_chain
from polyloop.library.parsing import heteroatom_indices
from polyloop.library.repeat_unit import RepeatUnit

__all__ = ["PolymerClass", "class_by_id", "classify", "main_chain", "polymer_classes", "required_element",
           "trimer_roles"]

_ON, _OFF = 1, 2  # SMARTS map numbers: must be on / off the main chain


@dataclass(frozen=True)
class PolymerClass:
    """One polymer class: its name, PoLyInfo/PI1070 number, description and matching rules."""

    name: str
    id: int
    label: str
    patterns: tuple[str, ...]
    carbon_main_chain: bool = False

    @property
    def queries(self) -> tuple[Chem.Mol, ...]:
        """The compiled SMARTS patterns."""
        return _compile(self.patterns)


@cache
def _compile(patterns: tuple[str, ...]) -> tuple[Chem.Mol, ...]:
    queries = tuple(Chem.MolFromSmarts(p) for p in patterns)
    bad = [p for p, q in zip(patterns, queries) if q is None]
    if bad:
        raise ValueError(f"invalid SMARTS in polymer_classes.toml: {bad}")
    return queries


@cache
def polymer_classes() -> tuple[PolymerClass, ...]:
    """All classes in precedence order (the order in which :func:`classify` tries them)."""
    data = tomllib.loads(resources.files("polyloop.library.data").joinpath("polymer_classes.toml").read_text())
    table = data["classes"]
    missing = set(table) - set(data["precedence"])
    if missing:
        raise ValueError(f"classes missing from the precedence list of polymer_classes.toml: {sorted(missing)}")
    return tuple(
        PolymerClass(
            name=name,
            id=int(table[name]["id"]),
            label=table[name]["label"],
            patterns=tuple(table[name]["patterns"]),
            carbon_main_chain=bool(table[name].get("carbon_main_chain", False)),
        )
        for name in data["precedence"]
    )


def class_by_id(class_id: int) -> PolymerClass:
    """The class with PoLyInfo/PI1070 number ``class_id``."""
    for polymer_class in polymer_classes():
        if polymer_class.id == class_id:
            return polymer_class
    raise KeyError(f"no polymer class with id {class_id}")


def main_chain(unit: RepeatUnit) -> frozenset[int]:
    """Main-chain atoms of ``unit``: the backbone path plus the atoms of rings holding two or more path atoms."""
    path = set(unit.backbone)
    atoms = set(path)
    for ring in unit.rings:
        if len(path.intersection(ring)) >= 2:
            atoms.update(ring)
    return frozenset(atoms)


def _trimer(unit: RepeatUnit) -> tuple[Chem.Mol, frozenset[int], frozenset[int]]:
    """Hydrogen-capped trimer of ``unit``, the indices of its main-chain atoms, and those of its middle unit."""
    return trimer_roles(unit, capped_chain(unit.mol, 3))


def trimer_roles(unit: RepeatUnit, trimer: CappedChain) -> tuple[Chem.Mol, frozenset[int], frozenset[int]]:
    """The capped ``trimer`` of ``unit`` (from :func:`~polyloop.library.oligomer.capped_chain`), the indices of its
    main-chain atoms, and those of its middle unit."""
    chain_atoms = main_chain(unit)
    on_chain = frozenset(i for i, atom in enumerate(trimer.unit_atom) if atom in chain_atoms)
    middle = frozenset(trimer.atoms_of_copy(1))
    return trimer.mol, on_chain, middle


def _matches(trimer: Chem.Mol, on_chain: frozenset[int], middle: frozenset[int], polymer_class: PolymerClass,
             elements: tuple[frozenset[int], frozenset[int]]) -> bool:
    """True if a pattern of the class matches the trimer, touching the middle unit, with its map-1 atoms on and
    its map-2 atoms off the main chain. ``elements``: the elements on the main chain and in one unit; a pattern
    needing an element that is not there is not searched for."""
    chain_elements, all_elements = elements
    for query, on_positions, off_positions, needs_on_chain, needs in _roles(polymer_class.patterns):
        if not (needs_on_chain <= chain_elements and needs <= all_elements):
            continue
        for match in trimer.GetSubstructMatches(query, uniquify=False, maxMatches=10000):
            if middle.isdisjoint(match):
                continue
            if all(match[k] in on_chain for k in on_positions) and not any(
                match[k] in on_chain for k in off_positions
            ):
                return True
    return False


_ELEMENT_TEST = re.compile(r"Atom(?:AtomicNum|Type) (\d+) = val")


def required_element(query_atom: Chem.Atom) -> int | None:
    """The element a SMARTS query atom requires (``[#7]``, ``N``, ``n``, ``[#16X4]``, ``[#6;!$(...)]``), or None
    if it allows several or says nothing about the element (``[#8,#16]``, ``[!#6]``, ``a``)."""
    lines = query_atom.DescribeQuery().splitlines()
    tests = [line.strip() for line in lines[1:] if line.startswith("  ") and not line.startswith("   ")] \
        if lines[0] == "AtomAnd" else lines[:1]
    for test in tests:
        found = _ELEMENT_TEST.fullmatch(test)
        if found:
            return int(found.group(1)) % 1000  # AtomType adds 1000 for an aromatic atom
    return None


@cache
def _roles(patterns: tuple[str, ...]) -> tuple[tuple[Chem.Mol, tuple[int, ...], tuple[int, ...], frozenset[int],
                                                        frozenset[int]], ...]:
    """Each compiled pattern with the positions of its atoms that must lie on (map 1) and off (map 2) the chain,
    the elements its map-1 atoms require (so the main chain must hold them) and the elements all its atoms require."""
    out = []
    for query in _compile(patterns):
        roles = [atom.GetAtomMapNum() for atom in query.GetAtoms()]
        elements = [required_element(atom) for atom in query.GetAtoms()]
        out.append((query, tuple(k for k, r in enumerate(roles) if r == _ON),
                    tuple(k for k, r in enumerate(roles) if r == _OFF),
                    frozenset(e for e, r in zip(elements, roles) if e is not None and r == _ON),
                    frozenset(e for e in elements if e is not None)))
    return tuple(out)


def _elements(trimer: Chem.Mol, on_chain: frozenset[int], middle: frozenset[int]) -> tuple[frozenset[int],
                                                                                          frozenset[int]]:
    """The elements on the main chain of ``trimer`` and those of one unit (its middle copy). The few atoms that are
    not carbon are found by one SMARTS search; reading every atom from Python would cost more than the matching."""
    others = [i for i in heteroatom_indices(trimer) if i in middle]
    element = {i: trimer.GetAtomWithIdx(i).GetAtomicNum() for i in others}
    carbon = {6} if len(middle) > len(others) else set()
    chain_carbon = {6} if any(i not in element for i in on_chain) else set()
    return (frozenset(chain_carbon | {z for i, z in element.items() if i in on_chain}),
            frozenset(carbon | set(element.values())))


def classify(unit: RepeatUnit | str, trimer: CappedChain | None = None) -> str | None:
    """Name of the polymer class of ``unit`` (a RepeatUnit or a SMILES), or None if no class matches.

    ``trimer``, if given, is the unit's capped trimer from :func:`~polyloop.library.oligomer.capped_chain` (for a
    caller that has already built it, e.g. to fingerprint the unit).
    """
    unit = RepeatUnit.from_smiles(unit) if isinstance(unit, str) else unit
    trimer, on_chain, middle = _trimer(unit) if trimer is None else trimer_roles(unit, trimer)
    elements = _elements(trimer, on_chain, middle)
    carbon_only = elements[0] == {6}
    for polymer_class in polymer_classes():
        if polymer_class.carbon_main_chain and not carbon_only:
            continue
        if _matches(trimer, on_chain, middle, polymer_class, elements):
            return polymer_class.name
    return None
