"""``polyloop campaign`` commands: replay (campaigns against a labelled dataset as the oracle)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

STRATEGY_HELP = "strategies to compare (repeatable): gp, thompson, greedy, random"


def _fail(error: Exception) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=1)


def replay_command(
    dataset: str = typer.Option("pi1070", help="'pi1070' (bundled) or a CSV file with a smiles column and labels"),
    objective: list[str] = typer.Option(..., "--objective", help="PROPERTY:max, PROPERTY:min or "
                                        "PROPERTY:target:LOW:HIGH (repeat for several objectives)"),
    constraint: list[str] = typer.Option([], "--constraint", help="outcome constraint, e.g. density<=1200"),
    init: int = typer.Option(10, min=2, help="random initial evaluations per campaign"),
    batch: int = typer.Option(10, min=1, help="evaluations per round"),
    rounds: int = typer.Option(10, min=1),
    seeds: int = typer.Option(30, min=1, help="campaigns per strategy"),
    strategy: list[str] = typer.Option(["gp", "random", "greedy"], "--strategy", help=STRATEGY_HELP),
    shortlist: int = typer.Option(500, min=1, help="candidates kept by the screen for the batch acquisition"),
    mc_samples: int = typer.Option(64, min=1, help="MC samples of qLogNEI / qLogNEHVI"),
    threads: int = typer.Option(2, min=1, help="torch/BLAS threads"),
    as_json: bool = typer.Option(False, "--json", help="print the full result as JSON"),
    out: Path = typer.Option(None, help="also write the JSON result to this file"),
) -> None:
    """Replay campaigns against a labelled dataset and compare strategies with random search."""
    import warnings
    from dataclasses import replace

    import torch
    from threadpoolctl import threadpool_limits

    from polyloop.design.objectives import Objective, ObjectiveError, OutcomeConstraint
    from polyloop.design.replay import ReplaySettings, replay

    try:
        objectives = [Objective.parse(t) for t in objective]
        constraints = [OutcomeConstraint.parse(t) for t in constraint]
        base = ReplaySettings()
        settings = replace(base, acquisition=replace(base.acquisition, shortlist=shortlist, mc_samples=mc_samples))
    except (ObjectiveError, ValueError) as error:
        _fail(error)
    torch.set_num_threads(threads)
    progress = None if as_json else typer.echo
    try:
        with threadpool_limits(threads), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gpytorch's jitter and small-noise notices
            result = replay(dataset, objectives, init, batch, rounds, seeds, strategy, constraints=constraints,
                            settings=settings, progress=progress)
    except (ObjectiveError, ValueError, KeyError) as error:
        _fail(error)
    text = json.dumps(result, indent=2)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")
    if as_json:
        typer.echo(text)
        return
    for name, block in result["strategy"].items():
        ef, af = block["enhancement_factor"], block["acceleration_factor"]
        typer.echo(f"{name:>9}: top-{result['top_k']} found (median) {block['topk_found_median']:g}, "
                   f"hv fraction (median) {block['hv_fraction_median']:.3f}, "
                   f"EF {'n/a' if ef is None else f'{ef:.2f}'}, AF {'n/a' if af is None else f'{af:.2f}'}, "
                   f"{block['wall_s']:.0f} s")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``campaign`` group ``app``."""
    app.command("replay")(replay_command)
