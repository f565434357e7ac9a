"""Merz–Kollman / Connolly electrostatic-potential fitting points.

Points lie on shells around each atom at ``scale * R_i`` for ``scale`` in (1.4, 1.6, 1.8, 2.0), where ``R_i`` is the
Merz–Kollman radius of atom ``i`` (Singh & Kollman, J. Comput. Chem. 5:129 (1984)); a point of atom ``i``'s shell is
kept only if it lies outside every other atom's sphere of the same scale, ``|p - x_j| >= scale * R_j``. The number of
points on a sphere of radius ``r`` is ``round(4 pi r^2 * density)``; they are spread by a golden-angle (Fibonacci)
spiral, so the set is a deterministic function of the elements and coordinates.

Radii are data: ``polyloop/simulate/forcefield/data/esp_radii.toml`` (the file states its sources).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np

from polyloop.simulate.errors import ChargeError

MK_SCALES: tuple[float, ...] = (1.4, 1.6, 1.8, 2.0)
"""Shell scale factors of the standard RESP protocol (Bayly et al. 1993)."""


@cache
def mk_radii() -> dict[str, float]:
    """Merz–Kollman radii in angstrom by element symbol, read from ``esp_radii.toml``."""
    text = resources.files("polyloop.simulate.forcefield.data").joinpath("esp_radii.toml").read_text()
    return {str(k): float(v) for k, v in tomllib.loads(text)["radii"].items()}


def unit_sphere(n: int) -> np.ndarray:
    """``n`` nearly uniform points on the unit sphere (golden-angle spiral), shape ``(n, 3)``.

    Point ``k`` has ``z_k = 1 - (2k + 1)/n`` and azimuth ``k * pi * (3 - sqrt 5)``.
    """
    if n < 1:
        raise ChargeError(f"a sphere needs at least one point, got n={n}")
    k = np.arange(n, dtype=float)
    z = 1.0 - (2.0 * k + 1.0) / n
    rho = np.sqrt(np.clip(1.0 - z * z, 0.0, None))
    phi = k * np.pi * (3.0 - np.sqrt(5.0))
    return np.column_stack([rho * np.cos(phi), rho * np.sin(phi), z])


def atom_radii(elements: Sequence[str]) -> np.ndarray:
    """Radii (angstrom) of ``elements``; raises :class:`ChargeError` naming an element without an MK radius."""
    table = mk_radii()
    missing = sorted({e for e in elements if e not in table})
    if missing:
        raise ChargeError(f"no Merz-Kollman radius for element(s) {', '.join(missing)}; known: {', '.join(table)}")
    return np.array([table[e] for e in elements], dtype=float)


def mk_points(
    elements: Sequence[str],
    coords_A: np.ndarray,
    density: float = 1.0,
    scales: Sequence[float] = MK_SCALES,
) -> np.ndarray:
    """ESP fitting points (angstrom) on Merz–Kollman shells, shape ``(n_points, 3)``.

    For each scale ``s`` and atom ``i``: ``P_i = x_i + s R_i u_k`` for ``round(4 pi (s R_i)^2 density)`` unit vectors
    ``u_k``, keeping ``p`` in ``P_i`` iff ``|p - x_j| >= s R_j`` for all ``j != i``.

    Args:
        elements: element symbols, one per atom.
        coords_A: atom coordinates in angstrom, shape ``(n_atoms, 3)``.
        density: points per square angstrom on each shell (default 1).
        scales: multiples of the MK radius at which shells are placed.
    """
    xyz = np.asarray(coords_A, dtype=float)
    if xyz.ndim != 2 or xyz.shape != (len(elements), 3):
        raise ChargeError(f"coordinates must have shape ({len(elements)}, 3), got {xyz.shape}")
    if not density > 0:
        raise ChargeError(f"point density must be positive, got {density}")
    radii = atom_radii(elements)
    shells = []
    for scale in scales:
        shell_r = scale * radii
        for i, (centre, r) in enumerate(zip(xyz, shell_r)):
            n = max(1, int(round(4.0 * np.pi * r * r * density)))
            pts = centre + r * unit_sphere(n)
            d = np.linalg.norm(pts[:, None, :] - xyz[None, :, :], axis=2)
            outside = d >= shell_r[None, :] - 1e-12
            outside[:, i] = True
            shells.append(pts[outside.all(axis=1)])
    points = np.concatenate(shells) if shells else np.zeros((0, 3))
    if len(points) == 0:
        raise ChargeError("no ESP fitting point survived the surface construction")
    return points
