"""Convert AMBER's GAFF2 parameter file (``gaff-2.11.dat``) into polyloop's ``gaff2.json``.

Usage (from the repository root)::

    python scripts/convert_gaff2.py [scripts/data/gaff-2.11.dat] [-o simulate/forcefield/data/gaff2.json]

The input is an AMBER ``parm`` file, read section by section:

1. title line;
2. atom types: ``type mass polarizability description`` until a blank line;
3. the hydrophilic-types line;
4. bonds ``a-b  k  r0`` (fixed columns: types in 0-1 and 3-4);
5. angles ``a-b-c  k  theta0`` (types in 0-1, 3-4, 6-7);
6. proper dihedrals ``a-b-c-d  idivf  pk  phase  pn`` (types in 0-10); a negative ``pn`` means another term
   of the same dihedral follows on the next line;
   A dihedral listed twice (five in gaff-2.11) keeps its later entry, as LEaP/ParmEd do; the keys are listed in
   ``meta.overridden_dihedrals``.
7. impropers ``a-b-c-d  pk  phase  pn`` (no idivf; the central atom is the third);
8. the 10-12 hydrogen-bond section;
9. the equivalencing section (types that share the first type's van der Waals parameters);
10. ``MOD4 RE``: ``type  Rmin/2  epsilon`` until a blank line, then ``END``.

AMBER energy conventions, recorded in the output's ``meta`` block:

* bond:     E = k (r - r0)^2                       (no factor 1/2), k in kcal/mol/A^2, r0 in A
* angle:    E = k (theta - theta0)^2               (no factor 1/2), k in kcal/mol/rad^2, theta0 in degrees
* dihedral: E = sum_terms (pk / idivf) [1 + cos(n phi - phase)], pk in kcal/mol, phase in degrees
* improper: E = pk [1 + cos(n phi - phase)], central atom third, pk not divided
* LJ:       E = eps [(Rmin/r)^12 - 2 (Rmin/r)^6], Rmin_ij = Rmin/2_i + Rmin/2_j, eps_ij = sqrt(eps_i eps_j)

The output is deterministic (sorted keys, one entry per line) so that re-running the script reproduces the
committed file byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = REPO_ROOT / "scripts" / "data" / "gaff-2.11.dat"
DEFAULT_OUTPUT = REPO_ROOT / "simulate" / "forcefield" / "data" / "gaff2.json"

_ATOM_LINE = re.compile(r"^(\S+)\s+(\S+)(?:\s+([-+]?\d*\.\d*(?:[eE][-+]?\d+)?)(?=\s|$))?\s*(.*)$")

META = {
    "name": "gaff2",
    "description": "General AMBER Force Field 2 (GAFF2), converted from AMBER's parm file by scripts/convert_gaff2.py",
    "units": {
        "mass": "g/mol",
        "polarizability": "A^3",
        "lj": "[rmin_half_A, epsilon_kcal_per_mol]",
        "bonds": "[k_kcal_per_mol_A2, r0_A]",
        "angles": "[k_kcal_per_mol_rad2, theta0_deg]",
        "dihedrals": "list of [idivf, pk_kcal_per_mol, phase_deg, periodicity]",
        "impropers": "[pk_kcal_per_mol, phase_deg, periodicity]",
        "hbond_10_12": "[A_coef, B_coef]",
    },
    "conventions": {
        "bond": "E = k (r - r0)^2, no factor 1/2",
        "angle": "E = k (theta - theta0)^2, no factor 1/2, theta in radians inside the energy",
        "dihedral": "E = sum over terms of (pk / idivf) [1 + cos(periodicity phi - phase)]",
        "dihedral_periodicity": "stored positive; a negative value in the .dat file marks that another term follows",
        "dihedral_keys": "a-b-c-d written in the lexicographically smaller of the two directions; X is a wildcard",
        "improper": "E = pk [1 + cos(periodicity phi - phase)], central atom is the third, pk not divided",
        "improper_keys": "as written in the .dat file (central atom third, X wildcards)",
        "lj": "E = eps [(Rmin/r)^12 - 2 (Rmin/r)^6]; Rmin = Rmin/2_i + Rmin/2_j, eps = sqrt(eps_i eps_j); "
        "sigma = Rmin / 2^(1/6)",
        "bond_and_angle_keys": "the smaller of the forward and reversed type sequences",
    },
}


def _types(field: str) -> list[str]:
    """Split an AMBER ``a -b -c`` type field into stripped type names."""
    return [t.strip() for t in field.split("-")]


def _put(table: dict, key: str, value, what: str) -> None:
    """Insert ``value`` under ``key``; refuse a conflicting duplicate (an identical one is accepted)."""
    if key in table and table[key] != value:
        raise ValueError(f"conflicting duplicate {what} {key!r}: {table[key]} vs {value}")
    table[key] = value


def _canonical_linear(types: list[str]) -> str:
    """Key of a bond or angle: the smaller of the forward and reversed type sequences."""
    return "-".join(min(types, types[::-1]))


def _sections(lines: list[str]) -> list[list[str]]:
    """Split the body (after the title) into blank-line separated blocks, stopping at ``END``."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == "END":
            break
        if line.strip() == "":
            blocks.append([])
        else:
            blocks[-1].append(line.rstrip("\n"))
    return blocks


def parse_parm(text: str) -> dict:
    """Parse the text of an AMBER parm file into the project's parameter dictionary."""
    lines = text.splitlines()
    title = lines[0].strip()
    blocks = _sections(lines[1:])
    # blocks: atoms | hydrophilic+bonds | angles | dihedrals | impropers | hbond | equivalences | MOD4 RE
    atoms_block = blocks[0]
    bonds_block = blocks[1]
    hydrophilic = bonds_block[0].split()
    bonds_block = bonds_block[1:]
    angles_block, dihedrals_block, impropers_block, hbond_block, equiv_block = blocks[2:7]
    nonbonded = [b for b in blocks[7:] if b]
    if equiv_block and equiv_block[0].startswith("MOD4"):
        nonbonded.insert(0, equiv_block)
        equiv_block = []

    atom_types: dict[str, dict] = {}
    for line in atoms_block:
        m = _ATOM_LINE.match(line.strip())
        if m is None:
            raise ValueError(f"unreadable atom-type line: {line!r}")
        name, mass, pol, desc = m.groups()
        atom_types[name] = {
            "mass": float(mass),
            "polarizability": float(pol) if pol else None,
            "description": desc.strip(),
        }

    bonds: dict[str, list[float]] = {}
    for line in bonds_block:
        k, r0 = line[5:].split()[:2]
        _put(bonds, _canonical_linear(_types(line[:5])), [float(k), float(r0)], "bond")

    angles: dict[str, list[float]] = {}
    for line in angles_block:
        k, theta0 = line[8:].split()[:2]
        _put(angles, _canonical_linear(_types(line[:8])), [float(k), float(theta0)], "angle")

    dihedrals: dict[str, list[list[float]]] = {}
    overridden: list[str] = []
    pending: list[list[float]] = []
    for line in dihedrals_block:
        types = _types(line[:11])
        idivf, pk, phase, pn = (float(x) for x in line[11:].split()[:4])
        pending.append([int(idivf), pk, phase, int(abs(pn))])
        if pn < 0:
            continue
        key = "-".join(min(types, types[::-1]))
        if key in dihedrals and dihedrals[key] != pending:
            overridden.append(key)  # AMBER/ParmEd semantics: a later entry replaces an earlier one
        dihedrals[key] = pending
        pending = []
    if pending:
        raise ValueError("dihedral section ends inside a multi-term entry (last periodicity negative)")

    impropers: dict[str, list[float]] = {}
    for line in impropers_block:
        pk, phase, pn = (float(x) for x in line[11:].split()[:3])
        _put(impropers, "-".join(_types(line[:11])), [pk, phase, int(pn)], "improper")

    hbond: dict[str, list[float]] = {}
    for line in hbond_block:
        a, b, coef_a, coef_b = line.split()[:4]
        hbond[f"{a}-{b}"] = [float(coef_a), float(coef_b)]

    lj: dict[str, list[float]] = {}
    if not nonbonded or not nonbonded[0][0].startswith("MOD4"):
        raise ValueError("no 'MOD4 RE' non-bonded section found")
    if nonbonded[0][0].split()[1] != "RE":
        raise ValueError(f"only MOD4 RE (Rmin/2, epsilon) is supported, found {nonbonded[0][0]!r}")
    for line in nonbonded[0][1:]:
        name, rmin_half, eps = line.split()[:3]
        lj[name] = [float(rmin_half), float(eps)]
    for line in equiv_block:  # each line: reference type, then types that share its LJ parameters
        ref, *others = line.split()
        for other in others:
            lj[other] = list(lj[ref])

    return {
        "title": title,
        "hydrophilic": hydrophilic,
        "atom_types": atom_types,
        "lj": lj,
        "bonds": bonds,
        "angles": angles,
        "dihedrals": dihedrals,
        "impropers": impropers,
        "hbond_10_12": hbond,
        "overridden_dihedrals": sorted(set(overridden)),
    }


def render(data: dict, source_name: str, source_sha256: str) -> str:
    """Serialise to compact, deterministic JSON: one table entry per line, keys sorted."""
    meta = dict(META)
    meta["source"] = {"file": source_name, "sha256": source_sha256, "title": data["title"]}
    meta["hydrophilic_types"] = data["hydrophilic"]
    meta["overridden_dihedrals"] = {
        "rule": "a dihedral listed twice in the .dat file keeps its last entry (all terms of it)",
        "keys": data["overridden_dihedrals"],
    }
    out = ["{", f'"meta": {json.dumps(meta, sort_keys=True)},']
    sections = ["atom_types", "lj", "bonds", "angles", "dihedrals", "impropers", "hbond_10_12"]
    for i, section in enumerate(sections):
        table = data[section]
        out.append(f"{json.dumps(section)}: {{")
        keys = sorted(table)
        for j, key in enumerate(keys):
            sep = "," if j < len(keys) - 1 else ""
            out.append(f"{json.dumps(key)}: {json.dumps(table[key], sort_keys=True)}{sep}")
        out.append("}," if i < len(sections) - 1 else "}")
    out.append("}")
    return "\n".join(out) + "\n"


def convert(source: Path, destination: Path) -> None:
    """Read ``source`` (AMBER parm file) and write the project JSON to ``destination``."""
    raw = source.read_bytes()
    data = parse_parm(raw.decode("utf-8"))
    text = render(data, source.name, hashlib.sha256(raw).hexdigest())
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_INPUT, help="AMBER gaff-2.11.dat")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="output gaff2.json")
    args = parser.parse_args(argv)
    convert(args.source, args.output)


if __name__ == "__main__":
    main()
