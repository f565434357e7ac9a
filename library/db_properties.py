"""Property names and units of the property database, read from ``data/property_names.toml``.

Every value is stored in the SI unit of its property (the convention of
:func:`polyloop.library.datasets.load_pi1070`). A value given in another spelling of a unit is converted, linearly:
``value_SI = value × factor`` and ``stderr_SI = stderr × factor`` (every factor is positive); a unit the file does not
list, or one of another dimension than the property's, is refused with :class:`PropertyDatabaseError`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from polyloop.library.errors import LibraryError

__all__ = ["PropertyDatabaseError", "PropertySpec", "canonical_name", "dataset_provenance", "property_specs",
           "to_stored_unit"]

DATA_FILE = "property_names.toml"


class PropertyDatabaseError(LibraryError, ValueError):
    """A property database operation that cannot be done: unknown property or unit, malformed record or file."""


@dataclass(frozen=True)
class PropertySpec:
    """A property the database stores: its ``name``, the SI ``unit`` of stored values, its other spellings, and
    whether it is an ``extra`` record of the MD engine (stored, not one of its 15 properties)."""

    name: str
    unit: str
    aliases: tuple[str, ...]
    extra: bool = False


@cache
def _data() -> dict:
    return tomllib.loads(resources.files("polyloop.library.data").joinpath(DATA_FILE).read_text())


@cache
def property_specs() -> dict[str, PropertySpec]:
    """The properties the database knows, by name, in file order (the MD engine's 15, then the two extras)."""
    return {name: PropertySpec(name, entry["unit"], tuple(entry.get("aliases", ())), bool(entry.get("extra", False)))
            for name, entry in _data()["properties"].items()}


@cache
def _aliases() -> dict[str, str]:
    table = {}
    for spec in property_specs().values():
        table[spec.name] = spec.name
        table.update(dict.fromkeys(spec.aliases, spec.name))
    return table


def canonical_name(name: str) -> str:
    """The database's name of property ``name`` (an alias such as PI1070's ``compressibility`` is mapped).

    Raises :class:`PropertyDatabaseError` for a name that is neither a property nor an alias.
    """
    try:
        return _aliases()[name.strip()]
    except KeyError:
        raise PropertyDatabaseError(f"unknown property {name!r}; the database stores {list(property_specs())} "
                                    f"(aliases in polyloop/library/data/{DATA_FILE})") from None


def _unit(unit: str) -> tuple[str, float]:
    units = _data()["units"]
    if unit not in units:
        raise PropertyDatabaseError(f"unknown unit {unit!r}; known units: {sorted(units)} "
                                    f"(add it to polyloop/library/data/{DATA_FILE})")
    return units[unit]["si"], float(units[unit]["factor"])


def to_stored_unit(name: str, value: float | None, stderr: float | None, unit: str | None
                   ) -> tuple[float | None, float | None, str]:
    """``(value, stderr, unit)`` of property ``name`` converted to its stored SI unit.

    ``unit`` None means the value is already in the stored unit. None or NaN stay None. Raises
    :class:`PropertyDatabaseError` for an unknown unit or one of another dimension (e.g. ``GPa`` for a density).
    """
    spec = property_specs()[canonical_name(name)]
    factor = 1.0
    if unit is not None and unit != spec.unit:
        si, factor = _unit(unit)
        if si != spec.unit:
            raise PropertyDatabaseError(f"{spec.name} is stored in {spec.unit!r}; a value in {unit!r} ({si}) "
                                        "cannot be converted to it")

    def scaled(x: float | None) -> float | None:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return None
        return float(x) * factor

    return scaled(value), scaled(stderr), spec.unit


def dataset_provenance(name: str) -> dict:
    """Provenance recorded on runs imported from the bundled dataset ``name`` (``[datasets.<name>]``)."""
    datasets = _data().get("datasets", {})
    if name not in datasets:
        raise PropertyDatabaseError(f"no provenance for dataset {name!r}; known: {sorted(datasets)}")
    return dict(datasets[name])
