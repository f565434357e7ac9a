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
3. **Cyclic shifts.** For every cut bond of the primitive unit, the shifted unit is made by cutting that bond and
   joining the old tail to the old head. RDKit's isomeric canonical SMILES is computed for each.
4. **Choice.** The canonical form is the shortest of these SMILES, ties broken lexicographically. The rule is
   arbitrary but deterministic, and short strings tend to be the readable ones.

The set of shifted SMILES in step 3 depends only on the polymer, not on the spelling. So the choice in step 4 is
spelling-independent, and canonicalising a canonical SMILES returns it unchanged.

Limitations: stereo is whatever RDKit perceives on the star-capped unit. A stereocentre whose two chain neighbours
are both ``*`` (``*[C@H](F)*``) is not a stereocentre to RDKit, so its mark is dropped, although in a long chain it
defines tacticity. Write such units as diads (``*[C@H](F)[C@H](F)*``).
"""

from __future__ import annotations

from collections.abc import Iterator

from rdkit import Chem

from polyloop.library.parsing import Connection, connection_atoms, parse_repeat_unit, quiet_rdkit

__all__ = ["canonical_smiles", "cut_bonds", "cyclic_shifts", "join_units", "minimal_period"]

_LINK = 1  # atom-map number used to mark stars that molzip should join


def _atom_count(mol: Chem.Mol) -> int:
    """Number of real atoms, hydrogens included (stars excluded)."""
    return sum(1 + a.GetTotalNumHs() for a in mol.GetAtoms() if a.GetAtomicNum() > 0)


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
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() == 0:
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


def minimal_period(mol: Chem.Mol) -> tuple[Chem.Mol, int]:
    """The primitive repeat unit of ``mol`` and how many times it occurs in ``mol`` (1 if already primitive)."""
    connection = connection_atoms(mol)
    total = _atom_count(mol)
    reference = Chem.MolToSmiles(mol)
    for bond in cut_bonds(mol, connection):
        head_piece = _head_side(mol, bond, connection)
        size = _atom_count(head_piece)
        if total % size:
            continue
        copies = total // size
        if Chem.MolToSmiles(join_units(head_piece, copies)) == reference:
            return head_piece, copies
    return mol, 1


def _head_side(mol: Chem.Mol, bond: int, connection: Connection) -> Chem.Mol:
    """The piece on the head side of ``bond`` once it is cut, as a repeat unit with a new star at the cut."""
    cut = Chem.FragmentOnBonds(mol, [bond], addDummies=True, dummyLabels=[(0, 0)])
    mapping: list[tuple[int, ...]] = []
    pieces = Chem.GetMolFrags(cut, asMols=True, fragsMolAtomMapping=mapping)
    (piece,) = [p for p, atoms in zip(pieces, mapping) if connection.head_atom in atoms]
    return _clean(piece)


def canonical_smiles(smiles_or_mol: str | Chem.Mol) -> str:
    """Canonical SMILES of a repeat unit (see the module docstring); validates a string input first."""
    mol = parse_repeat_unit(smiles_or_mol) if isinstance(smiles_or_mol, str) else smiles_or_mol
    primitive, _ = minimal_period(mol)
    candidates = {Chem.MolToSmiles(shifted) for shifted in cyclic_shifts(primitive)}
    return min(candidates, key=lambda s: (len(s), s))
