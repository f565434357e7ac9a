"""The HTML page of a campaign report (:mod:`polyloop.design.report`): one file, inline CSS, no scripts, figures
referenced as PNG files next to it, every value escaped. Also the look-up of run provenance in the property
database for the candidates shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from polyloop import __version__

__all__ = ["Figure", "render_page", "run_provenance"]

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px;
       color: #1b2631; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #d5d8dc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.6em 0; }
th, td { border: 1px solid #d5d8dc; padding: 0.3em 0.55em; text-align: left; vertical-align: middle; }
th { background: #f2f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eaecee; }
figcaption { font-size: 0.88em; color: #566573; } code, pre { font-size: 0.85em; }
pre { background: #f8f9f9; padding: 0.8em; overflow-x: auto; border: 1px solid #eaecee; }
.smiles { font-family: monospace; font-size: 0.85em; word-break: break-all; max-width: 22em; }
.muted { color: #808b96; }
"""


@dataclass(frozen=True)
class Figure:
    """A PNG of the report: file name (relative to the page), heading and caption."""

    file: str
    title: str
    caption: str


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    """A plain HTML table of ``frame`` (all cells escaped; ``numeric`` columns right-aligned, 4 significant
    digits)."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            if isinstance(value, list | dict | tuple):
                cells.append(f"<td>{_e(value)}</td>")
            elif pd.isna(value):
                cells.append("<td></td>")
            elif column in numeric and isinstance(value, int | float):
                cells.append(f'<td class="num">{value:.4g}</td>')
            else:
                cells.append(f"<td>{_e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _top_table(top: pd.DataFrame, cells: Sequence[Mapping[str, str]]) -> str:
    """The top candidates: rank, structure picture, id, SMILES, label/prediction per property, Pareto rank, round,
    feasibility and (where known) provenance."""
    value_columns = list(cells[0]) if cells else []
    head = ["#", "structure", "id", "SMILES", *value_columns, "Pareto rank", "round", "feasible"]
    if "provenance" in top.columns:
        head.append("MD run")
    rows = []
    for k, ((_, row), values) in enumerate(zip(top.iterrows(), cells), start=1):
        parts = [f'<td class="num">{k}</td>',
                 f'<td><img src="{_e(row["structure"])}" alt="{_e(row["smiles"])}" width="200"></td>',
                 f"<td>{_e(row['id'])}</td>", f'<td class="smiles">{_e(row["smiles"])}</td>',
                 *[f'<td class="num">{_e(values[c])}</td>' for c in value_columns],
                 f'<td class="num">{_e(row["pareto_rank"])}</td>', f'<td class="num">{_e(row.get("round", ""))}</td>',
                 f"<td>{'yes' if row['feasible'] else 'no'}</td>"]
        if "provenance" in top.columns:
            parts.append(f"<td>{_e(row['provenance'])}</td>")
        rows.append("<tr>" + "".join(parts) + "</tr>")
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_page(*, name: str, status: Mapping, objectives: Sequence[str], constraints: Sequence[str],
                figures: Sequence[Figure], top: pd.DataFrame, top_cells: Sequence[Mapping[str, str]],
                scores: pd.DataFrame, failures: pd.DataFrame, pending: pd.DataFrame, config_text: str,
                status_json: str) -> str:
    """The whole report page as a string (see :func:`polyloop.design.report.write_report` for the contents)."""
    counts = [("labelled", status.get("n_observed")), ("pending", status.get("n_pending")),
              ("failed", status.get("n_failed")), ("budget", status.get("budget")), ("rounds", status.get("rounds"))]
    summary = "".join(f"<tr><th>{_e(k)}</th><td class='num'>{_e(v)}</td></tr>" for k, v in counts if v is not None)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>polyloop campaign {_e(name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Campaign <code>{_e(name)}</code></h1>",
        f"<p class='muted'>report written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by polyloop {_e(__version__)}</p>",
        "<p>Objectives: " + ", ".join(f"<code>{_e(o)}</code>" for o in objectives)
        + ("; constraints: " + ", ".join(f"<code>{_e(c)}</code>" for c in constraints) if constraints else "")
        + "</p>",
        f"<table>{summary}</table>",
    ]
    if not figures:
        parts.append("<p><strong>No candidate has been labelled yet</strong> in every objective: figures appear "
                     "after the first complete observations.</p>")
    for figure in figures:
        parts += [f"<h2>{_e(figure.title)}</h2>", f'<figure><img src="{_e(figure.file)}" alt="{_e(figure.title)}">',
                  f"<figcaption>{_e(figure.caption)}</figcaption></figure>"]
    if len(top):
        parts += [f"<h2>Top {len(top)} candidates</h2>",
                  "<p class='muted'>Labels ± standard error; predictions ± σ as stored when the candidate was "
                  "suggested (– where it was labelled without a suggestion, e.g. the initial design).</p>",
                  _top_table(top, top_cells)]
    if len(scores):
        parts += ["<h2>Surrogate accuracy on the labelled suggestions</h2>",
                  _table(scores, numeric=("n", "r2", "mae", "rmse", "coverage_2sigma"))]
    if len(failures):
        parts += [f"<h2>Failures ({len(failures)})</h2>", _table(failures)]
    if len(pending):
        parts += [f"<h2>Pending ({len(pending)})</h2>", _table(pending)]
    parts += ["<h2>Status</h2>", f"<pre>{_e(status_json)}</pre>"]
    if config_text:
        parts += ["<h2>Campaign file</h2>", f"<pre>{_e(config_text)}</pre>"]
    parts.append("</body></html>")
    return "\n".join(parts)


def run_provenance(url: str, smiles: Sequence[str], campaign: str | None = None) -> dict[str, str]:
    """A short description of the MD runs behind each of ``smiles`` (canonical) in the property database at ``url``
    (:meth:`PropertyDatabase.runs <polyloop.library.database.PropertyDatabase.runs>`), e.g.
    ``{smiles: "quick, seed 0, 612 s, converged"}``; runs of ``campaign`` when given, else any. Empty when the
    database has no property tables (they are not created here) or no run matches."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("runs"):
            return {}
    finally:
        engine.dispose()
    from polyloop.library.database import PropertyDatabase

    table = PropertyDatabase(url).runs(campaign=campaign)
    table = table[table["smiles"].isin(set(smiles))]
    described: dict[str, list[str]] = {}
    for _, run in table.iterrows():
        if run["status"] != "ok":
            text = f"{run['preset'] or 'run'} failed: {run['failure_reason']}"
        else:
            parts = [str(run["preset"] or run["source"])]
            if not pd.isna(run["seed"]):
                parts.append(f"seed {int(run['seed'])}")
            if not pd.isna(run["wall_s"]):
                parts.append(f"{float(run['wall_s']):.0f} s")
            if run["converged"] is not None and not pd.isna(run["converged"]):
                parts.append("converged" if bool(run["converged"]) else "not converged")
            text = ", ".join(parts)
        described.setdefault(run["smiles"], []).append(text)
    return {key: "; ".join(texts) for key, texts in described.items()}
