"""A campaign report: one self-contained HTML page (``index.html``) with its PNG figures in the same folder.

:func:`write_report` reads a :class:`~polyloop.design.campaign.Campaign` (labels, the predictions stored with each
suggestion, failures, pending candidates, status) and writes

* ``pareto_front.png`` — labelled values vs the predictions made at suggestion time, front highlighted
  (one objective: the best candidates ranked, :func:`~polyloop.design.plots.plot_ranked`);
* ``best_so_far.png`` and, for two or more objectives, ``hypervolume.png`` — curves per round;
* ``parity.png`` — surrogate prediction at suggestion time vs label, both with error bars;
* ``structures/<id>.png`` — the repeat units of the top candidates;
* ``index.html`` — the figures, the table of the top candidates (structure, labels ± s.e., predictions ± σ,
  Pareto rank, round, run provenance where the property database has it), parity scores, failures, pending
  candidates and the campaign file.

Run provenance (preset, seed, wall time, convergence) comes from the property database
(:class:`polyloop.library.database.PropertyDatabase`) in the same database, through
:func:`~polyloop.design.report_html.run_provenance`; a campaign without MD runs has none and the column is left out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from polyloop.design.plots import (
    draw_structures,
    plot_best_so_far,
    plot_hypervolume,
    plot_pareto_front,
    plot_parity,
)
from polyloop.design.report_html import Figure, render_page, run_provenance
from polyloop.design.report_tables import (
    best_so_far,
    hypervolume_by_round,
    parity_scores,
    parity_table,
    top_candidates,
)

__all__ = ["stored_predictions", "write_report"]


def stored_predictions(campaign) -> pd.DataFrame:
    """Every suggestion of ``campaign`` with the prediction stored when it was made (from
    :meth:`Campaign.suggestions`): ``id``, ``smiles``, ``round``, ``status``, ``acquisition``, ``reason`` and, per
    predicted property ``p``, ``p_pred`` (mean) and ``p_pred_std`` (σ), in original units."""
    table = campaign.suggestions()
    renamed = {}
    for column in table.columns:
        if column.endswith("_mean"):
            renamed[column] = column[:-len("_mean")] + "_pred"
        elif column.endswith("_sd"):
            renamed[column] = column[:-len("_sd")] + "_pred_std"
    table = table.rename(columns=renamed)
    if "id" in table:
        table["id"] = table["id"].astype(str)
    return table


def _objective_columns(table: pd.DataFrame, properties: list[str]) -> list[dict]:
    """Per row of ``table``: the label ± s.e. and the prediction ± σ of every property, as text."""
    cells = []
    for _, row in table.iterrows():
        entry = {}
        for name in properties:
            unit = _unit(name)
            entry[f"{name}{unit}"] = _pm(row.get(name), row.get(f"{name}_std"))
            entry[f"{name} predicted{unit}"] = _pm(row.get(f"{name}_pred"), row.get(f"{name}_pred_std"))
        cells.append(entry)
    return cells


def _unit(name: str) -> str:
    """`` [unit]`` of a property in the campaigns' SI convention (that of PI1070), or "" if it is not known."""
    from polyloop.library.datasets import pi1070_properties

    info = pi1070_properties().get(name)
    return f" [{info.unit}]" if info is not None and info.unit != "1" else ""


def _pm(value: Any, error: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    text = f"{float(value):.4g}"
    if error is not None and not (isinstance(error, float) and np.isnan(error)):
        text += f" ± {float(error):.2g}"
    return text


def write_report(campaign, out_dir: str | Path, *, top: int = 10, property_db: str | None = None) -> Path:
    """Write the report of ``campaign`` (a :class:`~polyloop.design.campaign.Campaign`) into ``out_dir`` (created
    if needed; the files of an earlier report there are replaced) and return the path of ``index.html``.

    The top ``top`` candidates are the best labelled ones: feasible first, then by Pareto rank (one objective: by
    value), see :func:`~polyloop.design.report_tables.top_candidates`. Their MD run provenance is looked up in the
    property database at ``property_db`` (default: the campaign's own database). A campaign with no labels yet gets
    a page with its status, pending candidates and configuration, and no figures.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config = campaign.config
    objectives, constraints = list(config.objectives), list(config.constraints)
    properties = list(dict.fromkeys([o.property for o in objectives] + [c.property for c in constraints]))
    observed = campaign.observations()
    predicted = stored_predictions(campaign)
    labelled = observed.dropna(subset=[o.property for o in objectives], how="any") \
        if len(observed) and all(o.property in observed for o in objectives) else observed.iloc[:0]

    figures: list[Figure] = []
    top_table = pd.DataFrame()
    scores = pd.DataFrame()
    if len(labelled):
        front = plot_pareto_front(labelled, objectives, out_dir / "pareto_front.png", predicted, constraints)
        caption = ("Labelled candidates (dots), the feasible Pareto front (red, named) and the surrogate's prediction "
                   "at suggestion time (squares, ±σ) joined to the label it became."
                   if len(objectives) > 1 else
                   f"The best labelled candidates by {objectives[0].property} (bars, ± s.e.) and the surrogate's "
                   "prediction at suggestion time (points, ±σ).")
        figures.append(Figure(front.path.name, "Pareto front" if len(objectives) > 1 else "Ranking", caption))
        curve = plot_best_so_far(best_so_far(labelled, objectives, constraints), objectives,
                                 out_dir / "best_so_far.png")
        figures.append(Figure(curve.path.name, "Best so far", "Best feasible label of each objective up to each "
                                                              "round."))
        if len(objectives) > 1:
            table, reference = hypervolume_by_round(labelled, objectives, constraints)
            hv = plot_hypervolume(table, out_dir / "hypervolume.png")
            figures.append(Figure(hv.path.name, "Hypervolume", "Hypervolume of the feasible labelled front per round, "
                                  "as a fraction of the box spanned by the best value of each objective (numbers: "
                                  "points on the front). Utility space (minimised objectives negated), reference "
                                  f"point {np.round(reference, 6).tolist()}; final hypervolume "
                                  f"{table['hypervolume'].iloc[-1]:.4g}."))
        parity = parity_table(observed, predicted, properties)
        scores = parity_scores(parity)
        plot = plot_parity(parity, out_dir / "parity.png", scores)
        figures.append(Figure(plot.path.name, "Surrogate vs label", "Prediction stored at suggestion time (±σ) "
                              "against the label (± s.e.); the dashed line is y = x."))
        top_table = _with_predictions(top_candidates(labelled, objectives, constraints, n=top), predicted)
        for stale in (out_dir / "structures").glob("*.png"):  # drawings of an earlier report's top candidates
            stale.unlink()
        pictures = draw_structures(dict(zip(top_table["id"].astype(str), top_table["smiles"])),
                                   out_dir / "structures")
        top_table["structure"] = [str(p.relative_to(out_dir)) for p in pictures.values()]
        provenance = run_provenance(property_db or campaign.url, top_table["smiles"].tolist(), campaign.name)
        if provenance:
            top_table["provenance"] = [provenance.get(s, "") for s in top_table["smiles"]]

    status = campaign.status()
    page = render_page(
        name=campaign.name, status=status, objectives=[str(o) for o in objectives],
        constraints=[str(c) for c in constraints], figures=figures, top=top_table,
        top_cells=_objective_columns(top_table, properties) if len(top_table) else [],
        scores=scores, failures=campaign.failures(), pending=_pending(campaign.pending()),
        config_text=getattr(config, "source", ""), status_json=json.dumps(status, indent=1, default=str))
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _with_predictions(table: pd.DataFrame, predicted: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the stored ``p_pred``/``p_pred_std`` columns of its candidates (left join on ``id``)."""
    if predicted.empty:
        return table
    columns = ["id", *[c for c in predicted.columns if c.endswith("_pred") or c.endswith("_pred_std")]]
    kept = predicted[columns].drop_duplicates("id", keep="last").assign(id=lambda f: f["id"].astype(str))
    table = table.assign(id=table["id"].astype(str))
    return table.drop(columns=[c for c in columns[1:] if c in table.columns]).merge(kept, on="id", how="left")


def _pending(rows: list[dict]) -> pd.DataFrame:
    """The pending candidates as a table: id, smiles, round, suggested_at, acquisition."""
    columns = ["id", "smiles", "round", "suggested_at", "acquisition"]
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
