"""Thermodynamic response functions from NPT fluctuations (classical statistical mechanics).

Inputs are series sampled at equal intervals from one NPT run, in SI: volume ``V`` (m³), enthalpy ``H`` (J) and
the thermostat/barostat set points (temperature ``T`` in K). ``H = E_kin + E_pot + P_ext V`` with the **set**
pressure ``P_ext``, not the instantaneous virial pressure (LAMMPS' ``enthalpy`` thermo keyword uses the latter;
compute ``etotal + P_ext·vol`` instead). ``mass`` is the mass of the whole box (kg). With ``k = k_B``:

* density ``ρ = m / V``, block averaged;
* ``C_p = ⟨δH²⟩ / (k T²)`` (per mass: ``c_p = C_p / m``);
* ``κ_T = ⟨δV²⟩ / (k T ⟨V⟩)``, ``B_T = 1/κ_T``;
* ``α_V = ⟨δV δH⟩ / (k T² ⟨V⟩)``, ``α_L = α_V / 3`` (isotropic material);
* ``C_p − C_v = T V α_V² / κ_T = ⟨δV δH⟩² / (k T² ⟨δV²⟩)``;
* ``κ_S = κ_T C_v / C_p``, ``B_S = 1/κ_S``.

Nonlinear estimators get their standard error from a block jackknife over the same series
(:func:`~polyloop.simulate.properties.statistics.block_jackknife`, ``blocks`` contiguous blocks), so the errors
of combined quantities (``C_v``, ``κ_S``) carry the correlations between their ingredients. ``cp_correction``
(J/(g·K), a float or an :class:`Estimate`, typically negative: see :mod:`~polyloop.simulate.properties.quantum`)
is added to the classical ``c_p`` wherever ``C_p`` enters; its error is added in quadrature. ``C_p − C_v`` is
kept classical: the quantum correction of harmonic modes is the same at constant pressure and volume.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import k as KB

from polyloop.simulate.properties.estimate import Estimate, PropertyError
from polyloop.simulate.properties.statistics import block_average, block_jackknife

__all__ = ["bulk_modulus", "cp_classical", "cp_corrected", "cv_from_cp", "density", "isentropic_bulk_modulus",
           "isentropic_compressibility", "isothermal_compressibility", "linear_expansion", "volumetric_expansion"]

PER_GRAM = 1e-3  # J/(kg K) -> J/(g K)
PER_GPA = 1e9  # 1/Pa -> 1/GPa


def _positive(value: float, name: str, unit: str) -> float:
    if not np.isfinite(value) or value <= 0:
        raise PropertyError(f"{name} must be a positive number ({unit}), got {value!r}")
    return float(value)


def _correction(cp_correction: float | Estimate) -> tuple[float, float]:
    if isinstance(cp_correction, Estimate):
        return cp_correction.value, cp_correction.stderr
    return float(cp_correction), 0.0


def _moments(volume, enthalpy):
    """⟨V⟩, var(V), var(H), cov(V, H) of whole series."""
    dv = volume - volume.mean()
    dh = enthalpy - enthalpy.mean()
    return volume.mean(), np.mean(dv * dv), np.mean(dh * dh), np.mean(dv * dh)


def density(mass_kg: float, volume) -> Estimate:
    """Mass density ``m/V`` averaged over the series (g/cm³), block standard error."""
    mass = _positive(mass_kg, "mass_kg", "kg")
    v = np.asarray(volume, dtype=float)
    if np.any(v <= 0):
        raise PropertyError("volume must be positive (m³)")
    mean, se = block_average(mass / v * 1e-3)
    return Estimate(mean, se, "g/cm^3")


def cp_classical(enthalpy, temperature_K: float, mass_kg: float, blocks: int = 10) -> Estimate:
    """Classical isobaric specific heat ``⟨δH²⟩/(k T² m)`` (J/(g·K)), jackknife error."""
    t = _positive(temperature_K, "temperature_K", "K")
    mass = _positive(mass_kg, "mass_kg", "kg")
    value, se = block_jackknife(lambda h: np.var(h) / (KB * t * t * mass) * PER_GRAM, enthalpy, blocks=blocks)
    return Estimate(value, se, "J/(g*K)")


def cp_corrected(enthalpy, temperature_K: float, mass_kg: float, cp_correction: float | Estimate,
                 blocks: int = 10) -> Estimate:
    """``c_p`` classical plus ``cp_correction`` (J/(g·K)); errors in quadrature."""
    classical = cp_classical(enthalpy, temperature_K, mass_kg, blocks)
    corr, corr_se = _correction(cp_correction)
    return Estimate(classical.value + corr, float(np.hypot(classical.stderr, corr_se)), "J/(g*K)")


def isothermal_compressibility(volume, temperature_K: float, blocks: int = 10) -> Estimate:
    """``κ_T = ⟨δV²⟩/(k T ⟨V⟩)`` (1/GPa), jackknife error."""
    t = _positive(temperature_K, "temperature_K", "K")
    value, se = block_jackknife(lambda v: np.var(v) / (KB * t * v.mean()) * PER_GPA, volume, blocks=blocks)
    return Estimate(value, se, "1/GPa")


def bulk_modulus(volume, temperature_K: float, blocks: int = 10) -> Estimate:
    """``B_T = k T ⟨V⟩/⟨δV²⟩`` (GPa), jackknife error."""
    t = _positive(temperature_K, "temperature_K", "K")
    value, se = block_jackknife(lambda v: KB * t * v.mean() / np.var(v) / PER_GPA, volume, blocks=blocks)
    return Estimate(value, se, "GPa")


def volumetric_expansion(volume, enthalpy, temperature_K: float, blocks: int = 10) -> Estimate:
    """``α_V = ⟨δV δH⟩/(k T² ⟨V⟩)`` (1/K), jackknife error."""
    t = _positive(temperature_K, "temperature_K", "K")

    def alpha(v, h):
        mean_v, _, _, cov = _moments(v, h)
        return cov / (KB * t * t * mean_v)

    value, se = block_jackknife(alpha, volume, enthalpy, blocks=blocks)
    return Estimate(value, se, "1/K")


def linear_expansion(volume, enthalpy, temperature_K: float, blocks: int = 10) -> Estimate:
    """``α_L = α_V / 3`` (1/K) for an isotropic material."""
    volumetric = volumetric_expansion(volume, enthalpy, temperature_K, blocks)
    return Estimate(volumetric.value / 3.0, volumetric.stderr / 3.0, "1/K")


def _heat_capacities(v, h, t: float, mass: float, corr: float) -> tuple[float, float]:
    """(c_p, c_v) in J/(g K), c_p classical + corr, c_v = c_p − ⟨δVδH⟩²/(k T² ⟨δV²⟩ m)."""
    _, var_v, var_h, cov = _moments(v, h)
    cp = var_h / (KB * t * t * mass) * PER_GRAM + corr
    return cp, cp - cov * cov / (KB * t * t * var_v * mass) * PER_GRAM


def cv_from_cp(volume, enthalpy, temperature_K: float, mass_kg: float, cp_correction: float | Estimate = 0.0,
               blocks: int = 10) -> Estimate:
    """``c_v = c_p − T V α_V²/(κ_T m)`` (J/(g·K)); ``c_p`` classical plus ``cp_correction`` (module docstring)."""
    t = _positive(temperature_K, "temperature_K", "K")
    mass = _positive(mass_kg, "mass_kg", "kg")
    corr, corr_se = _correction(cp_correction)
    value, se = block_jackknife(lambda v, h: _heat_capacities(v, h, t, mass, corr)[1], volume, enthalpy,
                                blocks=blocks)
    return Estimate(value, float(np.hypot(se, corr_se)), "J/(g*K)")


def _kappa_s(v, h, t: float, mass: float, corr: float) -> float:
    """κ_S in 1/GPa."""
    cp, cv = _heat_capacities(v, h, t, mass, corr)
    if cp <= 0:
        raise PropertyError(f"c_p = {cp:.4g} J/(g K) after the correction is not positive")
    return np.var(v) / (KB * t * v.mean()) * PER_GPA * cv / cp


def _with_correction_error(estimator, volume, enthalpy, corr: float, corr_se: float, blocks: int):
    """Jackknife value and error, plus the error from ``corr`` by a central difference in it."""
    value, se = block_jackknife(lambda v, h: estimator(v, h, corr), volume, enthalpy, blocks=blocks)
    if corr_se > 0:
        v, h = np.asarray(volume, float), np.asarray(enthalpy, float)
        slope = (estimator(v, h, corr + corr_se) - estimator(v, h, corr - corr_se)) / 2.0
        se = float(np.hypot(se, slope))
    return value, se


def isentropic_compressibility(volume, enthalpy, temperature_K: float, mass_kg: float,
                               cp_correction: float | Estimate = 0.0, blocks: int = 10) -> Estimate:
    """``κ_S = κ_T c_v / c_p`` (1/GPa), with ``c_p`` classical plus ``cp_correction``."""
    t = _positive(temperature_K, "temperature_K", "K")
    mass = _positive(mass_kg, "mass_kg", "kg")
    corr, corr_se = _correction(cp_correction)
    value, se = _with_correction_error(lambda v, h, c: _kappa_s(v, h, t, mass, c), volume, enthalpy, corr, corr_se,
                                       blocks)
    return Estimate(value, se, "1/GPa")


def isentropic_bulk_modulus(volume, enthalpy, temperature_K: float, mass_kg: float,
                            cp_correction: float | Estimate = 0.0, blocks: int = 10) -> Estimate:
    """``B_S = 1/κ_S`` (GPa)."""
    t = _positive(temperature_K, "temperature_K", "K")
    mass = _positive(mass_kg, "mass_kg", "kg")
    corr, corr_se = _correction(cp_correction)
    value, se = _with_correction_error(lambda v, h, c: 1.0 / _kappa_s(v, h, t, mass, c), volume, enthalpy, corr,
                                       corr_se, blocks)
    return Estimate(value, se, "GPa")
