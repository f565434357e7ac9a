"""Benchmark: build (and parameterise) a 10-chain x ~1,000-atom polystyrene cell; optionally minimise + 1 ps MD.

Usage: python benchmarks/build_cell.py [--md]
Prints the figures and writes benchmarks/results/build_cell.json.
"""

from __future__ import annotations

import sys
import time

from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.cell import build_cell
from polyloop.simulate.parameterize import cell_system


def main(run_md: bool = False) -> dict:
    """Run the benchmark and return its figures."""
    unit = RepeatUnit.from_smiles("*CC(c1ccccc1)*")
    start = time.perf_counter()
    cell = build_cell(unit, chains=10, atoms_per_chain=1000, density=0.25, seed=0)
    built = time.perf_counter() - start
    start = time.perf_counter()
    system = cell_system(cell, unit)
    parameterised = time.perf_counter() - start
    figures = {"n_atoms": cell.n_atoms, "degree_of_polymerization": cell.degree_of_polymerization,
               "density_g_cm3": round(cell.density_g_cm3, 4), "build_seconds": round(built, 2),
               "parameterize_seconds": round(parameterised, 2)}
    if run_md:
        from polyloop.simulate.engines.lammps import minimize_and_run

        start = time.perf_counter()
        result = minimize_and_run(system, md_steps=1000, timestep_fs=1.0, threads=2)
        figures.update(md_seconds=round(time.perf_counter() - start, 1), atoms_after_md=int(result["n_atoms"]),
                       temperature_after_md=round(result["temperature"], 1))
    report("build_cell", figures)
    return figures


if __name__ == "__main__":
    main(run_md="--md" in sys.argv)
