"""Polymer chains grown by a self-avoiding random walk directly in a periodic box, and amorphous cells of chains.

Method. A *template* is a relaxed 3D copy of the repeat unit capped with hydrogens; the two cap hydrogens give the
directions of the bonds to the previous and the next unit. A chain grows unit by unit:
the new unit is rotated so that its head bond points back along the previous unit's tail bond, placed at the
bond length, and turned by a random torsion about that bond. Trials are rejected when any new atom comes closer
than ``min_distance`` to an atom already in the box (minimum image, periodic KD-tree). After ``trials`` failures
the walk backtracks one unit, up to ``backtracks`` times per chain. Chains start at random points with random
orientations, so a whole cell of N chains grows straight in the periodic box at the requested starting density,
instead of being packed from a dilute gas.

Tacticity. A unit and its mirror image differ in the configuration of every stereocentre, and rotations never
change configuration. So the walk uses the template or its mirror image: the same for all units (isotactic),
alternating (syndiotactic), or the same as the previous unit with probability ``meso_fraction`` (atactic).

Topology. Each chain is the RDKit molecule of the H-terminated n-mer; the placed coordinates are matched to its
atoms (heavy atoms by unit-atom index, hydrogens by parent atom), so bonds, angles and dihedrals come from the
graph, not from distances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem, rdMolTransforms
from scipy.spatial.transform import Rotation

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer, same_stereo_conformers

__all__ = ["END_GROUPS", "Cell", "Template", "atom_keys", "chain_molecule", "chain_positions",
           "degree_of_polymerization", "unit_template", "unit_templates"]

AVOGADRO = 6.02214076e23
TACTICITIES = ("atactic", "isotactic", "syndiotactic")


@dataclass(frozen=True)
class Template:
    """A 3D repeat unit ready for placement (coordinates in Å, the head atom at the origin)."""

    keys: tuple[tuple[int, int], ...]  # per atom: (unit atom, rank among that atom's H; -1 for heavy atoms)
    positions: np.ndarray  # (n, 3)
    head: int  # index of the head atom in ``positions``
    tail: int
    head_direction: np.ndarray  # unit vector from the head atom towards the previous unit
    tail_direction: np.ndarray  # unit vector from the tail atom towards the next unit
    bond_length: float  # tail(previous) - head(next) distance
    head_forward: np.ndarray | None = None  # unit vector from the head atom to the next backbone atom (or bond)
    tail_backward: np.ndarray | None = None  # unit vector from the tail atom to the previous backbone atom (or bond)
    bonds: tuple[tuple[int, int], ...] = ()  # bonds inside the unit (template indices)
    rings: tuple[tuple[int, ...], ...] = ()  # rings of the unit (template indices)
    heavy: tuple[bool, ...] = ()  # per atom: not hydrogen
    excluded: frozenset[tuple[int, int, int]] = frozenset()  # (unit offset 1-3, new atom, old atom) within 3 bonds

    @property
    def reach(self) -> float:
        """Largest distance of a unit atom from its head atom, Å."""
        return float(np.linalg.norm(self.positions, axis=1).max())

    def mirrored(self) -> Template:
        """The mirror image (x → -x): every stereocentre inverted."""
        flip = np.array([-1.0, 1.0, 1.0])
        return Template(self.keys, self.positions * flip, self.head, self.tail, self.head_direction * flip,
                        self.tail_direction * flip, self.bond_length, self.head_forward * flip,
                        self.tail_backward * flip, self.bonds, self.rings,
                        self.heavy, self.excluded)


def atom_keys(mol: Chem.Mol, select=lambda atom: True) -> list[tuple[tuple[int, int, int], int]]:
    """``(copy, unit atom, H rank)`` keys of the selected atoms of a capped chain (from
    :func:`~polyloop.simulate.build.conformer.capped_oligomer`), with their atom indices. H rank is -1 for atoms
    written in the unit, else the hydrogen's rank among its parent's added hydrogens."""
    keys, ranks = [], {}
    for atom in mol.GetAtoms():
        if not select(atom):
            continue
        if atom.GetAtomicNum() > 1 or atom.GetIntProp("unit_atom") >= 0:
            keys.append(((atom.GetIntProp("copy"), atom.GetIntProp("unit_atom"), -1), atom.GetIdx()))
        else:
            parent = atom.GetNeighbors()[0]
            slot = (atom.GetIntProp("copy"), parent.GetIntProp("unit_atom"))
            ranks[slot] = ranks.get(slot, -1) + 1
            keys.append(((*slot, ranks[slot]), atom.GetIdx()))
    return keys


def unit_template(unit: RepeatUnit, seed: int = 0) -> Template:
    """The placement template of ``unit`` from a relaxed H-capped monomer."""
    return unit_templates(unit, seed=seed, count=1)[0]


def unit_templates(unit: RepeatUnit, seed: int = 0, count: int = 1) -> list[Template]:
    """Up to ``count`` placement templates of ``unit``: the template of :func:`unit_template` first, then further
    conformers of the same H-capped monomer with the same configuration at every stereocentre (head and tail caps
    told apart, so tacticity by mirroring still holds) and double bond, each extended along the backbone the same
    way. They share atom keys, head, tail, bonds, rings and exclusions; they differ in the side-chain shapes."""
    if count < 1:
        raise ValueError(f"count (conformers per unit) must be at least 1, got {count}")
    capped = capped_oligomer(unit, 1, cap="H", seed=seed)
    caps = _cap_atoms(capped)
    others = same_stereo_conformers(capped, count - 1, seed=seed,
                                    distinguish=(caps[unit.connection.head_star], caps[unit.connection.tail_star]))
    first = _template_from(_extended(capped, unit), unit, None)
    return [first] + [_template_from(_extended(mol, unit), unit, first.excluded) for mol in others]


def _cap_atoms(mol: Chem.Mol) -> dict[int, int]:
    """Star index → atom index of the cap atom that replaced it."""
    return {a.GetIntProp("unit_atom"): a.GetIdx() for a in mol.GetAtoms()
            if a.GetBoolProp("cap") and a.GetIntProp("unit_atom") >= 0}


def _template_from(mol: Chem.Mol, unit: RepeatUnit,
                   excluded: frozenset[tuple[int, int, int]] | None) -> Template:
    """The template of one conformer of the capped monomer ``mol``; ``excluded`` is computed when None."""
    xyz = mol.GetConformer().GetPositions()
    head_atom, tail_atom = unit.connection.head_atom, unit.connection.tail_atom
    caps = _cap_atoms(mol)
    index = {a.GetIntProp("unit_atom"): a.GetIdx() for a in mol.GetAtoms() if a.GetIntProp("unit_atom") >= 0}
    head, tail = index[head_atom], index[tail_atom]
    head_cap, tail_cap = caps[unit.connection.head_star], caps[unit.connection.tail_star]
    keyed = atom_keys(mol, lambda a: not a.GetBoolProp("cap"))
    order = [i for _, i in keyed]
    positions = xyz[order] - xyz[head]
    direction = lambda a, b: (xyz[b] - xyz[a]) / np.linalg.norm(xyz[b] - xyz[a])  # noqa: E731
    return Template(
        keys=tuple((k[1], k[2]) for k, _ in keyed),
        positions=positions,
        head=order.index(head),
        tail=order.index(tail),
        head_direction=direction(head, head_cap),
        tail_direction=direction(tail, tail_cap),
        bond_length=1.53,
        head_forward=(direction(head, index[unit.backbone[1]]) if len(unit.backbone) > 1
                      else direction(tail, tail_cap)),
        tail_backward=(direction(tail, index[unit.backbone[-2]]) if len(unit.backbone) > 1
                       else direction(head, head_cap)),
        bonds=tuple((order.index(b.GetBeginAtomIdx()), order.index(b.GetEndAtomIdx())) for b in mol.GetBonds()
                    if b.GetBeginAtomIdx() in order and b.GetEndAtomIdx() in order),
        rings=tuple(tuple(order.index(i) for i in ring) for ring in mol.GetRingInfo().AtomRings()),
        heavy=tuple(mol.GetAtomWithIdx(i).GetAtomicNum() > 1 for i in order),
        excluded=(_close_pairs(unit, tuple(k for k, _ in keyed)) if excluded is None else excluded),
    )


def _close_pairs(unit: RepeatUnit, keys: tuple[tuple[int, int, int], ...]) -> frozenset[tuple[int, int, int]]:
    """Atom pairs of units ``k`` and ``k - offset`` (offset 1-3) that are at most three bonds apart in the chain,
    as ``(offset, atom in unit k, atom in unit k - offset)`` with template atom indices (from a 5-mer's graph)."""
    chain = chain_molecule(unit, 5)
    where = {key: index for key, index in atom_keys(chain, lambda a: not a.GetBoolProp("cap"))}
    slots = [(k[1], k[2]) for k in keys]
    distances = Chem.GetDistanceMatrix(chain)
    pairs = set()
    for offset in (1, 2, 3):
        for i, (atom_i, rank_i) in enumerate(slots):
            for j, (atom_j, rank_j) in enumerate(slots):
                if distances[where[(4, atom_i, rank_i)], where[(4 - offset, atom_j, rank_j)]] <= 3:
                    pairs.add((offset, i, j))
    return frozenset(pairs)


def _extended(mol: Chem.Mol, unit: RepeatUnit) -> Chem.Mol:
    """Set every rotatable backbone torsion of a capped monomer to anti (180°) and relax again, so that the
    template itself is extended and the walk's freedom lies in the torsions between units."""
    index = {a.GetIntProp("unit_atom"): a.GetIdx() for a in mol.GetAtoms() if a.GetIntProp("unit_atom") >= 0}
    path = [index[unit.connection.head_star], *(index[i] for i in unit.backbone), index[unit.connection.tail_star]]
    conformer = mol.GetConformer()
    for a, b, c, d in zip(path, path[1:], path[2:], path[3:]):
        bond = mol.GetBondBetweenAtoms(b, c)
        if bond.GetBondType() == Chem.BondType.SINGLE and not bond.IsInRing():
            rdMolTransforms.SetDihedralDeg(conformer, a, b, c, d, 180.0)
    if AllChem.MMFFHasAllMoleculeParams(mol):
        AllChem.MMFFOptimizeMolecule(mol, maxIters=2000)
    return mol


CH_BOND = 1.09  # Å, C-H bonds of methyl end groups
END_GROUPS = {"H": (1, 1.09), "CH3": (4, 1.53)}
"""Chain end groups: atoms in the group, and the length (Å) of its bond to the chain."""


def degree_of_polymerization(unit: RepeatUnit, atoms_per_chain: int, end_group: str = "H") -> int:
    """Units per chain for about ``atoms_per_chain`` atoms (hydrogens and both end groups included), at least 2."""
    if end_group not in END_GROUPS:
        raise ValueError(f"end_group must be one of {sorted(END_GROUPS)}, got {end_group!r}")
    per_unit = unit.mol.GetNumAtoms() - 2 + sum(a.GetTotalNumHs() for a in unit.mol.GetAtoms())
    return max(2, round((atoms_per_chain - 2 * END_GROUPS[end_group][0]) / per_unit))


def _methyl_hydrogen(axis: np.ndarray, rank: int) -> np.ndarray:
    """Unit vector from a methyl carbon to its ``rank``-th hydrogen (0-2), tetrahedral about ``axis`` (the direction
    from the chain atom to the methyl carbon)."""
    helper = np.array([1.0, 0.0, 0.0]) if abs(axis[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    p = np.cross(axis, helper)
    p /= np.linalg.norm(p)
    q = np.cross(axis, p)
    phi = 2.0 * np.pi * rank / 3.0
    tilt = np.radians(180.0 - 109.47)
    return np.cos(tilt) * axis + np.sin(tilt) * (np.cos(phi) * p + np.sin(phi) * q)


def chain_positions(mol: Chem.Mol, units: list[np.ndarray], rotations: list[Rotation],
                     templates: list[Template], end_group: str = "H") -> np.ndarray:
    """Coordinates for every atom of the chain molecule, matched by (copy, unit atom, H rank); end groups are
    placed along the free bonds of the first and last units (methyl hydrogens staggered tetrahedrally)."""
    where = {}
    for copy, (xyz, template) in enumerate(zip(units, templates)):
        for key, position in zip(template.keys, xyz):
            where[(copy, *key)] = position
    first, last = templates[0], templates[-1]
    ends = {0: (units[0][first.head], rotations[0].apply(first.head_direction)),
            len(units) - 1: (units[-1][last.tail], rotations[-1].apply(last.tail_direction))}
    bond = END_GROUPS[end_group][1]
    positions = np.zeros((mol.GetNumAtoms(), 3))
    for key, index in atom_keys(mol, lambda a: True):
        atom = mol.GetAtomWithIdx(index)
        if not atom.GetBoolProp("cap"):
            positions[index] = where[key]
            continue
        anchor, axis = ends[atom.GetIntProp("copy")]
        centre = anchor + bond * axis
        is_group_atom = atom.GetAtomicNum() > 1 or atom.GetIntProp("unit_atom") >= 0
        positions[index] = centre if is_group_atom else centre + CH_BOND * _methyl_hydrogen(axis, key[2])
    return positions


def chain_molecule(unit: RepeatUnit, dp: int, end_group: str = "H") -> Chem.Mol:
    """The ``dp``-mer ended by ``end_group`` ("H" or "CH3") with explicit hydrogens (no coordinates); atoms carry
    the copy/unit_atom/cap properties of :func:`~polyloop.simulate.build.conformer.capped_oligomer`."""
    if end_group not in END_GROUPS:
        raise ValueError(f"end_group must be one of {sorted(END_GROUPS)}, got {end_group!r}")
    return capped_oligomer(unit, dp, cap=end_group, conformer=False)


@dataclass
class Cell:
    """An amorphous periodic cell: chains (RDKit molecules), their coordinates, and the box."""

    chains: list[Chem.Mol]
    positions: np.ndarray  # (N, 3) Å, unwrapped along each chain
    molecule: np.ndarray  # (N,) chain index
    box: np.ndarray  # (3,) Å
    degree_of_polymerization: int
    requested_density: float | None = None  # g/cm³ asked for; the cell may be less dense (see build_cell)

    @property
    def n_atoms(self) -> int:
        """Total number of atoms."""
        return len(self.positions)

    @property
    def density_g_cm3(self) -> float:
        """Mass density of the cell, g/cm³."""
        mass = sum(sum(a.GetMass() for a in chain.GetAtoms()) for chain in self.chains)
        return mass / AVOGADRO / (float(np.prod(self.box)) * 1e-24)
