"""``polyloop library``: repeat units, classes and the candidate library."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from polyloop.library.classes import classify, polymer_classes
from polyloop.library.errors import InvalidRepeatUnit, LibraryError
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


def registry_generators(classes: Sequence[str]) -> Mapping[str, Sequence]:
    """The project's generators of ``classes`` (``polyloop.generators.registry.class_generators``); importable by
    name, so worker processes can unpickle it."""
    from polyloop.generators.registry import class_generators

    return class_generators(list(classes))


def training_corpora() -> tuple[dict[str, list[str]], str]:
    """Training corpora per class and where they come from: the generators' corpora, else PI1070 by class."""
    try:
        from polyloop.generators.corpus import class_corpora
    except ImportError:
        from polyloop.library.datasets import load_pi1070

        data = load_pi1070()
        return {c: sorted(g["canonical_smiles"]) for c, g in data.groupby("polymer_class")}, "PI1070"
    return class_corpora(), "polyloop.generators.corpus.class_corpora"


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@app.command()
def build(
    size: int = typer.Option(..., "--size", help="Number of unique candidates to build."),
    out: Path = typer.Option(..., "--out", help="Output directory (new, or an unfinished build to resume)."),
    classes: str = typer.Option(None, "--classes", help="Comma-separated class names (default: all 21)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the build: same seed, same library."),
    workers: int = typer.Option(1, "--workers", help="Worker processes (classes run in parallel)."),
) -> None:
    """Build the candidate library: run the generators, canonicalise, deduplicate, filter, write Parquet.

    Interrupted? Run the same command again: finished chunks are kept and the build continues.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from polyloop.library.build import build_library

    names = None if classes is None else [c.strip() for c in classes.split(",") if c.strip()]
    with Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as progress:
        bar = progress.add_task("build", total=size)
        try:
            manifest = build_library(out, size, registry_generators, names, seed=seed, workers=workers,
                                     on_rows=lambda name, n: progress.advance(bar, n))
        except LibraryError as error:
            _fail(str(error))
        except KeyboardInterrupt:
            _fail(f"interrupted; finished chunks are kept in {out}: run the same command again to resume")
    summary = {key: manifest[key] for key in ("n_candidates", "seed", "size", "classes")}
    summary["exhausted"] = manifest["exhausted"]
    sys.stdout.write(json.dumps(summary) + "\n")


@app.command()
def stats(
    directory: Path = typer.Argument(..., help="A library directory written by `polyloop library build`."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    sample: int = typer.Option(1000, "--sample", help="Rows per class re-checked for validity and class fidelity."),
    seed: int = typer.Option(0, "--seed", help="Seed of the samples."),
) -> None:
    """Validity, uniqueness, novelty, class fidelity, diversity and SA scores of a library, and the raw counters."""
    from polyloop.library.stats import library_stats

    try:
        corpora, corpus_source = training_corpora()
        figures = library_stats(directory, corpora, sample=sample, seed=seed)
    except LibraryError as error:
        _fail(str(error))
    figures["corpora"] = corpus_source
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table("figure", "value")
    for key in ("n_candidates", "n_unique", "validity", "class_fidelity", "novelty", "novelty_model",
                "internal_diversity", "raw_validity", "raw_class_fidelity", "yield"):
        value = figures[key]
        table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    Console().print(table)
    per_class = Table("class", "n", "validity", "fidelity", "novelty (model)", "diversity", "training div.",
                      "yield")
    for name, m in figures["per_class_metrics"].items():
        per_class.add_row(name, str(m["n"]), f"{m['validity']:.3f}", f"{m['class_fidelity']:.3f}",
                          _fmt(m["novelty_model"]), _fmt(m["internal_diversity"]), _fmt(m["training_diversity"]),
                          _fmt(m["yield"]))
    Console().print(per_class)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _range(text: str) -> tuple[str, tuple[float | None, float | None]]:
    column, _, bounds = text.partition("=")
    low, sep, high = bounds.partition(":")
    if not column or not sep:
        raise typer.BadParameter(f"expected COLUMN=LOW:HIGH (either bound may be empty), got {text!r}")
    try:
        return column, (float(low) if low else None, float(high) if high else None)
    except ValueError:
        raise typer.BadParameter(f"bounds must be numbers in {text!r}") from None


@app.command()
def query(
    directory: Path = typer.Argument(..., help="A library directory written by `polyloop library build`."),
    polymer_class: str = typer.Option(None, "--class", help="Only this class."),
    smarts: str = typer.Option(None, "--smarts", help="Only units containing this SMARTS substructure."),
    ranges: list[str] = typer.Option(None, "--range", help="COLUMN=LOW:HIGH on molecular_weight, heavy_atoms or "
                                                           "backbone_atoms (repeatable; a bound may be empty)."),
    limit: int = typer.Option(20, "--limit", help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per row."),
) -> None:
    """Select candidates by class, SMARTS substructure and property ranges (DuckDB over the Parquet files)."""
    from polyloop.library.query import query_library

    bounds = dict(_range(r) for r in ranges or [])
    try:
        rows = query_library(directory, polymer_class=polymer_class, smarts=smarts, ranges=bounds, limit=limit)
    except LibraryError as error:
        _fail(str(error))
    if as_json:
        for record in rows.to_dict(orient="records"):
            sys.stdout.write(json.dumps(record) + "\n")
        return
    table = Table("id", "smiles", "class", "source", "M (g/mol)", "heavy", "backbone")
    for r in rows.itertuples():
        table.add_row(r.id, r.smiles, r.polymer_class, r.source, f"{r.molecular_weight:.2f}", str(r.heavy_atoms),
                      str(r.backbone_atoms))
    Console().print(table)
