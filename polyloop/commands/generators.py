"""``polyloop generators``: class-specific generators of candidate repeat units."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from polyloop.generators.base import GeneratorError
from polyloop.library.errors import InvalidRepeatUnit

app = typer.Typer(no_args_is_help=True, help="Class-specific generators of candidate repeat units.")


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


def sample_records(polymer_class: str, n: int, seed: int, source: str) -> list[dict]:
    """Proposals of one class as JSON-ready records (keys: smiles, canonical, class, polymer_class, source,
    parents); ``source`` is "model", "rules" or "all" (alternating between the class's generators)."""
    from polyloop.generators.registry import class_generators
    from polyloop.library.classes import classify
    from polyloop.library.repeat_unit import canonicalize

    generators = class_generators([polymer_class])[polymer_class]
    if source != "all":
        prefix = "rules:" if source == "rules" else "fragngram"
        generators = [g for g in generators if g.name.startswith(prefix)]
    if not generators:
        raise GeneratorError(f"class {polymer_class!r} has no {source} generator")
    rng = np.random.default_rng(seed)
    proposals = []
    for k, generator in enumerate(generators):
        share = n // len(generators) + (1 if k < n % len(generators) else 0)
        proposals.extend(generator.propose(share, rng))
    records = []
    for p in proposals:
        try:
            canonical = canonicalize(p.smiles)
            found = classify(canonical)
        except InvalidRepeatUnit:
            canonical, found = None, None
        records.append({"smiles": p.smiles, "canonical": canonical, "class": found,
                        "polymer_class": p.polymer_class, "source": p.source, "parents": list(p.parents)})
    return records


@app.command()
def sample(
    polymer_class: str = typer.Option(..., "--class", help="Polymer class (see `polyloop library classes`)."),
    n: int = typer.Option(20, "-n", min=1, help="Number of proposals."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    source: str = typer.Option("all", "--source", help="model, rules or all."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per proposal."),
) -> None:
    """Propose repeat units of one class; each is shown canonicalised and classified.

    JSON keys: smiles (as emitted), canonical (null if invalid), class (the classifier's), polymer_class (the
    generator's), source ("rule:<reaction>" or "model:<model id>"), parents (monomers or seed unit).
    """
    if source not in ("model", "rules", "all"):
        _fail(f"--source must be model, rules or all, got {source!r}")
    try:
        records = sample_records(polymer_class, n, seed, source)
    except GeneratorError as error:
        _fail(str(error))
    if as_json:
        for record in records:
            typer.echo(json.dumps(record))
        return
    table = Table("canonical", "class", "source")
    for record in records:
        table.add_row(str(record["canonical"]), str(record["class"]), record["source"])
    Console().print(table)


@app.command()
def polymerize(
    reaction: str = typer.Argument(None, help="Reaction id (see --list)."),
    monomers: list[str] = typer.Argument(None, help="Monomer SMILES: two for step growth, one otherwise."),
    list_rules: bool = typer.Option(False, "--list", help="List the reaction rules."),
    build_all: bool = typer.Option(False, "--all", help="Enumerate every product of the SMiPoly monomer set."),
    out: Path = typer.Option(None, "--out", help="With --all: the CSV(.gz) file to write."),
) -> None:
    """Polymerise monomers by a reaction rule and print the repeat unit (canonical form, class, as generated)."""
    from polyloop.generators import polymerize as rules
    from polyloop.library.classes import classify
    from polyloop.library.repeat_unit import canonicalize

    if list_rules:
        for r in rules.reactions().values():
            typer.echo(f"{r.id}\t{r.polymer_class}\t{r.kind}\t{' + '.join(r.roles)}")
        return
    if build_all:
        if out is None:
            _fail("--all needs --out FILE")
        table = rules.rule_table()
        table.to_csv(out, index=False)
        typer.echo(f"{len(table)} products written to {out}")
        return
    if not reaction:
        _fail("give a reaction id and its monomers, or --list, or --all --out FILE")
    try:
        unit = rules.polymerize(reaction, *(monomers or []))
    except GeneratorError as error:
        _fail(str(error))
    typer.echo(json.dumps({"reaction": reaction, "monomers": monomers, "smiles": unit,
                           "canonical": canonicalize(unit), "class": classify(unit)}))


@app.command()
def train(
    out: Path = typer.Option(..., "--out", help="Model file to write (gzip JSON)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    novel_sides: int = typer.Option(2000, "--novel-sides", help="Side groups sampled from each class's n-gram."),
) -> None:
    """Train the fragment language models of all classes on the class corpora and write the model file."""
    from polyloop.generators.corpus import class_corpora
    from polyloop.generators.training import save_model, train_model

    model = train_model(class_corpora(seed=seed), novel_sides=novel_sides, seed=seed)
    save_model(model, out)
    seeds = sum(len(v) for v in model["seeds"].values())
    typer.echo(f"{len(model['templates'])} blocks, {len(model['sides'])} side groups, {seeds} seeds -> {out}")
