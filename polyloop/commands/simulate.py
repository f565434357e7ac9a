"""``polyloop simulate``: the MD property engine (parameters, energies, cells, property runs and their resumption)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.errors import SimulateError

app = typer.Typer(no_args_is_help=True, help="The all-atom MD property engine.")


class Charges(StrEnum):
    gasteiger = "gasteiger"
    resp = "resp"


class QM(StrEnum):
    pyscf = "pyscf"
    psi4 = "psi4"


class EndGroup(StrEnum):
    H = "H"
    CH3 = "CH3"


class Forcefield(StrEnum):
    gaff2 = "gaff2"
    gaff2_mod = "gaff2_mod"


_FORCEFIELD_HELP = "Force field: gaff2, or gaff2_mod (GAFF2 with the c3f fluorocarbon torsions of Trag & Zahn 2019)."


class Engine(StrEnum):
    lammps = "lammps"
    openmm = "openmm"


class Tacticity(StrEnum):
    atactic = "atactic"
    isotactic = "isotactic"
    syndiotactic = "syndiotactic"


def _fail(error: Exception) -> None:
    Console(stderr=True).print(f"[red]error:[/red] {error}")
    raise typer.Exit(code=1)


def _backend(charges: Charges, qm: QM):
    """The QM back end for RESP charges (None for Gasteiger)."""
    if charges is Charges.gasteiger:
        return None
    if qm is QM.pyscf:
        from polyloop.simulate.charges.qm import PySCFBackend

        return PySCFBackend()
    from polyloop.simulate.charges.psi4 import Psi4Backend

    return Psi4Backend()


def _emit(record: dict, as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(record))
        return
    table = Table(title=title, show_header=False)
    for key, value in record.items():
        table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    Console().print(table)


@app.command()
def params(
    smiles: str = typer.Argument(..., help="Repeat-unit SMILES with two '*'."),
    charges: Charges = typer.Option(Charges.gasteiger, help="Charge method."),
    qm: QM = typer.Option(QM.pyscf, help="QM back end for RESP."),
    charge_fallback: str = typer.Option(None, "--charge-fallback",
                                        help="Method to use (and record) if the charge method fails, e.g. gasteiger."),
    forcefield: Forcefield = typer.Option(Forcefield.gaff2, "--forcefield", help=_FORCEFIELD_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """GAFF2 (or gaff2_mod) types and charges of a repeat unit in chain context, with per-unit interaction counts
    and fallbacks.

    JSON keys: smiles, atoms [{index, element, type, charge}], total_charge, n_bonds, n_angles, n_dihedrals,
    n_impropers, fallbacks.
    """
    from polyloop.simulate.forcefield.parameters import ForceField
    from polyloop.simulate.unit_params import parameterize_repeat_unit

    try:
        result = parameterize_repeat_unit(RepeatUnit.from_smiles(smiles), ForceField.load(forcefield.value),
                                          charges=charges.value,
                                          backend=_backend(charges, qm),
                                          charge_fallback=charge_fallback).as_json()
    except (InvalidRepeatUnit, SimulateError) as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps(result))
        return
    table = Table("index", "element", "type", "charge", title=result["smiles"])
    for atom in result["atoms"]:
        table.add_row(str(atom["index"]), atom["element"], atom["type"], f"{atom['charge']:+.4f}")
    console = Console()
    console.print(table)
    console.print({k: v for k, v in result.items() if k not in ("atoms", "fallbacks", "smiles")})
    console.print(f"{len(result['fallbacks'])} fallback parameter(s)" +
                  "".join(f"\n  {line}" for line in result["fallbacks"]))


@app.command()
def energy(
    smiles: str = typer.Argument(..., help="Repeat-unit SMILES with two '*'."),
    engine: Engine = typer.Option(Engine.lammps, help="MD engine."),
    oligomer: int = typer.Option(3, min=1, help="Units in the H-capped oligomer."),
    charges: Charges = typer.Option(Charges.gasteiger, help="Charge method (on the whole oligomer)."),
    qm: QM = typer.Option(QM.pyscf, help="QM back end for RESP."),
    charge_fallback: str = typer.Option(None, "--charge-fallback",
                                        help="Method to use (and record) if the charge method fails, e.g. gasteiger."),
    seed: int = typer.Option(0, help="Conformer seed."),
    forcefield: Forcefield = typer.Option(Forcefield.gaff2, "--forcefield", help=_FORCEFIELD_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Single-point energy (kcal/mol) of the capped oligomer in vacuum, no cutoff.

    JSON keys: bond, angle, dihedral, improper, vdw, coulomb, total.
    """
    from polyloop.simulate.build.conformer import capped_oligomer
    from polyloop.simulate.forcefield.parameters import ForceField
    from polyloop.simulate.parameterize import parameterize

    try:
        mol = capped_oligomer(RepeatUnit.from_smiles(smiles), oligomer, seed=seed)
        system = parameterize(mol, ForceField.load(forcefield.value), charges=charges.value,
                              backend=_backend(charges, qm), charge_fallback=charge_fallback)
        if engine is Engine.lammps:
            from polyloop.simulate.engines.lammps import single_point
        else:
            from polyloop.simulate.engines.openmm import single_point
        result = single_point(system).as_dict()
    except (InvalidRepeatUnit, SimulateError) as error:
        _fail(error)
    _emit(result, as_json, f"{engine.value} energy / kcal mol^-1")


@app.command()
def build(
    smiles: str = typer.Argument(..., help="Repeat-unit SMILES with two '*'."),
    chains: int = typer.Option(10, min=1, help="Number of chains."),
    atoms_per_chain: int = typer.Option(1000, min=10, help="Target atoms per chain (sets the DP)."),
    tacticity: Tacticity = typer.Option(Tacticity.atactic, help="Tacticity of the chains."),
    meso_fraction: float = typer.Option(0.5, help="Fraction of meso diads for atactic chains."),
    end_group: EndGroup = typer.Option(EndGroup.H, "--end-group", help="Chain end groups."),
    density: float = typer.Option(0.25, help="Starting density of the cell, g/cm³ (lowered if chains do not fit)."),
    charges: Charges = typer.Option(Charges.gasteiger, help="Charge method (on a capped monomer)."),
    qm: QM = typer.Option(QM.pyscf, help="QM back end for RESP."),
    charge_fallback: str = typer.Option(None, "--charge-fallback",
                                        help="Method to use (and record) if the charge method fails, e.g. gasteiger."),
    seed: int = typer.Option(0, help="Random seed (conformer, walk)."),
    out: Path = typer.Option(..., help="Output folder (system.data is written there)."),
    forcefield: Forcefield = typer.Option(Forcefield.gaff2, "--forcefield", help=_FORCEFIELD_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Build an amorphous periodic cell and write it as a LAMMPS data file (OUT/system.data).

    JSON keys: n_atoms, n_chains, degree_of_polymerization, box_A, density_g_cm3, charge_total.
    """
    from polyloop.simulate.build.cell import build_cell
    from polyloop.simulate.engines.lammps_data import write_data_file
    from polyloop.simulate.forcefield.parameters import ForceField
    from polyloop.simulate.parameterize import cell_system

    try:
        unit = RepeatUnit.from_smiles(smiles)
        cell = build_cell(unit, chains=chains, atoms_per_chain=atoms_per_chain, density=density,
                          tacticity=tacticity.value, meso_fraction=meso_fraction, seed=seed,
                          end_group=end_group.value)
        system = cell_system(cell, unit, forcefield=ForceField.load(forcefield.value), charges=charges.value,
                             backend=_backend(charges, qm),
                             charge_fallback=charge_fallback)
        out.mkdir(parents=True, exist_ok=True)
        write_data_file(system, out / "system.data")
    except (InvalidRepeatUnit, SimulateError, ValueError) as error:
        _fail(error)
    result = {"n_atoms": system.n_atoms, "n_chains": chains, "degree_of_polymerization": cell.degree_of_polymerization,
              "box_A": [round(float(x), 4) for x in cell.box], "density_g_cm3": round(cell.density_g_cm3, 6),
              "charge_total": round(system.total_charge, 10) + 0.0}  # + 0.0 turns -0.0 into 0.0
    _emit(result, as_json, f"cell written to {out / 'system.data'}")


def _print_result(result: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result))
        return
    table = Table(title=f"{result['canonical_smiles']} ({result['preset']} preset)")
    for column in ("property", "value", "stderr", "unit"):
        table.add_column(column)
    for name, entry in result["properties"].items():
        if entry.get("value") is None:
            table.add_row(name, "—", "", entry.get("error", ""))
        else:
            table.add_row(name, f"{entry['value']:.5g}", f"{entry['stderr']:.2g}", entry["unit"])
    Console().print(table)
    Console().print(f"converged: {result['converged']}   atom-steps: {result['atom_steps']:.3g}   "
                    f"wall: {result['wall_s']:.0f} s")


@app.command()
def run(
    smiles: str = typer.Argument(..., help="Repeat-unit SMILES with two '*'."),
    preset: str = typer.Option("quick", help="Preset name (quick, standard, tiny) or path of a TOML preset."),
    set_: list[str] = typer.Option([], "--set", help="Override a preset field: section.field=value (repeatable)."),
    properties: str = typer.Option("", help="Comma-separated property names (default: all 15)."),
    out: Path = typer.Option(..., help="Run folder (checkpoints, series, result.json)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result record as JSON."),
) -> None:
    """Equilibrate an amorphous cell of the polymer and compute its properties (resumable: see `resume`)."""
    from polyloop.simulate.protocol.runner import run as run_protocol

    chosen = [p.strip() for p in properties.split(",") if p.strip()] or None
    try:
        result = run_protocol(smiles, preset, set_, out, chosen)
    except (InvalidRepeatUnit, SimulateError, ValueError) as error:
        _fail(error)
    _print_result(result, as_json)


@app.command()
def resume(
    out: Path = typer.Argument(..., help="The folder of an interrupted run."),
    as_json: bool = typer.Option(False, "--json", help="Print the result record as JSON."),
) -> None:
    """Continue an interrupted run from its last checkpoint; finished stages are not run again."""
    from polyloop.simulate.protocol.runner import resume as resume_protocol

    try:
        result = resume_protocol(out)
    except (InvalidRepeatUnit, SimulateError) as error:
        _fail(error)
    _print_result(result, as_json)
