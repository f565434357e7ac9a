"""In-process LAMMPS (the Python module polyloop drives) against the `lmp` executable on the same input.

Builds a polystyrene cell (default 4 chains × 500 atoms, as the quick preset), brings it to a dense state with a
short NPT compression, then times the same NVT run (PPPM, 10 Å cutoff, tail correction) twice: in-process through
:func:`polyloop.simulate.protocol.md.open_cell`, and as a separate `lmp -in` process reading the same restart file.
Prints atom-steps per second for both and their ratio; writes benchmarks/results/md_throughput.json.

    python benchmarks/md_throughput.py [--steps 2000] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import report

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.protocol import stages
from polyloop.simulate.protocol.md import THERMO, open_cell
from polyloop.simulate.protocol.presets import load_preset
from polyloop.simulate.protocol.rundir import RunDirectory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smiles", default="*CC(c1ccccc1)*")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    preset = load_preset("quick", [f"engine.threads={args.threads}"])
    engine = preset["engine"]
    folder = Path(tempfile.mkdtemp(prefix="md_throughput_"))
    run = RunDirectory(folder / "run")
    run.create({"smiles": args.smiles})
    stages.build(run, RepeatUnit.from_smiles(args.smiles), preset)
    start = stages.minimize(run, preset)
    dense = folder / "dense.restart"
    instance = open_cell(start, engine, from_restart=True)
    instance.commands_list(["velocity all create 600 1 dist gaussian", "fix c all npt temp 600 300 100 iso 1 5000 1000",
                            "run 5000", "unfix c", f"write_restart {dense}"])
    atoms = int(instance.get_natoms())
    instance.close()

    body = ["timestep 1.0", "velocity all create 300 2 dist gaussian", "fix integrate all nvt temp 300 300 100"]
    instance = open_cell(dense, engine, from_restart=True)
    instance.commands_list(body + ["run 100"])
    began = time.perf_counter()
    instance.command(f"run {args.steps}")
    in_process = time.perf_counter() - began
    instance.close()

    lmp = shutil.which("lmp") or str(Path(sys.executable).parent / "lmp")
    script = folder / "in.bench"
    suffix = [f"package omp {args.threads}", "suffix omp"] if args.threads > 1 else []
    script.write_text("\n".join(suffix + [
        f"read_restart {dense}", "pair_modify mix arithmetic tail yes",
        f"kspace_style pppm {engine['kspace_accuracy']}",
        "neighbor 2.0 bin", "neigh_modify delay 0 every 1 check yes", f"thermo_style custom {THERMO}", "thermo 0",
        *body, "run 100", f"run {args.steps}"]) + "\n")
    environment = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    began = time.perf_counter()
    subprocess.run([lmp, "-in", str(script), "-log", str(folder / "log.lammps"), "-screen", "none"], check=True,
                   env=environment)
    whole = time.perf_counter() - began
    loop = _loop_time(folder / "log.lammps")
    report("md_throughput", {
        "atoms": atoms, "steps": args.steps, "threads": args.threads,
        "in_process_s": round(in_process, 2), "lmp_loop_s": round(loop, 2), "lmp_process_s": round(whole, 2),
        "in_process_atom_steps_per_s": round(atoms * args.steps / in_process),
        "lmp_atom_steps_per_s": round(atoms * args.steps / loop),
        "ratio_in_process_over_lmp": round(loop / in_process, 3),
    })


def _loop_time(log: Path) -> float:
    """Wall time of the last `run` in a LAMMPS log ("Loop time of X on ...")."""
    times = [float(line.split()[3]) for line in log.read_text().splitlines() if line.startswith("Loop time of")]
    return times[-1]


if __name__ == "__main__":
    main()
