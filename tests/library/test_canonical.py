"""Canonical form: every spelling of one polymer gives one string, different polymers stay apart."""

import pytest
from rdkit import Chem

from polyloop.library.canonical import (
    canonical_form,
    canonical_smiles,
    cut_bonds,
    cyclic_shifts,
    join_units,
    minimal_period,
    shifted_smiles,
)
from polyloop.library.parsing import parse_repeat_unit
from polyloop.library.repeat_unit import canonicalize

from .spellings import DIFFERENT_PAIRS, EQUIVALENT_GROUPS


def test_enough_cases() -> None:
    assert len(EQUIVALENT_GROUPS) >= 25
    assert len(DIFFERENT_PAIRS) >= 15


@pytest.mark.parametrize("name", sorted(EQUIVALENT_GROUPS))
def test_spellings_of_one_polymer_are_equal(name: str) -> None:
    forms = {spelling: canonicalize(spelling) for spelling in EQUIVALENT_GROUPS[name]}
    assert len(set(forms.values())) == 1, forms


@pytest.mark.parametrize("first,second", DIFFERENT_PAIRS)
def test_different_polymers_stay_apart(first: str, second: str) -> None:
    assert canonicalize(first) != canonicalize(second)


@pytest.mark.parametrize("name", sorted(EQUIVALENT_GROUPS))
def test_canonical_of_canonical_is_itself(name: str) -> None:
    canonical = canonicalize(EQUIVALENT_GROUPS[name][0])
    assert canonicalize(canonical) == canonical


def test_multiples_reduce_to_the_primitive_period() -> None:
    unit, copies = minimal_period(parse_repeat_unit("*OCCOCCOCC*"))
    assert copies == 3
    assert canonical_smiles(unit) == "*CCO*"
    assert minimal_period(parse_repeat_unit("*C[C@H](C)C[C@@H](C)*"))[1] == 1  # syndiotactic diad is primitive


def test_stereo_marks_are_kept() -> None:
    assert "/" in canonicalize("*C/C=C\\C*") or "\\" in canonicalize("*C/C=C\\C*")
    assert "@" in canonicalize("*O[C@@H](C)C(=O)*")


def test_cut_bonds_skip_ring_and_double_bonds() -> None:
    mol = parse_repeat_unit("*CC=Cc1ccc(*)cc1")
    kinds = {(mol.GetBondWithIdx(b).GetBondType(), mol.GetBondWithIdx(b).IsInRing()) for b in cut_bonds(mol)}
    assert kinds == {(Chem.BondType.SINGLE, False)}
    assert len(cut_bonds(mol)) == 2  # C-C and C-c(aryl); not C=C, not the ring bonds


def test_join_units_builds_the_chain() -> None:
    trimer = join_units(parse_repeat_unit("*CC(C)*"), 3)
    assert Chem.MolToSmiles(trimer) == Chem.MolToSmiles(Chem.MolFromSmiles("*CC(C)CC(C)CC(*)C"))
    assert sorted({a.GetIntProp("copy") for a in trimer.GetAtoms()}) == [0, 1, 2]
    with pytest.raises(ValueError, match="copies must be >= 1"):
        join_units(parse_repeat_unit("*CC*"), 0)


def test_pi1070_is_canonical_idempotent_and_duplicate_free(pi1070) -> None:
    canonical = pi1070["canonical_smiles"]
    assert canonical.map(canonicalize).equals(canonical)
    assert canonical.nunique() == len(pi1070) == 1077  # PI1070 holds no two spellings of one polymer


def test_random_spellings_of_pi1070_units_agree(pi1070) -> None:
    sample = pi1070.sample(150, random_state=0)
    for smiles, canonical in zip(sample["smiles"], sample["canonical_smiles"]):
        mol = parse_repeat_unit(smiles)
        for seed in range(3):
            spelling = Chem.MolToSmiles(mol, doRandom=True) if seed else Chem.MolToSmiles(join_units(mol, 2))
            assert canonicalize(spelling) == canonical, (smiles, spelling)


@pytest.mark.parametrize("smiles", ["*C(F)C(*)Cl", "*CC(*)c1ccccc1", "*OCCOC(=O)c1ccc(cc1)C(=O)*",
                                    "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*", "*[Si](C)(C)O*", "*C(F)(F)*",
                                    "*CCCC(Cl)CC*", "*N=P(*)(OCC)OCC"])
def test_in_place_shifts_equal_cut_and_zip_shifts(smiles: str) -> None:
    """The fast in-place shifts (join tail to head once, then move the stars) give the SMILES of the cut-and-zip
    shifts, also for two-atom units whose head and tail atoms are already bonded; given cut bonds change nothing."""
    mol = parse_repeat_unit(smiles)
    expected = {Chem.MolToSmiles(shifted) for shifted in cyclic_shifts(mol)}
    assert shifted_smiles(mol) == expected
    assert shifted_smiles(mol, Chem.MolToSmiles(mol), cut_bonds(mol)) == expected
    assert canonical_smiles(mol) in expected  # the canonical form is one of the unit's own cyclic shifts


@pytest.mark.parametrize("spelling,canonical", [("*OCC*", "*CCO*"), ("*COC*", "*CCO*"), ("*CCOCC*", "*CCCCO*"),
                                                ("*CCCCCC(=O)N*", "*CCCCCC(=O)N*"), ("*NCCCCCC(=O)*", "*CCCCCC(=O)N*")])
def test_the_cut_prefers_a_bond_with_a_heteroatom(spelling: str, canonical: str) -> None:
    assert canonicalize(spelling) == canonical


def test_every_cyclic_shift_of_every_pi1070_unit_has_one_canonical_form(pi1070) -> None:
    for smiles, canonical in zip(pi1070["smiles"][::7], pi1070["canonical_smiles"][::7]):
        forms = {canonical_smiles(Chem.MolToSmiles(shifted)) for shifted in cyclic_shifts(parse_repeat_unit(smiles))}
        assert forms == {canonical}, smiles


@pytest.mark.parametrize("smiles", ["*C(C)C(*)F", "*C[C@H](C)C[C@@H](C)*", "*C/C=C/C*"])
def test_units_that_cannot_be_closed_or_carry_stereo_take_the_shortest_shift(smiles: str) -> None:
    mol = parse_repeat_unit(smiles)
    assert canonical_smiles(mol) == min(shifted_smiles(mol), key=lambda s: (len(s), s))


@pytest.mark.parametrize("smiles", ["*OCCOC(=O)c1ccc(cc1)C(=O)*", "*CC(*)c1ccccc1", "*C(F)(F)*", "*c1ccc(*)cc1",
                                    "*OCCOCCOCC*", "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*", "*C/C=C/C*"])
def test_canonical_form_returns_the_parsed_molecule_of_its_smiles(smiles: str) -> None:
    canonical, ordered = canonical_form(smiles)
    assert canonical == canonicalize(smiles)
    if "/" in smiles:
        assert ordered is None  # stereo marks: the caller parses the string
        return
    parsed = parse_repeat_unit(canonical)
    assert Chem.MolToSmiles(ordered) == canonical
    assert [(a.GetAtomicNum(), a.GetTotalNumHs(), a.GetIsAromatic(), a.GetDegree()) for a in ordered.GetAtoms()] == \
        [(a.GetAtomicNum(), a.GetTotalNumHs(), a.GetIsAromatic(), a.GetDegree()) for a in parsed.GetAtoms()]
    assert sorted(map(sorted, ordered.GetRingInfo().AtomRings())) == \
        sorted(map(sorted, parsed.GetRingInfo().AtomRings()))
