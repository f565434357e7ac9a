"""3D structures of repeat units: capped oligomers with a relaxed conformer, deterministic under a seed.

A repeat unit has two ``*`` connection points. For quantum chemistry and for single-point checks it is closed
with caps: ``"H"`` (each star becomes a hydrogen) or ``"CH3"`` (each star becomes a methyl group, a closer
stand-in for the next unit). Every atom of the result carries the int property ``"unit_atom"``: the index of the
repeat-unit atom it comes from (the star index for cap atoms, -1 for hydrogens added to caps and to the unit).
It also carries the bool property ``"cap"``, true for atoms that are not part of any repeat unit.

Geometry: RDKit ETKDG v3 with a fixed random seed, then MMFF94 (UFF where MMFF has no parameters) relaxation.
"""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem

from polyloop.library.canonical import join_units
from polyloop.library.parsing import quiet_rdkit
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.errors import SimulateError

__all__ = ["BuildError", "capped_oligomer", "embed", "same_stereo_conformers"]

CAPS = {"H": 1, "CH3": 6}


class BuildError(SimulateError):
    """A 3D structure, chain or cell could not be built (the message says what and why)."""


def embed(mol: Chem.Mol, seed: int = 0, relax: bool = True) -> Chem.Mol:
    """A copy of ``mol`` (hydrogens added if missing) with one 3D conformer from ETKDG v3, relaxed with MMFF94
    (or UFF). Raises :class:`BuildError` if no conformer can be embedded."""
    with_h = Chem.AddHs(mol, addCoords=False)
    params = AllChem.ETKDGv3()
    params.randomSeed = seed
    with quiet_rdkit():
        if AllChem.EmbedMolecule(with_h, params) != 0:
            params.useRandomCoords = True
            if AllChem.EmbedMolecule(with_h, params) != 0:
                raise BuildError(f"ETKDG could not embed {Chem.MolToSmiles(mol)} (seed {seed})")
        if relax:
            if AllChem.MMFFHasAllMoleculeParams(with_h):
                AllChem.MMFFOptimizeMolecule(with_h, maxIters=2000)
            elif AllChem.UFFHasAllMoleculeParams(with_h):
                AllChem.UFFOptimizeMolecule(with_h, maxIters=2000)
    return with_h


def capped_oligomer(unit: RepeatUnit, copies: int = 1, cap: str = "H", seed: int = 0,
                    conformer: bool = True) -> Chem.Mol:
    """``copies`` units joined head-to-tail, both ends capped, with explicit hydrogens and (by default) a
    relaxed 3D conformer. Atoms carry ``"unit_atom"``, ``"copy"`` and ``"cap"`` properties (module docstring)."""
    if cap not in CAPS:
        raise ValueError(f"cap must be one of {sorted(CAPS)}, got {cap!r}")
    mol = unit.mol
    for atom in mol.GetAtoms():
        atom.SetIntProp("unit_atom", atom.GetIdx())
    chain = Chem.RWMol(join_units(mol, copies))
    for atom in chain.GetAtoms():
        is_star = atom.GetAtomicNum() == 0
        atom.SetBoolProp("cap", is_star)
        if is_star:
            atom.SetAtomicNum(CAPS[cap])
            atom.SetNoImplicit(False)
    capped = chain.GetMol()
    Chem.SanitizeMol(capped)
    if conformer:
        capped = embed(capped, seed=seed)
    else:
        capped = Chem.AddHs(capped)
    for atom in capped.GetAtoms():
        if not atom.HasProp("unit_atom"):  # hydrogens added by AddHs
            heavy = atom.GetNeighbors()[0]
            atom.SetIntProp("unit_atom", -1)
            atom.SetBoolProp("cap", heavy.GetBoolProp("cap"))
            atom.SetIntProp("copy", heavy.GetIntProp("copy"))
    return capped


def same_stereo_conformers(mol: Chem.Mol, count: int, seed: int = 0,
                           distinguish: tuple[int, ...] = ()) -> list[Chem.Mol]:
    """Up to ``count`` further relaxed conformers of the 3D molecule ``mol``, each a copy of ``mol`` with one
    conformer, all with ``mol``'s configuration at every stereocentre and double bond.

    The configuration is read from ``mol``'s 3D structure (``AssignStereochemistryFrom3D``) after the atoms in
    ``distinguish`` are given distinct isotopes (2, 3, ...), so that, e.g., the head and tail caps of a repeat
    unit count as different groups and the centres that are stereocentres only in the polymer are kept too.
    ETKDG v3 (seed ``seed + 1``) embeds with those tags, MMFF94 (or UFF) relaxes, and a conformer is kept only if the
    sign of the chiral volume ``det(n1 - c, n2 - c, n3 - c)`` (first three neighbours by index) of every tagged
    centre ``c`` matches ``mol``'s. Deterministic under the seed; may return fewer than ``count``.
    """
    if count < 1:
        return []
    work = Chem.Mol(mol)
    for rank, index in enumerate(distinguish):
        work.GetAtomWithIdx(index).SetIsotope(rank + 2)
    Chem.AssignStereochemistryFrom3D(work)
    tagged = (Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW)
    centres = [a.GetIdx() for a in work.GetAtoms() if a.GetChiralTag() in tagged]
    reference = _chiral_signs(work, work.GetConformer().GetId(), centres)
    params = AllChem.ETKDGv3()
    params.randomSeed = seed + 1  # RDKit makes every conformer the same with random seed 0
    params.numThreads = 1
    with quiet_rdkit():
        ids = list(AllChem.EmbedMultipleConfs(work, count, params))
        if not ids:
            params.useRandomCoords = True
            ids = list(AllChem.EmbedMultipleConfs(work, count, params))
        if AllChem.MMFFHasAllMoleculeParams(work):
            AllChem.MMFFOptimizeMoleculeConfs(work, numThreads=1, maxIters=2000)
        elif AllChem.UFFHasAllMoleculeParams(work):
            AllChem.UFFOptimizeMoleculeConfs(work, numThreads=1, maxIters=2000)
    for index in distinguish:
        work.GetAtomWithIdx(index).SetIsotope(0)
    return [Chem.Mol(work, False, conf_id) for conf_id in ids
            if np.array_equal(_chiral_signs(work, conf_id, centres), reference)]


def _chiral_signs(mol: Chem.Mol, conf_id: int, centres: list[int]) -> np.ndarray:
    """Sign of ``det(n1 - c, n2 - c, n3 - c)`` at each centre ``c`` (neighbours ``n`` in index order)."""
    xyz = mol.GetConformer(conf_id).GetPositions()
    signs = []
    for centre in centres:
        around = sorted(n.GetIdx() for n in mol.GetAtomWithIdx(centre).GetNeighbors())[:3]
        signs.append(np.sign(np.linalg.det(xyz[around] - xyz[centre])))
    return np.array(signs)
