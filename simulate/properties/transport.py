"""Self-diffusion coefficient from the mean-squared displacement (Einstein relation), with a glassiness flag.

In the diffusive regime ``MSD(t) = 6 D t`` (three dimensions), so ``D = slope / 6`` of a straight line fitted to
MSD(t) in a window where MSD ∝ t. Polymer melts and glasses reach that regime only after the chains have moved
farther than their own size (Rouse/reptation: ``MSD ∝ t^0.5`` or slower before that); on MD time scales a glassy
polymer never does. The fit therefore reports the log–log slope ``exponent = d ln MSD / d ln t`` in the window
and flags ``diffusive = False`` when it is below ``min_exponent`` (0.9) or when the root-mean-square displacement
at the end of the window is shorter than a molecular length (e.g. the radius of gyration) given by the caller.
**When not diffusive, the value is the apparent ``slope/6`` over the window, not a diffusion coefficient**: since
the MSD bends over towards its long-time slope, it is an upper bound of the true D, which may be orders of
magnitude smaller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from polyloop.simulate.properties.estimate import Estimate, PropertyError

__all__ = ["DiffusionEstimate", "self_diffusion"]


@dataclass(frozen=True)
class DiffusionEstimate(Estimate):
    """A self-diffusion coefficient (m²/s) with the log–log ``exponent`` of MSD(t) in the fit window and the
    ``diffusive`` flag (module docstring)."""

    exponent: float = 1.0
    diffusive: bool = True


def _slope(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and its standard error."""
    (slope, _), cov = np.polyfit(t, y, 1, cov=True) if len(t) > 3 else (np.polyfit(t, y, 1), np.zeros((2, 2)))
    return float(slope), float(np.sqrt(max(cov[0, 0], 0.0)))


def self_diffusion(times_s, msd_m2, window: tuple[float, float] = (0.25, 1.0), min_exponent: float = 0.9,
                   molecular_length_m: float | None = None) -> DiffusionEstimate:
    """``D = slope/6`` (m²/s) of MSD(t) over a window of the lag times.

    Args:
        times_s: lag times (s), increasing, shape ``(n,)``.
        msd_m2: MSD (m²), either the average, shape ``(n,)``, or per molecule, shape ``(molecules, n)``.
        window: the fit window as fractions of the largest lag time (default: its last three quarters).
        min_exponent: smallest log–log slope accepted as diffusive.
        molecular_length_m: if given, the RMS displacement at the window's end must reach it to be diffusive.

    Standard error: with per-molecule MSDs, the spread of the per-molecule slopes (``std/√molecules``/6); with
    the average only, the larger of the least-squares error and half the difference of the slopes fitted to the
    two halves of the window (MSD points are strongly correlated, so the least-squares error alone is too small).
    """
    t = np.asarray(times_s, dtype=float)
    msd = np.asarray(msd_m2, dtype=float)
    per_molecule = msd.ndim == 2
    if t.ndim != 1 or msd.shape[-1] != len(t) or msd.ndim not in (1, 2):
        raise PropertyError(f"times_s (n,) and msd_m2 (n,) or (molecules, n) must agree; got {t.shape} and "
                            f"{msd.shape}")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(msd))) or np.any(np.diff(t) <= 0):
        raise PropertyError("times_s must be finite and increasing, msd_m2 finite")
    lo, hi = window
    if not 0 <= lo < hi <= 1:
        raise PropertyError(f"window must be fractions 0 <= start < end <= 1, got {window}")
    sel = (t >= lo * t[-1]) & (t <= hi * t[-1]) & (t > 0)
    if sel.sum() < 4:
        raise PropertyError(f"only {sel.sum()} MSD points in the fit window {window}; need at least 4")
    mean = msd.mean(axis=0) if per_molecule else msd
    tw, yw = t[sel], mean[sel]
    if np.any(yw <= 0):
        raise PropertyError("MSD must be positive in the fit window")
    slope, slope_se = _slope(tw, yw)
    if per_molecule and len(msd) >= 2:
        slopes = [np.polyfit(tw, row[sel], 1)[0] for row in msd]
        stderr = float(np.std(slopes, ddof=1) / np.sqrt(len(msd)))
    else:
        half = len(tw) // 2
        spread = 0.5 * abs(_slope(tw[:half], yw[:half])[0] - _slope(tw[half:], yw[half:])[0]) if half >= 2 else 0.0
        stderr = max(slope_se, spread)
    exponent = float(np.polyfit(np.log(tw), np.log(yw), 1)[0])
    far_enough = molecular_length_m is None or yw[-1] >= molecular_length_m**2
    return DiffusionEstimate(value=slope / 6.0, stderr=stderr / 6.0, unit="m^2/s", exponent=exponent,
                             diffusive=bool(exponent >= min_exponent and far_enough))
