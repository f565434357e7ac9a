"""Tests of GAFF2 atom typing (polyloop.simulate.forcefield.typing).

Expected types are written by hand from the GAFF/GAFF2 type definitions (Wang et al. 2004, Table 1; the antechamber
GAFF2 rules; the type list of gaff-2.11.dat), not copied from the code's output. Conventions worth knowing:

* GAFF2 splits amine and amide N by hydrogen count: amide N with 0/1/2 H is n/ns/nt, sp3 amine N with 0/1/2/3 H is
  n3/n7/n8/n9, aryl (or enamine) N with 0/1/2 H is nh/nu/nv, four-connected N with 0/1/2/3/4 H is n4/nx/ny/nz/n+.
  So aniline is ``nv`` and a nylon amide N is ``ns`` in GAFF2 (GAFF1 would say nh and n).
* Aryl sulfones are ``sy`` (GAFF's "special s6 in conjugated systems": S bonded by a single bond to an sp2 C);
  only alkyl sulfones are ``s6``. Phosphazene P is ``py`` and its N ``ne`` for the same reason.
* Conjugation pairs: atoms joined by a single bond share a letter, atoms joined by a double (or aromatic) bond take
  different letters; each group starts from its lowest atom index with the first letter (cc, ce, cp, nc, ne...).
* Electron-withdrawing neighbours for h1-h5 are N, O, S, F, Cl, Br, I (antechamber's list).

Case format: (SMILES, heavy-atom types in SMILES order, H type of each heavy atom that carries H, in order).
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from rdkit import Chem

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.errors import TypingError
from polyloop.simulate.forcefield.typing import assign_types, gaff_view, load_rules, type_repeat_unit

MOLECULES = [
    # alkanes, alcohols, ethers, carbonyls
    ("CC", "c3 c3", "hc hc"),
    ("CCO", "c3 c3 oh", "hc h1 ho"),
    ("COC", "c3 os c3", "h1 h1"),
    ("CC(=O)O", "c3 c o oh", "hc ho"),
    ("CC(=O)OC", "c3 c o os c3", "hc h1"),
    ("CC(C)=O", "c3 c c3 o", "hc hc"),
    ("CC=O", "c3 c o", "hc h4"),
    ("OC=O", "oh c o", "ho h5"),
    ("O=C=O", "o c1 o", ""),
    ("C1CCCCC1", "c3 c3 c3 c3 c3 c3", "hc hc hc hc hc hc"),
    ("C1CC1", "cx cx cx", "hc hc hc"),
    ("C1CCC1", "cy cy cy cy", "hc hc hc hc"),
    ("C1CCOC1", "c3 c3 c3 os c3", "hc hc h1 h1"),
    ("C1CO1", "cx cx op", "h1 h1"),
    ("C1COC1", "cy cy oq cy", "hc h1 h1"),
    # amides, amines, nitrogen
    ("NC=O", "nt c o", "hn h5"),
    ("CC(=O)NC", "c3 c o ns c3", "hc hn h1"),
    ("CN(C)C=O", "c3 n c3 c o", "h1 h1 h5"),
    ("NC(N)=O", "nt c nt o", "hn hn"),
    ("N", "n9", "hn"),
    ("CN", "c3 n8", "h1 hn"),
    ("CNC", "c3 n7 c3", "h1 hn h1"),
    ("CN(C)C", "c3 n3 c3 c3", "h1 h1 h1"),
    ("NN", "n8 n8", "hn hn"),
    ("[NH4+]", "n+", "hn"),
    ("C[NH3+]", "c3 nz", "hx hn"),
    ("C[N+](C)(C)C", "c3 n4 c3 c3 c3", "hx hx hx hx"),
    ("C[N+](=O)[O-]", "c3 no o o", "h1"),
    ("CC#N", "c3 c1 n1", "hc"),
    ("CN=C", "c3 n2 c2", "h1 h4"),
    ("CC(C)=NO", "c3 c2 c3 n2 oh", "hc hc ho"),
    ("NC(N)=[NH2+]", "nv cz nv nv", "hn hn hn"),
    ("C1CN1", "cx cx n5", "h1 h1 hn"),
    ("C1CNC1", "cy cy n6 cy", "hc h1 hn h1"),
    # aromatics
    ("c1ccccc1", "ca ca ca ca ca ca", "ha ha ha ha ha ha"),
    ("Cc1ccccc1", "c3 ca ca ca ca ca ca", "hc ha ha ha ha ha"),
    ("Oc1ccccc1", "oh ca ca ca ca ca ca", "ho ha ha ha ha ha"),
    ("COc1ccccc1", "c3 os ca ca ca ca ca ca", "h1 ha ha ha ha ha"),
    ("OC(=O)c1ccccc1", "oh c o ca ca ca ca ca ca", "ho ha ha ha ha ha"),
    ("O=Cc1ccccc1", "o c ca ca ca ca ca ca", "h4 ha ha ha ha ha"),
    ("c1ccncc1", "ca ca ca nb ca ca", "ha ha h4 h4 ha"),
    ("c1ncncn1", "ca nb ca nb ca nb", "h5 h5 h5"),
    ("Nc1ccccc1", "nv ca ca ca ca ca ca", "hn ha ha ha ha ha"),
    ("c1ccc(cc1)Nc1ccccc1", "ca ca ca ca ca ca nu ca ca ca ca ca ca", "ha ha ha ha ha hn ha ha ha ha ha"),
    ("c1ccc(cc1)N(c1ccccc1)c1ccccc1", "ca ca ca ca ca ca nh" + " ca" * 12, " ".join(["ha"] * 15)),
    ("O=[N+]([O-])c1ccccc1", "o no o ca ca ca ca ca ca", "ha ha ha ha ha"),
    ("c1ccc2ccccc2c1", "ca ca ca ca ca ca ca ca ca ca", "ha ha ha ha ha ha ha ha"),
    ("c1ccc(cc1)-c1ccccc1", "ca ca ca cp ca ca cp ca ca ca ca ca", " ".join(["ha"] * 10)),
    # o-terphenyl: the two heads of the middle ring share an aromatic bond, so they take different letters
    ("c1ccc(cc1)-c1ccccc1-c1ccccc1", "ca ca ca cp ca ca cp ca ca ca ca cq cq ca ca ca ca ca", " ".join(["ha"] * 14)),
    ("Fc1c(F)c(F)c(F)c(F)c1F", "f ca ca f ca f ca f ca f ca f", ""),
    # non-pure aromatic rings (cc/cd, nc/nd, na)
    ("c1cc[nH]c1", "cc cc cd na cd", "ha ha h4 hn h4"),
    ("c1ccoc1", "cc cc cd os cd", "ha ha h4 h4"),
    ("c1ccsc1", "cc cc cd ss cd", "ha ha h4 h4"),
    ("c1c[nH]cn1", "cc cd na cd nc", "h4 h4 hn h5"),
    ("c1cscn1", "cc cd ss cd nc", "h4 h4 h5"),
    ("c1cocn1", "cc cd os cd nc", "h4 h4 h5"),
    ("c1ccc2[nH]ccc2c1", "ca ca ca ca na cc cd ca ca", "ha ha ha hn h4 ha ha"),
    ("O=c1cccc[nH]1", "o c cc cd cd cc ns", "ha ha ha h4 hn"),
    ("O=C1C=CC(=O)N1", "o c cc cd c o ns", "ha ha hn"),
    ("O=C1NC(=O)c2ccccc21", "o c ns c o ca ca ca ca ca ca", "hn ha ha ha ha"),
    # conjugated chains (ce/cf, cg/ch, ne/nf)
    ("C=C", "c2 c2", "ha ha"),
    ("C=CC=C", "c2 ce ce c2", "ha ha ha ha"),
    ("C=CC=CC=C", "c2 ce ce cf cf c2", "ha ha ha ha ha ha"),
    ("C=Cc1ccccc1", "c2 ce ca ca ca ca ca ca", "ha ha ha ha ha ha ha"),
    ("C=CC(=O)O", "c2 ce c o oh", "ha ha ho"),
    ("C=C(C)C(=O)OC", "c2 ce c3 c o os c3", "ha hc h1"),
    ("C=CC#N", "c2 ce cg n1", "ha ha"),
    ("C#C", "c1 c1", "ha ha"),
    ("CC#C", "c3 c1 c1", "hc ha"),
    ("C#CC#C", "c1 cg cg c1", "ha ha"),
    ("N#Cc1ccccc1", "n1 cg ca ca ca ca ca ca", "ha ha ha ha ha"),
    ("C=C=C", "c2 c1 c2", "ha ha"),
    ("C1=CCCCC1", "c2 c2 c3 c3 c3 c3", "ha ha hc hc hc hc"),
    ("C=COC", "c2 c2 os c3", "ha h4 h1"),
    ("C1=CC1", "cu cu cx", "ha ha hc"),
    ("C1=CCC1", "cv cv cy cy", "ha ha hc hc"),
    ("c1ccc(cc1)N=Nc1ccccc1", "ca ca ca ca ca ca ne nf ca ca ca ca ca ca", " ".join(["ha"] * 10)),
    ("C(=Nc1ccccc1)c1ccccc1", "ce nf ca ca ca ca ca ca ca ca ca ca ca ca", "h4" + " ha" * 10),
    # halogens
    ("CCl", "c3 cl", "h1"),
    ("ClCCl", "cl c3 cl", "h2"),
    ("ClC(Cl)Cl", "cl c3 cl cl", "h3"),
    ("FC(F)F", "f c3 f f", "h3"),
    ("CCBr", "c3 c3 br", "hc h1"),
    ("CI", "c3 i", "h1"),
    ("Ic1ccccc1", "i ca ca ca ca ca ca", "ha ha ha ha ha"),
    ("Clc1ccccc1", "cl ca ca ca ca ca ca", "ha ha ha ha ha"),
    ("FC(F)(F)c1ccccc1", "f c3 f f ca ca ca ca ca ca", "ha ha ha ha ha"),
    ("C=CCl", "c2 c2 cl", "ha h4"),
    ("FC(F)=C(F)F", "f c2 f c2 f f", ""),
    # sulfur
    ("CS", "c3 sh", "h1 hs"),
    ("CCS", "c3 c3 sh", "hc h1 hs"),
    ("CSC", "c3 ss c3", "h1 h1"),
    ("CS(C)=O", "c3 s4 c3 o", "h1 h1"),
    ("CS(=O)c1ccccc1", "c3 sx o ca ca ca ca ca ca", "h1 ha ha ha ha ha"),
    ("CS(C)(=O)=O", "c3 s6 c3 o o", "h1 h1"),
    ("CS(=O)(=O)O", "c3 s6 o o oh", "h1 ho"),
    ("O=S(=O)(c1ccccc1)c1ccccc1", "o sy o" + " ca" * 12, " ".join(["ha"] * 10)),
    ("CC(C)=S", "c3 cs c3 s", "hc hc"),
    ("S=C=S", "s c1 s", ""),
    ("CC(C)=S=O", "c3 c2 c3 s2 o", "hc hc"),
    ("C1CS1", "cx cx sp", "h1 h1"),
    ("C1CSC1", "cy cy sq cy", "hc h1 h1"),
    # phosphorus
    ("CP", "c3 p3", "hc hp"),
    ("P(c1ccccc1)(c1ccccc1)c1ccccc1", "p3" + " ca" * 18, " ".join(["ha"] * 15)),
    ("COP(OC)OC", "c3 os p3 os c3 os c3", "h1 h1 h1"),
    ("COP(=O)(OC)OC", "c3 os p5 o os c3 os c3", "h1 h1 h1"),
    ("CP(C)(C)=O", "c3 p5 c3 c3 o", "hc hc hc"),
    ("O=P(c1ccccc1)(c1ccccc1)c1ccccc1", "o py" + " ca" * 18, " ".join(["ha"] * 15)),
    ("CP=C", "c3 p2 c2", "hc ha"),
    ("C=Pc1ccccc1", "c2 pe ca ca ca ca ca ca", "ha ha ha ha ha ha"),
    ("CP(C)=O", "c3 p5 c3 o", "hc hp hc"),  # RDKit gives P an H: four-connected, p5
    ("COP(=O)=O", "c3 os p4 o o", "h1"),
    # silicon (polyloop extension: si; H on Si falls to GAFF's catch-all ha)
    ("C[Si](C)(C)O[Si](C)(C)C", "c3 si c3 c3 os si c3 c3 c3", "hc hc hc hc hc hc"),
    ("C[Si](C)(C)O", "c3 si c3 c3 oh", "hc hc hc ho"),
    ("C[SiH3]", "c3 si", "hc ha"),
    # water: GAFF's water types
    ("O", "ow", "hw"),
]

# Polymer repeat units: multiset of the types of the unit's atoms (heavy atoms and hydrogens) in chain context.
REPEAT_UNITS = [
    ("*CC*", {"c3": 1, "hc": 2}),  # polyethylene (canonical unit *C*)
    ("*CC(C)*", {"c3": 3, "hc": 6}),  # polypropylene
    ("*CC(c1ccccc1)*", {"c3": 2, "ca": 6, "hc": 3, "ha": 5}),  # polystyrene
    ("*C(F)(F)C(F)(F)*", {"c3": 1, "f": 2}),  # PTFE (canonical unit *C(F)(F)*)
    ("*CC(F)(F)*", {"c3": 2, "f": 2, "hc": 2}),  # PVDF: CH2 sits between two CF2 carbons, no EW on it
    ("*CC(F)*", {"c3": 2, "f": 1, "hc": 2, "h1": 1}),  # PVF
    ("*C(F)(F)C(F)(Cl)*", {"c3": 2, "f": 3, "cl": 1}),  # PCTFE
    ("*CC(Cl)*", {"c3": 2, "cl": 1, "hc": 2, "h1": 1}),  # PVC
    ("*CC(O)*", {"c3": 2, "oh": 1, "hc": 2, "h1": 1, "ho": 1}),  # PVA
    ("*CC(C#N)*", {"c3": 2, "c1": 1, "n1": 1, "hc": 3}),  # PAN
    ("*CCO*", {"c3": 2, "os": 1, "h1": 4}),  # PEO
    ("*CO*", {"c3": 1, "os": 1, "h2": 2}),  # POM
    ("*CC(C)(C(=O)OC)*", {"c3": 4, "c": 1, "o": 1, "os": 1, "hc": 5, "h1": 3}),  # PMMA
    ("*CC(C(=O)OC)*", {"c3": 3, "c": 1, "o": 1, "os": 1, "hc": 3, "h1": 3}),  # PMA
    ("*CC(OC(C)=O)*", {"c3": 3, "os": 1, "c": 1, "o": 1, "hc": 5, "h1": 1}),  # PVAc
    ("*OC(C)C(=O)*", {"os": 1, "c3": 2, "c": 1, "o": 1, "h1": 1, "hc": 3}),  # PLA
    ("*CC(C)=CC*", {"c3": 3, "c2": 2, "hc": 7, "ha": 1}),  # polyisoprene
    ("*CC=CC*", {"c3": 2, "c2": 2, "hc": 4, "ha": 2}),  # polybutadiene
    ("*C=C*", {"ce": 1, "cf": 1, "ha": 2}),  # polyacetylene: the double bond joins different letters
    ("*c1ccc(*)cc1", {"cp": 2, "ca": 4, "ha": 4}),  # poly(p-phenylene): ring heads are biphenyl-type cp
    ("*c1ccc(*)s1", {"cc": 2, "cd": 2, "ss": 1, "ha": 2}),  # polythiophene
    ("*Sc1ccc(*)cc1", {"ss": 1, "ca": 6, "ha": 4}),  # PPS
    ("*Nc1ccc(*)cc1", {"nu": 1, "ca": 6, "hn": 1, "ha": 4}),  # polyaniline (leucoemeraldine)
    ("*CCN*", {"c3": 2, "n7": 1, "h1": 4, "hn": 1}),  # poly(ethylene imine)
    ("*O[Si](C)(C)*", {"os": 1, "si": 1, "c3": 2, "hc": 6}),  # PDMS
    ("*O[SiH](C)*", {"os": 1, "si": 1, "c3": 1, "hc": 3, "ha": 1}),  # PMHS
    ("*N=P(OC)(OC)*", {"ne": 1, "py": 1, "os": 2, "c3": 2, "h1": 6}),  # poly(dimethoxyphosphazene)
    ("*N=P(Cl)(Cl)*", {"ne": 1, "py": 1, "cl": 2}),  # poly(dichlorophosphazene)
    ("*NCCCCCC(=O)*", {"ns": 1, "c3": 5, "c": 1, "o": 1, "hn": 1, "h1": 2, "hc": 8}),  # nylon 6
    (
        "*NCCCCCCNC(=O)CCCCC(=O)*",
        {"ns": 2, "c3": 10, "c": 2, "o": 2, "hn": 2, "h1": 4, "hc": 16},
    ),  # nylon 6,6
    ("*OCCOC(=O)c1ccc(cc1)C(=O)*", {"os": 2, "c3": 2, "c": 2, "o": 2, "ca": 6, "h1": 4, "ha": 4}),  # PET
    (
        "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*",
        {"os": 2, "ca": 12, "c3": 3, "c": 1, "o": 1, "hc": 6, "ha": 8},
    ),  # bisphenol-A polycarbonate
    ("*Oc1ccc(cc1)Oc1ccc(cc1)C(=O)c1ccc(cc1)*", {"os": 2, "ca": 18, "c": 1, "o": 1, "ha": 12}),  # PEEK
    ("*Oc1ccc(cc1)S(=O)(=O)c1ccc(cc1)*", {"os": 1, "ca": 12, "sy": 1, "o": 2, "ha": 8}),  # PES
    (
        "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)Oc1ccc(cc1)S(=O)(=O)c1ccc(cc1)*",
        {"os": 2, "ca": 24, "c3": 3, "sy": 1, "o": 2, "hc": 6, "ha": 16},
    ),  # polysulfone (Udel)
    (
        "*N1C(=O)c2cc3C(=O)N(c4ccc(Oc5ccc(*)cc5)cc4)C(=O)c3cc2C1=O",
        {"n": 2, "c": 4, "o": 4, "ca": 18, "os": 1, "ha": 10},
    ),  # polyimide PMDA-ODA (Kapton)
]


def _types(smiles: str) -> tuple[list[str], list[str]]:
    """Heavy-atom types in SMILES order and the H type of each heavy atom carrying H."""
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    types = assign_types(mol)
    heavy, hydrogens = [], []
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() == 1:
            continue
        heavy.append(types[atom.GetIdx()])
        h_types = {types[n.GetIdx()] for n in atom.GetNeighbors() if n.GetAtomicNum() == 1}
        if h_types:
            assert len(h_types) == 1, f"hydrogens of one atom typed differently: {h_types}"
            hydrogens.append(h_types.pop())
    return heavy, hydrogens


def test_enough_cases():
    assert len(MOLECULES) + len(REPEAT_UNITS) >= 60


@pytest.mark.parametrize(("smiles", "heavy", "hydrogens"), MOLECULES, ids=[m[0] for m in MOLECULES])
def test_molecule_types(smiles, heavy, hydrogens):
    got_heavy, got_hydrogens = _types(smiles)
    assert got_heavy == heavy.split()
    assert got_hydrogens == hydrogens.split()


@pytest.mark.parametrize(("smiles", "expected"), REPEAT_UNITS, ids=[u[0] for u in REPEAT_UNITS])
def test_repeat_unit_types(smiles, expected):
    unit = RepeatUnit.from_smiles(smiles)
    types = type_repeat_unit(unit)
    assert Counter(types) == Counter(expected)


def test_repeat_unit_alignment():
    """Entry k belongs to the k-th non-star atom of Chem.AddHs(unit.mol)."""
    unit = RepeatUnit.from_smiles("*OCC(Cl)C(=O)*")
    types = type_repeat_unit(unit)
    atoms = [a for a in Chem.AddHs(unit.mol).GetAtoms() if a.GetAtomicNum() > 0]
    assert len(types) == len(atoms)
    first_letter = {"O": "o", "C": "c", "Cl": "cl", "H": "h"}
    for atom, atom_type in zip(atoms, types):
        assert atom_type.startswith(first_letter[atom.GetSymbol()])
    by_symbol = {a.GetSymbol(): t for a, t in zip(atoms, types) if a.GetSymbol() in ("Cl",)}
    assert by_symbol == {"Cl": "cl"}
    # the CH2 between the ether O and CHCl carries h1 (O neighbour); CHCl carries h1 (Cl neighbour)
    assert sorted(t for a, t in zip(atoms, types) if a.GetSymbol() == "H") == ["h1", "h1", "h1"]


def test_periodic_context_changes_end_atoms():
    """In the chain the connection atoms see their real neighbours: PEO's carbons are h1-bearing c3 next to O."""
    unit = RepeatUnit.from_smiles("*CCO*")
    assert Counter(type_repeat_unit(unit))["h1"] == 4  # an isolated CH3CH2OH would give hc on the methyl


def test_conjugation_pairs_alternate_along_chain():
    """Along a conjugated path a single bond joins equal letters and a double bond different ones."""
    heavy, _ = _types("C=CC=CC=CC=C")  # octatetraene
    assert heavy == "c2 ce ce cf cf ce ce c2".split()
    rule_set = load_rules("gaff2")
    for smiles in ["C=CC=CC=CC=C", "c1ccc(s1)-c1ccc(s1)-c1cccs1", "C(=Nc1ccccc1)C=CC=C", "c1cc[nH]c1C=CC#N"]:
        mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
        types = assign_types(mol)
        checked = 0
        for bond in gaff_view(mol).GetBonds():
            a, b = (rule_set.letter(types[i]) for i in (bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()))
            if a is None or b is None or bond.GetIsAromatic():
                continue
            checked += 1
            same = a[1] == b[1]
            assert same == (bond.GetBondType() == Chem.BondType.SINGLE), (smiles, bond.GetIdx())
        assert checked >= 3


def test_bithiophene_letters():
    heavy, _ = _types("c1ccc(s1)-c1cccs1")
    # ring 1 is S4-C0=C1-C2=C3-S4 (Kekule), so C0/C1 and C2/C3 differ and C1-C2 share; the inter-ring single bond
    # C3-C5 keeps C3's letter on C5, and ring 2 (C5=C6-C7=C8) repeats the pattern
    assert heavy == "cc cd cd cc ss cc cd cd cc ss".split()


def test_unsupported_environment_message():
    mol = Chem.AddHs(Chem.MolFromSmiles("CB(C)C"))
    with pytest.raises(TypingError, match=r"^atom 1 \(B, 3 neighbours: C, C, C\) matches no GAFF2 rule$"):
        assign_types(mol)
    mol = Chem.AddHs(Chem.MolFromSmiles("C[O+](C)C"))
    with pytest.raises(TypingError, match=r"atom 1 \(O, charge \+1, 3 neighbours: C, C, C\) matches no GAFF2"):
        assign_types(mol)


def test_dummy_atoms_rejected():
    with pytest.raises(TypingError, match="dummy"):
        assign_types(Chem.AddHs(Chem.MolFromSmiles("*CC*")))


def test_deterministic_and_order_independent():
    smiles = "CC(=O)Nc1ccc(O)cc1S(=O)(=O)C"
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    first = assign_types(mol)
    assert assign_types(mol) == first == assign_types(Chem.Mol(mol))
    rng = random.Random(0)
    for _ in range(5):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        shuffled = Chem.RenumberAtoms(mol, order)
        assert assign_types(shuffled) == [first[i] for i in order]


def test_every_element_is_covered():
    covered = {t for _, heavy, h in MOLECULES for t in (heavy + " " + h).split()}
    for element_types in (["hc", "ha", "hn", "ho", "hs", "hp"], ["c3", "ca"], ["n", "nb"], ["o", "os"],
                          ["f", "cl", "br", "i"], ["p3", "p5"], ["ss", "sh", "s6", "sy"], ["si"]):
        assert set(element_types) <= covered


def test_rule_types_are_gaff2_names():
    """Every type a rule can give is in the type list of gaff-2.11.dat (plus polyloop's si)."""
    rule_set = load_rules("gaff2")
    names = {r.type for r in rule_set.rules} | set(rule_set.pairs.values())
    gaff2 = set("c cs c1 c2 c3 ca cp cq cc cd ce cf cg ch cx cy cu cv cz h1 h2 h3 h4 h5 ha hc hn ho hp hs hw hx "
                "f cl br i n n1 n2 n3 n4 na nb nc nd ne nf nh no ns nt nx ny nz n+ nu nv n7 n8 n9 ni nj nk nl nm "
                "nn np nq n5 n6 o oh op oq os ow p2 p3 p4 p5 pb pc pd pe pf px py s s2 s4 s6 sh sp sq ss sx "
                "sy".split())
    assert names - gaff2 == {"si"}
