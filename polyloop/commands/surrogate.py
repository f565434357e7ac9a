"""``polyloop surrogate``: fit, cross-validate and screen with Gaussian-process surrogate models."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True, help="Gaussian-process surrogate models.")

DATASET_HELP = "'pi1070' (bundled) or a CSV file with a smiles column, property columns and optional <p>_std columns"
DB_HELP = ("train from the property database at this URL (sqlite:///labels.db, postgresql+psycopg://...) instead of "
           "--dataset; default properties: every labelled one")


class ModelKind(StrEnum):
    """Surrogate kinds of ``cv``."""

    gp = "gp"
    rf = "rf"


def _fail(error: Exception) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=1)


def _threads(threads: int):
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    return threadpool_limits(limits=threads)


def _properties(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def _training_data(dataset: str, db: str | None, properties: str | None):
    """Labels from the property database ``db`` when given, else from ``dataset``."""
    if db:
        from polyloop.library.database import PropertyDatabase

        return PropertyDatabase(db).training_data(_properties(properties))
    from polyloop.surrogate.data import load_dataset

    return load_dataset(dataset, _properties(properties))


@app.command()
def cv(
    dataset: str = typer.Option("pi1070", help=DATASET_HELP),
    properties: str = typer.Option(None, help="comma-separated properties (default: all of PI1070)"),
    model: ModelKind = typer.Option(ModelKind.gp, help="gp (Tanimoto GP) or rf (random-forest baseline)"),
    folds: int = typer.Option(5, min=2),
    seed: int = typer.Option(0),
    threads: int = typer.Option(1, min=1, help="BLAS/torch threads (1 is fastest on a busy 2-core machine)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """k-fold cross-validation: R², MAE, ±1σ/±2σ coverage and MSLL per property."""
    from polyloop.surrogate.baselines import RandomForestSurrogate
    from polyloop.surrogate.errors import SurrogateError
    from polyloop.surrogate.multi import GPSettings, MultiPropertyGP
    from polyloop.surrogate.validation import cross_validate

    try:
        with _threads(threads):
            data = _training_data(dataset, db, properties)
            if model is ModelKind.gp:
                scores = cross_validate(data, lambda d: MultiPropertyGP.fit(d, GPSettings(seed=seed)), folds, seed)
            else:
                scores = cross_validate(data, lambda d: RandomForestSurrogate.fit(d, seed=seed), folds, seed)
    except (SurrogateError, ValueError) as error:
        _fail(error)
    result = {name: s.as_dict() for name, s in scores.items()}
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"{'property':<28}{'r2':>8}{'mae':>12}{'cov1σ':>8}{'cov2σ':>8}{'msll':>8}{'n':>6}")
    for name, s in result.items():
        typer.echo(f"{name:<28}{s['r2']:>8.3f}{s['mae']:>12.4g}{s['coverage_1sigma']:>8.3f}"
                   f"{s['coverage_2sigma']:>8.3f}{s['msll']:>8.3f}{s['n']:>6}")


@app.command()
def fit(
    dataset: str = typer.Option("pi1070", help=DATASET_HELP),
    properties: str = typer.Option(None, help="comma-separated properties (default: all of PI1070)"),
    out: Path = typer.Option(..., help="model file to write (.npz)"),
    fixed_noise: bool = typer.Option(True, help="use the labels' standard errors as fixed per-point noise"),
    seed: int = typer.Option(0),
    threads: int = typer.Option(1, min=1, help="BLAS/torch threads"),
    as_json: bool = typer.Option(False, "--json", help="print the model summary as JSON"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Fit a multi-property GP and save it."""
    from polyloop.surrogate.errors import SurrogateError
    from polyloop.surrogate.multi import GPSettings, MultiPropertyGP
    from polyloop.surrogate.persistence import save_model

    try:
        with _threads(threads):
            data = _training_data(dataset, db, properties)
            model = MultiPropertyGP.fit(data, GPSettings(fixed_noise=fixed_noise, seed=seed))
            path = save_model(model, out)
    except (SurrogateError, ValueError) as error:
        _fail(error)
    summary = {"model": str(path), **model.describe()}
    typer.echo(json.dumps(summary) if as_json else f"wrote {path}: {summary['mode']} GP, {summary['n_train']} "
               f"polymers, properties {', '.join(model.properties)}")


@app.command()
def screen(
    library: Path = typer.Option(..., help="library directory (library.json + hive-partitioned Parquet)"),
    model: Path = typer.Option(..., help="model file written by `polyloop surrogate fit`"),
    top: int = typer.Option(20, min=1, help="number of best candidates to report"),
    by: str = typer.Option(None, help="property to rank by (default: the first screened property)"),
    properties: str = typer.Option(None, help="comma-separated properties to predict (default: --by only)"),
    minimize: bool = typer.Option(False, help="rank from the lowest score"),
    kappa: float = typer.Option(0.0, help="score = mean + kappa·std (mean - kappa·std with --minimize)"),
    out: Path = typer.Option(None, help="also write every prediction to this Parquet file"),
    threads: int = typer.Option(2, min=1, help="BLAS/torch threads"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Predict every candidate of a library and report the best."""
    from polyloop.surrogate.errors import SurrogateError
    from polyloop.surrogate.persistence import load_model
    from polyloop.surrogate.screen import screen as run_screen

    try:
        with _threads(threads):
            fitted = load_model(model)
            names = _properties(properties) or [by or fitted.properties[0]]
            result = run_screen(library, fitted, names, rank_by=by or names[0], maximize=not minimize, kappa=kappa,
                                top=top, out=out, progress=not as_json)
    except (SurrogateError, ValueError, KeyError) as error:
        _fail(error)
    records = [
        {"id": row["id"], "smiles": row["smiles"], "polymer_class": row["polymer_class"], "score": row["score"],
         "mean": {p: row[f"{p}_mean"] for p in result.properties},
         "std": {p: row[f"{p}_std"] for p in result.properties}}
        for row in result.top.to_dict("records")
    ]
    summary = {"n_candidates": result.n_candidates, "seconds": round(result.seconds, 3),
               "candidates_per_second": round(result.n_candidates / max(result.seconds, 1e-9)),
               "rank_by": by or names[0], "top": records}
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"screened {result.n_candidates:,} candidates in {result.seconds:.1f} s")
    for i, r in enumerate(records, start=1):
        typer.echo(f"{i:>4}  {r['id']:<16} {r['score']:<12.5g} {r['polymer_class']:<18} {r['smiles']}")
