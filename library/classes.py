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

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rdkit import Chem

from polyloop.library.canonical import join_units
from polyloop.library.repeat_unit import RepeatUnit

__all__ = ["PolymerClass", "class_by_id", "classify", "main_chain", "polymer_classes"]

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
    mol = unit.mol  # keep the molecule alive while its ring info is read
    for ring in mol.GetRingInfo().AtomRings():
        if len(path.intersection(ring)) >= 2:
            atoms.update(ring)
    return frozenset(atoms)


def _trimer(unit: RepeatUnit) -> tuple[Chem.Mol, frozenset[int], frozenset[int]]:
    """Hydrogen-capped trimer of ``unit``, the indices of its main-chain atoms, and those of its middle unit."""
    chain_atoms = main_chain(unit)
    mol = unit.mol
    for atom in mol.GetAtoms():
        atom.SetIntProp("unit_atom", atom.GetIdx())
    chain = Chem.RWMol(join_units(mol, 3))  # atoms keep their properties and gain "copy"
    for atom in chain.GetAtoms():
        if atom.GetAtomicNum() == 0:
            atom.SetAtomicNum(1)
    trimer = Chem.RemoveHs(chain.GetMol())
    on_chain = frozenset(a.GetIdx() for a in trimer.GetAtoms() if a.GetIntProp("unit_atom") in chain_atoms)
    middle = frozenset(a.GetIdx() for a in trimer.GetAtoms() if a.GetIntProp("copy") == 1)
    return trimer, on_chain, middle


def _matches(
    trimer: Chem.Mol, on_chain: frozenset[int], middle: frozenset[int], polymer_class: PolymerClass
) -> bool:
    """True if a pattern of the class matches the trimer, touching the middle unit, with its map-1 atoms on and
    its map-2 atoms off the main chain."""
    for query in polymer_class.queries:
        roles = [atom.GetAtomMapNum() for atom in query.GetAtoms()]
        for match in trimer.GetSubstructMatches(query, uniquify=False, maxMatches=10000):
            if middle.isdisjoint(match):
                continue
            placed = [(i in on_chain, role) for i, role in zip(match, roles)]
            if all(on for on, role in placed if role == _ON) and not any(on for on, role in placed if role == _OFF):
                return True
    return False


def classify(unit: RepeatUnit | str) -> str | None:
    """Name of the polymer class of ``unit`` (a RepeatUnit or a SMILES), or None if no class matches."""
    unit = RepeatUnit.from_smiles(unit) if isinstance(unit, str) else unit
    trimer, on_chain, middle = _trimer(unit)
    carbon_only = all(trimer.GetAtomWithIdx(i).GetAtomicNum() == 6 for i in on_chain)
    for polymer_class in polymer_classes():
        if polymer_class.carbon_main_chain and not carbon_only:
            continue
        if _matches(trimer, on_chain, middle, polymer_class):
            return polymer_class.name
    return None
