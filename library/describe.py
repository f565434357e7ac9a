"""Describe candidate repeat units for the library: validate, canonicalise, classify, fingerprint, in one pass.

:class:`Describer` turns an emitted SMILES into a :class:`Description` (canonical SMILES, stable key and id, class,
molar mass, heavy-atom and backbone-atom counts, packed fingerprint), with exactly the results of
:func:`~polyloop.library.repeat_unit.canonicalize`, :func:`~polyloop.library.classes.classify` and
:func:`~polyloop.library.fingerprints.morgan_bits`, but sharing their intermediates:

* a cache keyed by the emitted string, then one keyed by the canonical SMILES (other spellings of a unit already
  described meet there, after one parse and one canonicalisation);
* the molecule canonicalisation leaves in the canonical SMILES' atom order is described, not a new parse of the
  string (the same results: the tests compare both on PI1070 and generated units);
* the hydrogen-capped trimer is built once, for the class and, when the backbone has three or more atoms (a
  radius-2 fingerprint then needs one flanking unit per side), for the fingerprint too.

The stable key of a unit is the first 8 bytes of BLAKE2b of its canonical SMILES (an unsigned 64-bit integer); its
id is ``"PL"`` followed by the key in 16 hexadecimal digits, so the same polymer gets the same id in every build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdkit import Chem

from polyloop.library.canonical import canonical_form
from polyloop.library.classes import classify
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.fingerprints import FingerprintSpec, flank_copies, morgan_bits, pack_bits
from polyloop.library.oligomer import capped_chain
from polyloop.library.parsing import parse_repeat_unit
from polyloop.library.repeat_unit import RepeatUnit

__all__ = ["Describer", "Description", "charge_separated", "unit_id", "unit_key"]

_CHARGED = Chem.MolFromSmarts("[!+0]")
_UNPAIRED_CHARGE = Chem.MolFromSmarts(  # a +1..+3 atom with no negative neighbour, the reverse, or a larger charge
    "[$([+1,+2,+3])&!$(*~[-1,-2,-3]),$([-1,-2,-3])&!$(*~[+1,+2,+3]),!+0&!+1&!+2&!+3&!-1&!-2&!-3]"
)


def unit_key(canonical: str) -> int:
    """Stable 64-bit key of a canonical SMILES: the first 8 bytes of its BLAKE2b digest, big-endian."""
    return int.from_bytes(hashlib.blake2b(canonical.encode(), digest_size=8).digest(), "big")


def unit_id(canonical: str) -> str:
    """Stable library id of a canonical SMILES: ``"PL"`` and :func:`unit_key` in 16 hexadecimal digits."""
    return f"PL{unit_key(canonical):016x}"


def charge_separated(mol: Chem.Mol) -> bool:
    """True if ``mol`` has a charged atom that is not bonded to an atom of opposite charge (an ion, not a nitro-like
    group written with formal charges)."""
    return mol.HasSubstructMatch(_CHARGED) and mol.HasSubstructMatch(_UNPAIRED_CHARGE)


@dataclass(frozen=True)
class Description:
    """What the library stores about one repeat unit (see the module docstring)."""

    smiles: str
    key: int
    polymer_class: str | None
    molecular_weight: float
    heavy_atoms: int
    backbone_atoms: int
    charged: bool
    fingerprint: bytes

    @property
    def id(self) -> str:
        """The stable library id (:func:`unit_id`)."""
        return f"PL{self.key:016x}"


class Describer:
    """Describes repeat units, remembering up to ``cache_size`` strings and canonical SMILES it has seen.

    :meth:`describe` returns a :class:`Description`, or the :class:`InvalidRepeatUnit` error for an invalid string
    (returned, not raised, so that a cached failure costs nothing either).
    """

    def __init__(self, spec: FingerprintSpec = FingerprintSpec(), cache_size: int = 200_000) -> None:
        self.spec = spec
        self.cache_size = cache_size
        self._by_input: dict[str, Description | InvalidRepeatUnit] = {}
        self._by_canonical: dict[str, Description] = {}

    def describe(self, smiles: str) -> Description | InvalidRepeatUnit:
        """Description of the unit written ``smiles``, or the reason it is not a valid repeat unit."""
        known = self._by_input.get(smiles)
        if known is not None:
            return known
        if len(self._by_input) >= self.cache_size:
            self._by_input.clear()
            self._by_canonical.clear()
        try:
            mol = parse_repeat_unit(smiles)
        except InvalidRepeatUnit as error:
            self._by_input[smiles] = error
            return error
        canonical, ordered = canonical_form(mol)
        description = self._by_canonical.get(canonical)
        if description is None:
            unit = RepeatUnit.from_canonical(canonical, ordered)
            description = self._describe_canonical(unit, unit.mol if ordered is None else ordered)
            self._by_canonical[canonical] = description
        self._by_input[smiles] = description
        return description

    def _describe_canonical(self, unit: RepeatUnit, mol: Chem.Mol) -> Description:
        """The description of ``unit``; ``mol`` is its molecule, shared by the oligomers and the charge check (none
        of them changes it)."""
        canonical = unit.smiles
        connection = unit.connection
        trimer = capped_chain(mol, 3, connection)
        flank = flank_copies(unit, self.spec.radius)
        chain = trimer if flank == 1 else capped_chain(mol, 2 * flank + 1, connection)
        return Description(
            smiles=canonical,
            key=unit_key(canonical),
            polymer_class=classify(unit, trimer),
            molecular_weight=unit.molecular_weight,
            heavy_atoms=unit.heavy_atom_count,
            backbone_atoms=len(unit.backbone),
            charged=charge_separated(mol),
            fingerprint=pack_bits(morgan_bits(unit, self.spec, chain)).tobytes(),
        )
