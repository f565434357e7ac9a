"""Bundled datasets.

``load_pi1070()`` returns the 1,077 polymers of RadonPy's PI1070 set (Hayashi et al., npj Comput. Mater. 8:222 (2022);
BSD 3-Clause, licence in ``data/PI1070.LICENSE``) with canonical repeat units, classes, and the 15 MD properties in
SI units. The property names, source columns, units and conversion factors are in ``data/pi1070_properties.toml``
and are returned by :func:`pi1070_properties`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from polyloop.library.classes import class_by_id
from polyloop.library.errors import DatasetError
from polyloop.library.repeat_unit import canonicalize

__all__ = ["PropertyInfo", "load_pi1070", "pi1070_properties"]


@dataclass(frozen=True)
class PropertyInfo:
    """A property of a dataset: its name, SI unit, description, and where it comes from in the source file."""

    name: str
    unit: str
    description: str
    column: str
    factor: float


@cache
def pi1070_properties() -> dict[str, PropertyInfo]:
    """The PI1070 properties returned by :func:`load_pi1070`, by name, in file order."""
    text = resources.files("polyloop.library.data").joinpath("pi1070_properties.toml").read_text()
    return {
        name: PropertyInfo(name=name, unit=v["unit"], description=v["description"], column=v["column"],
                           factor=float(v["factor"]))
        for name, v in tomllib.loads(text).items()
    }


@cache
def _pi1070_table() -> pd.DataFrame:
    source = resources.files("polyloop.library.data").joinpath("PI1070.csv")
    with resources.as_file(source) as path:
        raw = pd.read_csv(path)
    needed = {"monomer_ID", "smiles", "polymer_class"} | {p.column for p in pi1070_properties().values()}
    missing = sorted(needed - set(raw.columns))
    if missing:
        raise DatasetError(f"PI1070.csv lacks the column(s) {missing}")
    table = pd.DataFrame(
        {
            "id": raw["monomer_ID"].astype(str),
            "smiles": raw["smiles"].astype(str),
            "canonical_smiles": [canonicalize(s) for s in raw["smiles"]],
            "polymer_class_id": raw["polymer_class"].astype(int),
            "polymer_class": [class_by_id(int(i)).name for i in raw["polymer_class"]],
        }
    )
    columns = {}
    for name, info in pi1070_properties().items():
        columns[name] = raw[info.column].astype(float) * info.factor
        columns[f"{name}_std"] = raw[f"{info.column}_std"].astype(float) * info.factor
        columns[f"{name}_count"] = raw[f"{info.column}_count"].fillna(0).astype(int)
    return pd.concat([table, pd.DataFrame(columns)], axis=1)


def load_pi1070() -> pd.DataFrame:
    """The PI1070 dataset: one row per polymer (1,077 rows).

    Columns: ``id`` (RadonPy's ``PI<n>``), ``smiles`` (as published), ``canonical_smiles``
    (:func:`~polyloop.library.repeat_unit.canonicalize`), ``polymer_class_id`` and ``polymer_class`` (the reference
    PoLyInfo class, 1-21, and its name), then for each property of :func:`pi1070_properties` its value in SI units,
    ``<name>_std`` (standard deviation over replicate runs, same unit) and ``<name>_count`` (number of replicates).
    Missing values are NaN. Canonicalising takes a few seconds on first use; the table is cached, a copy returned.
    """
    return _pi1070_table().copy()
