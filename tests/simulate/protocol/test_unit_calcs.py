"""The repeat-unit stages: the cap-corrected monomer polarisability agrees with the oligomer difference, and the
stages record their numbers (or their failure) once."""

import pytest

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.charges.qm import PySCFBackend
from polyloop.simulate.properties.optical import repeat_unit_polarizability
from polyloop.simulate.protocol.presets import load_preset
from polyloop.simulate.protocol.rundir import RunDirectory
from polyloop.simulate.protocol.unit_calcs import cap_corrected_polarizability, qm_stage

BACKEND = PySCFBackend("sto-3g")


def test_for_polyethylene_the_cap_correction_is_the_difference_method():
    pe = RepeatUnit.from_smiles("*CC*")  # canonical unit *C*: the monomer is methane
    corrected, cap = cap_corrected_polarizability(pe, BACKEND)
    difference = repeat_unit_polarizability(pe, BACKEND, copies=(1, 2))
    assert corrected == pytest.approx(difference, rel=1e-6)
    assert 0 < cap < corrected


def test_for_polypropylene_the_monomer_with_cap_correction_is_close_to_the_difference():
    pp = RepeatUnit.from_smiles("*CC(C)*")
    corrected, _ = cap_corrected_polarizability(pp, BACKEND)
    difference = repeat_unit_polarizability(pp, BACKEND, copies=(1, 2))
    assert corrected == pytest.approx(difference, rel=0.05)


def test_qm_stage_records_a_failure_with_its_reason(tmp_path):
    run = RunDirectory(tmp_path)
    run.create({"smiles": "*CC*"})
    preset = load_preset("tiny", ["qm.backend=gaussian"])
    stage = qm_stage(run, RepeatUnit.from_smiles("*CC*"), preset)
    assert stage["finished"] and "qm.backend must be pyscf or psi4" in stage["error"]
    assert "polarizability_A3" not in stage
