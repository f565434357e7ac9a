"""Amorphous periodic cells: N chains grown by self-avoiding random walks straight in the box (see
:mod:`polyloop.simulate.build.chain` for the method), deterministic under a seed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rdkit import Chem
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.chain import (
    AVOGADRO,
    END_GROUPS,
    TACTICITIES,
    Cell,
    Template,
    chain_molecule,
    chain_positions,
    degree_of_polymerization,
    unit_templates,
)
from polyloop.simulate.build.conformer import BuildError
from polyloop.simulate.build.piercing import REACH, find_piercings, rings_from

__all__ = ["build_cell", "mirror_flags"]

STAGGERED = np.array([60.0, 180.0, 300.0])  # backbone dihedrals at junctions: around these, 25° jitter
TRANS_WEIGHT = 3.0  # statistical weight of trans against each gauche (P(t) = 0.6 with both gauche allowed)


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


@dataclass
class _Chain:
    """The growing state of one chain: per unit the conformers it may take, and what has been placed so far."""

    pools: list[list[Template]]  # per unit: its conformers (all plain or all mirrored, by tacticity)
    budget: int
    templates: list[Template] = field(default_factory=list)  # the conformer of each placed unit
    units: list[np.ndarray] = field(default_factory=list)
    rotations: list[Rotation] = field(default_factory=list)
    states: list[float | None] = field(default_factory=list)
    stuck: int = 0

    @property
    def done(self) -> bool:
        """All units placed."""
        return len(self.units) == len(self.pools)


class _Walker:
    """Grows one chain at a time in a periodic box, avoiding every atom placed before.

    Two atoms clash when they are closer than ``min_heavy_distance`` (both heavy) or ``min_distance`` (either is a
    hydrogen), unless they are at most three bonds apart in the chain (from the template's exclusion table).
    """

    def __init__(self, box: np.ndarray, min_distance: float, min_heavy_distance: float, trials: int,
                 rng: np.random.Generator, end_group: str = "H"):
        self.box, self.trials, self.rng = box, trials, rng
        self.end_group = end_group
        self.min_distance, self.min_heavy = min_distance, min_heavy_distance
        self.frozen = np.zeros((0, 3))  # atoms of finished chains, wrapped into the box
        self.frozen_heavy = np.zeros(0, dtype=bool)
        self.frozen_tree: cKDTree | None = None
        self.frozen_bonds = (np.zeros((0, 3)), np.zeros((0, 3)))  # bond start and end points of finished chains
        self.frozen_rings: list[np.ndarray] = []  # vertex coordinates of every ring of finished chains
        self.frozen_bond_tree: cKDTree | None = None
        self.frozen_ring_tree: cKDTree | None = None

    def _wrap(self, xyz: np.ndarray) -> np.ndarray:
        return np.mod(np.mod(xyz, self.box), self.box)

    def _too_close(self, wrapped: np.ndarray, heavy: np.ndarray, tree: cKDTree | None, others: np.ndarray,
                   others_heavy: np.ndarray, skip=None) -> bool:
        """Any pair (new atom, placed atom) closer than its threshold; ``skip(i, j)`` exempts bonded pairs."""
        if tree is None:
            return False
        reach = max(self.min_distance, self.min_heavy)
        for i, near in enumerate(tree.query_ball_point(wrapped, reach)):
            for j in near:
                if skip is not None and skip(i, j):
                    continue
                delta = wrapped[i] - others[j]
                delta -= self.box * np.round(delta / self.box)
                limit = self.min_heavy if heavy[i] and others_heavy[j] else self.min_distance
                if delta @ delta < limit * limit:
                    return True
        return False

    def step(self, chain: _Chain, backtracks: int) -> None:
        """Place the next unit of ``chain``, or back off when it cannot be placed (raises BuildError when the
        chain's backtracking budget is spent)."""
        last = len(chain.units) == len(chain.pools) - 1
        placed = self._place(chain.pools[len(chain.units)], chain.units, chain.rotations, chain.templates,
                             chain.states, last)
        if placed is None:
            if chain.budget == 0:
                raise BuildError("random walk trapped")
            chain.budget -= 1
            chain.stuck += 1
            for _ in range(min(2 ** min(chain.stuck - 1, 4), len(chain.units))):  # back off further when stuck
                chain.units.pop()
                chain.templates.pop()
                chain.rotations.pop()
                chain.states.pop()
            return
        chain.stuck = max(0, chain.stuck - 1) if len(chain.units) % 4 == 0 else chain.stuck
        chain.units.append(placed[0])
        chain.rotations.append(placed[1])
        chain.states.append(placed[2])
        chain.templates.append(placed[3])

    def set_obstacles(self, atoms: np.ndarray, heavy: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                      rings: list[np.ndarray]) -> None:
        """Everything the next placement must avoid, apart from its own chain: atoms, bonds and rings."""
        self.frozen, self.frozen_heavy = self._wrap(atoms), heavy
        self.frozen_tree = cKDTree(self.frozen, boxsize=self.box) if len(atoms) else None
        self.frozen_bonds = (starts, ends)
        self.frozen_bond_tree = (cKDTree(self._wrap((starts + ends) / 2.0), boxsize=self.box)
                                 if len(starts) else None)
        self.frozen_rings = rings
        self.frozen_ring_tree = (cKDTree(self._wrap(np.array([r.mean(axis=0) for r in rings])), boxsize=self.box)
                                 if rings else None)

    def _with_caps(self, template: Template, xyz: np.ndarray, rotation: Rotation, first: bool, last: bool):
        """The unit's atoms plus its end-group hydrogens when it starts or ends the chain, with heavy flags."""
        extra = []
        bond = END_GROUPS[self.end_group][1]
        if first:
            extra.append(xyz[template.head] + bond * rotation.apply(template.head_direction))
        if last:
            extra.append(xyz[template.tail] + bond * rotation.apply(template.tail_direction))
        heavy = np.array(list(template.heavy) + [self.end_group != "H"] * len(extra))
        return (np.vstack([xyz, *extra]) if extra else xyz), heavy

    def _pick(self, pool: list[Template]) -> Template:
        """A conformer drawn uniformly from ``pool`` (no random number is used for a single template)."""
        return pool[0] if len(pool) == 1 else pool[int(self.rng.integers(len(pool)))]

    def _place(self, pool: list[Template], units: list[np.ndarray], rotations: list[Rotation],
               templates: list[Template], states: list[float | None],
               last: bool) -> tuple[np.ndarray, Rotation, float | None, Template] | None:
        """Coordinates, rotation, junction-dihedral state (None for a chain's first unit) and conformer (drawn
        from ``pool`` afresh at every trial) of the next unit; None when every trial clashes."""
        if not units:
            for _ in range(self.trials):
                template = self._pick(pool)
                rotation = Rotation.random(random_state=self.rng.integers(2**31))
                xyz = rotation.apply(template.positions) + self._roomy_point()
                checked, heavy = self._with_caps(template, xyz, rotation, True, last)
                if not self._too_close(self._wrap(checked), heavy, self.frozen_tree, self.frozen,
                                       self.frozen_heavy):
                    return xyz, rotation, None, template
            return None
        k = len(units)
        previous = templates[k - 1]
        tail_direction = rotations[-1].apply(previous.tail_direction)
        own = self._wrap(np.vstack(units))
        own_unit = np.concatenate([np.full(len(u), n) for n, u in enumerate(units)])
        own_atom = np.concatenate([np.arange(len(u)) for u in units])
        own_heavy = np.concatenate([np.array(templates[n].heavy) for n in range(k)])
        own_tree = cKDTree(own, boxsize=self.box)
        excluded = pool[0].excluded  # the same for every conformer
        bonded = lambda i, j: (k - own_unit[j] <= 3  # noqa: E731
                               and (int(k - own_unit[j]), i, int(own_atom[j])) in excluded)
        head_position = units[-1][previous.tail] + pool[0].bond_length * tail_direction
        reach = max(template.reach for template in pool)
        near_bonds, near_rings = self._nearby(units, templates, head_position, reach + REACH)
        # Backbone dihedral (atom before the previous tail, previous tail, new head, atom after the new head):
        # measure it after alignment, then turn about the new bond to reach each target value.
        before = units[-1][previous.tail] + rotations[-1].apply(previous.tail_backward)
        aligned: dict[int, tuple[Rotation, float]] = {}
        for _ in range(self.trials):
            template = self._pick(pool)
            if id(template) not in aligned:
                align, _ = Rotation.align_vectors((-tail_direction)[None, :], template.head_direction[None, :])
                after = head_position + align.apply(template.head_forward)
                aligned[id(template)] = align, _dihedral(before, units[-1][previous.tail], head_position, after)
            align, current = aligned[id(template)]
            options, weights = _allowed(states[-1] if states else None)
            choice = self.rng.choice(options, p=weights)
            target = np.radians(choice + self.rng.normal(0.0, 25.0))
            rotation = Rotation.from_rotvec(tail_direction * (target - current)) * align
            xyz = rotation.apply(template.positions) + head_position
            checked, heavy = self._with_caps(template, xyz, rotation, False, last)
            wrapped = self._wrap(checked)
            if (self._too_close(wrapped, heavy, self.frozen_tree, self.frozen, self.frozen_heavy)
                    or self._too_close(wrapped, heavy, own_tree, own, own_heavy, bonded)):
                continue
            if not self._pierces(template, xyz, units[-1][previous.tail], near_bonds, near_rings):
                return xyz, rotation, float(choice), template
        return None

    def _nearby(self, units: list[np.ndarray], templates: list[Template], centre: np.ndarray, radius: float):
        """Bonds (start and end points) and rings (vertex arrays) already placed within ``radius`` of ``centre``."""
        starts, ends, rings = [], [], []
        for k, xyz in enumerate(units):
            template = templates[k]
            pairs = list(template.bonds)
            starts += [xyz[i] for i, _ in pairs]
            ends += [xyz[j] for _, j in pairs]
            if k > 0:
                starts.append(units[k - 1][templates[k - 1].tail])
                ends.append(xyz[template.head])
            rings += [xyz[list(ring)] for ring in template.rings]
        point = self._wrap(centre[None, :])
        if self.frozen_bond_tree is not None:
            for index in self.frozen_bond_tree.query_ball_point(point[0], radius):
                starts.append(self.frozen_bonds[0][index])
                ends.append(self.frozen_bonds[1][index])
        if self.frozen_ring_tree is not None:
            rings += [self.frozen_rings[i] for i in self.frozen_ring_tree.query_ball_point(point[0], radius)]
        return (np.array(starts).reshape(-1, 3), np.array(ends).reshape(-1, 3)), rings

    def _pierces(self, template: Template, xyz: np.ndarray, previous_tail: np.ndarray, near_bonds, near_rings) -> bool:
        """True if a new bond pierces a placed ring, or a placed bond pierces a new ring."""
        new_starts = np.array([xyz[i] for i, _ in template.bonds] + [previous_tail]).reshape(-1, 3)
        new_ends = np.array([xyz[j] for _, j in template.bonds] + [xyz[template.head]]).reshape(-1, 3)
        if near_rings:
            placed = rings_from(np.vstack(near_rings), _ring_slices(near_rings))
            if find_piercings(placed, new_starts, new_ends, self.box):
                return True
        if template.rings and len(near_bonds[0]):
            return bool(find_piercings(rings_from(xyz, list(template.rings)), *near_bonds, self.box))
        return False

    def _roomy_point(self, candidates: int = 30) -> np.ndarray:
        """The random point, of ``candidates``, farthest from every atom already placed (chains start there)."""
        points = self.rng.random((candidates, 3)) * self.box
        if self.frozen_tree is None:
            return points[0]
        distances, _ = self.frozen_tree.query(points)
        return points[int(np.argmax(distances))]


def _allowed(previous: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Junction dihedral states allowed after ``previous`` and their probabilities. Rotational-isomeric-state
    rules: trans is preferred (weight ``TRANS_WEIGHT`` against 1 for each gauche), and the pentane rule forbids a
    gauche of one sign right after a gauche of the other sign (g± g∓ puts atoms i and i+4 on top of each other)."""
    states = STAGGERED
    if previous == 60.0:
        states = STAGGERED[STAGGERED != 300.0]
    elif previous == 300.0:
        states = STAGGERED[STAGGERED != 60.0]
    weights = np.where(states == 180.0, TRANS_WEIGHT, 1.0)
    return states, weights / weights.sum()


def _dihedral(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> float:
    """Dihedral angle a-b-c-d in radians (IUPAC sign convention)."""
    b0, b1, b2 = a - b, c - b, d - c
    axis = b1 / np.linalg.norm(b1)
    v = b0 - (b0 @ axis) * axis
    w = b2 - (b2 @ axis) * axis
    return float(np.arctan2(np.cross(axis, v) @ w, v @ w))


def _ring_slices(rings: list[np.ndarray]) -> list[tuple[int, ...]]:
    """Index tuples of consecutive rings stacked into one vertex array."""
    slices, start = [], 0
    for ring in rings:
        slices.append(tuple(range(start, start + len(ring))))
        start += len(ring)
    return slices


def build_cell(unit: RepeatUnit, chains: int = 10, atoms_per_chain: int = 1000, density: float = 0.25,
               tacticity: str = "atactic", meso_fraction: float = 0.5, seed: int = 0,
               min_distance: float = 1.6, min_heavy_distance: float = 1.6, trials: int = 60, backtracks: int = 200,
               restarts: int = 5, density_steps: int = 4, end_group: str = "H", conformers: int = 8) -> Cell:
    """An amorphous cell of ``chains`` chains of ``unit`` ended by ``end_group`` ("H" or "CH3") with about
    ``atoms_per_chain`` atoms each,
    grown at ``density`` g/cm³ in a cubic periodic box. Deterministic for a given ``seed``.

    Atoms more than three bonds apart stay at least ``min_heavy_distance`` Å apart (both heavy) or
    ``min_distance`` Å (either a hydrogen); no bond pierces a ring (:mod:`~polyloop.simulate.build.piercing`).
    If a chain cannot be grown after ``restarts`` fresh starts, the whole cell is started again at 0.85 × the
    density, at most ``density_steps`` times. The density actually used is ``Cell.density_g_cm3`` (and
    ``Cell.requested_density``). Each unit takes one of up to ``conformers`` conformers of the repeat unit (same
    stereochemistry, different side-chain shapes; :func:`~polyloop.simulate.build.chain.unit_templates`), drawn
    afresh at every placement trial, so units with long or bulky side chains fit; ``conformers=1`` places one
    rigid template, as before. Stiff rods far longer than the box, such as poly(p-phenylene), may not fit.
    """
    if chains < 1 or atoms_per_chain < 2 or density <= 0:
        raise ValueError("chains >= 1, atoms_per_chain >= 2 and density > 0 are required")
    rng = np.random.default_rng(seed)
    dp = degree_of_polymerization(unit, atoms_per_chain, end_group)
    molecule = chain_molecule(unit, dp, end_group)
    pool = unit_templates(unit, seed=seed, count=conformers)
    settings = (min_distance, min_heavy_distance, trials, backtracks, restarts, end_group)
    tried = []
    for step in range(density_steps + 1):
        current = density * 0.85 ** step
        tried.append(round(current, 3))
        try:
            cell = _grow_cell(molecule, pool, chains, dp, current, tacticity, meso_fraction, rng, settings)
        except BuildError:
            continue
        cell.requested_density = density
        return cell
    raise BuildError(f"could not grow {chains} chains of {dp} units of {unit.smiles} at densities {tried} g/cm³ "
                     f"({restarts} restarts each); lower the density, the chain length or min_heavy_distance")


def _grow_cell(molecule: Chem.Mol, pool: list[Template], chains: int, dp: int, density: float, tacticity: str,
               meso_fraction: float, rng: np.random.Generator, settings: tuple) -> Cell:
    """One attempt at a whole cell at ``density``, chain after chain; raises BuildError if a chain cannot be grown
    after its restarts."""
    min_distance, min_heavy_distance, trials, backtracks, restarts, end_group = settings
    mass = sum(a.GetMass() for a in molecule.GetAtoms()) * chains
    box = np.full(3, (mass / AVOGADRO / density * 1e24) ** (1.0 / 3.0))
    mirror = [template.mirrored() for template in pool]
    walker = _Walker(box, min_distance, min_heavy_distance, trials, rng, end_group)
    finished: list[np.ndarray] = []
    for index in range(chains):
        for _attempt in range(restarts):
            flags = mirror_flags(dp, tacticity, meso_fraction, rng)
            chain = _Chain(pools=[mirror if flag else pool for flag in flags], budget=backtracks)
            try:
                while not chain.done:
                    walker.step(chain, backtracks)
                break
            except BuildError:
                continue
        else:
            raise BuildError(f"chain {index + 1} of {chains} could not be grown at {density:.3f} g/cm³")
        finished.append(chain_positions(molecule, chain.units, chain.rotations, chain.templates, end_group))
        walker.set_obstacles(*_obstacles(molecule, finished))
    all_positions = finished
    labels = [np.full(len(p), i) for i, p in enumerate(all_positions)]
    return Cell(chains=[Chem.Mol(molecule) for _ in range(chains)], positions=np.vstack(all_positions),
                molecule=np.concatenate(labels), box=box, degree_of_polymerization=dp)


def _obstacles(molecule: Chem.Mol, chains: list[np.ndarray]):
    """Atoms (with heavy flags), bonds (start and end points) and ring vertices of finished chains (all atoms of
    each chain molecule, end groups included)."""
    bonds = np.array([(b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in molecule.GetBonds()]).reshape(-1, 2)
    rings = [list(ring) for ring in molecule.GetRingInfo().AtomRings()]
    heavy = np.array([a.GetAtomicNum() > 1 for a in molecule.GetAtoms()])
    atoms = np.vstack(chains)
    starts = np.vstack([xyz[bonds[:, 0]] for xyz in chains])
    ends = np.vstack([xyz[bonds[:, 1]] for xyz in chains])
    return atoms, np.tile(heavy, len(chains)), starts, ends, [xyz[ring] for xyz in chains for ring in rings]
