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
    assert ends == ["CC", "CC", "XX", "XX"]  # CC, OC(=O), phenylene, C(=O)O: the ester cut by the "*" is whole
    assert sum(len(t.positions) for t in parts.templates) == 12


@pytest.mark.parametrize("smiles", [
    "*OCCOC(=O)c1ccc(cc1)C(=O)*",          # PET, cut inside an ester
    "*OC(=O)CCCCC(*)=O",                   # an anhydride cut inside its linkage
    "*NC(=O)CCCCC(=O)NCCCCCC*",            # nylon-6,6 cut inside an amide
    "*CC(C)(C(=O)OC)*",                    # PMMA: one carbon segment
])
def test_blocks_do_not_depend_on_where_the_unit_is_cut(smiles):
    """Every cyclic shift of a unit gives the same blocks (in a rotated order), so no linkage is split in two."""
    from rdkit import Chem

    from polyloop.library.canonical import cyclic_shifts
    from polyloop.library.parsing import parse_repeat_unit

    def blocks(text):
        parts = decompose(text)
        return sorted("".join(t.pieces) + repr(sorted(map(sorted, f))) for t, f in zip(parts.templates, parts.fills))

    expected = blocks(smiles)
    shifts = [Chem.MolToSmiles(m) for m in cyclic_shifts(parse_repeat_unit(smiles))]
    assert len(shifts) >= 2 or smiles.startswith("*CC(C)")
    for text in shifts:
        assert blocks(text) == expected, text


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
