"""Parameters of one polymer repeat unit in its chain context: what ``polyloop simulate params`` reports.

* **Atoms**: the atoms of ``Chem.AddHs(unit.mol)`` without the two stars, in index order (heavy atoms in the
  canonical SMILES order, then hydrogens), each with its GAFF2 type in chain context (middle unit of a capped
  trimer) and its charge (capped monomer, cap charges folded into the connection atoms; the unit is neutral).
* **Interaction counts per repeat unit** of an infinite chain: the counts of an H-capped (n+1)-mer minus those of
  the n-mer (n = 4), which is exact because both oligomers have the same ends.
* **Fallbacks**: every non-exact parameter used for the chain (see :mod:`polyloop.simulate.forcefield.lookup`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rdkit import Chem

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.charges.qm import QMBackend
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.forcefield.typing import type_repeat_unit
from polyloop.simulate.parameterize import parameterize, repeat_unit_charges

__all__ = ["UnitParameters", "parameterize_repeat_unit"]

_OLIGOMER = 4


@dataclass(frozen=True)
class UnitParameters:
    """Types, charges, per-unit interaction counts and fallbacks of a repeat unit (see module docstring)."""

    smiles: str
    atoms: tuple[dict, ...]
    n_bonds: int
    n_angles: int
    n_dihedrals: int
    n_impropers: int
    fallbacks: tuple[str, ...]
    charge_method: str

    @property
    def total_charge(self) -> float:
        """Sum of the unit's charges (0 up to rounding for a neutral unit)."""
        return float(sum(atom["charge"] for atom in self.atoms))

    def as_json(self) -> dict:
        """The JSON object of ``polyloop simulate params``."""
        return {"smiles": self.smiles, "atoms": list(self.atoms), "total_charge": self.total_charge,
                "n_bonds": self.n_bonds, "n_angles": self.n_angles, "n_dihedrals": self.n_dihedrals,
                "n_impropers": self.n_impropers, "fallbacks": list(self.fallbacks)}


def parameterize_repeat_unit(unit: RepeatUnit, forcefield: ForceField | None = None, charges: str = "gasteiger",
                             backend: QMBackend | None = None, cap: str = "H", seed: int = 0,
                             charge_fallback: str | None = None) -> UnitParameters:
    """Parameterise ``unit`` for chains: raises TypingError, ParameterError or QMError with a clear message
    (a QM failure falls back to ``charge_fallback`` only when one is given, and the fallback is recorded)."""
    forcefield = forcefield or ForceField.load("gaff2")
    types = type_repeat_unit(unit, rules=forcefield.name)
    unit_charges = repeat_unit_charges(unit, charges, cap=cap, backend=backend, seed=seed, fallback=charge_fallback)
    with_h = Chem.AddHs(unit.mol)
    written = unit.mol.GetNumAtoms()  # atoms beyond these were added by AddHs (explicit [2H] etc. are written)
    atoms, ranks = [], {}
    for atom in with_h.GetAtoms():
        if atom.GetAtomicNum() == 0:
            continue
        if atom.GetIdx() >= written:
            parent = atom.GetNeighbors()[0].GetIdx()
            ranks[parent] = ranks.get(parent, -1) + 1
            key = (parent, ranks[parent])
        else:
            key = (atom.GetIdx(), -1)
        atoms.append({"index": atom.GetIdx(), "element": atom.GetSymbol(), "type": types[len(atoms)],
                      "charge": round(unit_charges.by_atom[key], 6)})
    systems = [parameterize(capped_oligomer(unit, n, conformer=False), forcefield,
                            charges=np.zeros(capped_oligomer(unit, n, conformer=False).GetNumAtoms()))
               for n in (_OLIGOMER, _OLIGOMER + 1)]
    small, large = systems
    return UnitParameters(
        smiles=unit.smiles, atoms=tuple(atoms),
        n_bonds=len(large.bonds) - len(small.bonds), n_angles=len(large.angles) - len(small.angles),
        n_dihedrals=len(large.dihedrals) - len(small.dihedrals),
        n_impropers=len(large.impropers) - len(small.impropers),
        fallbacks=tuple(large.provenance["fallbacks"]) + ((unit_charges.note,) if unit_charges.note else ()),
        charge_method=unit_charges.method,
    )
