"""Canonical form of a polymer repeat unit: one string for every spelling of the same polymer.

A repeat unit stands for the infinite chain ``...-U-U-U-...`` in which the tail atom of one copy bonds to the head
atom of the next. Different SMILES describe the same chain when they differ by

* which star is written first, or the writing direction (the two stars are identical dummy atoms, so RDKit's
  canonical SMILES of the star-capped unit already takes care of both);
* where the chain is cut into units (a *cyclic shift*: ``*OCC*``, ``*COC*`` and ``*CCO*`` are all poly(ethylene
  oxide));
* how many periods the unit holds (``*CCCC*`` and ``*CC*`` are both polyethylene).

Algorithm (all graph operations keep atom and bond stereo, because cuts use RDKit's ``FragmentOnBonds`` and joins
use ``molzip``, both of which re-reference stereo to the new neighbours):

1. **Cut bonds.** The bonds where the chain may be cut are the single, acyclic bonds on the shortest path from the
   head atom to the tail atom, plus the bond between units. (Every acyclic bond on that path is a bridge between the
   two connection atoms, so it lies on every head-to-tail path; ring bonds cannot be cut with only two stars.)
2. **Minimal period.** Walking the cut bonds from the head, the first prefix ``V`` whose atom count divides the
   unit's and for which ``V`` joined ``n`` times has the same canonical SMILES as the unit is the primitive period.
   (If the chain has a shorter period, a prefix ending at a cut bond realises it, since the unit itself starts at a
   cut bond.) The unit is replaced by ``V``; so ``*CCCC*`` and ``*CC*`` both reduce to ``*C*`` (polymethylene is
   polyethylene) and ``*OCCOCC*`` to ``*CCO*``. Stereo takes part in the comparison, so a syndiotactic diad is not
   reduced to an isotactic unit.
3. **Choice of the cut.** Join the tail atom of the primitive unit to its head atom: the *closed period*, one ring
   of the chain's atoms, is the same graph whatever the spelling (every spelling of the polymer cuts this ring at
   one of its cut bonds). RDKit's canonical atom ranks of the closed period (ties broken, so every atom has its own
   rank, the same ranking that canonical SMILES are written from) are therefore spelling-independent up to the
   graph's symmetry. The unit is cut at a cut bond (the bond between units included), preferring a bond with a
   heteroatom end (``*CCO*``, not ``*COC*``, for poly(ethylene oxide)), then the bond whose pair of atom ranks
   (lower, then higher) is smallest; the canonical form is RDKit's isomeric canonical SMILES of that unit. Two cut
   bonds that tie are exchanged by a symmetry of the closed period and give the same SMILES.
4. **Exceptions.** A period that cannot be closed into a simple ring has only one spelling without stereo marks:
   with a one-atom backbone, or a backbone inside one ring, there is no cut bond; with a two-atom backbone
   (``*C(C)C(*)F``) the only cut bond joins the same two atoms as the bond between units, and cutting it gives the
   same graph back. Its canonical form is its RDKit canonical SMILES. A unit with stereo marks keeps the earlier
   rule: every cyclic shift is written (stereo re-referenced by ``molzip``) and the shortest SMILES wins, ties broken
   lexicographically, because ranks do not follow a re-referenced chiral tag. Whether a unit has stereo marks, and
   the length of its backbone, do not depend on where the chain is cut, so each rule sees every spelling.

Canonicalising a canonical SMILES returns it unchanged, since both rules only depend on the polymer.

Speed: the cut bonds are found once for steps 2 and 3; step 2 is skipped when the gcd of the element counts is 1,
and a prefix is only joined and compared when its elemental formula (hydrogens included) times ``n`` equals the
unit's, a necessary condition; step 3 edits one copy of the unit in place (remove the two star bonds, join tail to
head, rank, move the stars to the chosen bond) and writes one SMILES: no atoms are added or removed, no stereo needs
re-referencing, and canonical SMILES do not depend on atom or bond order. (The earlier rule, shortest SMILES over
all cyclic shifts, wrote one SMILES per cut bond; the ranks cost about a third of one SMILES.)

Limitations: stereo is whatever RDKit perceives on the star-capped unit. A stereocentre whose two chain neighbours
are both ``*`` (``*[C@H](F)*``) is not a stereocentre to RDKit, so its mark is dropped, although in a long chain it
defines tacticity. Write such units as diads (``*[C@H](F)[C@H](F)*``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

from polyloop.library.parsing import (
    Connection,
    connection_atoms,
    has_stereo,
    heteroatom_indices,
    mark_without_stereo,
    parse_repeat_unit,
    quiet_rdkit,
    star_indices,
)

__all__ = ["canonical_form", "canonical_smiles", "cut_bonds", "cyclic_shifts", "join_units", "minimal_period",
           "shifted_smiles"]

_FORMULA_TERM = re.compile(r"([A-Z][a-z]?|\*)(\d*)")
_LINK = 1  # atom-map number used to mark stars that molzip should join


def cut_bonds(mol: Chem.Mol, connection: Connection | None = None) -> list[int]:
    """Indices of the bonds of a repeat unit where the chain may be cut, in order from head to tail.

    These are the single, acyclic bonds on the shortest path from the head atom to the tail atom (the bonds to the
    stars, i.e. the bond between units, are not included).
    """
    connection = connection or connection_atoms(mol)
    if connection.head_atom == connection.tail_atom:
        return []
    path = Chem.GetShortestPath(mol, connection.head_atom, connection.tail_atom)
    bonds = []
    for begin, end in zip(path[:-1], path[1:]):
        bond = mol.GetBondBetweenAtoms(begin, end)
        if bond.GetBondType() == Chem.BondType.SINGLE and not bond.IsInRing():
            bonds.append(bond.GetIdx())
    return bonds


def _clean(mol: Chem.Mol) -> Chem.Mol:
    """Clear map numbers and isotopes of the stars and re-sanitize (molzip leaves the result unsanitized)."""
    for index in star_indices(mol):
        atom = mol.GetAtomWithIdx(index)
        atom.SetAtomMapNum(0)
        atom.SetIsotope(0)
    Chem.SanitizeMol(mol)
    return mol


def _split(mol: Chem.Mol, bond: int, connection: Connection) -> Chem.Mol:
    """Cut ``bond``, leaving new plain stars on both sides, and mark the original stars for joining."""
    marked = Chem.RWMol(mol)
    marked.GetAtomWithIdx(connection.head_star).SetAtomMapNum(_LINK)
    marked.GetAtomWithIdx(connection.tail_star).SetAtomMapNum(_LINK)
    return Chem.FragmentOnBonds(marked.GetMol(), [bond], addDummies=True, dummyLabels=[(0, 0)])


def shift(mol: Chem.Mol, bond: int, connection: Connection | None = None) -> Chem.Mol:
    """The same polymer cut at ``bond`` instead of between units: old tail joined to old head, new stars at ``bond``."""
    connection = connection or connection_atoms(mol)
    with quiet_rdkit():  # molzip warns about bond directions it re-derives; E/Z is kept (tested)
        return _clean(Chem.molzip(_split(mol, bond, connection)))


def shifted_smiles(mol: Chem.Mol, own_smiles: str | None = None, bonds: list[int] | None = None) -> set[str]:
    """RDKit canonical SMILES of every cyclic shift of ``mol`` (the SMILES of :func:`cyclic_shifts`);
    ``own_smiles`` is ``Chem.MolToSmiles(mol)`` and ``bonds`` is ``cut_bonds(mol)``, if the caller has them already.

    A unit without stereo marks is shifted in place on one editable copy: join tail to head once, then for each cut
    bond, cut it, bond the two stars to its ends, write the SMILES, and undo the cut. Atoms, hydrogens and
    aromaticity never change, and ring membership neither (the cut and the new bond are both acyclic), so each
    SMILES is that of the molecule :func:`shift` builds.
    """
    if has_stereo(mol):
        return {Chem.MolToSmiles(shifted) for shifted in cyclic_shifts(mol)}
    connection = connection_atoms(mol)
    if bonds is None:
        bonds = cut_bonds(mol, connection)
    pairs = []
    for bond in bonds:
        cut = mol.GetBondWithIdx(bond)
        pairs.append((cut.GetBeginAtomIdx(), cut.GetEndAtomIdx()))
    smiles = {own_smiles or Chem.MolToSmiles(mol)}
    if not pairs:
        return smiles
    if mol.GetBondBetweenAtoms(connection.head_atom, connection.tail_atom) is not None:
        return smiles | {Chem.MolToSmiles(shift(mol, bond, connection)) for bond in bonds}  # two-atom units
    single = Chem.BondType.SINGLE
    head_star, tail_star = connection.head_star, connection.tail_star
    editable = Chem.RWMol(mol)
    editable.RemoveBond(head_star, connection.head_atom)
    editable.RemoveBond(tail_star, connection.tail_atom)
    editable.AddBond(connection.tail_atom, connection.head_atom, single)
    remove, add, write = editable.RemoveBond, editable.AddBond, Chem.MolToSmiles
    for begin, end in pairs:
        remove(begin, end)
        add(head_star, begin, single)
        add(tail_star, end, single)
        smiles.add(write(editable))
        remove(head_star, begin)
        remove(tail_star, end)
        add(begin, end, single)
    return smiles


def cyclic_shifts(mol: Chem.Mol) -> Iterator[Chem.Mol]:
    """Every way of writing the polymer of ``mol`` with the same period: ``mol`` itself, then one per cut bond."""
    connection = connection_atoms(mol)
    yield mol
    for bond in cut_bonds(mol, connection):
        yield shift(mol, bond, connection)


def join_units(mol: Chem.Mol, copies: int) -> Chem.Mol:
    """``copies`` units joined head-to-tail into one star-capped oligomer (``copies >= 1``).

    Each atom of the result carries the integer property ``"copy"`` (0-based) telling which unit it came from.
    """
    if copies < 1:
        raise ValueError(f"copies must be >= 1, got {copies}")
    connection = connection_atoms(mol)
    combined = None
    for k in range(copies):
        unit = Chem.RWMol(mol)
        for atom in unit.GetAtoms():
            atom.SetIntProp("copy", k)
        if k > 0:
            unit.GetAtomWithIdx(connection.head_star).SetAtomMapNum(k)
        if k < copies - 1:
            unit.GetAtomWithIdx(connection.tail_star).SetAtomMapNum(k + 1)
        combined = unit.GetMol() if combined is None else Chem.CombineMols(combined, unit.GetMol())
    if copies == 1:
        return Chem.Mol(combined)
    with quiet_rdkit():
        return _clean(Chem.molzip(combined))


def minimal_period(mol: Chem.Mol, bonds: list[int] | None = None) -> tuple[Chem.Mol, int]:
    """The primitive repeat unit of ``mol`` and how many times it occurs in ``mol`` (1 if already primitive);
    ``bonds`` is ``cut_bonds(mol)``, if the caller has it already."""
    if _formula_gcd(mol) == 1:  # n copies of a prefix have every element count divisible by n
        return mol, 1
    connection = connection_atoms(mol)
    bonds = cut_bonds(mol, connection) if bonds is None else bonds
    if not bonds:
        return mol, 1
    formulas = _piece_formulas(mol, connection, bonds)
    total = sum(formulas, Counter())
    total_size = total.total()
    reference: str | None = None
    prefix: Counter[int] = Counter()
    for bond, formula in zip(bonds, formulas):
        prefix += formula
        size = prefix.total()
        if total_size % size:
            continue
        copies = total_size // size
        if any(count != copies * prefix[element] for element, count in total.items()):
            continue  # n copies of this prefix do not even have the unit's formula
        head_piece = _head_side(mol, bond, connection)
        reference = reference or Chem.MolToSmiles(mol)
        if Chem.MolToSmiles(join_units(head_piece, copies)) == reference:
            return head_piece, copies
    return mol, 1


def _formula_gcd(mol: Chem.Mol) -> int:
    """Greatest common divisor of the element counts (hydrogens included, stars left out) of ``mol``."""
    counts = [int(n) if n else 1 for symbol, n in _FORMULA_TERM.findall(rdMolDescriptors.CalcMolFormula(mol))
              if symbol != "*"]
    return math.gcd(*counts)


def _piece_formulas(mol: Chem.Mol, connection: Connection, bonds: list[int]) -> list[Counter[int]]:
    """Elemental formulas (hydrogen as element 1, stars left out) of the pieces the cut ``bonds`` leave, from the head.

    The prefix sums of these formulas are the formulas of the head-side pieces of :func:`_head_side`.
    """
    pieces = Chem.GetMolFrags(Chem.FragmentOnBonds(mol, bonds, addDummies=False))  # atom indices are kept
    path_position = {atom: k for k, atom in enumerate(Chem.GetShortestPath(mol, connection.head_atom,
                                                                           connection.tail_atom))}
    pieces = sorted(pieces, key=lambda atoms: min(path_position.get(a, len(path_position)) for a in atoms))
    formulas = []
    for atoms in pieces:
        formula: Counter[int] = Counter()
        for index in atoms:
            atom = mol.GetAtomWithIdx(index)
            if atom.GetAtomicNum():
                formula[atom.GetAtomicNum()] += 1
                formula[1] += atom.GetTotalNumHs()
        formulas.append(formula)
    return formulas


def _head_side(mol: Chem.Mol, bond: int, connection: Connection) -> Chem.Mol:
    """The piece on the head side of ``bond`` once it is cut, as a repeat unit with a new star at the cut."""
    cut = Chem.FragmentOnBonds(mol, [bond], addDummies=True, dummyLabels=[(0, 0)])
    mapping: list[tuple[int, ...]] = []
    pieces = Chem.GetMolFrags(cut, asMols=True, fragsMolAtomMapping=mapping)
    (piece,) = [p for p, atoms in zip(pieces, mapping) if connection.head_atom in atoms]
    return _clean(piece)


def canonical_smiles(smiles_or_mol: str | Chem.Mol, rdkit_smiles: str | None = None) -> str:
    """Canonical SMILES of a repeat unit (see the module docstring); validates a string input first.

    ``rdkit_smiles``, if given, is ``Chem.MolToSmiles`` of the molecule (a caller that has it saves one call on the
    shortest-SMILES path).
    """
    return canonical_form(smiles_or_mol, rdkit_smiles)[0]


def canonical_form(smiles_or_mol: str | Chem.Mol, rdkit_smiles: str | None = None) -> tuple[str, Chem.Mol | None]:
    """The canonical SMILES of :func:`canonical_smiles` and, for a unit without stereo marks, the unit's molecule in
    the atom order of that SMILES (atoms, charges, hydrogens, aromaticity and ring information as parsing the SMILES
    gives them), so that a caller need not parse the string again; None for a unit with stereo marks."""
    mol = parse_repeat_unit(smiles_or_mol) if isinstance(smiles_or_mol, str) else smiles_or_mol
    connection = connection_atoms(mol)
    bonds = cut_bonds(mol, connection)
    primitive, copies = minimal_period(mol, bonds)
    if copies != 1:
        mol, rdkit_smiles = primitive, None
        connection = connection_atoms(mol)
        bonds = cut_bonds(mol, connection)
    if has_stereo(mol):
        if not bonds:
            return rdkit_smiles or Chem.MolToSmiles(mol), None
        return min(shifted_smiles(mol, rdkit_smiles, bonds), key=lambda s: (len(s), s)), None
    if not bonds or mol.GetBondBetweenAtoms(connection.head_atom, connection.tail_atom) is not None:
        return _written(Chem.Mol(mol), edited=False)  # one spelling only (step 4)
    return _cut_at_lowest_ranks(mol, connection, bonds)


def _written(unit: Chem.Mol, edited: bool) -> tuple[str, Chem.Mol]:
    """RDKit's canonical SMILES of ``unit`` (no stereo marks) and ``unit`` renumbered into that SMILES' atom order;
    ``edited``: bonds of ``unit`` were changed since it was parsed (its valences and rings must be found again)."""
    smiles = Chem.MolToSmiles(unit)
    order = [int(i) for i in unit.GetProp("_smilesAtomOutputOrder").strip("[],").split(",")]
    ordered = Chem.RenumberAtoms(unit, order)  # keeps the ring information of an unedited unit
    if edited:
        ordered.UpdatePropertyCache(strict=False)
        Chem.GetSymmSSSR(ordered)  # the ring information a sanitizing parse leaves
    mark_without_stereo(ordered)
    return smiles, ordered


def _cut_at_lowest_ranks(mol: Chem.Mol, connection: Connection, bonds: list[int]) -> tuple[str, Chem.Mol]:
    """SMILES and molecule (in the SMILES' atom order) of ``mol`` cut at the cut bond (or the bond between
    units) chosen by the canonical ranks of the closed period (step 3 of the module docstring). ``mol`` has no stereo
    marks and its head and tail atoms are distinct and not bonded."""
    head_star, tail_star = connection.head_star, connection.tail_star
    pairs = [(connection.tail_atom, connection.head_atom)]
    for index in bonds:
        bond = mol.GetBondWithIdx(index)
        pairs.append((bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()))
    single = Chem.BondType.SINGLE
    closed = Chem.RWMol(mol)
    closed.RemoveBond(head_star, connection.head_atom)
    closed.RemoveBond(tail_star, connection.tail_atom)
    closed.AddBond(connection.tail_atom, connection.head_atom, single)
    closed.UpdatePropertyCache(strict=False)  # the edits reset the cached valences; every atom keeps its own
    ranks = Chem.CanonicalRankAtoms(closed, breakTies=True)
    hetero = set(heteroatom_indices(mol))

    def preference(pair: tuple[int, int]) -> tuple[bool, int, int]:
        a, b = pair
        low, high = (ranks[a], ranks[b]) if ranks[a] < ranks[b] else (ranks[b], ranks[a])
        return a not in hetero and b not in hetero, low, high

    begin, end = min(pairs, key=preference)
    closed.RemoveBond(begin, end)
    closed.AddBond(head_star, begin, single)
    closed.AddBond(tail_star, end, single)
    return _written(closed, edited=True)
