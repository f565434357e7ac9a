"""Validation of repeat-unit SMILES: each broken rule gives its own message."""

import pytest

from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.parsing import connection_atoms, parse_repeat_unit, supported_elements

INVALID = [
    ("", "empty SMILES"),
    (None, "expected a SMILES string, got NoneType"),
    (42, "expected a SMILES string, got int"),
    ("*C C*", "SMILES contains whitespace"),
    ("*C(C*", r"not a valid SMILES \(syntax\)"),
    ("*C(C)(C)(C)(C)C*", "RDKit cannot sanitize .*valence"),
    ("*c1cccc1*", "RDKit cannot sanitize"),
    ("CC", "expected 2 connection points '\\*', found 0 in 'CC'"),
    ("*CC", "expected 2 connection points '\\*', found 1 in '\\*CC'"),
    ("*C(*)C*", "expected 2 connection points '\\*', found 3"),
    ("*=CC=*", "must be single-bonded, found a double bond"),
    ("C*C*", "must be bonded to exactly 1 atom, found 2"),
    ("**", "the two connection points '\\*' are bonded to each other"),
    ("*.*CC", "is not bonded to any atom"),
    ("*CC*.O", "expected one connected fragment, found 2"),
    ("*C[Sn](C)(C)C*", "unsupported element\\(s\\) Sn"),
    ("*CB(C)C*", "unsupported element\\(s\\) B"),
    ("*CC([NH3+])*", "must be neutral, net formal charge is \\+1"),
    ("*C[CH]C*", "1 radical electron"),
    ("[*+]CC[*-]", "connection point '\\*' must carry no charge"),
    ("[*H]CC*", "connection point '\\*' must carry no hydrogens"),
]


def test_at_least_fifteen_kinds_of_invalid_input() -> None:
    assert len({message for _, message in INVALID}) >= 15


@pytest.mark.parametrize("smiles,message", INVALID)
def test_invalid_input_names_the_rule(smiles, message: str) -> None:
    with pytest.raises(InvalidRepeatUnit, match=message):
        parse_repeat_unit(smiles)


def test_invalid_repeat_unit_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_repeat_unit("*CC")


def test_bracketed_and_labelled_stars_are_plain_after_parsing() -> None:
    mol = parse_repeat_unit("[*:1]CC[*:2]")
    stars = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    assert [(a.GetAtomMapNum(), a.GetIsotope()) for a in stars] == [(0, 0), (0, 0)]


def test_connection_atoms() -> None:
    connection = connection_atoms(parse_repeat_unit("*CC(Cl)*"))
    assert (connection.head_star, connection.head_atom, connection.tail_star, connection.tail_atom) == (0, 1, 4, 2)


def test_supported_elements_cover_gaff2() -> None:
    assert supported_elements() == {"H", "C", "N", "O", "F", "P", "S", "Cl", "Br", "I", "Si"}
