"""``polyloop simulate``: params, energy and build keep their JSON keys."""

import json

import pytest
from typer.testing import CliRunner

from polyloop.cli import app

runner = CliRunner()


def test_params_json() -> None:
    result = runner.invoke(app, ["simulate", "params", "*CC(C)*", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record) == ["smiles", "atoms", "total_charge", "n_bonds", "n_angles", "n_dihedrals",
                            "n_impropers", "fallbacks"]
    assert record["smiles"] == "*CC(*)C" and len(record["atoms"]) == 9
    assert set(record["atoms"][0]) == {"index", "element", "type", "charge"}
    assert abs(record["total_charge"]) < 1e-5


@pytest.mark.parametrize("engine", ["lammps", "openmm"])
def test_energy_json(engine: str) -> None:
    result = runner.invoke(app, ["simulate", "energy", "*CC(C)*", "--engine", engine, "--oligomer", "3", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record) == ["bond", "angle", "dihedral", "improper", "vdw", "coulomb", "total"]
    assert record["total"] == pytest.approx(sum(v for k, v in record.items() if k != "total"))


def test_build_writes_a_data_file(tmp_path) -> None:
    result = runner.invoke(app, ["simulate", "build", "*CC(c1ccccc1)*", "--chains", "2", "--atoms-per-chain", "150",
                                 "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record) == ["n_atoms", "n_chains", "degree_of_polymerization", "box_A", "density_g_cm3",
                            "charge_total"]
    assert record["n_chains"] == 2 and record["charge_total"] == pytest.approx(0.0, abs=1e-8)
    assert f"{record['n_atoms']} atoms" in (tmp_path / "system.data").read_text()


def test_invalid_input_exits_1_with_the_reason() -> None:
    result = runner.invoke(app, ["simulate", "params", "*CC"])
    assert result.exit_code == 1
    assert "expected 2 connection points" in result.output
