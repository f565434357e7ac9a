"""GAFF2 parameterisation of real polymers, checked by two independent engines, plus the fallback policy."""

import numpy as np
import pytest

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import capped_oligomer
from polyloop.simulate.engines import lammps, openmm
from polyloop.simulate.errors import ParameterError, QMError
from polyloop.simulate.forcefield.lookup import ParameterLookup, equivalent_types
from polyloop.simulate.forcefield.parameters import ForceField
from polyloop.simulate.parameterize import parameterize, repeat_unit_charges

POLYMERS = {
    "polyethylene": "*CC*",
    "polypropylene": "*CC(C)*",
    "polystyrene": "*CC(c1ccccc1)*",
    "PMMA": "*CC(C)(C(=O)OC)*",
    "PVC": "*CC(Cl)*",
    "PTFE": "*C(F)(F)C(F)(F)*",
    "PEO": "*OCC*",
    "PET": "*OCCOC(=O)c1ccc(cc1)C(=O)*",
    "nylon-6": "*NCCCCCC(=O)*",
    "bisphenol-A polycarbonate": "*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*",
    "Kapton": "*c1ccc(Oc2ccc(N3C(=O)c4cc5C(=O)N(*)C(=O)c5cc4C3=O)cc2)cc1",
    "polysulfone": "*c1ccc(cc1)S(=O)(=O)c1ccc(cc1)Oc1ccc(cc1)C(C)(C)c1ccc(cc1)O*",
    "poly(vinyl bromide-co-iodide) unit": "*CC(Br)CC(I)*",
}


@pytest.mark.parametrize("name", sorted(POLYMERS))
def test_lammps_and_openmm_agree_on_gaff2_oligomers(name: str) -> None:
    unit = RepeatUnit.from_smiles(POLYMERS[name])
    system = parameterize(capped_oligomer(unit, 3 if unit.heavy_atom_count < 20 else 2, seed=1))
    by_lammps, by_openmm = lammps.single_point(system).as_dict(), openmm.single_point(system).as_dict()
    for term in by_lammps:
        assert by_lammps[term] == pytest.approx(by_openmm[term], rel=1e-3, abs=0.01), term
    assert by_lammps["dihedral"] != 0.0 and by_lammps["vdw"] != 0.0


def test_system_content_for_polystyrene_trimer() -> None:
    system = parameterize(capped_oligomer(RepeatUnit.from_smiles("*CC(c1ccccc1)*"), 3, seed=0))
    assert system.n_atoms == 50 and set(system.types) == {"c3", "ca", "hc", "ha"}
    assert system.total_charge == pytest.approx(0.0, abs=1e-9)
    assert len(system.impropers) == 18  # one per aromatic carbon (X-X-ca-ha and the ipso carbon)
    assert system.provenance["forcefield"] == "gaff2" and system.provenance["charges"] == "gasteiger"
    ca_ca = system.bond_params[[system.types[i] == system.types[j] == "ca" for i, j in system.bonds]][0]
    assert tuple(ca_ca) == pytest.approx((ForceField.load().bond("ca", "ca").k, ForceField.load().bond("ca", "ca").r0))


def test_fallbacks_are_recorded() -> None:
    nylon = parameterize(capped_oligomer(RepeatUnit.from_smiles("*NCCCCCC(=O)*"), 2, conformer=False),
                         charges=np.zeros(40))
    assert any("equivalent types c-n-c3" in line for line in nylon.provenance["fallbacks"])  # ns -> n


def test_lookup_policy() -> None:
    assert equivalent_types()["ns"] == "n" and equivalent_types()["cp"] == "ca"
    lookup = ParameterLookup(ForceField.load())
    with pytest.raises(ParameterError):
        ForceField.load().bond("c", "ns")
    assert lookup.bond("c", "ns").key == ForceField.load().bond("c", "n").key
    assert lookup.fallbacks == ["bond c-ns: equivalent types c-n"]
    assert lookup.bond("c3", "c3").source == "exact" and len(lookup.fallbacks) == 1


def test_unsupported_silicon_fails_clearly() -> None:
    with pytest.raises(ParameterError, match=r"no bond parameters for [a-z0-9]*-?si.* in gaff2"):
        parameterize(capped_oligomer(RepeatUnit.from_smiles("*[Si](C)(C)O*"), 2, conformer=False))


@pytest.mark.parametrize("cap", ["H", "CH3"])
def test_repeat_unit_charges_are_neutral_with_caps_folded(cap: str) -> None:
    unit = RepeatUnit.from_smiles("*OCCOC(=O)c1ccc(cc1)C(=O)*")
    charges = repeat_unit_charges(unit, cap=cap)
    assert charges.total == pytest.approx(0.0, abs=1e-9)
    assert len(charges.by_atom) == 22  # C10H8O4: every atom of the unit, nothing from the caps
    assert charges.method == "gasteiger" and charges.note is None


class FailingBackend:
    """A QM back end whose SCF never converges (to exercise the failure paths)."""

    def esp(self, elements, coords, charge, multiplicity, points):
        raise QMError("SCF did not converge in 1 iterations for C2H6 (test back end)")


def test_qm_failure_raises_unless_a_fallback_was_asked_for() -> None:
    unit = RepeatUnit.from_smiles("*CC*")
    with pytest.raises(QMError, match="SCF did not converge"):
        repeat_unit_charges(unit, "resp", backend=FailingBackend())
    charges = repeat_unit_charges(unit, "resp", backend=FailingBackend(), fallback="gasteiger")
    assert charges.method == "gasteiger" and "fell back to gasteiger as requested" in charges.note
    assert charges.total == pytest.approx(0.0, abs=1e-9) and np.isfinite(list(charges.by_atom.values())).all()
