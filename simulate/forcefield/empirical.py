"""GAFF's empirical rule for angle-bending parameters missing from the force field.

Wang, Wolf, Caldwell, Kollman and Case, *J. Comput. Chem.* 25:1157-1174 (2004) estimate a missing angle
``i-j-k`` from tabulated quantities:

* equilibrium angle: ``theta0_ijk = (theta0_iji + theta0_kjk) / 2`` (the mean of the two symmetric angles);
* force constant (kcal/mol/rad^2, AMBER convention ``E = K (theta - theta0)^2``)::

      K_ijk = 143.9 Z_i C_j Z_k exp(-2 D) / ((r_ij + r_jk) theta0^p),   D = (r_ij - r_jk)^2 / (r_ij + r_jk)^2

  with ``r`` the equilibrium bond lengths (A), ``theta0`` in radians, ``Z`` an element parameter of the end atoms
  and ``C`` one of the central atom. The exponent ``p`` = 0.5 is the one that reproduces GAFF's tabulated
  constants (see ``data/gaff_angle_rule.toml``, which holds the element table and constants).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Protocol

from polyloop.simulate.errors import ParameterError


@dataclass(frozen=True)
class ElementAngleParameters:
    """Element parameters of the rule: ``z`` for end atoms, ``c`` for the centre (None: cannot be a centre)."""

    mass: float
    z: float
    c: float | None


@dataclass(frozen=True)
class AngleRule:
    """Constants of the empirical angle rule, read from ``gaff_angle_rule.toml``."""

    prefactor: float
    theta_exponent: float
    mass_tolerance: float
    elements: Mapping[str, ElementAngleParameters]

    def element_of(self, mass: float) -> str | None:
        """The element whose standard mass is within ``mass_tolerance`` of ``mass``, or None."""
        for symbol, params in self.elements.items():
            if abs(params.mass - mass) <= self.mass_tolerance:
                return symbol
        return None


@lru_cache(maxsize=1)
def load_angle_rule() -> AngleRule:
    """Read the rule's constants and element table from package data (cached)."""
    path = files("polyloop.simulate.forcefield.data").joinpath("gaff_angle_rule.toml")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    elements = {
        symbol: ElementAngleParameters(mass=float(v["mass"]), z=float(v["z"]), c=v.get("c"))
        for symbol, v in raw["elements"].items()
    }
    return AngleRule(
        prefactor=float(raw["prefactor"]),
        theta_exponent=float(raw["theta_exponent"]),
        mass_tolerance=float(raw["mass_tolerance"]),
        elements=MappingProxyType(elements),
    )


def angle_force_constant(
    z_i: float,
    c_j: float,
    z_k: float,
    r_ij: float,
    r_jk: float,
    theta0_deg: float,
    prefactor: float = 143.9,
    theta_exponent: float = 0.5,
) -> float:
    """Empirical angle force constant ``K = A Z_i C_j Z_k exp(-2D) / ((r_ij + r_jk) theta0^p)``.

    ``D = (r_ij - r_jk)^2 / (r_ij + r_jk)^2``; lengths in A, ``theta0_deg`` in degrees (converted to radians
    inside), result in kcal/mol/rad^2 in the AMBER convention (no factor 1/2).
    """
    total = r_ij + r_jk
    d = (r_ij - r_jk) ** 2 / total**2
    return prefactor * z_i * c_j * z_k * math.exp(-2.0 * d) / (total * math.radians(theta0_deg) ** theta_exponent)


class _Tables(Protocol):
    """What the estimate needs from a force field: masses, bonds and tabulated (never estimated) angles."""

    name: str

    def mass(self, t: str) -> float: ...

    def bond_length(self, t1: str, t2: str) -> float | None: ...

    def tabulated_angle(self, t1: str, t2: str, t3: str) -> tuple[float, float] | None: ...


def estimate_angle(ff: _Tables, t1: str, t2: str, t3: str) -> tuple[float, float]:
    """Estimate ``(k, theta0_deg)`` of the angle ``t1-t2-t3`` with GAFF's empirical rule.

    ``theta0 = (theta0(t1-t2-t1) + theta0(t3-t2-t3)) / 2`` and ``k`` from :func:`angle_force_constant` with
    the tabulated bond lengths ``t1-t2`` and ``t2-t3``. Raises :class:`ParameterError` naming the angle and
    the missing ingredient when the rule cannot be applied.
    """
    rule = load_angle_rule()
    t1, t3 = min((t1, t3), (t3, t1))  # evaluate in one canonical direction: the result is order-independent
    label = f"{t1}-{t2}-{t3}"
    elements = []
    for t in (t1, t2, t3):
        element = rule.element_of(ff.mass(t))
        if element is None:
            raise ParameterError(
                f"cannot estimate angle {label} ({ff.name}) with the empirical rule: "
                f"no element parameters for type {t!r}"
            )
        elements.append(rule.elements[element])
    centre = elements[1]
    if centre.c is None:
        raise ParameterError(
            f"cannot estimate angle {label} ({ff.name}) with the empirical rule: the element of the central "
            f"type {t2!r} has no centre parameter C"
        )
    lengths = []
    for a, b in ((t1, t2), (t2, t3)):
        r = ff.bond_length(a, b)
        if r is None:
            raise ParameterError(
                f"cannot estimate angle {label} ({ff.name}) with the empirical rule: bond {a}-{b} is not tabulated"
            )
        lengths.append(r)
    thetas = []
    for end in (t1, t3):
        sym = ff.tabulated_angle(end, t2, end)
        if sym is None:
            raise ParameterError(
                f"cannot estimate angle {label} ({ff.name}) with the empirical rule: angle {end}-{t2}-{end} "
                "(needed for theta0) is not tabulated"
            )
        thetas.append(sym[1])
    theta0 = 0.5 * (thetas[0] + thetas[1])
    k = angle_force_constant(
        elements[0].z, centre.c, elements[2].z, lengths[0], lengths[1], theta0, rule.prefactor, rule.theta_exponent
    )
    return k, theta0
