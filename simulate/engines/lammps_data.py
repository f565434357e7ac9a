"""Write a :class:`~polyloop.simulate.system.System` as a LAMMPS data file (``atom_style full``).

Styles assumed by the file: ``pair_style lj/cut/coul/*`` (Pair Coeffs ε σ per atom type), ``bond_style harmonic``,
``angle_style harmonic``, ``dihedral_style fourier``, ``improper_style cvff``. Interaction types are the distinct
parameter sets, so two bonds share a LAMMPS bond type exactly when their parameters are equal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from polyloop.simulate.errors import EngineError
from polyloop.simulate.system import System

__all__ = ["write_data_file"]


def _type_ids(keys: list) -> tuple[list, list[int]]:
    """Distinct keys in first-seen order, and each item's 1-based type id."""
    index: dict = {}
    ids = [index.setdefault(key, len(index) + 1) for key in keys]
    return list(index), ids


def _round(values: np.ndarray) -> tuple:
    return tuple(round(float(v), 8) for v in values)


def write_data_file(system: System, path: str | Path, box: np.ndarray | None = None) -> Path:
    """Write ``system`` to ``path``. ``box`` (3,) overrides ``system.box``; without either, a box of the
    coordinates' extent plus 100 Å each side is written (for non-periodic, vacuum runs)."""
    if system.positions is None:
        raise EngineError("the system has no coordinates; build a conformer or a cell first")
    positions = np.asarray(system.positions, dtype=float)
    if box is None:
        box = system.box
    if box is None:
        low, high = positions.min(axis=0) - 100.0, positions.max(axis=0) + 100.0
    else:
        low, high = np.zeros(3), np.asarray(box, dtype=float)
    atom_types, atom_ids = _type_ids(list(system.types))
    bond_types, bond_ids = _type_ids([_round(p) for p in system.bond_params])
    angle_types, angle_ids = _type_ids([_round(p) for p in system.angle_params])
    dihedral_types, dihedral_ids = _type_ids([tuple(terms) for terms in system.dihedral_terms])
    improper_types, improper_ids = _type_ids([_round(p) for p in system.improper_params])
    molecule = system.molecule if system.molecule is not None else np.zeros(system.n_atoms, dtype=int)
    mass_of = {t: m for t, m in zip(system.types, system.masses)}

    lines = ["LAMMPS data file written by polyloop", ""]
    counts = [(system.n_atoms, "atoms"), (len(system.bonds), "bonds"), (len(system.angles), "angles"),
              (len(system.dihedrals), "dihedrals"), (len(system.impropers), "impropers")]
    lines += [f"{n} {name}" for n, name in counts]
    type_counts = [(len(atom_types), "atom"), (len(bond_types), "bond"), (len(angle_types), "angle"),
                   (len(dihedral_types), "dihedral"), (len(improper_types), "improper")]
    lines += [f"{max(n, 1) if name == 'atom' else n} {name} types" for n, name in type_counts]
    lines += ["", *(f"{lo:.6f} {hi:.6f} {axis}lo {axis}hi" for lo, hi, axis in zip(low, high, "xyz")), ""]
    lines += ["Masses", ""] + [f"{i} {mass_of[t]:.5f}  # {t}" for i, t in enumerate(atom_types, 1)] + [""]
    lines += ["Pair Coeffs # lj/cut/coul/long", ""]
    lines += [f"{i} {system.lj[t][0]:.8f} {system.lj[t][1]:.8f}  # {t}" for i, t in enumerate(atom_types, 1)]
    if bond_types:
        lines += ["", "Bond Coeffs # harmonic", ""] + [f"{i} {k} {r0}" for i, (k, r0) in enumerate(bond_types, 1)]
    if angle_types:
        lines += ["", "Angle Coeffs # harmonic", ""] + [f"{i} {k} {t0}" for i, (k, t0) in enumerate(angle_types, 1)]
    if dihedral_types:
        lines += ["", "Dihedral Coeffs # fourier", ""]
        for i, terms in enumerate(dihedral_types, 1):
            body = " ".join(f"{k:.8f} {n} {phase:.4f}" for k, n, phase in terms)
            lines.append(f"{i} {len(terms)} {body}")
    if improper_types:
        lines += ["", "Improper Coeffs # cvff", ""]
        lines += [f"{i} {k} {int(d)} {int(n)}" for i, (k, d, n) in enumerate(improper_types, 1)]
    lines += ["", "Atoms # full", ""]
    for i in range(system.n_atoms):
        x, y, z = positions[i]
        lines.append(f"{i + 1} {int(molecule[i]) + 1} {atom_ids[i]} {float(system.charges[i]):.8f} "
                     f"{x:.6f} {y:.6f} {z:.6f}")
    for title, rows, ids in [("Bonds", system.bonds, bond_ids), ("Angles", system.angles, angle_ids),
                             ("Dihedrals", system.dihedrals, dihedral_ids),
                             ("Impropers", system.impropers, improper_ids)]:
        if len(rows):
            lines += ["", title, ""]
            lines += [f"{n} {t} " + " ".join(str(int(a) + 1) for a in row)
                      for n, (t, row) in enumerate(zip(ids, rows), 1)]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path
