"""Cost of the MD presets: a real `quick` run (wall time, atom-steps per stage) and the planned atom-steps per stage
of every preset (atoms × steps, before any sampling extension), against RadonPy's ~2.6e11 atom-steps per polymer.

    python benchmarks/md_presets.py [--smiles '*CC(c1ccccc1)*'] [--out DIR] [--no-run]

Writes benchmarks/results/md_presets.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _report import report

from polyloop.simulate.protocol.presets import available_presets, load_preset
from polyloop.simulate.protocol.runner import run

RADONPY_ATOM_STEPS = 2.6e11  # 8.6 ns of 10k-atom NPT plus 1.1 ns of 30k-atom NEMD at 0.2 fs (issue figures)


def planned_atom_steps(name: str) -> dict[str, float]:
    """Atom-steps each MD stage of preset ``name`` plans (the built cell is taken at the requested size)."""
    preset = load_preset(name)
    atoms = preset["system"]["chains"] * preset["system"]["atoms_per_chain"]
    dt = preset["engine"]["timestep_fs"]
    anneal = sum(1000.0 * s["ps"] for s in preset["anneal"]["segments"]) / dt
    return {"anneal": atoms * anneal, "sample": atoms * 1000.0 * preset["sample"]["ps"] / dt,
            "nemd": atoms * preset["nemd"]["replicate_z"] * 1000.0 * preset["nemd"]["ps"] / dt}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smiles", default="*CC(c1ccccc1)*")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-run", action="store_true", help="only the planned figures")
    args = parser.parse_args()
    figures: dict = {}
    for name in available_presets():
        plan = planned_atom_steps(name)
        figures[f"{name}_planned_atom_steps"] = {k: f"{v:.3g}" for k, v in plan.items()}
        figures[f"{name}_planned_total"] = f"{sum(plan.values()):.3g}"
        figures[f"{name}_vs_radonpy"] = f"{sum(plan.values()) / RADONPY_ATOM_STEPS:.3g}"
    if not args.no_run:
        out = args.out or Path(tempfile.mkdtemp(prefix="md_presets_")) / "quick"
        began = time.perf_counter()
        result = run(args.smiles, "quick", None, out)
        figures["quick_smiles"] = args.smiles
        figures["quick_wall_s"] = round(time.perf_counter() - began, 1)
        figures["quick_atom_steps_per_stage"] = result["cost"]["atom_steps_per_stage"]
        figures["quick_atom_steps"] = result["atom_steps"]
        figures["quick_converged"] = result["converged"]
        figures["quick_properties"] = {k: (v.get("value"), v.get("stderr")) for k, v in result["properties"].items()}
        figures["quick_run_folder"] = str(out)
    report("md_presets", figures)


if __name__ == "__main__":
    main()
