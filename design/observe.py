"""Writing checked observation rows into a campaign's tables, inside the caller's transaction.

The rules are those of :mod:`polyloop.design.campaign`: labels of suggested candidates take the suggestion's SMILES
(a SMILES given in the row must be the same polymer); an id never suggested needs a SMILES; (candidate, property) is
written once, an equal re-observation is a no-op and a different one an error; failed candidates take no labels and a
repeated failure is a no-op. Every problem found is reported at once, and the caller's transaction is then rolled
back, so a call writes all of its rows or none.
"""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from polyloop.design.labels import LabelRow
from polyloop.design.store import CampaignError, Failure, Observation, Suggestion, utc_now

__all__ = ["apply_rows"]


def _same(old_value: float, old_std: float | None, value: float, std: float | None) -> bool:
    """Whether a repeated label equals the stored one (a repeat that omits the standard error matches any)."""
    if not math.isclose(old_value, value, rel_tol=1e-9, abs_tol=0.0):
        return False
    return std is None or (old_std is not None and math.isclose(old_std, std, rel_tol=1e-9, abs_tol=1e-300))


def _smiles(row: LabelRow, known: str | None, problems: list[str]) -> str | None:
    """The SMILES of ``row``'s candidate: the known one, checked against the row's, or the row's own."""
    if known is not None:
        if row.smiles is not None and row.smiles != known:
            problems.append(f"{row.line}: smiles {row.smiles!r} is not the polymer recorded for this id ({known!r})")
        return known
    if row.smiles is None:
        problems.append(f"{row.line}: the campaign never suggested this id; give its smiles to record a label "
                        "obtained elsewhere")
    return row.smiles


def apply_rows(session: Session, campaign_id: int, rows: list[LabelRow], default_source: str,
               current_round: int) -> int:
    """Add the labels and failures of ``rows`` for campaign ``campaign_id`` in ``session`` (an open transaction).

    Labels of a suggested candidate take its round; other labels ``current_round``. Returns the number of labels and
    failures added. Raises :class:`CampaignError` listing every problem (then the caller's transaction rolls back).
    """
    ids = sorted({r.id for r in rows})
    suggestions = {s.candidate_id: s for s in session.scalars(
        select(Suggestion).where(Suggestion.campaign_id == campaign_id, Suggestion.candidate_id.in_(ids)))}
    labels = {(o.candidate_id, o.property): o for o in session.scalars(
        select(Observation).where(Observation.campaign_id == campaign_id, Observation.candidate_id.in_(ids)))}
    failures = {f.candidate_id: f for f in session.scalars(
        select(Failure).where(Failure.campaign_id == campaign_id, Failure.candidate_id.in_(ids)))}
    known = {s.candidate_id: s.smiles for s in suggestions.values()}
    known.update({k[0]: o.smiles for k, o in labels.items() if k[0] not in known})
    known.update({i: f.smiles for i, f in failures.items() if i not in known})
    problems: list[str] = []
    added = 0
    now = utc_now()
    for row in rows:
        smiles = _smiles(row, known.get(row.id), problems)
        if smiles is None:
            continue
        known[row.id] = smiles
        suggestion = suggestions.get(row.id)
        round_ = suggestion.round if suggestion is not None else current_round
        if row.failed is not None:
            labelled = sorted(p for (i, p) in labels if i == row.id)
            if labelled:
                problems.append(f"{row.line}: cannot record a failure: the candidate already has labels {labelled}")
            elif row.id not in failures:
                failures[row.id] = Failure(campaign_id=campaign_id, candidate_id=row.id, smiles=smiles,
                                           reason=row.failed, round=round_, failed_at=now)
                session.add(failures[row.id])
                added += 1
                if suggestion is not None:
                    suggestion.status, suggestion.updated_at = "failed", now
            continue
        if row.id in failures:
            problems.append(f"{row.line}: the candidate was recorded as failed ({failures[row.id].reason!r}); "
                            "labels of failed candidates are refused")
            continue
        for name, value in row.values.items():
            std = row.stderr.get(name)
            old = labels.get((row.id, name))
            if old is not None:
                if not _same(old.value, old.stderr, value, std):
                    problems.append(f"{row.line}: {name} is already recorded as {old.value!r} ± {old.stderr!r}; a "
                                    f"different value ({value!r} ± {std!r}) is refused: labels are never overwritten")
                continue
            labels[(row.id, name)] = Observation(campaign_id=campaign_id, candidate_id=row.id, smiles=smiles,
                                                 property=name, value=value, stderr=std,
                                                 source=row.source or default_source, round=round_, observed_at=now)
            session.add(labels[(row.id, name)])
            added += 1
        if suggestion is not None and suggestion.status == "pending":
            suggestion.status, suggestion.updated_at = "observed", now
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise CampaignError(f"nothing was recorded: {shown}")
    return added
