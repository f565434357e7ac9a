"""Polymer classes from data: one known polymer per class, and agreement with PI1070's reference classes."""

import pytest
from rdkit import Chem

from polyloop.library.classes import class_by_id, classify, main_chain, polymer_classes
from polyloop.library.repeat_unit import RepeatUnit

KNOWN = {
    "*CC*": "polyolefin",
    "*CC(c1ccccc1)*": "polystyrene",
    "*CC(OC(C)=O)*": "polyvinyl",
    "*CC(C)(C(=O)OC)*": "polyacrylic",
    "*CC(Cl)*": "polyhalo_olefin",
    "*C/C=C\\C*": "polydiene",
    "*OCC*": "polyether",
    "*c1ccc(S*)cc1": "polysulfide",
    "*OCCOC(=O)c1ccc(cc1)C(=O)*": "polyester",
    "*NCCCCCC(=O)*": "polyamide",
    "*OC(=O)NCCCCCCNC(=O)OCCCC*": "polyurethane",
    "*NC(=O)NCCCCCC*": "polyurea",
    "*c1ccc(Oc2ccc(N3C(=O)c4cc5C(=O)N(*)C(=O)c5cc4C3=O)cc2)cc1": "polyimide",
    "*C(=O)CCCCCCCCC(=O)O*": "polyanhydride",
    "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*": "polycarbonate",
    "*Nc1ccc(*)cc1": "polyimine",
    "*[Si](C)(C)O*": "polysiloxane",
    "*N=P(*)(OCC)OCC": "polyphosphazene",
    "*CCC(=O)*": "polyketone",
    "*c1ccc(cc1)S(=O)(=O)*": "polysulfone",
    "*c1ccc(*)cc1": "polyphenylene",
}


def test_twenty_one_classes_numbered_as_pi1070() -> None:
    classes = polymer_classes()
    assert sorted(c.id for c in classes) == list(range(1, 22))
    assert class_by_id(13).name == "polyimide" and class_by_id(1).name == "polyolefin"
    with pytest.raises(KeyError, match="no polymer class with id 99"):
        class_by_id(99)


@pytest.mark.parametrize("smiles,expected", sorted(KNOWN.items()))
def test_known_polymers(smiles: str, expected: str) -> None:
    assert classify(smiles) == expected


def test_every_class_has_a_known_example() -> None:
    assert set(KNOWN.values()) == {c.name for c in polymer_classes()}


def test_linkage_across_the_cut_is_seen() -> None:
    # the amide C(=O)-N bond is the bond between units in this spelling
    assert classify("*N(C)CCCCCCCCCCC(=O)*") == "polyamide"


def test_side_chain_linkages_do_not_count() -> None:
    assert classify("*CC(C(=O)OCCOC)*") == "polyacrylic"  # ester and ether only in the side chain


def test_main_chain_includes_rings_the_path_runs_through() -> None:
    unit = RepeatUnit.from_smiles("*Oc1ccc(*)cc1")
    assert main_chain(unit) == frozenset(unit.backbone) | {i for g in unit.side_chains for i in g}


def test_agreement_with_pi1070_reference_classes(pi1070) -> None:
    predicted = pi1070["canonical_smiles"].map(classify)
    agreement = (predicted == pi1070["polymer_class"]).mean()
    assert agreement >= 0.90, f"class agreement {agreement:.3f}"


@pytest.mark.parametrize("smarts,element", [("[#7]", 7), ("N", 7), ("n", 7), ("c", 6), ("[#16X4]", 16),
                                            ("[#6;!$([#6]=[O,S])]", 6), ("[#8,#16;X2]", None), ("[!#6]", None),
                                            ("a", None), ("[F,Cl,Br,I]", None), ("[Si]", 14)])
def test_required_element_of_a_query_atom(smarts: str, element: int | None) -> None:
    from polyloop.library.classes import required_element

    assert required_element(Chem.MolFromSmarts(smarts).GetAtomWithIdx(0)) == element
