"""Presets of the MD protocol: TOML files (``quick``, ``standard``, ``tiny``) with user overrides.

A preset is plain data: sections ``system``, ``conditions``, ``engine``, ``minimize``, ``anneal``, ``sample``,
``nemd``, ``qm``, ``harmonic`` (see ``simulate/protocol/data/quick.toml`` for every field and its unit). Overrides
are ``"section.field=value"`` strings; the value is read as TOML (``sample.ps=100``, ``system.charges="resp"`` or
``system.charges=resp``, ``qm.oligomers=[1,2]``). An override may only replace a field the preset has, so a typo is an
error rather than a silently ignored setting.
"""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from polyloop.simulate.errors import SimulateError

__all__ = ["PresetError", "apply_overrides", "available_presets", "load_preset", "parse_override"]


class PresetError(SimulateError):
    """A preset file is missing or malformed, or an override names a field the preset does not have."""


_REQUIRED = ("system", "conditions", "engine", "minimize", "anneal", "sample", "nemd", "qm", "harmonic")


def available_presets() -> list[str]:
    """Names of the presets shipped with polyloop."""
    folder = resources.files("polyloop.simulate.protocol.data")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(name_or_path: str | Path) -> dict[str, Any]:
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        text = path.read_text()
    else:
        source = resources.files("polyloop.simulate.protocol.data") / f"{name_or_path}.toml"
        if not source.is_file():
            raise PresetError(f"unknown preset {str(name_or_path)!r}: use one of {available_presets()} "
                              "or the path of a .toml file")
        text = source.read_text()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PresetError(f"preset {str(name_or_path)!r} is not valid TOML: {error}") from None


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``"section.field=value"`` into the key path and the TOML-parsed value (bare words stay strings)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise PresetError(f"override {text!r} is not of the form section.field=value")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return [part.strip() for part in key.split(".")], value


def apply_overrides(preset: dict[str, Any], overrides: list[str] | dict[str, Any] | None) -> dict[str, Any]:
    """A copy of ``preset`` with ``overrides`` applied (strings ``"a.b=v"`` or a mapping ``{"a.b": v}``)."""
    result = copy.deepcopy(preset)
    items = overrides.items() if isinstance(overrides, dict) else [parse_override(o) for o in overrides or []]
    for key, value in items:
        path = key.split(".") if isinstance(key, str) else key
        node = result
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):
                raise PresetError(f"override {'.'.join(path)!r}: the preset has no section {part!r}")
            node = node[part]
        if path[-1] not in node:
            raise PresetError(f"override {'.'.join(path)!r}: the preset has no field {path[-1]!r} "
                              f"(fields: {sorted(node)})")
        old = node[path[-1]]
        if isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if old is not None and type(old) is not type(value):
            raise PresetError(f"override {'.'.join(path)!r}: expected {type(old).__name__}, "
                              f"got {type(value).__name__} {value!r}")
        node[path[-1]] = value
    return result


def load_preset(name_or_path: str | Path = "quick", overrides: list[str] | dict[str, Any] | None = None
                ) -> dict[str, Any]:
    """The preset ``name_or_path`` (a shipped name or a .toml path) with ``overrides`` applied, validated."""
    preset = apply_overrides(_read(name_or_path), overrides)
    missing = [section for section in _REQUIRED if section not in preset]
    if missing:
        raise PresetError(f"preset {str(name_or_path)!r} lacks the sections {missing}")
    for index, segment in enumerate(preset["anneal"]["segments"]):
        if segment.get("ensemble") not in ("nvt", "npt") or segment.get("ps", 0) <= 0:
            raise PresetError(f"anneal segment {index} needs ensemble nvt|npt and ps > 0, got {segment}")
        if segment["ensemble"] == "npt" and "pressure" not in segment:
            raise PresetError(f"anneal segment {index} is NPT but has no pressure: {segment}")
    if preset["engine"]["timestep_fs"] <= 0 or preset["sample"]["ps"] <= 0:
        raise PresetError("engine.timestep_fs and sample.ps must be positive")
    return preset
