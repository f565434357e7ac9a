"""Amorphous periodic cells: N chains grown by self-avoiding random walks straight in the box (see
:mod:`polyloop.simulate.build.chain` for the method), deterministic under a seed."""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.chain import (
    AVOGADRO,
    TACTICITIES,
    Cell,
    Template,
    _atom_keys,
    chain_molecule,
    degree_of_polymerization,
    unit_template,
)
from polyloop.simulate.build.conformer import BuildError

__all__ = ["build_cell", "mirror_flags"]

CAP_BOND = 1.09  # Å, C-H of the end groups
STAGGERED = np.array([60.0, 180.0, 300.0])  # junction torsions are drawn around these, with 25° jitter


def mirror_flags(dp: int, tacticity: str, meso_fraction: float, rng: np.random.Generator) -> list[bool]:
    """Per unit: use the mirror image? Isotactic: never; syndiotactic: every other unit; atactic: flip relative to
    the previous unit with probability ``1 - meso_fraction``."""
    if tacticity not in TACTICITIES:
        raise ValueError(f"tacticity must be one of {TACTICITIES}, got {tacticity!r}")
    if not 0.0 <= meso_fraction <= 1.0:
        raise ValueError(f"meso_fraction must be in [0, 1], got {meso_fraction}")
    if tacticity == "isotactic":
        return [False] * dp
    if tacticity == "syndiotactic":
        return [k % 2 == 1 for k in range(dp)]
    flags = [bool(rng.random() < 0.5)]
    for _ in range(dp - 1):
        flags.append(flags[-1] if rng.random() < meso_fraction else not flags[-1])
    return flags


class _Walker:
    """Grows one chain at a time in a periodic box, avoiding every atom placed before."""

    def __init__(self, box: np.ndarray, min_distance: float, trials: int, rng: np.random.Generator):
        self.box, self.min_distance, self.trials, self.rng = box, min_distance, trials, rng
        self.frozen = np.zeros((0, 3))  # atoms of finished chains, wrapped into the box
        self.frozen_tree: cKDTree | None = None

    def _wrap(self, xyz: np.ndarray) -> np.ndarray:
        return np.mod(np.mod(xyz, self.box), self.box)

    def _hits(self, tree: cKDTree | None, xyz: np.ndarray) -> bool:
        return tree is not None and bool(np.any(tree.query_ball_point(xyz, self.min_distance, return_length=True)))

    def grow(self, templates: list[Template], backtracks: int) -> tuple[list[np.ndarray], list[Rotation]]:
        """Coordinates and rotation of each unit of one chain (``templates[k]`` is the template of unit k)."""
        units: list[np.ndarray] = []
        rotations: list[Rotation] = []
        budget, stuck = backtracks, 0
        while len(units) < len(templates):
            template = templates[len(units)]
            placed = self._place(template, units, rotations, templates)
            if placed is None:
                if budget == 0:
                    raise BuildError("random walk trapped")
                budget -= 1
                stuck += 1
                for _ in range(min(2 ** min(stuck - 1, 4), len(units))):  # back off further when stuck again
                    units.pop()
                    rotations.pop()
                continue
            stuck = max(0, stuck - 1) if len(units) % 4 == 0 else stuck
            units.append(placed[0])
            rotations.append(placed[1])
        return units, rotations

    def _place(self, template: Template, units: list[np.ndarray], rotations: list[Rotation],
               templates: list[Template]) -> tuple[np.ndarray, Rotation] | None:
        if not units:
            for _ in range(self.trials):
                rotation = Rotation.random(random_state=self.rng.integers(2**31))
                xyz = rotation.apply(template.positions) + self._roomy_point()
                if not self._hits(self.frozen_tree, self._wrap(xyz)):
                    return xyz, rotation
            return None
        previous = templates[len(units) - 1]
        tail_direction = rotations[-1].apply(previous.tail_direction)
        # Pairs across the new bond closer than three bonds (head zone x previous tail zone) are exempt.
        own = [*units[:-1], np.delete(units[-1], list(previous.tail_zone), axis=0)]
        own_tree = cKDTree(self._wrap(np.vstack(own)), boxsize=self.box)
        junction_tree = cKDTree(self._wrap(units[-1][list(previous.tail_zone)]), boxsize=self.box)
        align, _ = Rotation.align_vectors((-tail_direction)[None, :], template.head_direction[None, :])
        head_position = units[-1][previous.tail] + template.bond_length * tail_direction
        beyond_head = np.setdiff1d(np.arange(len(template.positions)), template.head_zone)
        for _ in range(self.trials):
            torsion = np.radians(self.rng.choice(STAGGERED) + self.rng.normal(0.0, 25.0))
            rotation = Rotation.from_rotvec(tail_direction * torsion) * align
            xyz = rotation.apply(template.positions) + head_position
            wrapped = self._wrap(xyz)
            if not (self._hits(self.frozen_tree, wrapped) or self._hits(own_tree, wrapped)
                    or self._hits(junction_tree, wrapped[beyond_head])):
                return xyz, rotation
        return None

    def _roomy_point(self, candidates: int = 30) -> np.ndarray:
        """The random point, of ``candidates``, farthest from every atom already placed (chains start there)."""
        points = self.rng.random((candidates, 3)) * self.box
        if self.frozen_tree is None:
            return points[0]
        distances, _ = self.frozen_tree.query(points)
        return points[int(np.argmax(distances))]

    def freeze(self, atoms: np.ndarray) -> None:
        """Add a finished chain's atoms to the obstacles."""
        self.frozen = np.vstack([self.frozen, self._wrap(atoms)])
        self.frozen_tree = cKDTree(self.frozen, boxsize=self.box)


def _chain_positions(mol: Chem.Mol, units: list[np.ndarray], rotations: list[Rotation],
                     templates: list[Template]) -> np.ndarray:
    """Coordinates for every atom of the chain molecule, matched by (copy, unit atom, H rank)."""
    where = {}
    for copy, (xyz, template) in enumerate(zip(units, templates)):
        for key, position in zip(template.keys, xyz):
            where[(copy, *key)] = position
    first, last = templates[0], templates[-1]
    head_cap = units[0][first.head] + CAP_BOND * rotations[0].apply(first.head_direction)
    tail_cap = units[-1][last.tail] + CAP_BOND * rotations[-1].apply(last.tail_direction)
    positions = np.zeros((mol.GetNumAtoms(), 3))
    for key, index in _atom_keys(mol, lambda a: True):
        atom = mol.GetAtomWithIdx(index)
        if atom.GetBoolProp("cap"):
            positions[index] = head_cap if atom.GetIntProp("copy") == 0 else tail_cap
        else:
            positions[index] = where[key]
    return positions


def build_cell(unit: RepeatUnit, chains: int = 10, atoms_per_chain: int = 1000, density: float = 0.3,
               tacticity: str = "atactic", meso_fraction: float = 0.5, seed: int = 0,
               min_distance: float = 1.6, trials: int = 60, backtracks: int = 200, restarts: int = 10) -> Cell:
    """An amorphous cell of ``chains`` H-terminated chains of ``unit`` with about ``atoms_per_chain`` atoms each,
    grown at ``density`` g/cm³ in a cubic periodic box. Deterministic for a given ``seed``."""
    if chains < 1 or atoms_per_chain < 2 or density <= 0:
        raise ValueError("chains >= 1, atoms_per_chain >= 2 and density > 0 are required")
    rng = np.random.default_rng(seed)
    dp = degree_of_polymerization(unit, atoms_per_chain)
    molecule = chain_molecule(unit, dp)
    mass = sum(a.GetMass() for a in molecule.GetAtoms()) * chains
    box = np.full(3, (mass / AVOGADRO / density * 1e24) ** (1.0 / 3.0))
    template = unit_template(unit, seed=seed)
    mirror = template.mirrored()
    walker = _Walker(box, min_distance, trials, rng)
    all_positions, labels = [], []
    for index in range(chains):
        for _attempt in range(restarts):
            flags = mirror_flags(dp, tacticity, meso_fraction, rng)
            templates = [mirror if flag else template for flag in flags]
            try:
                units, rotations = walker.grow(templates, backtracks)
                break
            except BuildError:
                continue
        else:
            raise BuildError(f"could not grow chain {index + 1} of {chains} ({dp} units of {unit.smiles}) at "
                             f"{density} g/cm³ after {restarts} restarts; lower the density or min_distance")
        positions = _chain_positions(molecule, units, rotations, templates)
        walker.freeze(positions)
        all_positions.append(positions)
        labels.append(np.full(len(positions), index))
    return Cell(chains=[Chem.Mol(molecule) for _ in range(chains)], positions=np.vstack(all_positions),
                molecule=np.concatenate(labels), box=box, degree_of_polymerization=dp)
