"""Bonded topology of a molecule: bonds, angles, proper dihedrals and improper candidates, as index arrays.

Pure graph enumeration on an RDKit molecule (explicit hydrogens). Every interaction is listed once, in a canonical
orientation: bonds ``i < j``, angles ``i-j-k`` with ``i < k``, dihedrals ``i-j-k-l`` with ``(j, k)`` ordered so that
``j < k`` (or ``i < l`` when ``j == k`` cannot happen). Improper candidates are trivalent atoms as
``(a, b, centre, c)``, with the centre third as in AMBER. The force field decides which impropers get a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rdkit import Chem

__all__ = ["Topology", "enumerate_topology"]


@dataclass(frozen=True)
class Topology:
    """Index arrays of the bonded interactions of one molecule (all ``int64``)."""

    bonds: np.ndarray  # (n, 2)
    angles: np.ndarray  # (n, 3)
    dihedrals: np.ndarray  # (n, 4)
    improper_centres: np.ndarray  # (n, 4): neighbour, neighbour, centre, neighbour

    def pairs_14(self) -> set[tuple[int, int]]:
        """Atom pairs separated by exactly three bonds (1-4), excluding pairs also 1-2 or 1-3 (small rings)."""
        close = {tuple(sorted(b)) for b in self.bonds.tolist()}
        close |= {tuple(sorted((a[0], a[2]))) for a in self.angles.tolist()}
        return {tuple(sorted((d[0], d[3]))) for d in self.dihedrals.tolist()} - close


def _array(rows: list[tuple[int, ...]], width: int) -> np.ndarray:
    return np.array(sorted(rows), dtype=np.int64).reshape(-1, width)


def enumerate_topology(mol: Chem.Mol) -> Topology:
    """Bonds, angles, proper dihedrals and improper candidates of ``mol`` (use explicit hydrogens)."""
    neighbours = [sorted(n.GetIdx() for n in atom.GetNeighbors()) for atom in mol.GetAtoms()]
    bonds = [tuple(sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx()))) for b in mol.GetBonds()]
    angles = []
    for j, around in enumerate(neighbours):
        for x, i in enumerate(around):
            for k in around[x + 1:]:
                angles.append((i, j, k))
    dihedrals = []
    for j, k in bonds:
        for i in neighbours[j]:
            if i == k:
                continue
            for m in neighbours[k]:
                if m in (j, i):
                    continue
                dihedrals.append((i, j, k, m))
    impropers = [(around[0], around[1], centre, around[2])
                 for centre, around in enumerate(neighbours) if len(around) == 3]
    return Topology(
        bonds=_array(bonds, 2),
        angles=_array(angles, 3),
        dihedrals=_array(dihedrals, 4),
        improper_centres=_array(impropers, 4),
    )
