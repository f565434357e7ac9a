"""GAFF2 force-field parameters, read from the project's data file ``data/gaff2.json``.

``ForceField.load("gaff2")`` returns an immutable, cached parameter set; its methods answer per atom type
(GAFF2 lower-case names such as ``"c3"``, ``"ca"``, ``"hc"``). Units and energy conventions are AMBER's
(the JSON's ``meta`` block records them):

* bond ``E = k (r - r0)^2`` and angle ``E = k (theta - theta0)^2`` -- no factor 1/2;
  ``k`` in kcal/mol/A^2 resp. kcal/mol/rad^2, ``r0`` in A, ``theta0`` in degrees;
* dihedral ``E = sum_terms (pk / idivf) [1 + cos(n phi - phase)]``, pk in kcal/mol, phase in degrees;
* improper ``E = pk [1 + cos(n phi - phase)]`` with the central atom third (pk not divided);
* Lennard-Jones ``E = eps [(Rmin/r)^12 - 2 (Rmin/r)^6]``, ``sigma = Rmin / 2^(1/6)``, Lorentz-Berthelot mixing.

``ForceField.load("gaff2_mod")`` is GAFF2 with an overlay (``data/gaff2_mod.toml``: the ``c3f`` type and its
torsions from Trag & Zahn, J. Mol. Model. 25:39 (2019)) merged in; overlay entries win.

Every result carries ``source`` ("exact", "wildcard" or "empirical") and ``key`` (the table entry used) so that
callers can record the provenance of each parameter.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import permutations
from types import MappingProxyType
from typing import Any

from polyloop.simulate.errors import ParameterError
from polyloop.simulate.forcefield.empirical import estimate_angle

WILDCARD = "X"
_RMIN_TO_SIGMA = 2.0 ** (-1.0 / 6.0)


@dataclass(frozen=True)
class BondParameter:
    """Harmonic bond ``E = k (r - r0)^2``: k in kcal/mol/A^2, r0 in A."""

    k: float
    r0: float
    source: str
    key: str


@dataclass(frozen=True)
class AngleParameter:
    """Harmonic angle ``E = k (theta - theta0)^2``: k in kcal/mol/rad^2, theta0 in degrees."""

    k: float
    theta0: float
    source: str
    key: str


@dataclass(frozen=True)
class DihedralTerm:
    """One Fourier term ``(pk / idivf) [1 + cos(periodicity phi - phase)]`` of a proper dihedral."""

    idivf: int
    pk: float
    phase: float
    periodicity: int
    source: str
    key: str

    @property
    def barrier(self) -> float:
        """The effective amplitude ``pk / idivf`` in kcal/mol."""
        return self.pk / self.idivf


@dataclass(frozen=True)
class ImproperParameter:
    """Improper ``E = pk [1 + cos(periodicity phi - phase)]``; ``order`` lists the four types in the order the
    matched entry applies them (central atom third)."""

    pk: float
    phase: float
    periodicity: int
    source: str
    key: str
    order: tuple[str, str, str, str]


def _linear_key(types: tuple[str, ...]) -> str:
    """Direction-independent key of a bond, angle or dihedral: the smaller of forward and reversed."""
    return "-".join(min(types, types[::-1]))


@dataclass(frozen=True)
class ForceField:
    """An immutable set of GAFF-family parameters; build it with :meth:`ForceField.load`."""

    name: str
    meta: Mapping[str, Any]
    atom_types: Mapping[str, Mapping[str, Any]]
    lj_table: Mapping[str, tuple[float, float]]
    bonds: Mapping[str, tuple[float, float]]
    angles: Mapping[str, tuple[float, float]]
    dihedral_table: Mapping[str, tuple[tuple[int, float, float, int], ...]]
    impropers: Mapping[str, tuple[float, float, int]]

    @classmethod
    def load(cls, name: str = "gaff2") -> ForceField:
        """Load the parameter set ``name`` (``data/<name>.json``, or the overlay ``data/<name>.toml`` merged into
        its ``base``, in package data); cached per name."""
        return _load(name)

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> ForceField:
        """Build a force field from the JSON structure written by ``scripts/convert_gaff2.py``."""
        return cls(
            name=name,
            meta=MappingProxyType(dict(data["meta"])),
            atom_types=MappingProxyType({t: MappingProxyType(v) for t, v in data["atom_types"].items()}),
            lj_table=MappingProxyType({t: (float(r), float(e)) for t, (r, e) in data["lj"].items()}),
            bonds=MappingProxyType({k: (float(a), float(b)) for k, (a, b) in data["bonds"].items()}),
            angles=MappingProxyType({k: (float(a), float(b)) for k, (a, b) in data["angles"].items()}),
            dihedral_table=MappingProxyType(
                {
                    k: tuple((int(i), float(p), float(ph), int(n)) for i, p, ph, n in terms)
                    for k, terms in data["dihedrals"].items()
                }
            ),
            impropers=MappingProxyType(
                {k: (float(p), float(ph), int(n)) for k, (p, ph, n) in data["impropers"].items()}
            ),
        )

    # -- atoms -------------------------------------------------------------------------------------------------

    def mass(self, t: str) -> float:
        """Atomic mass of type ``t`` in g/mol."""
        try:
            return float(self.atom_types[t]["mass"])
        except KeyError:
            raise ParameterError(f"atom type {t!r} is not defined in {self.name}") from None

    def lj(self, t: str) -> tuple[float, float]:
        """Lennard-Jones ``(epsilon_kcal_mol, sigma_A)`` of type ``t``; ``sigma = 2 (Rmin/2) / 2^(1/6)``."""
        try:
            rmin_half, epsilon = self.lj_table[t]
        except KeyError:
            raise ParameterError(f"no Lennard-Jones parameters for atom type {t!r} in {self.name}") from None
        return epsilon, 2.0 * rmin_half * _RMIN_TO_SIGMA

    # -- bonds and angles --------------------------------------------------------------------------------------

    def bond_length(self, t1: str, t2: str) -> float | None:
        """Tabulated equilibrium length (A) of the bond ``t1-t2``, or None when it is not tabulated."""
        entry = self.bonds.get(_linear_key((t1, t2)))
        return None if entry is None else entry[1]

    def bond(self, t1: str, t2: str) -> BondParameter:
        """Bond parameters of ``t1-t2`` (either order); raises :class:`ParameterError` when missing."""
        key = _linear_key((t1, t2))
        try:
            k, r0 = self.bonds[key]
        except KeyError:
            raise ParameterError(f"no bond parameters for {t1}-{t2} in {self.name} (no empirical fallback)") from None
        return BondParameter(k=k, r0=r0, source="exact", key=key)

    def tabulated_angle(self, t1: str, t2: str, t3: str) -> tuple[float, float] | None:
        """Tabulated ``(k, theta0_deg)`` of ``t1-t2-t3`` (either direction), or None; never estimated."""
        return self.angles.get(_linear_key((t1, t2, t3)))

    def angle(self, t1: str, t2: str, t3: str) -> AngleParameter:
        """Angle parameters of ``t1-t2-t3`` (``t2`` central, either direction).

        A tabulated angle comes back with ``source="exact"``. A missing one is estimated with GAFF's empirical
        rule (:func:`polyloop.simulate.forcefield.empirical.estimate_angle`:
        ``theta0 = (theta0_iji + theta0_kjk) / 2`` and
        ``K = 143.9 Z_i C_j Z_k exp(-2D) / ((r_ij + r_jk) theta0^0.5)``) with ``source="empirical"``;
        :class:`ParameterError` when even that is impossible.
        """
        key = _linear_key((t1, t2, t3))
        entry = self.angles.get(key)
        if entry is not None:
            return AngleParameter(k=entry[0], theta0=entry[1], source="exact", key=key)
        try:
            k, theta0 = estimate_angle(self, t1, t2, t3)
        except ParameterError as exc:
            raise ParameterError(f"no angle parameters for {t1}-{t2}-{t3} in {self.name}; {exc}") from exc
        return AngleParameter(k=k, theta0=theta0, source="empirical", key=key)

    # -- torsions ----------------------------------------------------------------------------------------------

    def dihedrals(self, t1: str, t2: str, t3: str, t4: str) -> list[DihedralTerm]:
        """All Fourier terms of the proper dihedral ``t1-t2-t3-t4``.

        Exact match (either direction) first, ``source="exact"``; else the wildcard ``X-t2-t3-X``,
        ``source="wildcard"``. ``E = sum (pk / idivf) [1 + cos(n phi - phase)]``. Raises
        :class:`ParameterError` when neither exists.
        """
        for source, types in (("exact", (t1, t2, t3, t4)), ("wildcard", (WILDCARD, t2, t3, WILDCARD))):
            key = _linear_key(types)
            terms = self.dihedral_table.get(key)
            if terms is not None:
                return [
                    DihedralTerm(idivf=i, pk=pk, phase=ph, periodicity=n, source=source, key=key)
                    for i, pk, ph, n in terms
                ]
        raise ParameterError(
            f"no dihedral parameters for {t1}-{t2}-{t3}-{t4} in {self.name}: "
            f"neither the exact entry nor X-{t2}-{t3}-X exists"
        )

    def improper(self, t1: str, t2: str, t3: str, t4: str) -> ImproperParameter | None:
        """Improper parameters with ``t3`` the central atom, or None when none applies (as in LEaP).

        The outer types ``t1, t2, t4`` are tried sorted by type name first, then in every other arrangement,
        in this order of specificity: exact ``a-b-t3-c``; one wildcard ``X-b-t3-c``; two wildcards ``X-X-t3-c``.
        ``source`` is "exact" or "wildcard"; ``order`` gives the types in the order of the matched entry.
        """
        outer = sorted((t1, t2, t4))
        arrangements = list(dict.fromkeys(permutations(outer)))
        for n_wild in (0, 1, 2):
            for a, b, c in arrangements:
                key = "-".join((WILDCARD,) * n_wild + (a, b)[n_wild:] + (t3, c))
                entry = self.impropers.get(key)
                if entry is not None:
                    return ImproperParameter(
                        pk=entry[0],
                        phase=entry[1],
                        periodicity=entry[2],
                        source="exact" if n_wild == 0 else "wildcard",
                        key=key,
                        order=(a, b, t3, c),
                    )
        return None


def _overlay(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` (the gaff2.json structure) with the tables of an overlay TOML merged in; overlay entries win.

    ``[types.<t>]`` gives ``mass``, ``epsilon`` (kcal/mol) and ``sigma`` (A) of a new type and ``like``, the base
    type whose other fields it shares; sigma is stored as GAFF's ``Rmin/2 = sigma 2^(1/6) / 2``.
    """
    data = {key: dict(value) if isinstance(value, Mapping) else value for key, value in base.items()}
    for t, entry in overlay.get("types", {}).items():
        like = dict(data["atom_types"].get(entry.get("like", ""), {}))
        like.update(mass=entry["mass"], description=entry.get("description", like.get("description", "")))
        data["atom_types"][t] = like
        data["lj"][t] = [entry["sigma"] / (2.0 * _RMIN_TO_SIGMA), entry["epsilon"]]
    for table in ("bonds", "angles", "dihedrals", "impropers"):
        data[table].update(overlay.get(table, {}))
    data["meta"].update(description=overlay.get("description", data["meta"].get("description")),
                        base=overlay["base"])
    return data


@cache
def _load(name: str) -> ForceField:
    """Read ``data/<name>.json``, or ``data/<name>.toml`` merged into its base, from package data once per process."""
    package = files("polyloop.simulate.forcefield.data")
    resource = package.joinpath(f"{name}.json")
    if resource.is_file():
        return ForceField.from_dict(name, json.loads(resource.read_text(encoding="utf-8")))
    overlay = package.joinpath(f"{name}.toml")
    if not overlay.is_file():
        raise ParameterError(
            f"unknown force field {name!r}: no {name}.json or {name}.toml in polyloop.simulate.forcefield.data"
        )
    table = tomllib.loads(overlay.read_text(encoding="utf-8"))
    base_resource = package.joinpath(f"{table['base']}.json")
    data = _overlay(json.loads(base_resource.read_text(encoding="utf-8")), table)
    data["meta"]["name"] = name
    return ForceField.from_dict(name, data)
