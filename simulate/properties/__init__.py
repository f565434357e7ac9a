"""Property estimators: pure functions from MD time series (and QM results) to values with standard errors.

Every estimator returns an :class:`~polyloop.simulate.properties.estimate.Estimate` (value, stderr, unit; some
with extra flags). Inputs are SI arrays; the units of the results are those of the result record. Modules:

- :mod:`~.estimate` — :class:`Estimate`, :class:`PropertyError`.
- :mod:`~.statistics` — block averaging (Flyvbjerg–Petersen with Jonsson's M-test), statistical inefficiency,
  block jackknife, stationarity checks.
- :mod:`~.fluctuation` — density, c_p, κ_T, B_T, α_V, α_L, c_v, κ_S, B_S from NPT fluctuations.
- :mod:`~.quantum` — force-field harmonic frequencies (LAMMPS Hessian) and the quantum correction of c_p.
- :mod:`~.dielectric` — orientational ε from box-dipole fluctuations; static ε = n² + (ε_or − 1).
- :mod:`~.optical` — Lorentz–Lorenz refractive index from the QM polarisability of the repeat unit.
- :mod:`~.transport` — self-diffusion from the MSD, with a flag for non-diffusive (glassy) motion.
- :mod:`~.thermal` — Müller-Plathe and Green–Kubo thermal conductivity; thermal diffusivity.
- :mod:`~.structure` — radius of gyration.
"""

from polyloop.simulate.properties.estimate import Estimate, PropertyError

__all__ = ["Estimate", "PropertyError"]
