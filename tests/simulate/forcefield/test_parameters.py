"""Tests of the GAFF2 parameter set: values read back equal the numbers in gaff-2.11.dat (quoted below with
their line in that file), lookups are order-independent, fallbacks say so, and the conversion is reproducible."""

import math
import subprocess
import sys
from pathlib import Path

import pytest

from polyloop.simulate.errors import ParameterError
from polyloop.simulate.forcefield.empirical import angle_force_constant, estimate_angle
from polyloop.simulate.forcefield.parameters import ForceField

REPO = Path(__file__).resolve().parents[3]
SOURCE = REPO / "scripts" / "data" / "gaff-2.11.dat"
COMMITTED = REPO / "simulate" / "forcefield" / "data" / "gaff2.json"


@pytest.fixture(scope="module")
def ff() -> ForceField:
    return ForceField.load("gaff2")


def test_load_is_cached(ff):
    assert ForceField.load() is ff


def test_atom_type_mass(ff):
    # line 6: "c3 12.01  0.878  Sp3 C"; line 34: "f  19.00  0.320  Fluorine"
    assert ff.mass("c3") == 12.01
    assert ff.mass("f") == 19.00
    assert ff.atom_types["c3"]["polarizability"] == 0.878
    assert ff.atom_types["c3"]["description"] == "Sp3 C"


def test_lj_values_and_sigma(ff):
    # MOD4 RE, line 7532: "c3  1.9069  0.1078"; line 7527: "o  1.7107  0.1463"
    eps, sigma = ff.lj("c3")
    assert eps == 0.1078
    assert sigma == pytest.approx(2 * 1.9069 / 2 ** (1 / 6), rel=1e-12)
    eps_o, sigma_o = ff.lj("o")
    assert (eps_o, sigma_o) == (0.1463, pytest.approx(2 * 1.7107 / 2 ** (1 / 6)))


def test_missing_lj_type_raises_with_type_in_message(ff):
    # gaff-2.11.dat gives the TIP3P oxygen "ow" a mass but no MOD4 RE entry
    with pytest.raises(ParameterError, match="'ow'"):
        ff.lj("ow")
    with pytest.raises(ParameterError, match="'zz'"):
        ff.lj("zz")


def test_bond_values_and_symmetry(ff):
    # line 227: "c3-hc  375.9  1.0970"; line 306: "c -c3  243.2  1.5240"; line 223: "c3-f  352.6  1.3500"
    b = ff.bond("c3", "hc")
    assert (b.k, b.r0, b.source) == (375.9, 1.097, "exact")
    assert ff.bond("hc", "c3") == b
    assert ff.bond("c3", "c") == ff.bond("c", "c3")
    assert (ff.bond("c3", "c").k, ff.bond("c3", "c").r0) == (243.2, 1.524)
    assert (ff.bond("f", "c3").k, ff.bond("f", "c3").r0) == (352.6, 1.35)


def test_missing_bond_raises(ff):
    with pytest.raises(ParameterError, match="hc-hc"):
        ff.bond("hc", "hc")


def test_angle_values_both_directions(ff):
    # line 1363: "c3-c3-hc  46.8  109.80"; line 1411: "c -c3-c3  65.3  111.04"
    a = ff.angle("hc", "c3", "c3")
    assert (a.k, a.theta0, a.source) == (46.8, 109.80, "exact")
    assert ff.angle("c3", "c3", "hc") == a
    assert (ff.angle("c3", "c3", "c").k, ff.angle("c3", "c3", "c").theta0) == (65.3, 111.04)


def test_exact_dihedral_either_direction(ff):
    # line 7056: "hc-c3-c3-hc  1  0.120  0.000  3"
    (term,) = ff.dihedrals("hc", "c3", "c3", "hc")
    assert (term.idivf, term.pk, term.phase, term.periodicity, term.source) == (1, 0.12, 0.0, 3, "exact")
    # hc-c3-c-o is listed as such; asking o-c-c3-hc finds the same entry
    assert ff.dihedrals("o", "c", "c3", "hc") == ff.dihedrals("hc", "c3", "c", "o")


def test_multi_term_dihedral_returns_all_terms(ff):
    # lines 7026-7028: c3-c3-c3-c3 with periodicities -3, -2, 1
    terms = ff.dihedrals("c3", "c3", "c3", "c3")
    assert [(t.pk, t.phase, t.periodicity) for t in terms] == [(0.13, 0.0, 3), (0.29, 180.0, 2), (0.11, 0.0, 1)]
    # lines 7476-7477: o -p5-c3-p5 "2.590 180.000 -2" then "3.170 0.000 1"
    terms = ff.dihedrals("p5", "c3", "p5", "o")
    assert [(t.pk, t.phase, t.periodicity) for t in terms] == [(2.59, 180.0, 2), (3.17, 0.0, 1)]


def test_duplicate_dihedral_keeps_last_entry(ff):
    # c -n -c3-c3 appears at lines 7040-7042 and again as c3-c3-n -c at lines 7119-7121; the later one is kept
    terms = ff.dihedrals("c", "n", "c3", "c3")
    assert [(t.pk, t.phase, t.periodicity) for t in terms] == [(0.65, 180.0, 4), (0.03, 180.0, 3), (2.26, 0.0, 1)]
    assert "c-n-c3-c3" in ff.meta["overridden_dihedrals"]["keys"]


def test_dihedral_wildcard_fallback(ff):
    # no n-c-c3-hc entry; line 6359: "X -c -c3-X  6  0.000  180.000  2.000"
    assert "hc-c3-c-n" not in ff.dihedral_table and "n-c-c3-hc" not in ff.dihedral_table
    (term,) = ff.dihedrals("n", "c", "c3", "hc")
    assert term.source == "wildcard"
    assert term.key == "X-c-c3-X"
    assert (term.idivf, term.pk, term.phase, term.periodicity) == (6, 0.0, 180.0, 2)
    # line 6512: "X -c3-c3-X  9  1.400  0.000  3.000" -> barrier 1.4 / 9
    (term,) = ff.dihedrals("n", "c3", "c3", "br")
    assert term.source == "wildcard" and term.barrier == pytest.approx(1.4 / 9)


def test_missing_dihedral_raises(ff):
    with pytest.raises(ParameterError, match="X-hc-hc-X"):
        ff.dihedrals("c3", "hc", "hc", "c3")


def test_improper_exact_and_wildcard(ff):
    # "ca-ca-ca-c3  1.1  180.  2." -- central atom third, outer types in any order
    imp = ff.improper("c3", "ca", "ca", "ca")
    assert (imp.pk, imp.phase, imp.periodicity, imp.source, imp.key) == (1.1, 180.0, 2, "exact", "ca-ca-ca-c3")
    # "X -X -c -o  10.5  180.  2." for a ketone carbon
    imp = ff.improper("c3", "o", "c", "c3")
    assert (imp.pk, imp.source, imp.key, imp.order) == (10.5, "wildcard", "X-X-c-o", ("c3", "c3", "c", "o"))
    assert ff.improper("o", "c3", "c", "c3") == imp
    # an sp3 centre has no improper
    assert ff.improper("hc", "hc", "c3", "hc") is None


@pytest.mark.parametrize(
    ("angle", "tabulated_k"),
    [
        (("c3", "c3", "c3"), 64.9),  # line 1351
        (("hc", "c3", "hc"), 39.0),  # line 1556
        (("c3", "c3", "hc"), 46.8),  # line 1363
        (("ca", "ca", "ca"), 68.8),  # line 1647
        (("c3", "os", "c3"), 66.3),  # line 3922
        (("c3", "n3", "c3"), 65.7),  # line 2869
        (("c3", "c3", "cl"), 71.5),  # line 1357
        (("c3", "ss", "c3"), 71.1),  # line 4925
    ],
)
def test_empirical_rule_reproduces_tabulated_force_constants(ff, angle, tabulated_k):
    """Pretending the angle is missing, the rule lands within 20% of GAFF2's value. (GAFF2 re-fitted its
    constants to frequencies; for angles ending on N, O or F atoms the rule is typically 20-40% low.)"""
    k, theta0 = estimate_angle(ff, *angle)
    assert k == pytest.approx(tabulated_k, rel=0.20)
    if angle[0] == angle[2]:
        assert theta0 == ff.tabulated_angle(*angle)[1]


def test_missing_angle_is_estimated_and_marked(ff):
    assert ff.tabulated_angle("c3", "ca", "os") is None
    a = ff.angle("c3", "ca", "os")
    assert a.source == "empirical"
    r1, r2 = ff.bond_length("c3", "ca"), ff.bond_length("ca", "os")
    theta0 = (ff.tabulated_angle("c3", "ca", "c3")[1] + ff.tabulated_angle("os", "ca", "os")[1]) / 2
    assert a.theta0 == pytest.approx(theta0)
    # Z(C) = 1.183, C(C) = 1.339, Z(O) = 1.219 (Wang et al. 2004)
    d = (r1 - r2) ** 2 / (r1 + r2) ** 2
    expected = 143.9 * 1.183 * 1.339 * 1.219 * math.exp(-2 * d) / ((r1 + r2) * math.radians(theta0) ** 0.5)
    assert a.k == pytest.approx(expected, rel=1e-12)
    assert ff.angle("os", "ca", "c3") == a


def test_angle_force_constant_pure_function():
    # symmetric angle: D = 0, K = 143.9 Z^2 C / (2 r sqrt(theta))
    k = angle_force_constant(1.0, 1.0, 1.0, 1.0, 1.0, math.degrees(1.0))
    assert k == pytest.approx(143.9 / 2)


def test_empirical_rule_failure_names_types_and_reason(ff):
    with pytest.raises(ParameterError, match=r"hc-hc-hc.*centre parameter"):
        ff.angle("hc", "hc", "hc")
    with pytest.raises(ParameterError, match=r"c3-c3-ow.*bond c3-ow"):
        ff.angle("c3", "c3", "ow")


def test_unknown_force_field():
    with pytest.raises(ParameterError, match="nosuchff"):
        ForceField.load("nosuchff")


def test_meta_documents_conventions(ff):
    assert "no factor 1/2" in ff.meta["conventions"]["bond"]
    assert "pk / idivf" in ff.meta["conventions"]["dihedral"]
    assert "third" in ff.meta["conventions"]["improper"]
    assert ff.meta["source"]["file"] == "gaff-2.11.dat"


def test_conversion_script_reproduces_committed_json(tmp_path):
    out = tmp_path / "gaff2.json"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "convert_gaff2.py"), str(SOURCE), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == COMMITTED.read_bytes()
