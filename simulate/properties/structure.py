"""Chain dimensions: the mass-weighted radius of gyration."""

from __future__ import annotations

import numpy as np

from polyloop.simulate.properties.estimate import Estimate, PropertyError
from polyloop.simulate.properties.statistics import block_average

__all__ = ["radius_of_gyration", "radius_of_gyration_per_chain"]


def radius_of_gyration_per_chain(positions_A, masses, molecule_ids) -> tuple[np.ndarray, np.ndarray]:
    """``R_g`` (Å) of every chain in every frame, shape ``(frames, chains)``, and the chain ids.

    ``R_g² = Σ_i m_i |r_i − r_cm|² / Σ_i m_i`` over the atoms of one chain; ``positions_A`` has shape
    ``(frames, atoms, 3)`` (or ``(atoms, 3)``) and must be **unwrapped** (chains whole across the box).
    """
    x = np.asarray(positions_A, dtype=float)
    if x.ndim == 2:
        x = x[None]
    m = np.asarray(masses, dtype=float)
    ids = np.asarray(molecule_ids)
    if x.ndim != 3 or x.shape[2] != 3 or x.shape[1] != len(m) or len(ids) != len(m):
        raise PropertyError(f"positions_A must be (frames, atoms, 3) with atoms = len(masses) = "
                            f"len(molecule_ids); got {x.shape}, {len(m)} masses, {len(ids)} ids")
    if np.any(m <= 0):
        raise PropertyError("masses must be positive")
    chains = np.unique(ids)
    result = np.empty((len(x), len(chains)))
    for j, chain in enumerate(chains):
        sel = ids == chain
        w = m[sel] / m[sel].sum()
        r = x[:, sel, :]
        centre = np.einsum("a,fax->fx", w, r)
        result[:, j] = np.sqrt(np.einsum("a,fa->f", w, np.sum((r - centre[:, None, :]) ** 2, axis=2)))
    return result, chains


def radius_of_gyration(positions_A, masses, molecule_ids) -> Estimate:
    """Mean ``R_g`` over chains and frames (Å).

    Standard error: with two or more chains, from the spread of the per-chain time averages,
    ``std/√chains`` (chains are independent; their differences dominate in amorphous polymer cells); with one
    chain, by block averaging its ``R_g`` series over frames (needs at least 4 frames).
    """
    rg, chains = radius_of_gyration_per_chain(positions_A, masses, molecule_ids)
    if len(chains) >= 2:
        per_chain = rg.mean(axis=0)
        return Estimate(float(per_chain.mean()), float(per_chain.std(ddof=1) / np.sqrt(len(chains))), "A")
    mean, se = block_average(rg[:, 0])
    return Estimate(mean, se, "A")
