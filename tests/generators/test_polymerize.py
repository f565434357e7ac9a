"""Reaction rules on known monomer pairs give the known polymers."""

import numpy as np
import pandas as pd
import pytest

from polyloop.generators.base import GeneratorError
from polyloop.generators.polymerize import RuleGenerator, monomer_roles, polymerize, reactions
from polyloop.library.classes import classify
from polyloop.library.repeat_unit import canonicalize

KNOWN = [
    ("polyimide_diamine_dianhydride", ("Nc1ccc(Oc2ccc(N)cc2)cc1", "O=C1OC(=O)c2cc3C(=O)OC(=O)c3cc12"),
     "*c1ccc(cc1)Oc1ccc(cc1)N1C(=O)c2cc3C(=O)N(*)C(=O)c3cc2C1=O", "polyimide"),  # PMDA + ODA -> Kapton
    ("polyester_diol_diacid", ("OCCO", "OC(=O)c1ccc(cc1)C(=O)O"), "*OCCOC(=O)c1ccc(cc1)C(=O)*", "polyester"),  # PET
    ("polyamide_diamine_diacid", ("NCCCCCCN", "OC(=O)CCCCC(=O)O"), "*NCCCCCCNC(=O)CCCCC(=O)*", "polyamide"),  # 6,6
    ("polycarbonate_diol_phosgene", ("CC(C)(c1ccc(O)cc1)c1ccc(O)cc1", "ClC(=O)Cl"),
     "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*", "polycarbonate"),  # BPA-PC
    ("polyurethane_diisocyanate_diol", ("O=C=Nc1ccc(Cc2ccc(N=C=O)cc2)cc1", "OCCCCO"),
     "*OCCCCOC(=O)Nc1ccc(cc1)Cc1ccc(cc1)NC(=O)*", "polyurethane"),
    ("polyurea_diisocyanate_diamine", ("O=C=NCCCCCCN=C=O", "NCCCCCCN"), "*NCCCCCCNC(=O)NCCCCCCNC(=O)*", "polyurea"),
    ("polyamide_diamine_diacid", ("Nc1ccc(N)cc1", "O=C(Cl)c1ccc(C(=O)Cl)cc1"),
     "*Nc1ccc(cc1)NC(=O)c1ccc(cc1)C(=O)*", "polyamide"),  # Kevlar from the acid chloride
    ("ring_opening_lactam", ("O=C1CCCCCN1",), "*NCCCCCC(=O)*", "polyamide"),  # nylon-6
    ("ring_opening_lactone", ("O=C1CCCCCO1",), "*OCCCCCC(=O)*", "polyester"),  # PCL
    ("ring_opening_ether", ("C1CO1",), "*CCO*", "polyether"),  # PEO
    ("chain_vinyl", ("C=Cc1ccccc1",), "*CC(*)c1ccccc1", "polystyrene"),
    ("chain_vinyl", ("C=C(C)C(=O)OC",), "*CC(C)(C(=O)OC)*", "polyacrylic"),  # PMMA
    ("chain_diene_1_4", ("C=CC(C)=C",), "*CC=C(C)C*", "polydiene"),  # polyisoprene
    ("polyanhydride_diacid", ("OC(=O)CCCCCCCCC(=O)O",), "*C(=O)CCCCCCCCC(=O)O*", "polyanhydride"),
    ("polysiloxane_dichlorosilane", ("C[Si](C)(Cl)Cl",), "*[Si](C)(C)O*", "polysiloxane"),  # PDMS
    ("alternating_vinyl_carbon_monoxide", ("C=C",), "*CCC(=O)*", "polyketone"),
    ("alternating_vinyl_sulfur_dioxide", ("C=CCC",), "*CC(CC)S(=O)(=O)*", "polysulfone"),
    ("polysulfide_dithiol_diene", ("SCCS", "C=CCC=C"), "*SCCSCCCCC*", "polysulfide"),
    ("alternating_halo_olefin", ("FC(F)=C(F)F", "C=C"), "*CCC(F)(F)C(F)(F)*", "polyhalo_olefin"),  # ETFE
    ("alternating_halo_olefin", ("C=C(F)F", "FC(F)=C(F)C(F)(F)F"), "*CC(F)(F)C(F)(F)C(F)(C(F)(F)F)*",
     "polyhalo_olefin"),  # VDF-HFP fluoroelastomer dyad
]


@pytest.mark.parametrize(("reaction", "monomers", "polymer", "polymer_class"), KNOWN)
def test_rule_gives_known_polymer(reaction, monomers, polymer, polymer_class):
    unit = polymerize(reaction, *monomers)
    assert canonicalize(unit) == canonicalize(polymer)
    assert classify(unit) == polymer_class


def test_every_rule_is_tested_on_a_known_pair():
    assert {r for r, *_ in KNOWN} >= set(reactions()) - {"polyester_hydroxy_acid", "polyamide_amino_acid"}


def test_ab_monomers():
    assert canonicalize(polymerize("polyester_hydroxy_acid", "CC(O)C(=O)O")) == canonicalize("*OC(C)C(=O)*")
    assert canonicalize(polymerize("polyamide_amino_acid", "NCCCCCCCCCCC(=O)O")) == canonicalize(
        "*NCCCCCCCCCCC(=O)*")


def test_roles_of_monomers():
    assert {"diol"} <= monomer_roles("OCCO")
    assert "diamine" in monomer_roles("NCCCCCCN") and "diacid" not in monomer_roles("NCCCCCCN")
    assert "vinyl" in monomer_roles("C=Cc1ccccc1")
    assert {"halo_olefin", "olefin_comonomer"} <= monomer_roles("FC(F)=C(F)Cl")  # CTFE
    assert "halo_olefin" not in monomer_roles("C=CC") and "olefin_comonomer" in monomer_roles("C=CC")
    assert "olefin_comonomer" not in monomer_roles("C=COC(C)=O")  # vinyl acetate: a heteroatom on the vinyl carbon


def test_bad_requests_say_why():
    with pytest.raises(GeneratorError, match="unknown reaction 'nylon'"):
        polymerize("nylon", "NCCN")
    with pytest.raises(GeneratorError, match="takes 2 monomer"):
        polymerize("polyester_diol_diacid", "OCCO")
    with pytest.raises(GeneratorError, match="cannot take the role 'diacid'"):
        polymerize("polyester_diol_diacid", "OCCO", "CCCC")


def test_rule_generator_walks_without_repeats():
    table = pd.DataFrame({"smiles": [f"*{'C' * k}O*" for k in range(1, 8)], "reaction": "r", "parents": "",
                          "polymer_class": "polyether"})
    generator = RuleGenerator("polyether", table)
    rng = np.random.default_rng(3)
    first = [p.smiles for p in generator.propose(5, rng)] + [p.smiles for p in generator.propose(2, rng)]
    assert sorted(first) == sorted(table["smiles"])  # all 7 once before any repeat
    again = generator.propose(7, rng)
    assert sorted(p.smiles for p in again) == sorted(table["smiles"])
    assert again[0].source == "rule:r" and again[0].parents == ()
