"""Hydrogen-capped oligomers of a repeat unit, with each atom's copy and unit atom known by index.

Classification (a capped trimer) and periodic fingerprints (a capped ``2 f + 1``-mer) both need the unit joined
head-to-tail a few times, capped with hydrogen, and to know which copy and which unit atom each atom came from.
:func:`capped_chain` gives the molecular graph that :func:`~polyloop.library.canonical.join_units` followed by
hydrogen caps gives (same atoms, bonds, hydrogen counts and aromaticity; atom order may differ; on the fast path
not fully sanitized: no hybridisation or conjugation flags), and gives the two maps as arrays instead of per-atom
properties, which are slow to read from Python.

Fast path (no stereo marks): the copies are inserted into one editable molecule, the tail atom of each copy is
bonded to the head atom of the next, each end atom gets one more explicit hydrogen in place of its star, and every
star is removed. Total hydrogen counts, degrees, aromaticity and ring membership are then those of the slow path's
capped chain (ring membership is recomputed; it is all that Morgan invariants and the class SMARTS read besides
elements, charges, hydrogens and aromaticity). Removing the stars leaves the real atoms in order: atom ``t`` is
atom ``t mod m`` of the unit's ``m`` real atoms, in copy ``t div m``. Units with stereo marks go through
``join_units``, whose ``molzip`` re-references stereo to the new neighbours, and ``RemoveHs`` of hydrogen caps.
Both paths give the same fingerprints and classes (tested on PI1070 and on generated units).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

from polyloop.library.canonical import join_units
from polyloop.library.parsing import Connection, connection_atoms, has_stereo

__all__ = ["CappedChain", "capped_chain"]


@dataclass(frozen=True)
class CappedChain:
    """A hydrogen-capped oligomer and, for each of its atoms, the copy (0-based) and unit atom it came from."""

    mol: Chem.Mol
    copy: tuple[int, ...]
    unit_atom: tuple[int, ...]

    def atoms_of_copy(self, copy: int) -> list[int]:
        """Indices of the atoms of copy ``copy``, in increasing order."""
        return [index for index, k in enumerate(self.copy) if k == copy]


def capped_chain(unit_mol: Chem.Mol, copies: int, connection: Connection | None = None) -> CappedChain:
    """``copies`` units of ``unit_mol`` (a parsed repeat unit) joined head-to-tail, ends capped with hydrogen;
    ``connection`` is ``connection_atoms(unit_mol)``, if the caller has it."""
    if copies < 1:
        raise ValueError(f"copies must be >= 1, got {copies}")
    if not has_stereo(unit_mol):
        return _fast_chain(unit_mol, copies, connection or connection_atoms(unit_mol))
    return _zipped_chain(unit_mol, copies)


def _fast_chain(unit_mol: Chem.Mol, copies: int, connection: Connection) -> CappedChain:
    """The fast path of :func:`capped_chain` (see the module docstring)."""
    size = unit_mol.GetNumAtoms()
    stars = (connection.head_star, connection.tail_star)
    real = [i for i in range(size) if i not in stars]
    chain = Chem.RWMol(unit_mol)
    for _ in range(copies - 1):
        chain.InsertMol(unit_mol)  # appends the atoms and bonds of a copy (cheaper than CombineMols)
    for k in range(copies - 1):
        chain.AddBond(connection.tail_atom + k * size, connection.head_atom + (k + 1) * size, Chem.BondType.SINGLE)
    for end in (connection.head_atom, connection.tail_atom + (copies - 1) * size):
        atom = chain.GetAtomWithIdx(end)
        atom.SetNumExplicitHs(atom.GetNumExplicitHs() + 1)  # the cap, in place of the star
    chain.BeginBatchEdit()
    for k in range(copies):
        for star in stars:
            chain.RemoveAtom(star + k * size)
    chain.CommitBatchEdit()
    chain.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(chain)
    return CappedChain(
        mol=chain,  # an RWMol is a Mol; copying it out with GetMol would cost as much as building it
        copy=tuple(k for k in range(copies) for _ in real),
        unit_atom=tuple(real) * copies,
    )


def _zipped_chain(unit_mol: Chem.Mol, copies: int) -> CappedChain:
    """The general path of :func:`capped_chain`: ``join_units`` (stereo-aware), stars turned into hydrogens."""
    marked = Chem.Mol(unit_mol)
    for index in range(marked.GetNumAtoms()):
        marked.GetAtomWithIdx(index).SetIntProp("unit_atom", index)
    chain = Chem.RWMol(join_units(marked, copies))
    for atom in chain.GetAtoms():
        if atom.GetAtomicNum() == 0:
            atom.SetAtomicNum(1)
            atom.SetNoImplicit(False)
    mol = Chem.RemoveHs(chain.GetMol())
    atoms = [mol.GetAtomWithIdx(i) for i in range(mol.GetNumAtoms())]
    return CappedChain(
        mol=mol,
        copy=tuple(a.GetIntProp("copy") for a in atoms),
        unit_atom=tuple(a.GetIntProp("unit_atom") for a in atoms),
    )
