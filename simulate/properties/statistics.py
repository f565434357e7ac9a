"""Standard errors of time averages from correlated MD series.

* :func:`block_average` — mean and standard error by Flyvbjerg–Petersen blocking (J. Chem. Phys. 91, 461 (1989)):
  pairs of neighbours are averaged again and again; at level ``k`` the ``n_k`` block means give
  ``var(mean) ≈ s_k² / n_k``, which rises with ``k`` until the blocks are longer than the correlation time and
  then stays flat. The level is chosen by Jonsson's M-test (Phys. Rev. E 98, 043304 (2018)): the first level ``j``
  where ``M_j = Σ_{k≥j} n_k [(n_k−1) σ_k²/n_k² + γ_k]² / σ_k⁴`` (``σ_k²`` the variance and ``γ_k`` the lag-1
  autocovariance of the level-``k`` block means) is below the 99 % quantile of χ² with as many degrees of freedom
  as levels left. When no level passes (a series too short for its correlation time) the largest estimate over
  the levels with at least 4 blocks is returned, which errs on the safe side.
* :func:`statistical_inefficiency` — ``g = 1 + 2 Σ_t (1 − t/N) ρ(t)``, the autocorrelation ``ρ`` summed up to its
  first zero crossing; ``N/g`` is the number of independent samples.
* :func:`block_jackknife` — value and standard error of a nonlinear function of whole series (a variance, a
  covariance, a ratio of them): leave out one contiguous block at a time,
  ``SE² = (B−1)/B Σ_i (θ_i − θ̄)²``.
* :func:`stationarity` — drift (linear fit) and halves comparison against the block standard error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from polyloop.simulate.properties.estimate import PropertyError

__all__ = ["Stationarity", "block_average", "block_jackknife", "statistical_inefficiency", "stationarity"]

MIN_SAMPLES = 4


def _series(series, name: str = "series", min_samples: int = MIN_SAMPLES) -> np.ndarray:
    """A finite float array with at least ``min_samples`` rows, or a :class:`PropertyError` saying why not."""
    x = np.asarray(series, dtype=float)
    if x.ndim == 0 or len(x) < min_samples:
        raise PropertyError(f"{name} needs at least {min_samples} samples, got {0 if x.ndim == 0 else len(x)}")
    if not np.all(np.isfinite(x)):
        raise PropertyError(f"{name} contains non-finite values (NaN or inf) at rows "
                            f"{np.unique(np.nonzero(~np.isfinite(x))[0])[:5].tolist()}")
    return x


def _blocking_levels(x: np.ndarray) -> list[tuple[int, float, float]]:
    """``(n_k, σ_k², γ_k)`` per blocking level (biased variance and lag-1 autocovariance of the block means).
    At an odd length the earliest point is dropped before pairing."""
    levels = []
    while len(x) >= 2:
        mean = x.mean()
        dev = x - mean
        levels.append((len(x), float(np.mean(dev * dev)), float(np.sum(dev[:-1] * dev[1:]) / len(x))))
        if len(x) % 2:
            x = x[1:]
        x = 0.5 * (x[0::2] + x[1::2])
    return levels


def block_average(series) -> tuple[float, float]:
    """Mean of a 1-D time series and the standard error of that mean, by blocking (module docstring).

    Raises :class:`PropertyError` for fewer than 4 samples or non-finite values.
    """
    x = _series(series)
    if x.ndim != 1:
        raise PropertyError(f"block_average takes a 1-D series, got shape {x.shape}")
    mean = float(x.mean())
    levels = _blocking_levels(x)
    if levels[0][1] == 0.0:
        return mean, 0.0
    usable = [(n, var, gamma) for n, var, gamma in levels if var > 0]
    terms = [n * ((n - 1) * var / n**2 + gamma) ** 2 / var**2 for n, var, gamma in usable]
    for j in range(len(usable)):
        if sum(terms[j:]) < stats.chi2.ppf(0.99, len(usable) - j):
            n, var, _ = usable[j]
            return mean, float(np.sqrt(var / (n - 1)))
    conservative = [var / (n - 1) for n, var, _ in usable if n >= 4] or [usable[0][1] / (usable[0][0] - 1)]
    return mean, float(np.sqrt(max(conservative)))


def statistical_inefficiency(series) -> float:
    """``g ≥ 1``: the number of correlated samples worth one independent one (module docstring).

    The normalised autocorrelation ``ρ(t)`` is computed by FFT and summed, weighted by ``1 − t/N``, up to its
    first non-positive value. A constant series has ``g = 1``.
    """
    x = _series(series)
    if x.ndim != 1:
        raise PropertyError(f"statistical_inefficiency takes a 1-D series, got shape {x.shape}")
    n = len(x)
    dev = x - x.mean()
    if not np.any(dev):
        return 1.0
    spectrum = np.fft.rfft(dev, 2 * n)
    acov = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / np.arange(n, 0, -1)
    rho = acov / acov[0]
    g = 1.0
    for t in range(1, n - 1):
        if rho[t] <= 0:
            break
        g += 2.0 * (1.0 - t / n) * rho[t]
    return max(1.0, float(g))


def block_jackknife(estimator: Callable[..., float], *series, blocks: int = 10) -> tuple[float, float]:
    """Value and standard error of ``estimator(*series)``, a function of whole series (rows = time).

    The series (same length ``n``; any trailing shape, e.g. ``(n, 3)`` dipoles) are cut into ``blocks``
    contiguous blocks of ``n // blocks`` rows (the earliest ``n % blocks`` rows are dropped); ``θ_i`` is the
    estimator with block ``i`` left out and ``SE² = (B−1)/B Σ_i (θ_i − θ̄)²``. The value is the estimator on
    all kept rows. Blocks must be longer than the correlation time (check with :func:`statistical_inefficiency`)
    or the error is underestimated.
    """
    if not series:
        raise PropertyError("block_jackknife needs at least one series")
    if blocks < 2:
        raise PropertyError(f"block_jackknife needs at least 2 blocks, got {blocks}")
    arrays = [_series(s, min_samples=2 * blocks) for s in series]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise PropertyError(f"series of unequal length: {[len(a) for a in arrays]}")
    size = n // blocks
    arrays = [a[n - size * blocks:] for a in arrays]
    value = float(estimator(*arrays))
    leave_out = np.empty(blocks)
    for i in range(blocks):
        keep = np.ones(size * blocks, dtype=bool)
        keep[i * size:(i + 1) * size] = False
        leave_out[i] = estimator(*[a[keep] for a in arrays])
    if not (np.isfinite(value) and np.all(np.isfinite(leave_out))):
        raise PropertyError("the estimator returned a non-finite value on the data or a jackknife subsample")
    stderr = float(np.sqrt((blocks - 1) / blocks * np.sum((leave_out - leave_out.mean()) ** 2)))
    return value, stderr


@dataclass(frozen=True)
class Stationarity:
    """Is a series stationary over its window?

    ``drift``: change over the window from a least-squares line (series units); ``relative_drift``:
    ``drift / |mean|`` (None when the mean is 0); ``drift_z``: drift over its standard error
    ``√12 · SE(mean)`` (a line fitted to ``N_eff`` independent points spread over the window has
    ``SE(slope·T) = √12 σ/√N_eff``); ``halves_difference``: mean of the second half minus mean of the first;
    ``halves_z``: that over its block standard error; ``stationary``: both ``|z|`` below the threshold.
    """

    drift: float
    relative_drift: float | None
    drift_z: float
    halves_difference: float
    halves_z: float
    stationary: bool

    def as_dict(self) -> dict:
        """All fields, as plain Python values."""
        return {k: (bool(v) if isinstance(v, np.bool_) else v) for k, v in asdict(self).items()}


def stationarity(times, series, threshold: float = 3.0) -> Stationarity:
    """Drift and halves tests of ``series`` sampled at ``times`` (see :class:`Stationarity`); ``stationary``
    when ``|drift_z|`` and ``|halves_z|`` are both below ``threshold`` standard errors."""
    t = _series(times, "times", 8)
    x = _series(series, "series", 8)
    if t.shape != x.shape or x.ndim != 1:
        raise PropertyError(f"times and series must be 1-D of one length, got {t.shape} and {x.shape}")
    if np.any(np.diff(t) <= 0):
        raise PropertyError("times must increase strictly")
    slope = np.polyfit(t, x, 1)[0]
    drift = float(slope * (t[-1] - t[0]))
    mean, se = block_average(x)
    half = len(x) // 2
    m1, se1 = block_average(x[:half])
    m2, se2 = block_average(x[len(x) - half:])
    difference = m2 - m1

    scale = float(np.max(np.abs(x))) or 1.0

    def z(value: float, error: float) -> float:
        """value / error; a zero error (constant data) gives 0 for a rounding-sized value, else ±inf."""
        if error > 0:
            return value / error
        return 0.0 if abs(value) <= 1e-12 * scale else float(np.sign(value)) * np.inf

    drift_z = z(drift, np.sqrt(12.0) * se)
    halves_z = z(difference, float(np.hypot(se1, se2)))
    return Stationarity(drift=drift, relative_drift=None if mean == 0 else drift / abs(mean),
                        drift_z=float(drift_z), halves_difference=float(difference), halves_z=float(halves_z),
                        stationary=bool(abs(drift_z) < threshold and abs(halves_z) < threshold))
