"""Ring decoration: a substituent put on an aromatic C-H of a side group (the language model's small edit)."""

from dataclasses import replace

import numpy as np
import pytest
from rdkit import Chem

from polyloop.generators.decoration import hydrogen_carbons, ring_substituents
from polyloop.generators.language_model import FragmentLanguageModel, SharedParts
from polyloop.generators.sampling import Draws, sampling
from polyloop.generators.tokens import tokenize
from polyloop.generators.training import load_model, side_effects
from polyloop.library.classes import classify
from polyloop.library.parsing import parse_repeat_unit


@pytest.fixture(scope="module")
def model():
    return load_model()


def _hydrogens(text: str) -> list[int]:
    """RDKit's count of the aromatic carbons with one hydrogen in the side group ``text``."""
    mol = Chem.MolFromSmiles("*" + text)
    return [a for a in mol.GetAtoms() if a.GetSymbol() == "C" and a.GetIsAromatic() and a.GetTotalNumHs() == 1]


@pytest.mark.parametrize(("text", "count"), [
    ("-c%50ccccc%50", 5),                      # phenyl
    ("-c%50ccc(Cl)c(F)c%50", 3),               # 4-chloro-3-fluorophenyl
    ("-c%50c(F)c(F)c(F)c(F)c%50F", 0),         # pentafluorophenyl
    ("-c%50cccc%51ccccc%50%51", 7),            # 1-naphthyl
    ("-c%50cccnc%50", 4),                      # 3-pyridyl
    ("C(=O)OC", 0),                            # no ring
    ("Cc%50ccccc%50", 5),                      # benzyl
])
def test_hydrogen_carbons_match_rdkit(text, count):
    found = hydrogen_carbons(tokenize(text))
    assert len(found) == count == len(_hydrogens(text))
    assert all(tokenize(text)[i] == "c" for i in found)


def test_hydrogen_carbons_of_the_vocabulary_match_rdkit(model):
    """Over every side group of the trained vocabulary, the token rule finds as many C-H carbons as RDKit."""
    for text in model["sides"]:
        if "c" in text:
            assert len(hydrogen_carbons(tokenize(text))) == len(_hydrogens(text)), text


def test_decorations_parse_and_keep_their_parents_effect(model):
    """A decorated side group is valid SMILES one substituent larger, and its class effect (on a main-chain carbon
    and on a main-chain nitrogen) is its parent's: the substituents are inert on a ring."""
    shared = SharedParts(model)
    parents = [i for i in range(shared.model_sides) if shared.decorations.decoratable(i)][::25]
    assert len(parents) > 20
    draws = Draws(np.random.default_rng(0), 4096)
    for parent in parents:
        new = shared.decorations.decorate(parent, draws)
        if new is None:  # too large
            assert shared.side_atoms[parent] > 13
            continue
        text = shared.sides[new]
        mol = Chem.MolFromSmiles("*" + text)
        parent_atoms = Chem.MolFromSmiles("*" + shared.sides[parent]).GetNumHeavyAtoms()
        assert mol.GetNumHeavyAtoms() == shared.side_atoms[new] > parent_atoms
        assert side_effects(text) == (shared.side_effect["C"][parent], shared.side_effect["N"][parent]), text
    assert len(shared.sides) > shared.model_sides


def test_every_substituent_on_phenyl(model):
    shared = SharedParts(model)
    phenyl = model["sides"].index("-c%50ccccc%50")
    seen = set()
    draws = Draws(np.random.default_rng(1), 4096)
    for _ in range(1500):
        seen.add(shared.sides[shared.decorations.decorate(phenyl, draws)])
    substituted = {Chem.MolToSmiles(Chem.MolFromSmiles("*" + t)) for t in seen}
    # 19 substituents at the ortho, meta or para position: 57 distinct molecules
    assert len(ring_substituents()) == 19 and len(substituted) == 57
    assert "*c1ccc(C(F)(F)F)cc1" in substituted and "*c1ccccc1F" in substituted


def test_decorating_generator_only_substitutes_rings(model):
    """With decorations as the only edit and no chains, every proposal is its seed with ring substituents added:
    a valid unit of the class that holds its seed as a substructure (or the seed itself, when no ring could take
    one more substituent within the size limits)."""
    settings = replace(sampling("polystyrene"), chain=0.0,
                       edits=(("decorate", 1.0), ("block", 0.0), ("side", 0.0), ("add", 0.0), ("remove", 0.0)))
    proposals = FragmentLanguageModel(model, "polystyrene", settings=settings).propose(200, np.random.default_rng(3))
    grown = 0
    for p in proposals:
        parse_repeat_unit(p.smiles)
        assert classify(p.smiles) == "polystyrene"
        child = Chem.MolFromSmiles(p.smiles.replace("*", "[Xe]"))
        seed = Chem.MolFromSmiles(p.parents[0].replace("*", "[Xe]"))
        assert child.HasSubstructMatch(seed), (p.smiles, p.parents[0])
        grown += child.GetNumHeavyAtoms() > seed.GetNumHeavyAtoms()
    assert grown >= 0.9 * len(proposals)


def test_decorations_do_not_change_other_pools(model):
    """Part pools range over the trained vocabulary only: a generator made after decorations exist draws exactly
    as one made before."""
    shared = SharedParts(model)
    before = FragmentLanguageModel(model, "polyester", shared).propose(50, np.random.default_rng(4))
    draws = Draws(np.random.default_rng(5), 4096)
    phenyl = model["sides"].index("-c%50ccccc%50")
    for _ in range(50):
        shared.decorations.decorate(phenyl, draws)
    after = FragmentLanguageModel(model, "polyester", shared).propose(50, np.random.default_rng(4))
    assert before == after


def test_unknown_edit_kind_is_refused(sampling_with):
    read = sampling_with("[classes.polyfoo]\nedits = { twist = 1.0 }")
    with pytest.raises(ValueError, match=r"unknown edit kind\(s\) \['twist'\].*known: decorate"):
        read("polyfoo")


def _leftover(child: Chem.Mol, match: tuple[int, ...]) -> tuple[list[str], set[int]]:
    """The groups of ``child`` outside the atoms ``match`` (SMILES), and the matched atoms they are bonded to."""
    rest = Chem.RWMol(child)
    for index in sorted(match, reverse=True):
        rest.RemoveAtom(index)
    groups = Chem.MolToSmiles(rest.GetMol()).split(".") if rest.GetNumAtoms() else []
    hosts = {n.GetIdx() for i in set(range(child.GetNumAtoms())) - set(match)
             for n in child.GetAtomWithIdx(i).GetNeighbors() if n.GetIdx() in match}
    return groups, hosts


def _gained_groups(child: Chem.Mol, seed: Chem.Mol, allowed: set[str]) -> bool:
    """True if, for some match of ``seed`` in ``child``, every group of atoms the seed does not cover is one of
    ``allowed`` (canonical SMILES)."""
    for match in child.GetSubstructMatches(seed, uniquify=False, maxMatches=200):
        if all(Chem.CanonSmiles(g) in allowed for g in _leftover(child, match)[0]):
            return True
    return False


def test_substitute_edit_puts_small_groups_on_main_chain_carbons(model):
    """The ``substitute`` edit adds one of the ring substituents in place of a main-chain carbon's hydrogen: each
    proposal is its seed plus groups of the list."""
    settings = replace(sampling("polyphenylene"), chain=0.0, max_edits=1,
                       edits=(("substitute", 1.0), ("decorate", 0.0), ("remove", 0.0)))
    proposals = FragmentLanguageModel(model, "polyphenylene", settings=settings).propose(150, np.random.default_rng(6))
    allowed = {Chem.CanonSmiles(s) for s in ring_substituents()}
    grown = 0
    for p in proposals:
        assert classify(p.smiles) == "polyphenylene"
        child = Chem.MolFromSmiles(p.smiles.replace("*", "[Xe]"))
        seed = Chem.MolFromSmiles(p.parents[0].replace("*", "[Xe]"))
        assert _gained_groups(child, seed, allowed), (p.smiles, p.parents[0])
        grown += child.GetNumHeavyAtoms() > seed.GetNumHeavyAtoms()
    assert grown >= 0.9 * len(proposals)


def _phosphorus_groups(smiles: str) -> list[Chem.Mol]:
    """The two groups on the phosphorus of a polyphosphazene unit, each with [Xe] at its attachment."""
    mol = Chem.MolFromSmiles(smiles)
    phosphorus = next(a for a in mol.GetAtoms() if a.GetSymbol() == "P")
    bonds = [mol.GetBondBetweenAtoms(phosphorus.GetIdx(), n.GetIdx()) for n in phosphorus.GetNeighbors()
             if n.GetAtomicNum() and not any(m.GetAtomicNum() == 0 for m in n.GetNeighbors())]  # not the backbone
    bonds = [b.GetIdx() for b in bonds if b.GetBondType() == Chem.BondType.SINGLE]
    pieces = Chem.GetMolFrags(Chem.FragmentOnBonds(mol, bonds, dummyLabels=[(0, 0)] * len(bonds)), asMols=True)
    groups = [p for p in pieces if not any(a.GetSymbol() == "P" for a in p.GetAtoms())]
    return [Chem.MolFromSmiles(Chem.MolToSmiles(g).replace("*", "[Xe]")) for g in groups]


def _one_gained_group(child: Chem.Mol, parent: Chem.Mol, allowed: set[str]) -> bool:
    """True if ``child`` is ``parent`` with one group of ``allowed`` (canonical SMILES) on an aromatic carbon."""
    for match in child.GetSubstructMatches(parent, uniquify=False, maxMatches=200):
        groups, hosts = _leftover(child, match)
        piece = Chem.MolFromSmiles(groups[0]) if len(groups) == 1 else None  # None: part of a ring left over
        if piece is not None and Chem.MolToSmiles(piece) in allowed and all(
                child.GetAtomWithIdx(h).GetIsAromatic() for h in hosts):
            return True
    return False


def test_variant_edit_draws_own_groups_decorated_at_most_once(model):
    """Polyphosphazene samples by ``variant`` edits only: nearly every group on phosphorus is one of the class's own
    groups (from its corpus), or one of them with one ring substituent on an aromatic carbon; the rest (a few per
    hundred) are parts of other corpora, drawn by their small frequency weight or after a repeat."""
    own = {Chem.MolToSmiles(g) for seed in model["seeds"]["polyphosphazene"]
           for g in _phosphorus_groups(seed["smiles"])}
    assert len(own) >= 30
    own_mols = [Chem.MolFromSmiles(s) for s in own]
    allowed = {Chem.CanonSmiles(s) for s in ring_substituents()}
    proposals = FragmentLanguageModel(model, "polyphosphazene").propose(300, np.random.default_rng(7))
    kinds = {"own": 0, "decorated": 0, "other": 0}
    for p in proposals:
        assert classify(p.smiles) == "polyphosphazene"
        groups = _phosphorus_groups(p.smiles)
        assert len(groups) == 2, p.smiles
        for group in groups:
            if Chem.MolToSmiles(group) in own:
                kinds["own"] += 1
            elif any(_one_gained_group(group, parent, allowed) for parent in own_mols):
                kinds["decorated"] += 1
            else:
                kinds["other"] += 1
    assert kinds["decorated"] >= 0.3 * len(proposals), kinds
    assert kinds["other"] <= 0.03 * 2 * len(proposals), kinds
