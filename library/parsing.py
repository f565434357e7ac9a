"""Parsing and validation of polymer repeat-unit SMILES.

A repeat unit is written as a SMILES with two connection points ``*`` (bare, or bracketed ``[*]``; atom-map numbers
and isotope labels on them, as in ``[*:1]``, are accepted and dropped). The rules, each checked in this order and
each violation raising :class:`~polyloop.library.errors.InvalidRepeatUnit` with a message naming the rule:

1. the input is a non-empty string without whitespace;
2. RDKit can parse it, and sanitize it (valences, aromaticity);
3. it has exactly two connection points;
4. each connection point is a plain ``*``: no charge, no hydrogens, no radical;
5. each connection point has exactly one neighbour, joined by a single bond, and that neighbour is not the other
   connection point;
6. the molecule is one connected fragment;
7. every element is in the supported set (``data/repeat_unit.toml``);
8. the unit is neutral overall (zwitterionic groups such as nitro are fine) and has no radical electrons.

The result is an RDKit ``Mol`` with the two stars as plain dummy atoms (no map numbers, no isotopes) and implicit
hydrogens; :func:`connection_atoms` gives the star and neighbour indices.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rdkit import Chem, RDLogger
from rdkit.Chem import rdqueries

from polyloop.library.errors import InvalidRepeatUnit

__all__ = [
    "Connection",
    "connection_atoms",
    "has_stereo",
    "heteroatom_indices",
    "mark_without_stereo",
    "parse_repeat_unit",
    "quiet_rdkit",
    "star_indices",
    "supported_elements",
]


@dataclass(frozen=True)
class Connection:
    """Indices of the connection points of a repeat unit: the two stars and the atoms they are bonded to.

    ``head_atom`` is bonded to ``head_star`` and ``tail_atom`` to ``tail_star``. In the polymer, the tail atom of one
    unit bonds to the head atom of the next. The two may be the same atom (e.g. ``*C(F)(F)*``).
    """

    head_star: int
    head_atom: int
    tail_star: int
    tail_atom: int


@cache
def supported_elements() -> frozenset[str]:
    """Element symbols a repeat unit may contain (read from ``data/repeat_unit.toml``)."""
    text = resources.files("polyloop.library.data").joinpath("repeat_unit.toml").read_text()
    return frozenset(tomllib.loads(text)["supported_elements"])


@cache
def _unsupported_query() -> Chem.Mol:
    """A SMARTS query matching any atom that is neither a dummy nor a supported element (a fast pre-check)."""
    table = Chem.GetPeriodicTable()
    numbers = sorted(table.GetAtomicNumber(symbol) for symbol in supported_elements())
    return Chem.MolFromSmarts("[" + ";".join(f"!#{n}" for n in [0, *numbers]) + "]")


@contextmanager
def quiet_rdkit() -> Iterator[None]:
    """Silence RDKit's own log lines (our errors carry the message instead) for the duration of the block."""
    RDLogger.DisableLog("rdApp.*")
    try:
        yield
    finally:
        RDLogger.EnableLog("rdApp.*")


_STAR = Chem.MolFromSmarts("[#0]")
_NOT_CARBON = Chem.MolFromSmarts("[!#6;!#0]")
_RADICAL = rdqueries.NumRadicalElectronsGreaterQueryAtom(0)  # atoms with radical electrons (a C++-side filter)


def star_indices(mol: Chem.Mol) -> list[int]:
    """Indices of the dummy atoms (``*``) of ``mol``, in index order.

    A SMARTS match, several times faster than iterating over the atoms in Python.
    """
    return [i for (i,) in mol.GetSubstructMatches(_STAR, uniquify=False, maxMatches=1_000_000)]


def heteroatom_indices(mol: Chem.Mol) -> list[int]:
    """Indices of the atoms of ``mol`` that are neither carbon nor ``*``, in index order (one SMARTS match, like
    :func:`star_indices`)."""
    return [i for (i,) in mol.GetSubstructMatches(_NOT_CARBON, uniquify=False, maxMatches=1_000_000)]


def _stars(mol: Chem.Mol) -> list[Chem.Atom]:
    return [mol.GetAtomWithIdx(i) for i in star_indices(mol)]


_NO_STEREO_MARKS = "_polyloop_no_stereo_marks"  # set by parse_repeat_unit on units read from a SMILES without any


def mark_without_stereo(mol: Chem.Mol) -> None:
    """Record on ``mol`` that it has no stereo marks (so :func:`has_stereo` answers without reading its atoms)."""
    mol.SetBoolProp(_NO_STEREO_MARKS, True)


def has_stereo(mol: Chem.Mol) -> bool:
    """True if any atom of ``mol`` has a chiral tag or any bond a stereo mark or direction.

    A unit parsed by :func:`parse_repeat_unit` from a SMILES with no ``@``, ``/`` or ``\\`` (and copies of it) is
    known to have none, which is answered without looking at its atoms.
    """
    if mol.HasProp(_NO_STEREO_MARKS):
        return False
    unspecified = Chem.ChiralType.CHI_UNSPECIFIED
    if any(mol.GetAtomWithIdx(i).GetChiralTag() != unspecified for i in range(mol.GetNumAtoms())):
        return True
    no_stereo, no_dir = Chem.BondStereo.STEREONONE, Chem.BondDir.NONE
    for i in range(mol.GetNumBonds()):
        bond = mol.GetBondWithIdx(i)
        if bond.GetStereo() != no_stereo or bond.GetBondDir() != no_dir:
            return True
    return False


def connection_atoms(mol: Chem.Mol) -> Connection:
    """Return the :class:`Connection` of a validated repeat unit (stars in index order: the first is the head)."""
    stars = _stars(mol)
    if len(stars) != 2:
        raise InvalidRepeatUnit(f"expected 2 connection points '*', found {len(stars)}")
    (head_star, tail_star) = stars
    return Connection(
        head_star=head_star.GetIdx(),
        head_atom=head_star.GetNeighbors()[0].GetIdx(),
        tail_star=tail_star.GetIdx(),
        tail_atom=tail_star.GetNeighbors()[0].GetIdx(),
    )


def _read(smiles: str) -> Chem.Mol:
    if not isinstance(smiles, str):
        raise InvalidRepeatUnit(f"expected a SMILES string, got {type(smiles).__name__} {smiles!r}")
    text = smiles.strip()
    if not text:
        raise InvalidRepeatUnit("empty SMILES: a repeat unit needs atoms and 2 connection points '*'")
    if len(text.split(maxsplit=1)) > 1:  # whitespace inside (the ends are stripped)
        raise InvalidRepeatUnit(f"SMILES contains whitespace in {smiles!r}")
    with quiet_rdkit():
        # The full parse (sanitized, stereo perceived from '/', '\\' and '@' marks) succeeds for valid input; only
        # when it fails is the input parsed again, step by step, to say which rule it breaks.
        mol = Chem.MolFromSmiles(text)
        if mol is not None:
            return mol
        mol = Chem.MolFromSmiles(text, sanitize=False)
        if mol is None:
            raise InvalidRepeatUnit(f"not a valid SMILES (syntax) in {smiles!r}")
        try:
            Chem.SanitizeMol(mol)
        except Exception as error:  # RDKit raises several sanitization exception types
            reason = str(error).split("\n")[0].strip()
            raise InvalidRepeatUnit(f"RDKit cannot sanitize {smiles!r}: {reason}") from None
        raise InvalidRepeatUnit(f"RDKit cannot perceive the stereochemistry of {smiles!r}")


def _check_stars(mol: Chem.Mol, smiles: str) -> None:
    stars = _stars(mol)
    if len(stars) != 2:
        raise InvalidRepeatUnit(f"expected 2 connection points '*', found {len(stars)} in {smiles!r}")
    for star in stars:
        if star.GetFormalCharge() != 0:
            raise InvalidRepeatUnit(f"connection point '*' must carry no charge in {smiles!r}")
        if star.GetTotalNumHs() != 0:
            raise InvalidRepeatUnit(f"connection point '*' must carry no hydrogens in {smiles!r}")
        if star.GetNumRadicalElectrons() != 0:
            raise InvalidRepeatUnit(f"connection point '*' must carry no radical in {smiles!r}")
        if star.GetDegree() == 0:
            raise InvalidRepeatUnit(f"connection point '*' is not bonded to any atom in {smiles!r}")
        if star.GetDegree() > 1:
            raise InvalidRepeatUnit(
                f"connection point '*' must be bonded to exactly 1 atom, found {star.GetDegree()} in {smiles!r}"
            )
        bond = star.GetBonds()[0]
        if bond.GetBondType() != Chem.BondType.SINGLE:
            raise InvalidRepeatUnit(
                f"connection point '*' must be single-bonded, found a {str(bond.GetBondType()).lower()} bond "
                f"in {smiles!r}"
            )
        if bond.GetOtherAtom(star).GetAtomicNum() == 0:
            raise InvalidRepeatUnit(f"the two connection points '*' are bonded to each other in {smiles!r}")


def _check_composition(mol: Chem.Mol, smiles: str) -> None:
    fragments = Chem.GetMolFrags(mol)
    if len(fragments) != 1:
        raise InvalidRepeatUnit(f"expected one connected fragment, found {len(fragments)} in {smiles!r}")
    allowed = supported_elements()
    if not mol.HasSubstructMatch(_unsupported_query()):
        unsupported = []
    else:
        unsupported = sorted({a.GetSymbol() for a in mol.GetAtoms() if a.GetAtomicNum() > 0} - allowed)
    if unsupported:
        raise InvalidRepeatUnit(
            f"unsupported element(s) {', '.join(unsupported)} in {smiles!r}; supported: {', '.join(sorted(allowed))}"
        )
    charge = Chem.GetFormalCharge(mol)
    if charge != 0:
        raise InvalidRepeatUnit(f"repeat unit must be neutral, net formal charge is {charge:+d} in {smiles!r}")
    with_radicals = mol.GetAtomsMatchingQuery(_RADICAL)  # iterating even an empty match costs ~8 µs; len() ~1 µs
    radicals = sum(atom.GetNumRadicalElectrons() for atom in with_radicals) if len(with_radicals) else 0
    if radicals:
        raise InvalidRepeatUnit(f"repeat unit has {radicals} radical electron(s) in {smiles!r}")


def parse_repeat_unit(smiles: str) -> Chem.Mol:
    """Parse and validate a repeat-unit SMILES; return an RDKit ``Mol`` with two plain ``*`` dummy atoms.

    Raises :class:`InvalidRepeatUnit` naming the first rule broken (see the module docstring) and the input.
    """
    mol = _read(smiles)
    _check_stars(mol, smiles)
    _check_composition(mol, smiles)
    for star in _stars(mol):
        star.SetAtomMapNum(0)
        star.SetIsotope(0)
        star.SetNoImplicit(True)
    if not any(mark in smiles for mark in "@/\\"):
        mark_without_stereo(mol)
    return mol
