"""gaff2_mod: GAFF2 plus the c3f fluorocarbon torsions (Trag & Zahn, J. Mol. Model. 25:39 (2019)).

Typing (c3 bonded to F becomes c3f), the overlay's numbers against the source, GAFF2 left unchanged, the
LAMMPS/OpenMM cross-check on a fluorinated oligomer, and the ``--forcefield`` CLI option.
"""

import json

import pytest
from rdkit import Chem
from typer.testing import CliRunner

from polyloop.cli import app
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.engines import lammps, openmm
from polyloop.simulate.forcefield.lookup import ParameterLookup
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.forcefield.typing import assign_types, type_repeat_unit
from polyloop.simulate.parameterize import parameterize

PTFE, PVDF = "*C(F)(F)C(F)(F)*", "*CC(F)(F)*"


def _expected_carbon_type(atom: Chem.Atom) -> str:
    """c3f for an sp3 carbon with an F neighbour, c3 for any other sp3 carbon."""
    return "c3f" if any(n.GetAtomicNum() == 9 for n in atom.GetNeighbors()) else "c3"


@pytest.mark.parametrize("smiles", [PTFE, PVDF])
def test_c3f_exactly_on_fluorinated_sp3_carbons(smiles: str) -> None:
    mol = capped_oligomer(RepeatUnit.from_smiles(smiles), 3, seed=1)
    modified, plain = assign_types(mol, rules="gaff2_mod"), assign_types(mol)
    carbons = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 6]
    assert carbons and all(plain[a.GetIdx()] == "c3" for a in carbons)
    for atom in carbons:
        assert modified[atom.GetIdx()] == _expected_carbon_type(atom), atom.GetIdx()
    # nothing but those carbons changes
    assert [m for m, p in zip(modified, plain) if m != p] == ["c3f"] * sum(m == "c3f" for m in modified)
    if smiles == PVDF:
        assert {"c3", "c3f"} <= {modified[a.GetIdx()] for a in carbons}


def test_type_repeat_unit_with_gaff2_mod() -> None:
    assert type_repeat_unit(RepeatUnit.from_smiles(PVDF), rules="gaff2_mod") == ["c3", "c3f", "f", "f", "hc", "hc"]
    assert type_repeat_unit(RepeatUnit.from_smiles(PVDF)) == ["c3", "c3", "f", "f", "hc", "hc"]


def test_only_sp3_c3_carbons_are_retyped() -> None:
    mol = Chem.AddHs(Chem.MolFromSmiles("FC=CC(F)(F)F"))  # vinylic C-F stays c2
    assert assign_types(mol, rules="gaff2_mod")[:4] == ["f", "c2", "c2", "c3f"]


def test_overlay_numbers_match_the_source() -> None:
    # Expected values: RadonPy radonpy/ff/ff_dat/gaff2_mod.json (BSD-3-Clause), commit 956877f1c1be, entries
    # "c3f" (particle type) and dihedral types "f,c3f,c3f,f", "c3f,c3f,c3f,c3f", "c3,c3f,c3f,c3f" (fourier d, k, n).
    ff = ForceField.load("gaff2_mod")
    assert ff.name == "gaff2_mod" and ForceField.load("gaff2_mod") is ff
    assert ff.mass("c3f") == 12.01
    assert ff.lj("c3f") == pytest.approx((0.1078, 3.397709531243626), rel=1e-4)
    f_f = ff.dihedrals("f", "c3f", "c3f", "f")
    assert [(t.idivf, t.pk, t.phase, t.periodicity, t.source) for t in f_f] == [(1, 0.1211, 0.0, 3, "exact")]
    backbone = [(t.pk, t.phase, t.periodicity) for t in ff.dihedrals("c3f", "c3f", "c3f", "c3f")]
    assert backbone == [(0.28, 180.0, 1), (0.1361, 180.0, 2), (0.1556, 180.0, 3), (0.1688, 0.0, 6)]
    end = [(t.pk, t.phase, t.periodicity) for t in ff.dihedrals("c3f", "c3f", "c3f", "c3")]  # either direction
    assert end == [(0.8694, 180.0, 1), (0.09692, 180.0, 3), (0.08583, 0.0, 6)]
    assert ff.dihedrals("hc", "c3", "c3f", "f")[0].pk == 0.1407


def test_overlay_keeps_gaff2_and_falls_back_to_c3() -> None:
    gaff2, modified = ForceField.load("gaff2"), ForceField.load("gaff2_mod")
    assert "c3f" not in gaff2.atom_types and "c3f" not in gaff2.lj_table
    assert not any("c3f" in key for key in gaff2.dihedral_table)
    assert all(modified.dihedral_table[key] == terms for key, terms in gaff2.dihedral_table.items())
    assert modified.bonds == gaff2.bonds and modified.angles == gaff2.angles
    lookup = ParameterLookup(modified)
    assert lookup.bond("c3f", "f") == gaff2.bond("c3", "f")
    assert lookup.fallbacks == ["bond c3f-f: equivalent types c3-f"]


def test_lammps_and_openmm_agree_on_gaff2_mod_ptfe() -> None:
    system = parameterize(capped_oligomer(RepeatUnit.from_smiles(PTFE), 3, seed=1), ForceField.load("gaff2_mod"))
    assert "c3f" in system.types and system.provenance["forcefield"] == "gaff2_mod"
    by_lammps, by_openmm = lammps.single_point(system).as_dict(), openmm.single_point(system).as_dict()
    for term in by_lammps:
        assert by_lammps[term] == pytest.approx(by_openmm[term], rel=1e-3, abs=0.01), term
    plain = lammps.single_point(parameterize(capped_oligomer(RepeatUnit.from_smiles(PTFE), 3, seed=1))).as_dict()
    assert by_lammps["dihedral"] != pytest.approx(plain["dihedral"])  # the re-fitted torsions are used
    assert by_lammps["bond"] == pytest.approx(plain["bond"])  # bonds are c3's


def test_cli_params_with_gaff2_mod() -> None:
    result = CliRunner().invoke(app, ["simulate", "params", PTFE, "--forcefield", "gaff2_mod", "--json"])
    assert result.exit_code == 0, result.output
    types = [atom["type"] for atom in json.loads(result.stdout)["atoms"]]
    assert "c3f" in types and "c3" not in types
