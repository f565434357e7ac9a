"""Thermal conductivity (reverse NEMD, Müller-Plathe; Green–Kubo) and thermal diffusivity.

**Müller-Plathe** (J. Chem. Phys. 106, 6082 (1997)): the box is cut into slabs along z; kinetic energy is moved
from a cold slab to a hot slab half a box away (LAMMPS ``fix thermal/conductivity``), which sets up a steady
temperature profile. In a periodic box the heat flows back both ways, so the flux through each half is
``J = E / (2 A t)`` for the energy ``E`` exchanged over a time ``t`` across an area ``A``, and Fourier's law gives
``κ = J / |dT/dz|``. The gradient is fitted on each half separately, leaving out the exchange slabs (and
``skip`` slabs next to each); ``κ`` uses the mean of the two gradient magnitudes. Linearity check: the smaller
of the two R² values must reach ``r2_min``; ``asymmetry`` is the difference of the two gradients over their
mean (a large value means the profile is not yet steady or the run too short).

**Green–Kubo**: ``κ = V/(k_B T²) · (1/3) Σ_α ∫₀^τ ⟨J_α(0) J_α(t)⟩ dt`` with the heat-flux *density* ``J`` (W/m²).
LAMMPS' ``compute heat/flux`` returns ``J·V`` (energy × velocity): divide by the volume and convert to SI first.

**Diffusivity**: ``a = κ / (ρ c_p)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.constants import k as KB

from polyloop.simulate.properties.estimate import Estimate, PropertyError, relative_error

__all__ = ["ConductivityEstimate", "green_kubo", "muller_plathe", "thermal_diffusivity"]


@dataclass(frozen=True)
class ConductivityEstimate(Estimate):
    """A Müller-Plathe conductivity with the linearity diagnostics of its temperature profile."""

    r2: float = 1.0
    linear: bool = True
    asymmetry: float = 0.0


def _halves(profile: np.ndarray, skip: int) -> tuple[list[int], list[int]]:
    """Slab indices of the two halves between the coldest and the hottest slab (periodic order), without the
    exchange slabs and ``skip`` slabs next to each."""
    n = len(profile)
    cold, hot = int(np.argmin(profile)), int(np.argmax(profile))
    forward = [(cold + i) % n for i in range(1, (hot - cold) % n)]
    backward = [(hot + i) % n for i in range(1, (cold - hot) % n)]
    halves = [half[skip:len(half) - skip] for half in (forward, backward)]
    if min(len(h) for h in halves) < 3:
        raise PropertyError(f"too few slabs for a gradient: halves of {[len(h) for h in halves]} slabs after "
                            f"skipping {skip}; use more slabs (hot slab {hot}, cold slab {cold} of {n})")
    return halves


def _fit(z: np.ndarray, temps: np.ndarray, weights: np.ndarray | None) -> tuple[float, float, float]:
    """Slope, its standard error, R² of a straight-line fit."""
    coef, cov = np.polyfit(z, temps, 1, w=weights, cov="unscaled" if weights is not None else True)
    residual = temps - np.polyval(coef, z)
    r2 = 1.0 - np.sum(residual**2) / np.sum((temps - temps.mean()) ** 2)
    return float(coef[0]), float(np.sqrt(cov[0, 0])), float(r2)


def muller_plathe(slab_centres_m, temperature_profile_K, exchanged_energy_J: float, duration_s: float,
                  area_m2: float, profile_stderr_K=None, skip: int = 0, r2_min: float = 0.95,
                  blocks: int = 5) -> ConductivityEstimate:
    """Thermal conductivity (W/(m·K)) from a Müller-Plathe run (module docstring).

    Args:
        slab_centres_m: centres of the ``n`` equal slabs along the exchange direction (m), increasing.
        temperature_profile_K: ``(frames, n)`` profiles sampled in the steady state, or their mean ``(n,)``.
        exchanged_energy_J: total kinetic energy moved between the slabs during the sampled time (sign ignored).
        duration_s: the sampled time.
        area_m2: cross-section of the box perpendicular to the exchange direction.
        profile_stderr_K: per-slab standard errors of a mean profile (weights of the fit), optional.
        skip: slabs left out next to each exchange slab, on both halves.
        r2_min: smallest R² for ``linear``.
        blocks: with frames, the gradient's standard error comes from fits to this many block-mean profiles.
    """
    z = np.asarray(slab_centres_m, dtype=float)
    temps = np.asarray(temperature_profile_K, dtype=float)
    if temps.ndim not in (1, 2) or temps.shape[-1] != len(z) or len(z) < 8:
        raise PropertyError(f"temperature_profile_K must be (frames, slabs) or (slabs,) with slabs = "
                            f"len(slab_centres_m) >= 8; got {temps.shape} for {len(z)} centres")
    spacing = np.diff(z)
    if np.any(spacing <= 0) or np.ptp(spacing) > 1e-6 * spacing.mean():
        raise PropertyError("slab_centres_m must be increasing and equally spaced")
    if duration_s <= 0 or area_m2 <= 0 or exchanged_energy_J == 0:
        raise PropertyError("duration_s and area_m2 must be positive and exchanged_energy_J non-zero")
    length = spacing.mean() * len(z)
    mean = temps.mean(axis=0) if temps.ndim == 2 else temps
    halves = _halves(mean, skip)
    unwrapped = [np.asarray([z[i] + (length if i < half[0] else 0.0) for i in half]) for half in halves]
    weights = None if profile_stderr_K is None else 1.0 / np.asarray(profile_stderr_K, dtype=float)
    gradients, errors, r2s = [], [], []
    for half, zz in zip(halves, unwrapped):
        slope, slope_se, r2 = _fit(zz, mean[half], None if weights is None else weights[half])
        gradients.append(abs(slope))
        errors.append(slope_se)
        r2s.append(r2)
    gradient = 0.5 * (gradients[0] + gradients[1])
    gradient_se = 0.5 * float(np.hypot(*errors))
    if temps.ndim == 2 and len(temps) >= blocks >= 2:
        per_block = []
        for chunk in np.array_split(temps, blocks):
            profile = chunk.mean(axis=0)
            per_block.append(np.mean([abs(np.polyfit(zz, profile[h], 1)[0]) for h, zz in zip(halves, unwrapped)]))
        gradient_se = float(np.std(per_block, ddof=1) / np.sqrt(blocks))
    if gradient <= 0:
        raise PropertyError("the temperature profile is flat: no gradient to divide by")
    flux = abs(exchanged_energy_J) / (2.0 * area_m2 * duration_s)
    value = flux / gradient
    return ConductivityEstimate(value=value, stderr=value * gradient_se / gradient, unit="W/(m*K)",
                                r2=float(min(r2s)), linear=bool(min(r2s) >= r2_min),
                                asymmetry=float(abs(gradients[0] - gradients[1]) / gradient))


def _autocorrelation(x: np.ndarray, lags: int) -> np.ndarray:
    """Unbiased autocovariance of the columns of ``x`` (mean removed), averaged over columns, lags 0..lags-1."""
    n = len(x)
    dev = x - x.mean(axis=0)
    spectrum = np.fft.rfft(dev, 2 * n, axis=0)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), axis=0)[:lags] / np.arange(n, n - lags, -1)[:, None]
    return acov.mean(axis=1)


def green_kubo(heat_flux, dt_s: float, volume_m3: float, temperature_K: float,
               correlation_time_s: float | None = None, blocks: int = 5) -> Estimate:
    """Green–Kubo thermal conductivity (W/(m·K)) from an ``(n, 3)`` heat-flux density series (W/m²) sampled
    every ``dt_s``.

    The autocorrelation (averaged over x, y, z) is integrated by the trapezoid rule up to ``correlation_time_s``
    (default: its first zero crossing, where noise starts to dominate). Standard error: the same integral on
    ``blocks`` separate blocks of the series, ``std/√blocks``.
    """
    j = np.asarray(heat_flux, dtype=float)
    if j.ndim != 2 or j.shape[1] != 3 or len(j) < 10 * blocks:
        raise PropertyError(f"heat_flux must be (n, 3) with n >= {10 * blocks}, got {j.shape}")
    if dt_s <= 0 or volume_m3 <= 0 or temperature_K <= 0:
        raise PropertyError("dt_s, volume_m3 and temperature_K must be positive")
    block_length = len(j) // blocks
    if correlation_time_s is None:
        acf = _autocorrelation(j, len(j) // 2)
        crossing = np.nonzero(acf <= 0)[0]
        lags = int(crossing[0]) + 1 if len(crossing) else len(acf)
    else:
        lags = int(round(correlation_time_s / dt_s)) + 1
    if lags > block_length // 2:
        raise PropertyError(f"the integration window ({lags} samples) exceeds half a block ({block_length // 2}); "
                            f"use a longer series or fewer blocks")
    prefactor = volume_m3 / (KB * temperature_K**2)

    def kappa(x: np.ndarray) -> float:
        return prefactor * float(np.trapezoid(_autocorrelation(x, lags), dx=dt_s))

    per_block = [kappa(chunk) for chunk in np.array_split(j, blocks)]
    return Estimate(kappa(j), float(np.std(per_block, ddof=1) / np.sqrt(blocks)), "W/(m*K)")


def thermal_diffusivity(conductivity: Estimate, density: Estimate, cp: Estimate) -> Estimate:
    """``a = κ / (ρ c_p)`` (m²/s) from κ (W/(m·K)), ρ (g/cm³) and c_p (J/(g·K)); relative errors in quadrature."""
    rho_si, cp_si = density.value * 1e3, cp.value * 1e3
    if rho_si <= 0 or cp_si <= 0:
        raise PropertyError(f"density ({density.value}) and cp ({cp.value}) must be positive")
    value = conductivity.value / (rho_si * cp_si)
    rel = float(np.sqrt(relative_error(conductivity) ** 2 + relative_error(density) ** 2
                        + relative_error(cp) ** 2))
    return Estimate(value, abs(value) * rel, "m^2/s")
