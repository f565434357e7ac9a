"""A built cell is parameterised, minimised and runs MD in LAMMPS without losing atoms."""

import pytest

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.cell import build_cell
from polyloop.simulate.engines.lammps import minimize_and_run
from polyloop.simulate.parameterize import cell_system

STYRENE = RepeatUnit.from_smiles("*CC(c1ccccc1)*")


def test_small_cell_minimises_and_runs_one_picosecond() -> None:
    cell = build_cell(STYRENE, chains=3, atoms_per_chain=300, seed=0)
    system = cell_system(cell, STYRENE)
    assert system.total_charge == pytest.approx(0.0, abs=1e-9)
    result = minimize_and_run(system, md_steps=1000, timestep_fs=1.0, threads=2)
    assert result["n_atoms"] == system.n_atoms
    assert result["pe_minimized"] < result["pe_initial"]
    assert 200.0 < result["temperature"] < 400.0


@pytest.mark.slow
def test_standard_size_polystyrene_cell_runs() -> None:
    cell = build_cell(STYRENE, chains=10, atoms_per_chain=1000, seed=0)
    result = minimize_and_run(cell_system(cell, STYRENE), md_steps=1000, threads=2)
    assert result["n_atoms"] == cell.n_atoms == 9940
    assert 200.0 < result["temperature"] < 400.0
