"""The :class:`RepeatUnit` value type: a polymer repeat unit identified by its canonical SMILES.

A ``RepeatUnit`` is immutable and compares and hashes by its canonical SMILES (see
:mod:`polyloop.library.canonical`), so two spellings of one polymer are equal. It holds no state on an RDKit
molecule. :attr:`RepeatUnit.mol` returns a fresh copy of the canonical molecule, and the atom indices of
:attr:`backbone`, :attr:`side_chains` and :attr:`connection` refer to that molecule's atom order (the atom order of
the canonical SMILES).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from rdkit import Chem
from rdkit.Chem import Descriptors

from polyloop.library.canonical import canonical_smiles, join_units
from polyloop.library.parsing import Connection, connection_atoms, parse_repeat_unit

__all__ = ["RepeatUnit", "canonicalize"]


@dataclass(frozen=True)
class RepeatUnit:
    """A polymer repeat unit with two connection points ``*``, identified by its canonical SMILES.

    Build it with :meth:`from_smiles`. Equality, hashing and ordering use :attr:`smiles` only.
    """

    smiles: str
    input_smiles: str = field(default="", compare=False, repr=False)

    @classmethod
    def from_smiles(cls, smiles: str) -> RepeatUnit:
        """Validate ``smiles`` and return its repeat unit in canonical form.

        Raises :class:`~polyloop.library.errors.InvalidRepeatUnit` naming the rule broken.
        """
        return cls(smiles=canonical_smiles(parse_repeat_unit(smiles)), input_smiles=smiles)

    @classmethod
    def from_canonical(cls, smiles: str, mol: Chem.Mol | None = None) -> RepeatUnit:
        """The unit of an already canonical ``smiles`` (not checked). ``mol``, if given, is its molecule in the atom
        order of ``smiles``, as :func:`~polyloop.library.canonical.canonical_form` returns it; it is used instead of
        parsing the string again."""
        unit = cls(smiles=smiles)
        if mol is not None:
            unit.__dict__["_mol"] = mol  # fills the cached property (the dataclass is frozen)
        return unit

    def __str__(self) -> str:
        return self.smiles

    def __lt__(self, other: RepeatUnit) -> bool:
        return self.smiles < other.smiles

    @cached_property
    def _mol(self) -> Chem.Mol:
        return parse_repeat_unit(self.smiles)

    @property
    def mol(self) -> Chem.Mol:
        """A fresh RDKit molecule of the canonical unit (stars as dummy atoms, implicit hydrogens)."""
        return Chem.Mol(self._mol)

    @cached_property
    def connection(self) -> Connection:
        """Star and connection-atom indices (head first, as written in the canonical SMILES)."""
        return connection_atoms(self._mol)

    @cached_property
    def backbone(self) -> tuple[int, ...]:
        """Atoms on the shortest path from the head connection atom to the tail connection atom, in order."""
        head, tail = self.connection.head_atom, self.connection.tail_atom
        return (head,) if head == tail else tuple(Chem.GetShortestPath(self._mol, head, tail))

    @cached_property
    def rings(self) -> tuple[tuple[int, ...], ...]:
        """Atom indices of the unit's rings (RDKit's smallest set of smallest rings, as parsing finds it)."""
        return self._mol.GetRingInfo().AtomRings()

    @cached_property
    def side_chains(self) -> tuple[tuple[int, ...], ...]:
        """Groups of connected non-backbone, non-star atoms (substituents and the far side of backbone rings)."""
        excluded = set(self.backbone) | {self.connection.head_star, self.connection.tail_star}
        rest = Chem.RWMol(self._mol)
        for bond in list(rest.GetBonds()):
            if bond.GetBeginAtomIdx() in excluded or bond.GetEndAtomIdx() in excluded:
                rest.RemoveBond(bond.GetBeginAtomIdx(), bond.GetEndAtomIdx())
        groups = Chem.GetMolFrags(rest.GetMol(), sanitizeFrags=False)
        return tuple(sorted(g for g in groups if not set(g) & excluded))

    @cached_property
    def molecular_weight(self) -> float:
        """Molar mass of one repeat unit in g/mol (the stars count for nothing)."""
        return float(Descriptors.MolWt(self._mol))

    @cached_property
    def heavy_atom_count(self) -> int:
        """Number of non-hydrogen atoms in one repeat unit (stars excluded)."""
        return self._mol.GetNumHeavyAtoms()  # atomic number > 1: stars (0) and explicit hydrogens are not heavy

    @cached_property
    def elements(self) -> frozenset[str]:
        """Element symbols present in the unit (hydrogen included when present)."""
        symbols = {a.GetSymbol() for a in self._mol.GetAtoms() if a.GetAtomicNum() > 0}
        if any(a.GetTotalNumHs() for a in self._mol.GetAtoms()):
            symbols.add("H")
        return frozenset(symbols)

    @property
    def polymer_class(self) -> str | None:
        """Name of the PoLyInfo-style polymer class (see :mod:`polyloop.library.classes`), or None."""
        from polyloop.library.classes import classify  # classes depends on this module

        return classify(self)

    def oligomer(self, copies: int, cap: str = "H") -> Chem.Mol:
        """``copies`` units joined head-to-tail, ends capped with hydrogen (``cap="H"``) or left as stars
        (``cap="*"``). Each atom carries the int property ``"copy"``.
        """
        chain = join_units(self._mol, copies)
        if cap == "*":
            return chain
        if cap != "H":
            raise ValueError(f"cap must be 'H' or '*', got {cap!r}")
        capped = Chem.RWMol(chain)
        for atom in capped.GetAtoms():
            if atom.GetAtomicNum() == 0:
                atom.SetAtomicNum(1)
                atom.SetNoImplicit(False)
        return Chem.RemoveHs(capped.GetMol())


def canonicalize(smiles: str) -> str:
    """Canonical SMILES of a repeat unit; raises InvalidRepeatUnit for an invalid one."""
    return canonical_smiles(parse_repeat_unit(smiles))

