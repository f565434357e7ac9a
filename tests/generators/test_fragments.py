"""Blocks and side groups: a unit cut apart and written back is the same polymer."""

import pytest

from polyloop.generators.assembly import render
from polyloop.generators.fragments import decompose
from polyloop.library.repeat_unit import canonicalize


def test_round_trip_on_pi1070(pi1070):
    units = [s for s in pi1070["canonical_smiles"] if not any(c in s for c in "/\\@")][::15]
    for smiles in units:
        parts = decompose(smiles)
        assert canonicalize(render(parts.templates, parts.fills)) == smiles


def test_pet_blocks():
    parts = decompose("*OCCOC(=O)c1ccc(cc1)C(=O)*")
    ends = sorted(t.ends for t in parts.templates)
    assert ends == ["CC", "CC", "XX", "XX", "XX"]  # O, CC, OC(=O), phenylene, C(=O)
    assert sum(len(t.positions) for t in parts.templates) == 12


def test_side_groups_are_cut_and_required_slots_kept():
    parts = decompose("*N=P(Oc1ccccc1)(OCC(F)(F)F)*")
    (template,) = parts.templates
    assert [p.required for p in template.positions if p.element == "other"] == [2]
    sides = sorted(s for f in parts.fills[0] for s in f)
    assert sides == ["OCC(F)(F)F", "Oc%50ccccc%50"]
    assert canonicalize(render(parts.templates, parts.fills)) == canonicalize("*N=P(Oc1ccccc1)(OCC(F)(F)F)*")


def test_render_needs_blocks():
    with pytest.raises(ValueError, match="1 to 20 blocks"):
        render([], [])
