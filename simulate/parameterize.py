"""From molecules and repeat units to parameterised :class:`~polyloop.simulate.system.System` objects.

``parameterize(mol, forcefield, charges)`` is the one place where atom types, charges and GAFF2 parameters meet:

1. types from the data-driven rules (:func:`~polyloop.simulate.forcefield.typing.assign_types`);
2. charges, either given per atom or computed by method (``"gasteiger"`` or ``"resp"``);
3. bonds, angles, proper dihedrals and improper candidates from the molecular graph
   (:func:`~polyloop.simulate.topology.enumerate_topology`), each looked up in the force field.

Parameters come through :class:`~polyloop.simulate.forcefield.lookup.ParameterLookup`: every one that is not an
exact table entry (wildcards, equivalent types, empirical angles, dihedrals with no parameter) is recorded in
``system.provenance["fallbacks"]``.

For a polymer repeat unit, :func:`repeat_unit_charges` computes charges on a capped monomer and folds each cap's
charge into the connection atom it replaces, so every repeat unit, and hence every chain, is exactly neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rdkit import Chem

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.chain import atom_keys
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.charges.assign import charges_with_fallback
from polyloop.simulate.charges.qm import QMBackend
from polyloop.simulate.errors import ParameterError
from polyloop.simulate.forcefield.lookup import ParameterLookup
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.forcefield.typing import assign_types
from polyloop.simulate.system import System
from polyloop.simulate.topology import enumerate_topology

__all__ = ["UnitCharges", "cell_system", "parameterize", "repeat_unit_charges", "unit_atom_keys"]


def _impropers(lookup: ParameterLookup, types: Sequence[str], candidates: np.ndarray):
    """The improper torsions that have a parameter, outer atoms ordered as the matched table entry."""
    rows, params = [], []
    for a, b, centre, c in candidates.tolist():
        outer = sorted([a, b, c], key=lambda i: (types[i], i))
        found = lookup.improper(types[outer[0]], types[outer[1]], types[centre], types[outer[2]])
        if found is None:
            continue
        remaining = list(outer)
        ordered = []
        for wanted in (found.order[0], found.order[1], found.order[3]):
            pick = next((i for i in remaining if types[i] == wanted), remaining[0])  # "X" takes what is left
            remaining.remove(pick)
            ordered.append(pick)
        rows.append((ordered[0], ordered[1], centre, ordered[2]))
        params.append((found.pk, -1 if round(found.phase) % 360 == 180 else 1, found.periodicity))
    return np.array(rows, dtype=np.int64).reshape(-1, 4), np.array(params, dtype=float).reshape(-1, 3)


def parameterize(mol: Chem.Mol, forcefield: ForceField | None = None,
                 charges: str | Sequence[float] = "gasteiger", backend: QMBackend | None = None,
                 types: Sequence[str] | None = None, charge_fallback: str | None = None) -> System:
    """A :class:`System` of ``mol`` (explicit hydrogens; its 3D conformer, if any, becomes the positions).

    ``charges``: per-atom values, or a method name for :func:`~polyloop.simulate.charges.assign.compute_charges`.
    ``types``: per-atom GAFF2 types (default: assigned by the rules named like the force field,
    ``<forcefield.name>_types.toml``). ``charge_fallback`` (e.g. "gasteiger") is
    used, and recorded in the provenance, only if the charge method fails. Raises ``TypingError`` or
    ``ParameterError`` (with the atoms and types involved) when the molecule cannot be parameterised.
    """
    forcefield = forcefield or ForceField.load("gaff2")
    types = list(types) if types is not None else assign_types(mol, rules=forcefield.name)
    note = None
    if isinstance(charges, str):
        values, method, note = charges_with_fallback(mol, charges, backend, charge_fallback)
    else:
        values, method = np.asarray(charges, dtype=float), "given"
    if len(values) != mol.GetNumAtoms() or len(types) != mol.GetNumAtoms():
        raise ParameterError(f"{len(types)} types and {len(values)} charges for {mol.GetNumAtoms()} atoms")
    top = enumerate_topology(mol)
    lookup = ParameterLookup(forcefield)
    bond_params = [(p.k, p.r0) for p in (lookup.bond(types[i], types[j]) for i, j in top.bonds.tolist())]
    angle_params = [(p.k, p.theta0) for p in
                    (lookup.angle(types[i], types[j], types[k]) for i, j, k in top.angles.tolist())]
    dihedral_terms = [tuple((t.pk / t.idivf, abs(int(t.periodicity)), float(t.phase)) for t in
                            lookup.dihedrals(types[i], types[j], types[k], types[m]))
                      for i, j, k, m in top.dihedrals.tolist()]
    impropers, improper_params = _impropers(lookup, types, top.improper_centres)

    positions = mol.GetConformer().GetPositions() if mol.GetNumConformers() else None
    return System(
        elements=tuple(a.GetSymbol() for a in mol.GetAtoms()),
        types=tuple(types),
        charges=values,
        masses=np.array([atom.GetMass() if atom.GetIsotope() else forcefield.mass(t)  # keep isotopes' masses
                         for atom, t in zip(mol.GetAtoms(), types)]),
        lj={t: forcefield.lj(t) for t in sorted(set(types))},
        bonds=top.bonds, bond_params=np.array(bond_params, float).reshape(-1, 2),
        angles=top.angles, angle_params=np.array(angle_params, float).reshape(-1, 2),
        dihedrals=top.dihedrals, dihedral_terms=dihedral_terms,
        impropers=impropers, improper_params=improper_params,
        positions=positions,
        provenance={"forcefield": forcefield.name, "charges": method,
                    "fallbacks": sorted(set(lookup.fallbacks)) + ([note] if note else [])},
    )


def unit_atom_keys(mol: Chem.Mol) -> list[tuple[int, int, int]]:
    """Per atom of a capped oligomer: :func:`~polyloop.simulate.build.chain.atom_keys`, with copy -1 for the
    atoms of the end caps."""
    return [(-1 if mol.GetAtomWithIdx(index).GetBoolProp("cap") else key[0], key[1], key[2])
            for key, index in atom_keys(mol)]


@dataclass(frozen=True)
class UnitCharges:
    """Charges of one repeat unit: ``by_atom`` maps ``(unit atom, H rank)`` (H rank -1 for heavy atoms) to e;
    ``method`` is the method actually used and ``note`` says why a requested fallback was needed (else None)."""

    by_atom: dict[tuple[int, int], float]
    method: str
    note: str | None = None

    @property
    def total(self) -> float:
        """Net charge of the unit."""
        return float(sum(self.by_atom.values()))


def repeat_unit_charges(unit: RepeatUnit, method: str = "gasteiger", cap: str = "H",
                        backend: QMBackend | None = None, seed: int = 0,
                        fallback: str | None = None) -> UnitCharges:
    """Charges of one repeat unit from a capped monomer, with each cap's total charge folded into the connection
    atom it is bonded to, so the unit carries its formal charge (0) exactly. ``fallback`` as in
    :func:`~polyloop.simulate.charges.assign.charges_with_fallback`."""
    mol = capped_oligomer(unit, 1, cap=cap, seed=seed, conformer=method == "resp")
    values, used, note = charges_with_fallback(mol, method, backend, fallback)
    result: dict[tuple[int, int], float] = {}
    for (copy, unit_atom, rank), charge in zip(unit_atom_keys(mol), values):
        if copy >= 0:
            result[(unit_atom, rank)] = result.get((unit_atom, rank), 0.0) + float(charge)
    connection = unit.connection
    for atom, key, charge in zip(mol.GetAtoms(), unit_atom_keys(mol), values):
        if key[0] == -1:  # cap atom (its unit_atom is the star it replaced) or a hydrogen on a cap
            star = key[1] if key[2] == -1 else atom.GetNeighbors()[0].GetIntProp("unit_atom")
            target = connection.head_atom if star == connection.head_star else connection.tail_atom
            result[(target, -1)] += float(charge)
    return UnitCharges(by_atom=result, method=used, note=note)


def _replicate(system: System, copies: int) -> System:
    """``copies`` independent copies of ``system`` in one System (positions left to the caller)."""
    n = system.n_atoms
    shift = lambda rows: np.vstack([rows + k * n for k in range(copies)]) if len(rows) else rows  # noqa: E731
    return System(
        elements=system.elements * copies, types=system.types * copies,
        charges=np.tile(system.charges, copies), masses=np.tile(system.masses, copies), lj=system.lj,
        bonds=shift(system.bonds), bond_params=np.tile(system.bond_params, (copies, 1)),
        angles=shift(system.angles), angle_params=np.tile(system.angle_params, (copies, 1)),
        dihedrals=shift(system.dihedrals), dihedral_terms=system.dihedral_terms * copies,
        impropers=shift(system.impropers), improper_params=np.tile(system.improper_params, (copies, 1)),
        molecule=np.repeat(np.arange(copies), n), provenance=dict(system.provenance),
    )


def cell_system(cell, unit: RepeatUnit, forcefield: ForceField | None = None, charges: str = "gasteiger",
                backend: QMBackend | None = None, charge_fallback: str | None = None) -> System:
    """The parameterised System of an amorphous :class:`~polyloop.simulate.build.chain.Cell` of ``unit``.

    All chains share one topology, so one chain is parameterised and replicated. Charges are the repeat unit's
    (:func:`repeat_unit_charges`) on every unit; the two end-group hydrogens of each chain carry zero charge, so
    every chain is exactly neutral.
    """
    chain = cell.chains[0]
    unit_charges = repeat_unit_charges(unit, charges, backend=backend, fallback=charge_fallback)
    values = [0.0 if copy == -1 else unit_charges.by_atom[(unit_atom, rank)]
              for copy, unit_atom, rank in unit_atom_keys(chain)]
    one = parameterize(chain, forcefield, charges=values)
    system = _replicate(one, len(cell.chains))
    system.positions = np.asarray(cell.positions, dtype=float)
    system.box = np.asarray(cell.box, dtype=float)
    system.provenance["charges"] = unit_charges.method
    if unit_charges.note:
        system.provenance["fallbacks"].append(unit_charges.note)
    return system
