"""Static dielectric constant: orientational part from box-dipole fluctuations plus the electronic part n².

A fixed-charge force field has no electronic polarisability, so MD gives only the orientational (permanent
dipole) response. With Ewald sums and conducting ("tin-foil") boundary conditions, LAMMPS' and OpenMM's
default, the fluctuation formula (Neumann, Mol. Phys. 50, 841 (1983)) is

    ε_or = 1 + (⟨M²⟩ − ⟨M⟩²) / (3 ε0 ⟨V⟩ k_B T),

with ``M`` the total dipole of the box. ``M`` must be computed from whole (unwrapped) neutral molecules, or
the jumps of atoms across the box make it meaningless.

The electronic part is ``ε_∞ = n²`` (refractive index from Lorentz–Lorenz). The two are combined by adding
susceptibilities, ``ε = n² + (ε_or − 1)``: the induced and the orientational polarisation add. This is the simple
and common choice; it ignores the screening of permanent dipoles by the electronic polarisation (which would
scale the orientational part by about n²), and the charges fitted to HF/6-31G* already contain some condensed-
phase polarisation, so for polar polymers it is a lower-to-middle estimate rather than an upper one. Both parts
are reported by the protocol.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import epsilon_0
from scipy.constants import k as KB

from polyloop.simulate.properties.estimate import Estimate, PropertyError
from polyloop.simulate.properties.statistics import block_jackknife

__all__ = ["orientational_dielectric", "static_dielectric_constant"]


def orientational_dielectric(dipole_Cm, volume, temperature_K: float, blocks: int = 10) -> Estimate:
    """``ε_or = 1 + ⟨δM²⟩/(3 ε0 ⟨V⟩ k_B T)`` from an ``(n, 3)`` series of box dipoles (C·m), the volume (m³,
    a number or an ``(n,)`` series) and the temperature (K); block-jackknife standard error."""
    m = np.asarray(dipole_Cm, dtype=float)
    if m.ndim != 2 or m.shape[1] != 3:
        raise PropertyError(f"dipole_Cm must have shape (n, 3), got {m.shape}")
    v = np.broadcast_to(np.asarray(volume, dtype=float), (len(m),)).copy()
    if np.any(v <= 0) or temperature_K <= 0:
        raise PropertyError("volume (m³) and temperature_K must be positive")

    def epsilon(dipoles: np.ndarray, volumes: np.ndarray) -> float:
        fluctuation = np.sum(np.var(dipoles, axis=0))
        return 1.0 + fluctuation / (3.0 * epsilon_0 * volumes.mean() * KB * temperature_K)

    value, se = block_jackknife(epsilon, m, v, blocks=blocks)
    return Estimate(value, se, "1")


def static_dielectric_constant(orientational: Estimate, refractive_index: Estimate) -> Estimate:
    """``ε = n² + (ε_or − 1)`` (module docstring); ``σ² = σ_or² + (2 n σ_n)²``."""
    n = refractive_index.value
    value = n * n + orientational.value - 1.0
    return Estimate(value, float(np.hypot(orientational.stderr, 2.0 * n * refractive_index.stderr)), "1")
