"""Bonds piercing rings: the entanglement that a distance check between atoms misses.

A bond ``p → q`` pierces a ring when it crosses the ring's mean plane at a point closer to the ring's centroid
than ``0.9 ×`` the ring's mean centroid–atom distance (inside the polygon, with a margin). Bonds that share an
atom with the ring (its own bonds and its substituents) never count. All functions use the minimum image in an
orthorhombic periodic box (``box=None`` for no periodicity) and are pure functions of coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["Rings", "find_piercings", "rings_from"]

INNER = 0.9  # fraction of the ring's mean radius that counts as "inside"
REACH = 3.5  # Å: only bonds whose midpoint is this close to a ring centroid are tested


@dataclass(frozen=True)
class Rings:
    """Ring geometry: centroids (n, 3), unit normals (n, 3), mean radii (n,), and the vertex coordinates."""

    centroids: np.ndarray
    normals: np.ndarray
    radii: np.ndarray
    vertices: tuple[np.ndarray, ...]


def rings_from(positions: np.ndarray, rings: list[tuple[int, ...]]) -> Rings:
    """Geometry of the given rings (atom-index tuples) in ``positions``; normals by SVD of the centred vertices."""
    centroids, normals, radii, vertices = [], [], [], []
    for ring in rings:
        xyz = positions[list(ring)]
        centre = xyz.mean(axis=0)
        normal = np.linalg.svd(xyz - centre)[2][-1]
        centroids.append(centre)
        normals.append(normal / np.linalg.norm(normal))
        radii.append(np.linalg.norm(xyz - centre, axis=1).mean())
        vertices.append(xyz)
    empty = np.zeros((0, 3))
    return Rings(np.array(centroids).reshape(-1, 3) if centroids else empty,
                 np.array(normals).reshape(-1, 3) if normals else empty,
                 np.array(radii, dtype=float), tuple(vertices))


def _image(vectors: np.ndarray, box: np.ndarray | None) -> np.ndarray:
    return vectors if box is None else vectors - box * np.round(vectors / box)


def find_piercings(rings: Rings, starts: np.ndarray, ends: np.ndarray, box: np.ndarray | None = None,
                   shared_tolerance: float = 0.05) -> list[tuple[int, int]]:
    """``(ring, bond)`` pairs where bond ``starts[k] → ends[k]`` pierces a ring (see module docstring)."""
    if not len(rings.radii) or not len(starts):
        return []
    midpoints = (starts + ends) / 2.0
    if box is None:
        tree = cKDTree(midpoints)
        centres = rings.centroids
    else:
        tree = cKDTree(np.mod(np.mod(midpoints, box), box), boxsize=box)
        centres = np.mod(np.mod(rings.centroids, box), box)
    found = []
    for r, nearby in enumerate(tree.query_ball_point(centres, REACH)):
        for k in nearby:
            shift = _image(midpoints[k] - rings.centroids[r], box) - (midpoints[k] - rings.centroids[r])
            p, q = starts[k] + shift, ends[k] + shift
            vertices = rings.vertices[r]
            if (np.linalg.norm(vertices - p, axis=1).min() < shared_tolerance
                    or np.linalg.norm(vertices - q, axis=1).min() < shared_tolerance):
                continue
            dp, dq = (p - rings.centroids[r]) @ rings.normals[r], (q - rings.centroids[r]) @ rings.normals[r]
            if dp * dq > 0.0 or dp == dq:
                continue
            crossing = p + (q - p) * (dp / (dp - dq))
            if np.linalg.norm(crossing - rings.centroids[r]) < INNER * rings.radii[r]:
                found.append((r, k))
    return found
