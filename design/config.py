"""Campaign configuration: one TOML file, checked strictly on reading.

The schema (every key is documented in ``docs/campaign_config.md``; ``design/example_campaign.toml`` is a complete
example)::

    [campaign]     name (required), seed = 0, batch_size = 10, budget = 100, description = ""
    [pool]         library = "PATH" | dataset = "pi1070" | "FILE.csv" (exactly one), classes = [...],
                   include_smarts = [...], exclude_smarts = [...], heavy_atoms = [min, max]
    [[objectives]] property, sense = "max" | "min" | "target", low, high (target only)       (1 to 4 of them)
    [[constraints]] property, lower, upper                                                     (any number)
    [warm_start]   dataset = "pi1070" | "FILE.csv", or csv = "FILE.csv", or database = "URL" (the property
                   database; sources = [...] limits it, e.g. ["md"]); properties = [...], sample = N,
                   exclude_known = true
    [surrogate]    the fields of GPSettings (exact_max, n_landmarks, fit_points, fixed_noise, calibrate, seed),
                   store_model = true
    [acquisition]  the fields of AcquisitionSettings (method, shortlist, screen, kappa, mc_samples)
    [simulation]   preset, overrides, properties, ... (read by the MD-labelled loop; extra keys are kept)
    [executor]     kind = "dask" | "inline" | "jobqueue", max_pending, retries, ... (idem)

An unknown section or key, a value of the wrong type or out of range raises :class:`ConfigError` naming the key and
the file. Relative paths (``pool.library``, ``pool.dataset``, ``warm_start.dataset``/``csv``) resolve against the
folder of the TOML file (or ``base_dir`` for a TOML text), and are stored resolved.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyloop.design.objectives import Objective, ObjectiveError, OutcomeConstraint
from polyloop.design.pool import CandidatePool, InMemoryPool, LibraryPool, PoolFilter
from polyloop.surrogate.multi import GPSettings

__all__ = ["CampaignConfig", "ConfigError", "MAX_OBJECTIVES"]

MAX_OBJECTIVES = 4
EXECUTOR_KINDS = ("dask", "inline", "jobqueue")

# Per section: key -> expected type ("str", "int", "float", "bool", "list[str]", "list[int]").
_CAMPAIGN = {"name": "str", "seed": "int", "batch_size": "int", "budget": "int", "description": "str"}
_POOL = {"library": "str", "dataset": "str", "classes": "list[str]", "include_smarts": "list[str]",
         "exclude_smarts": "list[str]", "heavy_atoms": "list[int]"}
_WARM_START = {"dataset": "str", "csv": "str", "database": "str", "sources": "list[str]", "properties": "list[str]",
               "sample": "int", "exclude_known": "bool"}
_SIMULATION = {"preset": "str", "overrides": "list[str]", "properties": "list[str]"}
_EXECUTOR = {"kind": "str", "max_pending": "int", "retries": "int", "threads": "int", "workers": "int"}
_SECTIONS = ("campaign", "pool", "objectives", "constraints", "warm_start", "surrogate", "acquisition", "simulation",
             "executor")


class ConfigError(ValueError):
    """A campaign file that cannot be used: the message names the file, the key and what is wrong with it."""


def _kind(value: Any) -> str:
    """The schema type name that ``value`` has (or ``"other"``)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        kinds = {_kind(v) for v in value}
        return f"list[{kinds.pop()}]" if len(kinds) == 1 else ("list[str]" if not value else "list[mixed]")
    return type(value).__name__


def _matches(value: Any, expected: str) -> bool:
    kind = _kind(value)
    if kind == expected or (expected == "float" and kind == "int"):
        return True
    return expected.startswith("list[") and value == []


def _type_name(annotation: Any) -> str:
    """Schema type name of a dataclass field annotation (``int``, ``float``, ``bool``, ``str``)."""
    for python_type, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str")):
        if annotation is python_type:
            return name
    return "any"


def _dataclass_schema(cls: type) -> dict[str, str]:
    hints = typing.get_type_hints(cls)
    return {f.name: _type_name(hints[f.name]) for f in dataclasses.fields(cls) if not f.name.startswith("_")}


class _Reader:
    """Checks tables of one file and raises :class:`ConfigError` that name the file and key."""

    def __init__(self, origin: str, base_dir: Path) -> None:
        self.origin = origin
        self.base_dir = base_dir

    def error(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.origin}: {where}: {message}")

    def table(self, data: dict, section: str, schema: dict[str, str], *, open_ended: bool = False) -> dict:
        """The table ``section`` of ``data`` ({} if absent) with every key of ``schema`` type-checked; other keys are
        errors unless ``open_ended``."""
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise self.error(f"[{section}]", f"must be a table, got {_kind(table)}")
        for key, value in table.items():
            expected = schema.get(key)
            if expected is None:
                if not open_ended:
                    raise self.error(f"[{section}] {key}", f"unknown key; allowed keys: {sorted(schema)}")
                continue
            if expected != "any" and not _matches(value, expected):
                raise self.error(f"[{section}] {key}", f"expected {expected}, got {_kind(value)} {value!r}")
        return dict(table)

    def path(self, text: str, where: str, *, must_exist: bool = True) -> str:
        """``text`` resolved against the base folder; must exist unless told otherwise."""
        path = Path(text).expanduser()
        path = path if path.is_absolute() else (self.base_dir / path)
        if must_exist and not path.exists():
            raise self.error(where, f"path {str(path)!r} does not exist")
        return str(path.resolve())

    def positive(self, table: dict, key: str, section: str, minimum: int = 1) -> None:
        if key in table and table[key] < minimum:
            raise self.error(f"[{section}] {key}", f"must be at least {minimum}, got {table[key]}")


def _read_pool(reader: _Reader, data: dict) -> dict:
    if "pool" not in data:
        raise reader.error("[pool]", "missing; name the candidates: library = \"PATH\" or dataset = \"pi1070\"")
    pool = reader.table(data, "pool", _POOL)
    sources = [k for k in ("library", "dataset") if k in pool]
    if len(sources) != 1:
        raise reader.error("[pool]", f"give exactly one of library = \"PATH\" or dataset = \"pi1070\"|\"FILE.csv\", "
                                     f"got {sources or 'neither'}")
    if "library" in pool:
        pool["library"] = reader.path(pool["library"], "[pool] library")
    elif pool["dataset"].lower() != "pi1070":
        pool["dataset"] = reader.path(pool["dataset"], "[pool] dataset")
    if "heavy_atoms" in pool and len(pool["heavy_atoms"]) != 2:
        raise reader.error("[pool] heavy_atoms", f"expected [min, max], got {pool['heavy_atoms']!r}")
    if "classes" in pool:
        from polyloop.library.classes import polymer_classes

        known = {c.name for c in polymer_classes()}
        unknown = [c for c in pool["classes"] if c not in known]
        if unknown:
            raise reader.error("[pool] classes", f"unknown class(es) {unknown}; known: {sorted(known)}")
    try:
        PoolFilter.from_dict(pool)
    except ValueError as error:
        raise reader.error("[pool]", str(error)) from None
    return pool


def _read_warm_start(reader: _Reader, data: dict) -> dict:
    warm = reader.table(data, "warm_start", _WARM_START)
    sources = [k for k in ("dataset", "csv", "database") if k in warm]
    if len(sources) > 1:
        raise reader.error("[warm_start]", f"give one source (dataset = \"pi1070\", csv = \"FILE.csv\" or database = "
                                            f"\"URL\"), not {sources}")
    if "sources" in warm and "database" not in warm:
        raise reader.error("[warm_start]", "sources = [...] selects labels of a database = \"URL\" source only")
    if "dataset" in warm and warm["dataset"].lower() != "pi1070":
        warm["csv"] = warm.pop("dataset")
    if "csv" in warm:
        warm["csv"] = reader.path(warm["csv"], "[warm_start] csv")
    if "dataset" in warm:
        warm["dataset"] = "pi1070"
    reader.positive(warm, "sample", "warm_start")
    if not sources and len(warm):
        raise reader.error("[warm_start]", f"keys {sorted(warm)} need a source: dataset = \"pi1070\", csv = ... "
                                            "or database = ...")
    return warm


def _read_objectives(reader: _Reader, data: dict) -> tuple[tuple[Objective, ...], tuple[OutcomeConstraint, ...]]:
    found = []
    for section, cls in (("objectives", Objective), ("constraints", OutcomeConstraint)):
        tables = data.get(section, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise reader.error(f"[[{section}]]", f"must be an array of tables ([[{section}]] headers)")
        items = []
        for i, table in enumerate(tables, start=1):
            try:
                items.append(cls.from_dict(table))
            except (ObjectiveError, TypeError) as error:
                raise reader.error(f"[[{section}]] #{i}", str(error)) from None
        found.append(tuple(items))
    objectives, constraints = found
    if not 1 <= len(objectives) <= MAX_OBJECTIVES:
        raise reader.error("[[objectives]]",
                           f"a campaign needs 1 to {MAX_OBJECTIVES} objectives, got {len(objectives)}")
    names = [o.property for o in objectives]
    if len(set(names)) != len(names):
        raise reader.error("[[objectives]]", f"a property appears twice: {names}")
    return objectives, constraints


def _read_settings(reader: _Reader, data: dict) -> tuple[dict, dict]:
    surrogate = reader.table(data, "surrogate", {**_dataclass_schema(GPSettings), "store_model": "bool"})
    try:
        GPSettings(**{k: v for k, v in surrogate.items() if k != "store_model"})
    except ValueError as error:
        raise reader.error("[surrogate]", str(error)) from None
    from polyloop.design.acquisition import AcquisitionSettings

    acquisition = reader.table(data, "acquisition", _dataclass_schema(AcquisitionSettings))
    try:
        AcquisitionSettings.from_dict(acquisition)
    except (ValueError, TypeError) as error:
        raise reader.error("[acquisition]", str(error)) from None
    return surrogate, acquisition


@dataclass(frozen=True)
class CampaignConfig:
    """A campaign: what to optimise (``objectives``, ``constraints``), over which candidates (``pool``), with which
    prior labels (``warm_start``), model (``surrogate``), chooser (``acquisition``), batch size, budget (labelled
    candidates, see :meth:`~polyloop.design.campaign.Campaign.remaining_budget`) and seed; plus ``simulation`` and
    ``executor`` for the MD-labelled loop. ``source`` is the TOML text it was read from, ``base_dir`` the folder its
    relative paths were resolved against."""

    name: str
    objectives: tuple[Objective, ...]
    constraints: tuple[OutcomeConstraint, ...] = ()
    pool: dict = field(default_factory=lambda: {"dataset": "pi1070"})
    batch_size: int = 10
    budget: int = 100
    seed: int = 0
    warm_start: dict = field(default_factory=dict)
    surrogate: dict = field(default_factory=dict)
    acquisition: dict = field(default_factory=dict)
    simulation: dict = field(default_factory=dict)
    executor: dict = field(default_factory=dict)
    source: str = ""
    base_dir: str = "."
    description: str = ""

    @classmethod
    def from_toml(cls, path_or_text: str | Path, base_dir: str | Path | None = None) -> CampaignConfig:
        """Read a campaign from a TOML file (a :class:`~pathlib.Path`, a string ending in ``.toml`` or naming a file)
        or from TOML text (relative paths then resolve against ``base_dir``, default the working folder).

        Raises :class:`ConfigError` for a missing file, invalid TOML, an unknown section or key, a wrong type or a
        value out of range; the message names the file and the key.
        """
        is_path = isinstance(path_or_text, Path) or (
            "\n" not in path_or_text and (path_or_text.endswith(".toml") or Path(path_or_text).is_file()))
        if is_path:
            path = Path(path_or_text)
            if not path.is_file():
                raise ConfigError(f"campaign file {str(path)!r} does not exist")
            text, origin = path.read_text(), str(path)
            base = Path(base_dir) if base_dir is not None else path.resolve().parent
        else:
            text, origin = str(path_or_text), "<campaign TOML>"
            base = Path(base_dir) if base_dir is not None else Path.cwd()
        reader = _Reader(origin, base.resolve())
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{origin}: not valid TOML: {error}") from None
        unknown = [s for s in data if s not in _SECTIONS]
        if unknown:
            raise reader.error(f"[{unknown[0]}]", f"unknown section; allowed sections: {list(_SECTIONS)}")
        campaign = reader.table(data, "campaign", _CAMPAIGN)
        if not campaign.get("name", "").strip():
            raise reader.error("[campaign] name", "missing; every campaign needs a name (name = \"...\")")
        for key in ("batch_size", "budget"):
            reader.positive(campaign, key, "campaign")
        reader.positive(campaign, "seed", "campaign", minimum=0)
        objectives, constraints = _read_objectives(reader, data)
        surrogate, acquisition = _read_settings(reader, data)
        simulation = reader.table(data, "simulation", _SIMULATION, open_ended=True)
        executor = reader.table(data, "executor", _EXECUTOR, open_ended=True)
        if "kind" in executor and executor["kind"] not in EXECUTOR_KINDS:
            raise reader.error("[executor] kind", f"must be one of {list(EXECUTOR_KINDS)}, got {executor['kind']!r}")
        for key in ("max_pending", "workers"):
            reader.positive(executor, key, "executor")
        for key in ("retries", "threads"):
            reader.positive(executor, key, "executor", minimum=0)
        return cls(name=campaign["name"].strip(), objectives=objectives, constraints=constraints,
                   pool=_read_pool(reader, data), batch_size=campaign.get("batch_size", 10),
                   budget=campaign.get("budget", 100), seed=campaign.get("seed", 0),
                   warm_start=_read_warm_start(reader, data), surrogate=surrogate, acquisition=acquisition,
                   simulation=simulation, executor=executor, source=text, base_dir=str(reader.base_dir),
                   description=campaign.get("description", ""))

    def objective_properties(self) -> list[str]:
        """The modelled properties: the objectives' then the constraints' (each once, in order)."""
        names = [o.property for o in self.objectives] + [c.property for c in self.constraints]
        return list(dict.fromkeys(names))

    def pool_filter(self) -> PoolFilter:
        """The candidate filter of ``[pool]``."""
        return PoolFilter.from_dict(self.pool)

    def pool_object(self) -> CandidatePool:
        """The candidate pool: a :class:`LibraryPool` for ``library``, an :class:`InMemoryPool` for ``dataset``."""
        if "library" in self.pool:
            return LibraryPool(self.pool["library"], self.pool_filter())
        return InMemoryPool.from_dataset(self.pool["dataset"], self.pool_filter())

    def gp_settings(self) -> GPSettings:
        """The surrogate's fit settings (``[surrogate]`` less ``store_model``); the seed defaults to the campaign's."""
        values = {k: v for k, v in self.surrogate.items() if k != "store_model"}
        return GPSettings(**{"seed": self.seed, **values})

    def acquisition_settings(self):
        """The chooser's :class:`~polyloop.design.acquisition.AcquisitionSettings` from ``[acquisition]``."""
        from polyloop.design.acquisition import AcquisitionSettings

        return AcquisitionSettings.from_dict(self.acquisition)

    @property
    def store_model(self) -> bool:
        """Whether each ``suggest`` stores the fitted model's file in the database (``[surrogate] store_model``)."""
        return bool(self.surrogate.get("store_model", True))
