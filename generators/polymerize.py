"""Rule-based polymerisation: monomers to repeat units by reaction rules written as data (``data/reactions.toml``).

Each monomer is matched to **roles** (diol, diacid, diamine, vinyl, lactone, ...) by counting its functional groups.
A rule **activates** each monomer: reaction SMARTS turn every functional group into its part of the linkage and mark
the bond to the next residue with ``*`` (a diacid ``HOOC-R-COOH`` becomes ``*C(=O)-R-C(=O)*``, a diol ``*O-R-O*``).
The repeat unit is the residue of monomer A joined to that of monomer B at one star each (step growth), or the
residue of a single monomer (chain growth, ring opening, AB and self-condensation monomers).

:func:`rule_table` enumerates every product of the SMiPoly monomer set (``data/smipoly_monomers.csv``, BSD-3) and
classifies it; the table is cached as ``data/rule_products.csv.gz``. :class:`RuleGenerator` walks the products of
one class in a seeded random order.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from rdkit import Chem
from rdkit.Chem import AllChem
from rdkit.Chem.rdChemReactions import ChemicalReaction

from polyloop.generators.base import GeneratorError, Proposal
from polyloop.library.classes import classify
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.parsing import parse_repeat_unit, quiet_rdkit
from polyloop.library.repeat_unit import canonicalize

__all__ = ["Reaction", "Role", "RuleGenerator", "cached_rule_table", "enumerate_products", "load_monomers",
           "monomer_roles", "polymerize", "reactions", "residue", "rule_table"]

RULE_TABLE = "rule_products.csv.gz"


@dataclass(frozen=True)
class Role:
    """A monomer role: ``count`` non-overlapping matches of the functional group ``smarts``."""

    name: str
    smarts: str
    count: int
    reagents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reaction:
    """A polymerisation rule (see ``data/reactions.toml``)."""

    id: str
    polymer_class: str
    kind: str  # "step", "self" or "chain"
    roles: tuple[str, ...]
    activate: tuple[str, ...]


@cache
def _rules() -> tuple[dict[str, Role], dict[str, Reaction]]:
    data = tomllib.loads(resources.files("polyloop.generators.data").joinpath("reactions.toml").read_text())
    roles = {name: Role(name, r["smarts"], int(r["count"]), tuple(r.get("reagents", ()))) for name, r in
             data["roles"].items()}
    table = {}
    for r in data["reactions"]:
        reaction = Reaction(r["id"], r["class"], r["kind"], tuple(r["roles"]), tuple(r["activate"]))
        unknown = [name for name in reaction.roles if name not in roles]
        expected = {"step": 2, "self": 2, "chain": 1}.get(reaction.kind)
        if unknown or expected is None or len(reaction.activate) != expected:
            raise GeneratorError(f"reaction {reaction.id!r} in reactions.toml is malformed: kind {reaction.kind!r}, "
                                 f"{len(reaction.activate)} activations, unknown roles {unknown}")
        table[reaction.id] = reaction
    return roles, table


def reactions() -> dict[str, Reaction]:
    """All polymerisation rules by id, in file order."""
    return _rules()[1]


@cache
def _query(smarts: str) -> Chem.Mol:
    query = Chem.MolFromSmarts(smarts)
    if query is None:
        raise GeneratorError(f"invalid SMARTS in reactions.toml: {smarts!r}")
    return query


@cache
def _reaction(smarts: str) -> ChemicalReaction:
    return AllChem.ReactionFromSmarts(smarts)


def monomer_roles(smiles: str) -> frozenset[str]:
    """Roles the monomer ``smiles`` can take (functional-group counts as in ``reactions.toml``)."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise GeneratorError(f"not a valid monomer SMILES: {smiles!r}")
    return frozenset(name for name, role in _rules()[0].items()
                     if len(mol.GetSubstructMatches(_query(role.smarts))) == role.count)


def _apply(smarts: str, mol: Chem.Mol) -> Chem.Mol | None:
    with quiet_rdkit():
        products = _reaction(smarts).RunReactants((mol,))
        for (product,) in products:
            try:
                Chem.SanitizeMol(product)
            except Exception:  # RDKit raises several sanitization error types; try the next product
                continue
            return product
    return None


def residue(activations: Sequence[str], smiles: str, groups: int) -> Chem.Mol | None:
    """Apply ``activations`` to the monomer ``smiles``: each in turn, each ``groups`` times when one activation is
    given for a bifunctional monomer. Returns the residue with two stars, or None if the rule does not apply."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    steps = list(activations) * groups if len(activations) == 1 else list(activations)
    for smarts in steps:
        mol = _apply(smarts, mol)
        if mol is None:
            return None
    stars = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    return mol if len(stars) == 2 else None


def _join(first: Chem.Mol, second: Chem.Mol) -> str:
    """SMILES of ``first`` joined to ``second``: the last star of ``first`` bonds where the first star of
    ``second`` was."""
    a, b = Chem.RWMol(first), Chem.RWMol(second)
    [a_star for a_star in a.GetAtoms() if a_star.GetAtomicNum() == 0][-1].SetAtomMapNum(1)
    [b_star for b_star in b.GetAtoms() if b_star.GetAtomicNum() == 0][0].SetAtomMapNum(1)
    with quiet_rdkit():
        joined = Chem.molzip(a.GetMol(), b.GetMol())
    return Chem.MolToSmiles(joined)


def polymerize(reaction_id: str, *monomers: str) -> str:
    """The repeat unit (as generated, not canonicalised) that rule ``reaction_id`` makes from ``monomers``.

    Raises GeneratorError if the rule is unknown, the number of monomers is wrong, or a monomer cannot take its role.
    """
    table = reactions()
    if reaction_id not in table:
        raise GeneratorError(f"unknown reaction {reaction_id!r}; known: {', '.join(table)}")
    reaction = table[reaction_id]
    needed = 2 if reaction.kind == "step" else 1
    if len(monomers) != needed:
        raise GeneratorError(f"reaction {reaction_id!r} takes {needed} monomer(s), got {len(monomers)}")
    residues = []
    for k, smiles in enumerate(monomers):
        role = reaction.roles[k]
        activations = [reaction.activate[k]] if reaction.kind == "step" else list(reaction.activate)
        groups = _rules()[0][role].count if reaction.kind == "step" else 1
        made = residue(activations, smiles, groups)
        if made is None:
            raise GeneratorError(f"monomer {smiles!r} cannot take the role {role!r} of reaction {reaction_id!r}")
        residues.append(made)
    return _join(*residues) if len(residues) == 2 else Chem.MolToSmiles(residues[0])


@cache
def load_monomers() -> pd.DataFrame:
    """The SMiPoly commercial monomers (columns comID, SMILES, IUPACName, ...), unique by canonical SMILES."""
    source = resources.files("polyloop.generators.data").joinpath("smipoly_monomers.csv")
    with resources.as_file(source) as path:
        table = pd.read_csv(path)
    table["canonical"] = [Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in table["SMILES"]]
    return table.drop_duplicates("canonical").reset_index(drop=True)


def _members(role: Role, monomers: Sequence[str]) -> list[str]:
    query = _query(role.smarts)
    found = [s for s in monomers if len(Chem.MolFromSmiles(s).GetSubstructMatches(query)) == role.count]
    return found + [r for r in role.reagents if r not in found]


def enumerate_products(reaction: Reaction, monomers: Sequence[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every (product SMILES, parent monomers) of ``reaction`` over ``monomers`` whose product is a valid unit."""
    roles = _rules()[0]
    pools = []
    for k, name in enumerate(reaction.roles):
        activations = [reaction.activate[k]] if reaction.kind == "step" else list(reaction.activate)
        groups = roles[name].count if reaction.kind == "step" else 1
        pool = []
        for smiles in _members(roles[name], monomers):
            made = residue(activations, smiles, groups)
            if made is not None:
                pool.append((smiles, made))
        pools.append(pool)
    if reaction.kind == "step":
        pairs = ((a, b) for a in pools[0] for b in pools[1])
        items = ((_join(ma, mb), (sa, sb)) for (sa, ma), (sb, mb) in pairs)
    else:
        items = ((Chem.MolToSmiles(m), (s,)) for s, m in pools[0])
    for smiles, parents in items:
        try:
            parse_repeat_unit(smiles)
        except InvalidRepeatUnit:
            continue
        yield smiles, parents


def rule_table(monomers: Sequence[str] | None = None) -> pd.DataFrame:
    """Every rule product over ``monomers`` (default: the SMiPoly set), unique by canonical form, classified.

    Columns: smiles (as generated), canonical_smiles, reaction, parents (monomers joined by '.'), polymer_class.
    """
    pool = list(load_monomers()["canonical"]) if monomers is None else list(monomers)
    rows, seen = [], set()
    for reaction in reactions().values():
        for smiles, parents in enumerate_products(reaction, pool):
            canonical = canonicalize(smiles)
            if canonical in seen:
                continue
            seen.add(canonical)
            rows.append((smiles, canonical, reaction.id, ".".join(parents), classify(canonical)))
    return pd.DataFrame(rows, columns=["smiles", "canonical_smiles", "reaction", "parents", "polymer_class"])


@cache
def cached_rule_table() -> pd.DataFrame:
    """The bundled rule-product table (``data/rule_products.csv.gz``, written by ``polyloop generators polymerize
    --all``)."""
    source = resources.files("polyloop.generators.data").joinpath(RULE_TABLE)
    if not source.is_file():
        raise GeneratorError(f"the rule-product table {RULE_TABLE} is missing; build it with "
                             "`polyloop generators polymerize --all --out generators/data/rule_products.csv.gz`")
    with resources.as_file(source) as path:
        return pd.read_csv(path, keep_default_na=False)


class RuleGenerator:
    """The rule products of one class, proposed in a seeded random order without repeats until exhausted."""

    def __init__(self, polymer_class: str, table: pd.DataFrame | None = None) -> None:
        table = cached_rule_table() if table is None else table
        rows = table[table["polymer_class"] == polymer_class]
        self.name = f"rules:{polymer_class}"
        self.polymer_class = polymer_class
        self._smiles = rows["smiles"].tolist()
        self._reaction = rows["reaction"].tolist()
        self._parents = [tuple(p.split(".")) if p else () for p in rows["parents"]]
        self._order: np.ndarray | None = None
        self._cursor = 0

    def __len__(self) -> int:
        return len(self._smiles)

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """The next ``n`` products in this generator's random order (a new order once all have been proposed)."""
        out: list[Proposal] = []
        if not self._smiles:
            return out
        while len(out) < n:
            if self._order is None or self._cursor >= len(self._order):
                self._order, self._cursor = rng.permutation(len(self._smiles)), 0
            i = int(self._order[self._cursor])
            self._cursor += 1
            out.append(Proposal(self._smiles[i], self.polymer_class, f"rule:{self._reaction[i]}", self._parents[i]))
        return out
