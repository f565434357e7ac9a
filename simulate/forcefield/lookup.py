"""The parameter-lookup policy: exact entries first, then documented fallbacks, each one recorded.

For every bonded term the order is:

1. the exact (or table-wildcard) entry of the force field;
2. the same term with atom types replaced by their equivalents (``data/gaff2_equivalents.toml``: GAFF2's newer
   nitrogen types fall back to the classic ones, as AMBER's parmchk does);
3. for angles only, GAFF's empirical rule (:mod:`~polyloop.simulate.forcefield.empirical`).

Anything other than an exact entry is appended to :attr:`ParameterLookup.fallbacks` as a readable line. A term that
no step can supply raises :class:`~polyloop.simulate.errors.ParameterError` naming the types, except proper
dihedrals, which get zero energy (recorded), and impropers, which are simply absent (as in LEaP).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from polyloop.simulate.errors import ParameterError
from polyloop.simulate.forcefield.parameters import (
    AngleParameter,
    BondParameter,
    DihedralTerm,
    ForceField,
    ImproperParameter,
)

__all__ = ["ParameterLookup", "equivalent_types"]


@cache
def equivalent_types(name: str = "gaff2") -> dict[str, str]:
    """The equivalence table of a force field (type → classic type)."""
    resource = files("polyloop.simulate.forcefield.data").joinpath(f"{name}_equivalents.toml")
    if not resource.is_file():
        return {}
    return dict(tomllib.loads(resource.read_text())["equivalents"])


@dataclass
class ParameterLookup:
    """Bonded-parameter lookups on a :class:`ForceField` with the fallback policy of this module."""

    forcefield: ForceField
    fallbacks: list[str] = field(default_factory=list)

    def _equivalent(self, names: tuple[str, ...]) -> tuple[str, ...] | None:
        table = equivalent_types(self.forcefield.name.split("_")[0])
        mapped = tuple(table.get(n, n) for n in names)
        return mapped if mapped != names else None

    def _note(self, kind: str, names: tuple[str, ...], how: str) -> None:
        self.fallbacks.append(f"{kind} {'-'.join(names)}: {how}")

    def bond(self, t1: str, t2: str) -> BondParameter:
        """Harmonic bond parameters (exact, else equivalent types)."""
        try:
            return self.forcefield.bond(t1, t2)
        except ParameterError:
            mapped = self._equivalent((t1, t2))
            if mapped is None:
                raise
            found = self.forcefield.bond(*mapped)
            self._note("bond", (t1, t2), f"equivalent types {'-'.join(mapped)}")
            return found

    def angle(self, t1: str, t2: str, t3: str) -> AngleParameter:
        """Harmonic angle parameters (exact, equivalent types, else GAFF's empirical rule)."""
        names = (t1, t2, t3)
        if self.forcefield.tabulated_angle(*names) is not None:
            return self.forcefield.angle(*names)
        mapped = self._equivalent(names)
        if mapped is not None and self.forcefield.tabulated_angle(*mapped) is not None:
            self._note("angle", names, f"equivalent types {'-'.join(mapped)}")
            return self.forcefield.angle(*mapped)
        try:
            found = self.forcefield.angle(*names)
        except ParameterError:
            if mapped is None:
                raise
            found = self.forcefield.angle(*mapped)
        self._note("angle", names, f"{found.source} rule, k={found.k:.2f} kcal/mol/rad², θ0={found.theta0:.2f}°")
        return found

    def dihedrals(self, t1: str, t2: str, t3: str, t4: str) -> list[DihedralTerm]:
        """Proper-dihedral terms (exact, table wildcard, equivalent types, else none: zero energy)."""
        names = (t1, t2, t3, t4)
        for candidate, how in [(names, None), (self._equivalent(names), "equivalent types")]:
            if candidate is None:
                continue
            try:
                terms = self.forcefield.dihedrals(*candidate)
            except ParameterError:
                continue
            if how:
                self._note("dihedral", names, f"{how} {'-'.join(candidate)} ({terms[0].key})")
            elif terms and terms[0].source != "exact":
                self._note("dihedral", names, f"{terms[0].source} entry {terms[0].key}")
            return terms
        self._note("dihedral", names, "no parameter, zero energy")
        return []

    def improper(self, t1: str, t2: str, t3: str, t4: str) -> ImproperParameter | None:
        """Improper parameters with ``t3`` central (exact or table wildcard, then equivalent types), or None."""
        names = (t1, t2, t3, t4)
        found = self.forcefield.improper(*names)
        mapped = self._equivalent(names)
        if found is None and mapped is not None:
            found = self.forcefield.improper(*mapped)
            if found is not None:
                self._note("improper", names, f"equivalent types, entry {found.key}")
                return found
        if found is not None and found.source != "exact":
            self._note("improper", names, f"{found.source} entry {found.key}")
        return found
