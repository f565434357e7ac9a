"""The long-range LJ choice: the analytic tail correction that the presets switch on is exactly the mixture
integral ``E_tail = (2π/V) Σ_ij N_i N_j ∫_rc^∞ r² u_ij(r) dr`` (Lorentz–Berthelot mixing), computed here
independently from the data file's types and counted atoms."""

import math

import numpy as np

from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.protocol import stages
from polyloop.simulate.protocol.md import open_cell
from polyloop.simulate.protocol.presets import load_preset
from polyloop.simulate.protocol.rundir import RunDirectory


def _lj_table(data_file):
    """Per-type (ε, σ) and the atom count per type, read back from the LAMMPS data file."""
    lines = data_file.read_text().splitlines()
    heading = {line.split("#")[0].strip(): number for number, line in enumerate(lines)}
    pair = heading["Pair Coeffs"] + 2
    params = {}
    while lines[pair].strip():
        t, eps, sigma = lines[pair].split()[:3]
        params[int(t)] = (float(eps), float(sigma))
        pair += 1
    atoms = heading["Atoms"] + 2
    counts = {}
    while atoms < len(lines) and lines[atoms].strip():
        t = int(lines[atoms].split()[2])
        counts[t] = counts.get(t, 0) + 1
        atoms += 1
    return params, counts


def test_tail_correction_matches_the_mixture_integral(tmp_path):
    preset = load_preset("tiny", ["engine.cutoff=8.0"])
    run = RunDirectory(tmp_path)
    run.create({"smiles": "*CC(C)*"})
    stages.build(run, RepeatUnit.from_smiles("*CC(C)*"), preset)
    data = tmp_path / "system.data"
    energies = {}
    for tail in (True, False):
        engine = dict(preset["engine"], tail_correction=tail)
        instance = open_cell(data, engine, from_restart=False)
        instance.command("run 0")
        energies[tail] = float(instance.get_thermo("evdwl"))
        volume = float(instance.get_thermo("vol"))
        instance.close()
    params, counts = _lj_table(data)
    rc = 8.0
    expected = 0.0
    for i, n_i in counts.items():
        for j, n_j in counts.items():
            eps = math.sqrt(params[i][0] * params[j][0])
            sigma = 0.5 * (params[i][1] + params[j][1])
            x = sigma / rc
            expected += n_i * n_j * 4 * eps * sigma**3 * (x**9 / 9 - x**3 / 3)
    expected *= 2 * math.pi / volume
    assert expected < 0
    assert np.isclose(energies[True] - energies[False], expected, rtol=1e-6)
