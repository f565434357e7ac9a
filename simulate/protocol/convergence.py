"""Is the sampled state equilibrated? The verdict and the numbers behind it.

The sampling window is the last ``sample.window_fraction`` of all NPT sampling (the ``sample`` stage and its
extensions). Over it, each of these series must be stationary — no linear drift and no difference between halves
larger than ``sample.drift_z`` standard errors (:func:`~polyloop.simulate.properties.statistics.stationarity`):
density, potential energy, bond, angle, dihedral, van der Waals and Coulomb energies, and the chains' mean radius of
gyration.

Chain relaxation is reported beside the verdict, not inside it: a glassy polymer below its Tg does not relax on MD
time scales, and that is physics, not a failed run. The indicator is ``⟨Δr²_cm(t_max)⟩ / ⟨R_g²⟩``, how far the
chains' centres of mass moved over the window compared with their own size; ``relaxed`` when it exceeds 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from polyloop.simulate.properties.statistics import stationarity
from polyloop.simulate.protocol.rundir import RunDirectory
from polyloop.simulate.protocol.series import read_blocks, read_scalars
from polyloop.simulate.protocol.stages import sample_columns

__all__ = ["SampledSeries", "sampled_series", "sampling_verdict"]

AVOGADRO = 6.02214076e23


class SampledSeries:
    """The window of the NPT sampling: thermo columns by name, times (fs), chain Rg and centres of mass."""

    def __init__(self, directory: RunDirectory, preset: dict[str, Any]) -> None:
        folders = [directory.path / "sample"] + sorted(
            (p for p in directory.path.glob("sample_ext*") if p.is_dir()), key=lambda p: int(p.name[10:]))
        dt = preset["engine"]["timestep_fs"]
        steps, values = _concat([read_scalars(f, "thermo") for f in folders])
        rg_steps, rg = _concat([read_blocks(f, "rg") for f in folders])
        com_steps, com = _concat([read_blocks(f, "com") for f in folders])
        keep = int(round(len(steps) * preset["sample"]["window_fraction"]))
        first = steps[len(steps) - keep]
        self.times_fs = (steps[-keep:] - first) * dt
        self.columns = {name: values[-keep:, i] for i, name in enumerate(sample_columns())}
        self.rg = rg[rg_steps >= first][:, :, 0]  # (frames, chains), Å
        self.com = com[com_steps >= first]  # (frames, chains, 3), Å, unwrapped
        self.com_times_fs = (com_steps[com_steps >= first] - first) * dt
        self.total_mass = float(directory.stage("build")["total_mass"])  # g/mol

    @property
    def density(self) -> np.ndarray:
        """Mass density, g/cm³."""
        return self.total_mass / AVOGADRO / (self.columns["vol"] * 1e-24)


def _concat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    steps = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[1] for p in parts])
    _, unique = np.unique(steps, return_index=True)
    return steps[unique], values[unique]


def sampled_series(directory: RunDirectory, preset: dict[str, Any]) -> SampledSeries:
    """The sampling window's series (see :class:`SampledSeries`)."""
    return SampledSeries(directory, preset)


def chain_relaxation(series: SampledSeries) -> dict[str, Any]:
    """``⟨|r_cm(end) − r_cm(start)|²⟩ / ⟨R_g²⟩`` over the window, and whether it exceeds 1."""
    displacement = series.com[-1] - series.com[0]
    drift = displacement.mean(axis=0)  # remove the whole cell's drift
    msd = float(np.mean(np.sum((displacement - drift) ** 2, axis=1)))
    rg2 = float(np.mean(series.rg ** 2))
    ratio = msd / rg2 if rg2 > 0 else float("nan")
    return {"com_msd_A2": msd, "rg2_A2": rg2, "com_msd_over_rg2": ratio, "relaxed": bool(ratio > 1.0)}


def sampling_verdict(directory: RunDirectory, preset: dict[str, Any]) -> dict[str, Any]:
    """Stationarity checks of the sampling window and the chain-relaxation indicator (module docstring)."""
    series = sampled_series(directory, preset)
    threshold = preset["sample"]["drift_z"]
    t = series.times_fs
    checks = {"density": series.density, "pe": series.columns["pe"], "ebond": series.columns["ebond"],
              "eangle": series.columns["eangle"], "edihed": series.columns["edihed"],
              "evdwl": series.columns["evdwl"], "ecoul": series.columns["ecoul"] + series.columns["elong"]}
    results = {name: stationarity(t, values, threshold).as_dict() for name, values in checks.items()}
    results["radius_of_gyration"] = stationarity(series.com_times_fs, series.rg.mean(axis=1), threshold).as_dict()
    stationary = all(check["stationary"] for check in results.values())
    failing = sorted(name for name, check in results.items() if not check["stationary"])
    return {"stationary": stationary, "not_stationary": failing, "window_ps": float(t[-1] - t[0]) / 1000.0,
            "samples": len(t), "checks": results, "chain_relaxation": chain_relaxation(series)}

