"""Describer: the same results as the separate library functions, cached, with stable ids."""

import numpy as np
import pytest
from rdkit import Chem

from polyloop.library.classes import classify
from polyloop.library.describe import Describer, charge_separated, unit_id, unit_key
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.fingerprints import morgan_bits, pack_bits
from polyloop.library.repeat_unit import RepeatUnit, canonicalize

from .spellings import EQUIVALENT_GROUPS


def _generated_units(per_class: int) -> list[str]:
    from polyloop.commands.library import registry_generators
    from polyloop.library.classes import polymer_classes

    rng = np.random.default_rng(3)
    generators = registry_generators([c.name for c in polymer_classes()])
    return [p.smiles for gens in generators.values() for g in gens for p in g.propose(per_class, rng)]


def test_descriptions_match_the_library_functions(pi1070) -> None:
    """The Describer describes the molecule canonicalisation leaves (no second parse); the library functions parse
    the canonical SMILES: both give the same class, fingerprint, counts and mass, on real and generated units."""
    describer = Describer()
    units = list(pi1070.sample(250, random_state=1)["smiles"]) + [g[0] for g in EQUIVALENT_GROUPS.values()]
    for smiles in units + _generated_units(per_class=8):
        d = describer.describe(smiles)
        unit = RepeatUnit.from_smiles(smiles)
        assert d.smiles == canonicalize(smiles) == unit.smiles
        assert d.polymer_class == classify(unit)
        assert d.fingerprint == pack_bits(morgan_bits(unit)).tobytes()
        assert (d.heavy_atoms, d.backbone_atoms) == (unit.heavy_atom_count, len(unit.backbone))
        assert d.molecular_weight == pytest.approx(unit.molecular_weight)


def test_spellings_meet_and_invalid_input_is_returned() -> None:
    describer = Describer()
    first, *others = EQUIVALENT_GROUPS["nylon-6"]
    assert all(describer.describe(s) is describer.describe(first) or describer.describe(s) == describer.describe(
        first) for s in others)
    error = describer.describe("*CC")
    assert isinstance(error, InvalidRepeatUnit) and "found 1" in str(error)
    assert describer.describe("*CC") is error  # cached


def test_ids_are_stable_hashes() -> None:
    assert unit_key("*CCO*") == int.from_bytes(bytes.fromhex(unit_id("*CCO*")[2:]), "big")
    assert unit_id("*CCO*") == "PL" + format(unit_key("*CCO*"), "016x") and len(unit_id("*CCO*")) == 18
    assert unit_id("*CCO*") != unit_id("*CCCO*")
    assert unit_id("*CCO*") == "PLc60664670855680b"  # the same polymer keeps its id in every build and release


def test_charge_separated_groups() -> None:
    assert not charge_separated(Chem.MolFromSmiles("*CC(*)[N+](=O)[O-]"))  # nitro: a bonded pair
    assert charge_separated(Chem.MolFromSmiles("*CC(C[NH3+])C(C[O-])*"))  # an inner salt: charges apart
    assert not charge_separated(Chem.MolFromSmiles("*CCO*"))


def test_fast_shifts_and_period_equal_the_general_path(pi1070) -> None:
    from polyloop.library.canonical import cyclic_shifts, join_units, minimal_period, shifted_smiles
    from polyloop.library.parsing import parse_repeat_unit

    for smiles in pi1070.sample(80, random_state=2)["smiles"]:
        mol = parse_repeat_unit(smiles)
        assert shifted_smiles(mol) == {Chem.MolToSmiles(m) for m in cyclic_shifts(mol)}
        tripled = join_units(mol, 3)  # a unit written three times over reduces to one period
        primitive, copies = minimal_period(parse_repeat_unit(Chem.MolToSmiles(tripled)))
        assert copies % 3 == 0 and canonicalize(Chem.MolToSmiles(primitive)) == canonicalize(smiles)


def test_bits_are_the_positive_counts(pi1070) -> None:
    from polyloop.library.fingerprints import morgan_counts

    for smiles in pi1070.sample(60, random_state=3)["canonical_smiles"]:
        unit = RepeatUnit(smiles=smiles)
        np.testing.assert_array_equal(morgan_bits(unit), (morgan_counts(unit) > 0).astype(np.uint8))
