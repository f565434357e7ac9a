"""GAFF2 atom typing: ordered SMARTS rules read from ``data/gaff2_types.toml``, then conjugation-pair resolution.

Typing happens in three steps.

1. **GAFF view.** The molecule is copied and shown to the rules as GAFF sees it: only *pure* aromatic rings (GAFF's
   AR1: six-membered rings of C/N/P that RDKit finds aromatic and that carry no exocyclic double bond, e.g.
   benzene, pyridine, naphthalene) keep aromatic atoms and bonds; every other ring (pyrrole, furan, thiophene,
   imide rings, pyridones) is written in its Kekule form, so the rules see its single and double bonds.
2. **Rules.** For each atom the rules are tried in file order and the first whose SMARTS matches the atom (as the
   first atom of the pattern) gives its type. An atom that no rule matches raises :class:`TypingError`.
3. **Conjugation pairs.** GAFF splits some types into equivalent pairs (cc/cd, ce/cf, cg/ch, cp/cq, nc/nd, ne/nf,
   pc/pd, pe/pf) so that single and double bonds of a conjugated path get different parameters. The rules give
   the first name of a pair; a breadth-first walk over the bonds between pair-typed atoms then assigns the letters:
   atoms joined by a single bond get the *same* letter (ce-ce, cc-cc, the biphenyl link cp-cp), atoms joined by a
   double, triple or aromatic bond get *different* letters (ce=cf, cc=cd, cg#ch, cp:cq). This is GAFF's
   convention; the equilibrium lengths in gaff-2.11.dat show it (ce-ce 1.457 A is a single bond, ce-cf 1.351 A a
   double bond). Each connected group of pair atoms starts from its lowest atom index with the first letter, so
   the result is deterministic; where a ring makes the walk inconsistent, the first assignment is kept.

A rule file may instead name a ``base`` rule set and list ``[[retype]]`` entries (``from``, ``to``, ``smarts``):
the base types are assigned as above, then each atom of type ``from`` that matches ``smarts`` becomes ``to``
(``gaff2_mod_types.toml``: ``c3`` bonded to F becomes ``c3f``).

Example::

    >>> from rdkit import Chem
    >>> assign_types(Chem.AddHs(Chem.MolFromSmiles("C=CC=C")))
    ['c2', 'ce', 'ce', 'c2', 'ha', 'ha', 'ha', 'ha', 'ha', 'ha']
"""

from __future__ import annotations

import re
import tomllib
from collections import deque
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rdkit import Chem

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.errors import TypingError

__all__ = ["Retype", "RuleSet", "TypingRule", "assign_types", "gaff_view", "load_rules", "type_repeat_unit"]

_MACRO = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FORCE_FIELD_NAMES = {"gaff2": "GAFF2", "gaff2_mod": "GAFF2 (gaff2_mod)"}


@dataclass(frozen=True)
class TypingRule:
    """One typing rule: atoms matching ``smarts`` (as its first atom) get ``type``."""

    type: str
    smarts: str
    description: str
    query: Chem.Mol


@dataclass(frozen=True)
class Retype:
    """A change applied after typing: atoms of type ``source`` matching ``smarts`` (first atom) become ``target``."""

    source: str
    target: str
    smarts: str
    description: str
    query: Chem.Mol


@dataclass(frozen=True)
class RuleSet:
    """An ordered list of rules (first match wins), the conjugation pairs (first name -> second name) and the
    retypes applied, in order, once the types are final."""

    name: str
    rules: tuple[TypingRule, ...]
    pairs: dict[str, str]
    retypes: tuple[Retype, ...] = ()

    def letter(self, atom_type: str) -> tuple[str, int] | None:
        """``(first name of the pair, 0 or 1)`` for a pair type, ``None`` for any other type."""
        if atom_type in self.pairs:
            return atom_type, 0
        for first, second in self.pairs.items():
            if atom_type == second:
                return first, 1
        return None


def _expand(text: str, macros: dict[str, str]) -> str:
    """Replace every ``{NAME}`` in ``text`` by its macro, recursively; an unknown name raises ``KeyError``."""
    for _ in range(10):
        expanded = _MACRO.sub(lambda m: macros[m.group(1)], text)
        if expanded == text:
            return expanded
        text = expanded
    raise ValueError(f"macro expansion does not terminate in {text!r}")


@cache
def load_rules(rules: str = "gaff2") -> RuleSet:
    """Read and compile the rule file ``<rules>_types.toml`` from ``polyloop.simulate.forcefield.data``.

    A file with ``base = "<name>"`` extends that rule set with its ``[[retype]]`` entries. Raises ``ValueError``
    naming the rule whose SMARTS does not compile.
    """
    path = files("polyloop.simulate.forcefield.data").joinpath(f"{rules}_types.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if "base" in data:
        base = load_rules(data["base"])
        macros = dict(tomllib.loads(
            files("polyloop.simulate.forcefield.data").joinpath(f"{data['base']}_types.toml").read_text(encoding="utf-8")
        ).get("macros", {}))
        macros.update(data.get("macros", {}))
        retypes = []
        for entry in data.get("retype", []):
            smarts = _expand(entry["smarts"], macros)
            query = Chem.MolFromSmarts(smarts)
            if query is None:
                raise ValueError(f"retype {entry['from']!r} -> {entry['to']!r} of {rules}: SMARTS {smarts!r} "
                                 "does not compile")
            retypes.append(Retype(entry["from"], entry["to"], smarts, entry.get("description", ""), query))
        return RuleSet(rules, base.rules, base.pairs, base.retypes + tuple(retypes))
    macros = dict(data.get("macros", {}))
    compiled = []
    for entry in data["rule"]:
        smarts = _expand(entry["smarts"], macros)
        query = Chem.MolFromSmarts(smarts)
        if query is None:
            raise ValueError(f"rule {entry['type']!r} of {rules}: SMARTS {smarts!r} does not compile")
        compiled.append(TypingRule(entry["type"], smarts, entry.get("description", ""), query))
    return RuleSet(rules, tuple(compiled), dict(data.get("pairs", {})))


def _pure_aromatic_rings(mol: Chem.Mol) -> list[tuple[int, ...]]:
    """Rings that GAFF calls pure aromatic (AR1): six-membered, all atoms C/N/P and aromatic to RDKit, all ring
    bonds aromatic, and no ring atom with an exocyclic double bond."""
    rings = []
    for ring in mol.GetRingInfo().AtomRings():
        if len(ring) != 6:
            continue
        members = set(ring)
        atoms = [mol.GetAtomWithIdx(i) for i in ring]
        if not all(a.GetIsAromatic() and a.GetAtomicNum() in (6, 7, 15) for a in atoms):
            continue
        ring_bonds = [mol.GetBondBetweenAtoms(i, j) for i, j in zip(ring, ring[1:] + ring[:1])]
        if not all(b is not None and b.GetIsAromatic() for b in ring_bonds):
            continue
        exocyclic_double = any(
            b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtomIdx(a.GetIdx()) not in members
            for a in atoms
            for b in a.GetBonds()
        )
        if not exocyclic_double:
            rings.append(ring)
    return rings


def gaff_view(mol: Chem.Mol) -> Chem.Mol:
    """Copy of ``mol`` in Kekule form where only GAFF's pure aromatic rings stay aromatic (see module docstring)."""
    rings = _pure_aromatic_rings(mol)
    view = Chem.Mol(mol)
    Chem.Kekulize(view, clearAromaticFlags=True)
    for ring in rings:
        for i in ring:
            view.GetAtomWithIdx(i).SetIsAromatic(True)
        for i, j in zip(ring, ring[1:] + ring[:1]):
            bond = view.GetBondBetweenAtoms(i, j)
            bond.SetBondType(Chem.BondType.AROMATIC)
            bond.SetIsAromatic(True)
    view.UpdatePropertyCache(strict=False)
    Chem.GetSymmSSSR(view)
    return view


def _describe(mol: Chem.Mol, index: int, force_field: str) -> str:
    """Error text naming the atom, its element and its neighbours' elements (heavy atoms first)."""
    atom = mol.GetAtomWithIdx(index)
    neighbours = sorted((n.GetSymbol() for n in atom.GetNeighbors()), key=lambda s: (s == "H", s))
    word = "neighbour" if len(neighbours) == 1 else "neighbours"
    listed = f": {', '.join(neighbours)}" if neighbours else ""
    charge = f", charge {atom.GetFormalCharge():+d}" if atom.GetFormalCharge() else ""
    return f"atom {index} ({atom.GetSymbol()}{charge}, {len(neighbours)} {word}{listed}) matches no {force_field} rule"


def _resolve_pairs(view: Chem.Mol, types: list[str], rule_set: RuleSet) -> list[str]:
    """Give each conjugation-pair atom its letter by a breadth-first walk over bonds between pair atoms."""
    letters = {i: rule_set.letter(t) for i, t in enumerate(types)}
    paired = sorted(i for i, pair in letters.items() if pair is not None)
    choice: dict[int, int] = {}
    for start in paired:
        if start in choice:
            continue
        choice[start] = 0
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for bond in view.GetAtomWithIdx(current).GetBonds():
                other = bond.GetOtherAtomIdx(current)
                if letters[other] is None or other in choice:
                    continue
                single = bond.GetBondType() == Chem.BondType.SINGLE
                choice[other] = choice[current] if single else 1 - choice[current]
                queue.append(other)
    result = list(types)
    for i, letter in choice.items():
        first, _ = letters[i]
        result[i] = first if letter == 0 else rule_set.pairs[first]
    return result


def assign_types(mol: Chem.Mol, rules: str = "gaff2") -> list[str]:
    """GAFF2 (or ``rules``) atom type of every atom of ``mol``, in atom-index order.

    ``mol`` must be a sanitized RDKit molecule with **explicit hydrogens** (call ``Chem.AddHs`` first; hydrogens
    left implicit are not typed and change nothing else) and no dummy atoms. ``rules`` names the rule file
    ``<rules>_types.toml``. Raises :class:`TypingError` for an atom that matches no rule, naming its index,
    element and neighbours.
    """
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() == 0:
            raise TypingError(f"atom {atom.GetIdx()} is a dummy atom '*'; type a capped molecule instead")
    rule_set = load_rules(rules)
    view = gaff_view(mol)
    types: list[str | None] = [None] * mol.GetNumAtoms()
    for rule in rule_set.rules:
        for match in view.GetSubstructMatches(rule.query, uniquify=False, maxMatches=100000):
            if types[match[0]] is None:
                types[match[0]] = rule.type
        if all(t is not None for t in types):
            break
    force_field = _FORCE_FIELD_NAMES.get(rules, rules)
    for index, atom_type in enumerate(types):
        if atom_type is None:
            raise TypingError(_describe(mol, index, force_field))
    result = _resolve_pairs(view, types, rule_set)  # type: ignore[arg-type]
    for retype in rule_set.retypes:
        matched = {match[0] for match in view.GetSubstructMatches(retype.query, uniquify=False, maxMatches=100000)}
        result = [retype.target if i in matched and t == retype.source else t for i, t in enumerate(result)]
    return result


def type_repeat_unit(unit: RepeatUnit, rules: str = "gaff2") -> list[str]:
    """GAFF2 types of the atoms of a polymer repeat unit in periodic (chain) context.

    The unit is typed as the middle copy of a hydrogen-capped trimer, so its connection atoms see real chain
    neighbours. The result is aligned with ``Chem.AddHs(unit.mol)`` **with the two stars left out**: entry ``k``
    is the type of the ``k``-th non-dummy atom of ``Chem.AddHs(unit.mol)`` in atom-index order (heavy atoms
    first, in ``unit.mol`` order, then the hydrogens that ``AddHs`` appends).
    """
    trimer = capped_oligomer(unit, 3, cap="H", conformer=False)  # atoms carry "unit_atom" and "copy"
    trimer_types = assign_types(trimer, rules)

    heavy_type: dict[int, str] = {}
    hydrogen_type: dict[int, str] = {}
    for atom in trimer.GetAtoms():
        if atom.GetAtomicNum() == 1 or not atom.HasProp("copy") or atom.GetIntProp("copy") != 1:
            continue
        source = atom.GetIntProp("unit_atom")
        heavy_type[source] = trimer_types[atom.GetIdx()]
        for neighbour in atom.GetNeighbors():
            if neighbour.GetAtomicNum() == 1:
                hydrogen_type[source] = trimer_types[neighbour.GetIdx()]

    with_h = Chem.AddHs(unit.mol)
    result = []
    for atom in with_h.GetAtoms():
        if atom.GetAtomicNum() == 0:
            continue
        if atom.GetAtomicNum() == 1:
            (parent,) = atom.GetNeighbors()
            result.append(hydrogen_type[parent.GetIdx()])
        else:
            result.append(heavy_type[atom.GetIdx()])
    return result
