"""``polyloop library``: repeat units, classes and the candidate library."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from polyloop.library.classes import classify, polymer_classes
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.repeat_unit import RepeatUnit

app = typer.Typer(no_args_is_help=True, help="Repeat units: canonical forms, classes, the candidate library.")


def canon_record(text: str) -> dict[str, str | None]:
    """The JSON record of ``polyloop library canon`` for one input line (keys: input, canonical, class, error)."""
    try:
        unit = RepeatUnit.from_smiles(text)
    except InvalidRepeatUnit as error:
        return {"input": text, "canonical": None, "class": None, "error": str(error)}
    return {"input": text, "canonical": unit.smiles, "class": classify(unit), "error": None}


@app.command()
def canon(
    smiles: list[str] = typer.Argument(None, help="Repeat-unit SMILES; read one per line from stdin if none."),
) -> None:
    """Canonicalise and classify repeat units: one JSON object per input line.

    Each object has the keys "input", "canonical" (null if invalid), "class" (null if invalid or unclassified) and
    "error" (null, or why the input is not a valid repeat unit). Invalid lines do not change the exit code (0).
    """
    lines = smiles if smiles else [line.rstrip("\r\n") for line in sys.stdin]
    for line in lines:
        sys.stdout.write(json.dumps(canon_record(line)) + "\n")


@app.command()
def info(smiles: str = typer.Argument(..., help="A repeat-unit SMILES.")) -> None:
    """Show a repeat unit's canonical form, class, backbone, side chains, molar mass and heavy atoms."""
    try:
        unit = RepeatUnit.from_smiles(smiles)
    except InvalidRepeatUnit as error:
        Console(stderr=True).print(f"[red]invalid repeat unit:[/red] {error}")
        raise typer.Exit(code=1) from None
    table = Table(show_header=False)
    table.add_row("canonical", unit.smiles)
    table.add_row("class", str(classify(unit)))
    table.add_row("backbone atoms", " ".join(map(str, unit.backbone)))
    table.add_row("side chains", "; ".join(" ".join(map(str, g)) for g in unit.side_chains) or "none")
    table.add_row("molar mass", f"{unit.molecular_weight:.3f} g/mol")
    table.add_row("heavy atoms", str(unit.heavy_atom_count))
    Console().print(table)


@app.command("classes")
def list_classes() -> None:
    """List the polymer classes in the order they are tried."""
    table = Table("id", "name", "description")
    for polymer_class in polymer_classes():
        table.add_row(str(polymer_class.id), polymer_class.name, polymer_class.label)
    Console().print(table)
