"""Campaign plots written as PNG files: the Pareto front (labelled values against the predictions made at suggestion
time), a ranked plot for one objective, best-so-far and hypervolume curves per round, the parity of surrogate
predictions against MD labels, and drawings of repeat units.

Every function draws on its own :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot, no global backend
change, safe in notebooks and worker threads) and returns a :class:`Plot`: the file written and the table of exactly
what was drawn, so that callers and tests can check the data. The numbers come from
:mod:`polyloop.design.report_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.report_tables import feasible, pareto_ranks, utilities

__all__ = ["Plot", "draw_structure", "draw_structures", "plot_best_so_far", "plot_hypervolume", "plot_parity",
           "plot_pareto_front", "plot_ranked"]

LABELLED, PREDICTED, FRONT, MUTED = "#1f4e79", "#d9822b", "#c0392b", "#9aa5b1"
DPI = 110


@dataclass(frozen=True)
class Plot:
    """A PNG written to ``path`` and the table ``data`` of what it shows."""

    path: Path
    data: pd.DataFrame


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path


def _axis_label(objective: Objective) -> str:
    if objective.sense == "target":
        return f"{objective.property} (target {objective.low:g}–{objective.high:g})"
    return f"{objective.property} ({'↑ max' if objective.sense == 'max' else '↓ min'})"


def _with_predictions(observed: pd.DataFrame, predicted: pd.DataFrame | None,
                      properties: Sequence[str]) -> pd.DataFrame:
    """``observed`` with ``p_pred`` and ``p_pred_std`` columns for ``properties`` (NaN where nothing was stored)."""
    frame = observed.copy()
    frame["id"] = frame["id"].astype(str)
    columns = [c for p in properties for c in (f"{p}_pred", f"{p}_pred_std")]
    if predicted is not None and len(predicted):
        kept = predicted.assign(id=predicted["id"].astype(str))
        kept = kept[["id", *[c for c in columns if c in kept.columns]]].drop_duplicates("id", keep="last")
        frame = frame.drop(columns=[c for c in columns if c in frame.columns]).merge(kept, on="id", how="left")
    for column in columns:
        if column not in frame.columns:
            frame[column] = np.nan
    return frame


def plot_pareto_front(observed: pd.DataFrame, objectives: Sequence[Objective], path: str | Path,
                      predicted: pd.DataFrame | None = None,
                      constraints: Sequence[OutcomeConstraint] = ()) -> Plot:
    """Labelled values of every candidate in objective space, the feasible Pareto front highlighted and its points
    named, and the predicted means (± σ in both directions) joined to the labels they became.

    With two objectives one panel; with three or four one panel per pair (the front is the non-dominated set in the
    full objective space). With one objective this is :func:`plot_ranked`. ``data`` has ``id``, the objective values,
    their ``_pred``/``_pred_std`` columns, ``feasible`` and ``on_front``.
    """
    if len(objectives) == 1:
        return plot_ranked(observed, objectives[0], path, predicted, constraints)
    names = [o.property for o in objectives]
    frame = _with_predictions(observed, predicted, names)
    utility = utilities(frame, objectives)
    labelled = ~np.isnan(utility).any(axis=1)
    frame = frame[labelled].reset_index(drop=True)
    ok = feasible(frame, constraints)
    ranks = np.zeros(len(frame), dtype=int)
    ranks[ok] = pareto_ranks(utility[labelled][ok])
    frame["feasible"], frame["on_front"] = ok, ranks == 1
    pairs = list(combinations(range(len(objectives)), 2))
    figure = _figure(5.6 * min(len(pairs), 3), 4.6 * ((len(pairs) + 2) // 3))
    for k, (i, j) in enumerate(pairs):
        axes = figure.add_subplot((len(pairs) + 2) // 3, min(len(pairs), 3), k + 1)
        x, y = names[i], names[j]
        has_pred = frame[[f"{x}_pred", f"{y}_pred"]].notna().all(axis=1).to_numpy()
        for row in np.flatnonzero(has_pred):
            axes.plot([frame[f"{x}_pred"][row], frame[x][row]], [frame[f"{y}_pred"][row], frame[y][row]],
                      color=MUTED, linewidth=0.6, zorder=1)
        if has_pred.any():
            shown = frame[has_pred]
            axes.errorbar(shown[f"{x}_pred"], shown[f"{y}_pred"], xerr=shown[f"{x}_pred_std"].fillna(0),
                          yerr=shown[f"{y}_pred_std"].fillna(0), fmt="s", markersize=3.5, color=PREDICTED,
                          ecolor=PREDICTED, elinewidth=0.7, alpha=0.7, label="predicted at suggestion (±σ)", zorder=2)
        rest = frame[~frame["on_front"] & frame["feasible"]]
        axes.scatter(rest[x], rest[y], s=18, color=LABELLED, label="labelled", zorder=3)
        bad = frame[~frame["feasible"]]
        if len(bad):
            axes.scatter(bad[x], bad[y], s=22, marker="x", color=MUTED, label="labelled, infeasible", zorder=3)
        front = frame[frame["on_front"]]
        order = np.argsort(front[x].to_numpy())
        if len(pairs) == 1 and "target" not in (objectives[i].sense, objectives[j].sense):
            # the edge of the dominated region: vertical first when x is maximised, horizontal first when minimised
            axes.plot(front[x].to_numpy()[order], front[y].to_numpy()[order], color=FRONT, linewidth=1.0,
                      drawstyle="steps-pre" if objectives[i].sense == "max" else "steps-post", zorder=4)
        axes.scatter(front[x], front[y], s=46, color=FRONT, edgecolor="black", linewidth=0.5,
                     label="Pareto front", zorder=5)
        for _, row in front.iterrows():
            axes.annotate(str(row["id"]), (row[x], row[y]), xytext=(4, 4), textcoords="offset points", fontsize=7)
        axes.set_xlabel(_axis_label(objectives[i]))
        axes.set_ylabel(_axis_label(objectives[j]))
        axes.grid(alpha=0.3)
        if k == 0:
            axes.legend(fontsize=7, loc="best")
    figure.suptitle(f"Pareto front: {int(frame['on_front'].sum())} of {len(frame)} labelled candidates")
    columns = ["id", *names, *[f"{p}_pred" for p in names], *[f"{p}_pred_std" for p in names], "feasible", "on_front"]
    return Plot(_save(figure, path), frame[columns])


def plot_ranked(observed: pd.DataFrame, objective: Objective, path: str | Path,
                predicted: pd.DataFrame | None = None, constraints: Sequence[OutcomeConstraint] = (),
                limit: int = 40) -> Plot:
    """One objective: the ``limit`` best labelled candidates ranked best first, labels as bars (± their standard
    error) and the predictions made at suggestion time as points (± σ). ``data`` has ``rank``, ``id``, the label,
    its ``_std``, ``_pred``, ``_pred_std`` and ``feasible``, in the order drawn."""
    name = objective.property
    frame = _with_predictions(observed, predicted, [name])
    frame = frame[frame[name].notna()].reset_index(drop=True)
    frame["feasible"] = feasible(frame, constraints)
    frame["_utility"] = objective.utility(frame[name].to_numpy(dtype=float))
    frame = frame.sort_values(["feasible", "_utility"], ascending=[False, False], kind="stable").head(limit)
    frame = frame.reset_index(drop=True).assign(rank=lambda f: np.arange(1, len(f) + 1))
    if f"{name}_std" not in frame.columns:
        frame[f"{name}_std"] = 0.0
    figure = _figure(max(6.0, 0.22 * len(frame) + 2.0), 4.4)
    axes = figure.add_subplot()
    colours = [LABELLED if ok else MUTED for ok in frame["feasible"]]
    axes.bar(frame["rank"], frame[name], yerr=frame[f"{name}_std"].fillna(0), color=colours, alpha=0.85,
             error_kw={"elinewidth": 0.8, "capsize": 2}, label="labelled (± s.e.)")
    shown = frame[frame[f"{name}_pred"].notna()]
    if len(shown):
        axes.errorbar(shown["rank"], shown[f"{name}_pred"], yerr=shown[f"{name}_pred_std"].fillna(0), fmt="o",
                      markersize=4, color=PREDICTED, elinewidth=0.8, capsize=2, label="predicted at suggestion (±σ)")
    if objective.sense == "target":
        axes.axhspan(objective.low, objective.high, color=FRONT, alpha=0.12, label="target range")
    axes.set_xticks(frame["rank"], frame["id"], rotation=70, fontsize=7)
    axes.set_ylabel(_axis_label(objective))
    axes.set_title(f"best {len(frame)} labelled candidates by {name}")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7)
    columns = ["rank", "id", name, f"{name}_std", f"{name}_pred", f"{name}_pred_std", "feasible"]
    return Plot(_save(figure, path), frame[columns])


def plot_best_so_far(table: pd.DataFrame, objectives: Sequence[Objective], path: str | Path,
                     reference: Mapping[str, float] | None = None) -> Plot:
    """Best-so-far value of each objective against the round (a table from
    :func:`~polyloop.design.report_tables.best_so_far`), one panel per objective. ``reference`` may give a level per
    column to draw as a dashed line (e.g. the best value of the warm-start data)."""
    figure = _figure(4.2 * len(table.columns), 3.6)
    for k, column in enumerate(table.columns):
        axes = figure.add_subplot(1, len(table.columns), k + 1)
        axes.plot(table.index, table[column], drawstyle="steps-post", marker="o", markersize=4, color=LABELLED)
        if reference and column in reference:
            axes.axhline(reference[column], color=MUTED, linestyle="--", linewidth=1.0, label="warm start best")
            axes.legend(fontsize=7)
        objective = objectives[k]
        axes.set_ylabel(column if column.endswith("_distance") else _axis_label(objective))
        axes.set_xlabel("round")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
    figure.suptitle("best feasible value so far")
    return Plot(_save(figure, path), table.copy())


def plot_hypervolume(table: pd.DataFrame, path: str | Path) -> Plot:
    """Hypervolume fraction of the labelled front against the round (a table from
    :func:`~polyloop.design.report_tables.hypervolume_by_round`), with the front size annotated."""
    figure = _figure(5.4, 3.6)
    axes = figure.add_subplot()
    axes.plot(table.index, table["hypervolume_fraction"], marker="o", markersize=4, color=LABELLED)
    for r, row in table.iterrows():
        axes.annotate(f"{int(row['n_front'])}", (r, row["hypervolume_fraction"]), xytext=(0, 5),
                      textcoords="offset points", fontsize=7, ha="center")
    axes.set_xlabel("round")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("hypervolume / ideal-point box")
    axes.set_title("hypervolume per round (numbers: points on the front)")
    axes.grid(alpha=0.3)
    return Plot(_save(figure, path), table.copy())


def plot_parity(table: pd.DataFrame, path: str | Path, scores: pd.DataFrame | None = None) -> Plot:
    """Surrogate prediction at suggestion time (± σ) against the MD label (± its standard error), one panel per
    property of a :func:`~polyloop.design.report_tables.parity_table`, with the line ``y = x`` and, from ``scores``,
    R² and the 2σ coverage in the title. A log scale is used where all values are positive and span > 2 decades."""
    properties = list(dict.fromkeys(table["property"]))
    figure = _figure(4.2 * max(len(properties), 1), 4.0)
    if not properties:
        axes = figure.add_subplot()
        axes.text(0.5, 0.5, "no candidate has both a stored prediction and a label", ha="center", va="center")
        axes.set_axis_off()
    for k, name in enumerate(properties):
        part = table[table["property"] == name]
        axes = figure.add_subplot(1, len(properties), k + 1)
        axes.errorbar(part["label"], part["predicted"], xerr=part["label_std"], yerr=part["predicted_std"], fmt="o",
                      markersize=4, color=LABELLED, ecolor=MUTED, elinewidth=0.8, capsize=2)
        values = np.concatenate([part["label"].to_numpy(), part["predicted"].to_numpy()])
        low, high = float(values.min()), float(values.max())
        pad = 0.05 * (high - low or abs(high) or 1.0)
        axes.plot([low - pad, high + pad], [low - pad, high + pad], color=FRONT, linewidth=0.8, linestyle="--")
        if low > 0 and high / low > 100:
            axes.set_xscale("log")
            axes.set_yscale("log")
        title = f"{name} (n = {len(part)})"
        if scores is not None and name in set(scores["property"]):
            score = scores[scores["property"] == name].iloc[0]
            title += f"\nR² = {score['r2']:.2f}, 2σ coverage = {score['coverage_2sigma']:.0%}"
        axes.set_title(title, fontsize=9)
        axes.set_xlabel("MD label")
        axes.set_ylabel("surrogate prediction at suggestion")
        axes.grid(alpha=0.3)
    return Plot(_save(figure, path), table.copy())


def draw_structure(smiles: str, path: str | Path, size: tuple[int, int] = (320, 220)) -> Path:
    """A 2-D drawing of a repeat unit (``*`` are the connection points) as a PNG of ``size`` pixels (RDKit Cairo)."""
    from rdkit import Chem
    from rdkit.Chem import rdDepictor
    from rdkit.Chem.Draw import rdMolDraw2D

    molecule = Chem.MolFromSmiles(smiles)
    if molecule is None:
        raise ValueError(f"cannot draw {smiles!r}: RDKit cannot parse it")
    rdDepictor.Compute2DCoords(molecule)
    drawer = rdMolDraw2D.MolDraw2DCairo(*size)
    drawer.drawOptions().clearBackground = True
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, molecule)
    drawer.FinishDrawing()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(drawer.GetDrawingText())
    return path


def draw_structures(smiles: Mapping[str, str], out_dir: str | Path,
                    size: tuple[int, int] = (320, 220)) -> dict[str, Path]:
    """Draw every ``{id: SMILES}`` to ``out_dir/<id>.png`` (ids made file-safe); returns ``{id: path}``."""
    out_dir = Path(out_dir)
    paths = {}
    for key, text in smiles.items():
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(key))
        paths[key] = draw_structure(text, out_dir / f"{safe}.png", size)
    return paths
