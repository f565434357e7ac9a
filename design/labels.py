"""Observation rows for :meth:`Campaign.observe <polyloop.design.campaign.Campaign.observe>`: checking dicts and
reading CSV files.

A row is a mapping with an ``id`` (the candidate id), optionally ``smiles`` (required for an id the campaign never
suggested: a label obtained elsewhere), one value per observed property (``density``, ``thermal_conductivity``, …; a
missing value is None, NaN or an empty string, so partial rows are fine), optionally ``<property>_std`` (the standard
error of that value), optionally ``failed`` (a reason: the candidate could not be labelled) and ``source`` (where the
labels come from). Property names are the MD engine's (:data:`polyloop.simulate.protocol.runner.PROPERTY_NAMES`),
PI1070's, or the campaign's own objective and constraint properties; any other column is an error, so that a typo
cannot silently store a label under the wrong name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from polyloop.design.store import CampaignError
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.repeat_unit import canonicalize

__all__ = ["LabelRow", "known_properties", "parse_rows", "read_label_csv"]

RESERVED = ("id", "smiles", "failed", "source")


@dataclass(frozen=True)
class LabelRow:
    """One checked observation row: canonical ``smiles`` (or None), ``values`` and ``stderr`` by property (stderr
    None where not given), a ``failed`` reason or None, and the ``source`` (None: the caller's default)."""

    line: str
    id: str
    smiles: str | None = None
    values: dict[str, float] = field(default_factory=dict)
    stderr: dict[str, float | None] = field(default_factory=dict)
    failed: str | None = None
    source: str | None = None


@cache
def known_properties() -> frozenset[str]:
    """Property names a label may have: the MD engine's and PI1070's."""
    from polyloop.library.datasets import pi1070_properties
    from polyloop.simulate.protocol.runner import PROPERTY_NAMES

    return frozenset(PROPERTY_NAMES) | frozenset(pi1070_properties())


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number(value: Any, key: str, line: str) -> float:
    if isinstance(value, bool):
        raise CampaignError(f"{line}: {key} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CampaignError(f"{line}: {key} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise CampaignError(f"{line}: {key} must be finite, got {value!r}")
    return number


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value).strip()


def parse_row(row: Mapping[str, Any], line: str, properties: frozenset[str]) -> LabelRow:
    """Check one row (``line`` names it in errors, e.g. ``"row 3"``); ``properties`` are the allowed names."""
    if not isinstance(row, Mapping):
        raise CampaignError(f"{line}: expected a mapping with an 'id' and property values, got {type(row).__name__}")
    candidate = _text(row.get("id"))
    if candidate is None:
        raise CampaignError(f"{line}: no candidate id (every row needs an 'id')")
    if isinstance(row.get("id"), float) and float(row["id"]).is_integer():
        candidate = str(int(row["id"]))
    line = f"{line} (id {candidate})"
    smiles = _text(row.get("smiles"))
    if smiles is not None:
        try:
            smiles = canonicalize(smiles)
        except InvalidRepeatUnit as error:
            raise CampaignError(f"{line}: invalid smiles: {error}") from None
    values: dict[str, float] = {}
    stderr: dict[str, float | None] = {}
    unknown = sorted(k for k in row if k not in RESERVED and k.removesuffix("_std") not in properties)
    if unknown:
        raise CampaignError(f"{line}: unknown property column(s) {unknown}; allowed: 'id', 'smiles', 'failed', "
                            f"'source' and property names with optional '<property>_std' ({sorted(properties)})")
    for key, value in row.items():
        is_std = key.endswith("_std") and key not in properties
        if key in RESERVED or is_std or _missing(value):
            continue
        values[key] = _number(value, key, line)
        std = row.get(f"{key}_std")
        stderr[key] = None if _missing(std) else _number(std, f"{key}_std", line)
        if stderr[key] is not None and stderr[key] < 0:
            raise CampaignError(f"{line}: {key}_std must be >= 0, got {stderr[key]}")
    orphans = [k for k in row if k.endswith("_std") and k not in properties and not _missing(row[k])
               and k.removesuffix("_std") not in values]
    if orphans:
        raise CampaignError(f"{line}: {orphans} given without the value(s) {[k.removesuffix('_std') for k in orphans]}")
    failed = _text(row.get("failed"))
    if failed is not None and values:
        raise CampaignError(f"{line}: has both values {sorted(values)} and failed = {failed!r}; a row either "
                            "labels a candidate or records its failure")
    if failed is None and not values:
        raise CampaignError(f"{line}: has no property value and no failed reason; nothing to record")
    return LabelRow(line, candidate, smiles, values, stderr, failed, _text(row.get("source")))


def parse_rows(rows: Iterable[Mapping[str, Any]], extra_properties: Iterable[str] = (),
               first_line: int | None = None) -> list[LabelRow]:
    """Check every row (see the module docstring); raises :class:`CampaignError` naming the row and column.

    Rows are named ``row 1``, ``row 2``, … in errors, or ``line N`` counting from ``first_line`` (for a CSV file).
    """
    properties = known_properties() | frozenset(extra_properties)
    parsed = [parse_row(row, f"row {i}" if first_line is None else f"line {first_line + i - 1}", properties)
              for i, row in enumerate(rows, start=1)]
    seen: dict[tuple[str, str], float] = {}
    for row in parsed:
        for name in (row.values or {"failed": 0.0}):
            key = (row.id, name)
            if key in seen and seen[key] != row.values.get(name, 0.0):
                raise CampaignError(f"{row.line}: {name} of {row.id} appears twice with different values")
            seen[key] = row.values.get(name, 0.0)
    return parsed


def read_label_csv(path: str | Path) -> list[dict[str, Any]]:
    """The rows of an observation CSV file (columns ``id`` [, ``smiles``], property columns, optional
    ``<property>_std``, optional ``failed``), as dicts for :meth:`Campaign.observe` (row ``i`` is line ``i + 1``).

    Raises :class:`CampaignError` for a missing or unreadable file or one without an ``id`` column.
    """
    path = Path(path)
    if not path.is_file():
        raise CampaignError(f"observation file {str(path)!r} does not exist")
    try:
        table = pd.read_csv(path, dtype={"id": str, "smiles": str, "failed": str, "source": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise CampaignError(f"{path.name} is not a readable CSV file: {error}") from None
    if "id" not in table.columns:
        raise CampaignError(f"{path.name} has no 'id' column (columns: {list(table.columns)}); the first row must be "
                            "a header such as: id,smiles,density,density_std,failed")
    return table.to_dict("records")
