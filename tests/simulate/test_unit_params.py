"""Parameters of a repeat unit in chain context, and the PI1070 coverage."""

import pytest

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.unit_params import parameterize_repeat_unit


def test_polystyrene_per_unit_counts_types_and_charges() -> None:
    result = parameterize_repeat_unit(RepeatUnit.from_smiles("*CC(c1ccccc1)*"))
    # C8H8 in a chain: 9 heavy-atom bonds (6 ring, ring-backbone, backbone, to the next unit) + 8 C-H
    assert (result.n_bonds, result.n_angles, result.n_dihedrals, result.n_impropers) == (17, 30, 48, 6)
    assert len(result.atoms) == 16
    assert [a["type"] for a in result.atoms[:3]] == ["c3", "c3", "ca"]
    assert result.total_charge == pytest.approx(0.0, abs=1e-5)
    assert set(result.as_json()) == {"smiles", "atoms", "total_charge", "n_bonds", "n_angles", "n_dihedrals",
                                     "n_impropers", "fallbacks"}


def test_explicit_isotopes_are_atoms_of_the_unit() -> None:
    deuterated = "*C([2H])([2H])C(*)([2H])c1c([2H])c([2H])c([2H])c([2H])c1[2H]"
    result = parameterize_repeat_unit(RepeatUnit.from_smiles(deuterated))
    assert len(result.atoms) == 16 and result.total_charge == pytest.approx(0.0, abs=1e-5)


def test_pi1070_sample_parameterises(pi1070) -> None:
    sample = pi1070.sample(60, random_state=1)["canonical_smiles"]
    results = [parameterize_repeat_unit(RepeatUnit(smiles=s)) for s in sample]
    assert all(abs(r.total_charge) < 1e-4 for r in results)
    assert all(r.n_bonds >= len(r.atoms) for r in results)  # a chain unit has at least as many bonds as atoms
