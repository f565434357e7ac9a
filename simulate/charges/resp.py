"""Restrained electrostatic-potential (RESP) fit: pure functions of arrays.

Reference: C. I. Bayly, P. Cieplak, W. D. Cornell and P. A. Kollman, J. Phys. Chem. 97:10269 (1993).

Charges ``q`` on the atoms minimise, subject to ``sum_j q_j = Q`` (Lagrange multiplier),

    chi2(q) = 1/2 sum_i (V_i - sum_j q_j / r_ij)^2  +  a sum_{j restrained} (sqrt(q_j^2 + b^2) - b),

with ESP values ``V_i`` (hartree/e) at fitting points ``i`` and distances ``r_ij`` in bohr. The factor 1/2 on the
ESP term is the convention of the original ``resp`` program, whose normal equations read
``sum_k A_jk q_k + a q_j / sqrt(q_j^2 + b^2) = B_j`` with ``A_jk = sum_i 1/(r_ij r_ik)`` and ``B_j = sum_i V_i/r_ij``;
the standard restraint weights a = 0.0005 / 0.001 are calibrated against it (equivalently: the full sum of squares
plus ``2a`` times the hyperbola). The restraint term is non-quadratic, so the equations are re-linearised about the
current charges (``a / sqrt(q_j^2 + b^2)`` on the diagonal) and solved again until the charges stop changing.
Several conformers enter as a sum of their ESP terms over one set of charges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rdkit import Chem

from polyloop.simulate.errors import ChargeError

BOHR_PER_ANGSTROM = 1.0 / 0.529177210903
"""1 bohr = 0.529177210903 angstrom (CODATA 2018)."""


def _as_list(x: np.ndarray | Sequence[np.ndarray], ndim: int) -> list[np.ndarray]:
    arr = x if isinstance(x, np.ndarray) else None
    if arr is not None and arr.ndim == ndim:
        return [np.asarray(arr, dtype=float)]
    return [np.asarray(item, dtype=float) for item in x]


def esp_normal_equations(
    coords_A: np.ndarray | Sequence[np.ndarray],
    points_A: np.ndarray | Sequence[np.ndarray],
    esp_au: np.ndarray | Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """``A_jk = sum_i 1/(r_ij r_ik)`` and ``B_j = sum_i V_i / r_ij`` (r in bohr), summed over conformers.

    Each argument is one array (one conformer) or a sequence of arrays (one per conformer).
    """
    coords, points, esps = _as_list(coords_A, 2), _as_list(points_A, 2), _as_list(esp_au, 1)
    if not len(coords) == len(points) == len(esps):
        raise ChargeError(f"got {len(coords)} coordinate sets, {len(points)} point sets and {len(esps)} ESP sets")
    n_atoms = coords[0].shape[0]
    a_mat, b_vec = np.zeros((n_atoms, n_atoms)), np.zeros(n_atoms)
    for xyz, pts, v in zip(coords, points, esps):
        if xyz.shape != (n_atoms, 3) or pts.ndim != 2 or pts.shape[1] != 3 or v.shape != (pts.shape[0],):
            raise ChargeError(f"inconsistent shapes: coords {xyz.shape}, points {pts.shape}, esp {v.shape}")
        r = np.linalg.norm(pts[:, None, :] - xyz[None, :, :], axis=2) * BOHR_PER_ANGSTROM
        if np.any(r < 1e-8):
            raise ChargeError("an ESP fitting point coincides with an atom")
        inv = 1.0 / r
        a_mat += inv.T @ inv
        b_vec += inv.T @ v
    return a_mat, b_vec


def fit_resp(
    coords_A: np.ndarray | Sequence[np.ndarray],
    points_A: np.ndarray | Sequence[np.ndarray],
    esp_au: np.ndarray | Sequence[np.ndarray],
    total_charge: float,
    restrained: np.ndarray | None = None,
    a: float = 0.0005,
    b: float = 0.1,
    groups: Sequence[Sequence[int]] = (),
    frozen: Mapping[int, float] | None = None,
    tol: float = 1e-10,
    max_iter: int = 500,
) -> np.ndarray:
    """RESP charges minimising ``1/2 sum_i (V_i - sum_j q_j/r_ij)^2 + a sum_{j in restrained} (sqrt(q_j^2+b^2)-b)``.

    Subject to ``sum_j q_j = total_charge``, ``q_j`` equal within each equivalence group, and ``q_j = frozen[j]``.
    Solved by re-linearisation: with ``w_j = a / sqrt(q_j^2 + b^2)`` from the previous iterate, the free charges
    (one per group, ``q = T p + q_frozen``) solve the bordered system

        [T^T (A + W) T   T^T 1] [p]   [T^T (B - A q_frozen)]
        [1^T T           0    ] [l] = [Q - sum q_frozen    ],

    repeated until ``max |q_new - q_old| < tol``.

    Args:
        coords_A, points_A, esp_au: atom coordinates and fitting points (angstrom) and ESP (hartree/e), one array
            each or one sequence entry per conformer.
        total_charge: the molecule's net charge ``Q`` (e).
        restrained: boolean mask of restrained atoms (default: none, i.e. a plain ESP fit).
        a, b: restraint weight and hyperbola width (e).
        groups: equivalence groups of atom indices (atoms in no group are free on their own).
        frozen: charges fixed at given values (atom index -> charge); a group may not mix frozen and free atoms.
        tol, max_iter: convergence criterion of the re-linearisation.

    Raises:
        ChargeError: on inconsistent input, a singular system, or no convergence.
    """
    a_mat, b_vec = esp_normal_equations(coords_A, points_A, esp_au)
    n = a_mat.shape[0]
    frozen = dict(frozen or {})
    mask = np.zeros(n, bool) if restrained is None else np.asarray(restrained, dtype=bool)
    if mask.shape != (n,):
        raise ChargeError(f"restraint mask has shape {mask.shape}, expected ({n},)")
    q0 = np.zeros(n)
    for j, value in frozen.items():
        if not 0 <= j < n:
            raise ChargeError(f"frozen atom index {j} out of range for {n} atoms")
        q0[j] = value
    owner = -np.ones(n, dtype=int)
    cols: list[list[int]] = []
    for g in groups:
        members = sorted({int(j) for j in g})
        if any(not 0 <= j < n for j in members):
            raise ChargeError(f"equivalence group {members} has an index out of range for {n} atoms")
        n_frozen = sum(j in frozen for j in members)
        if 0 < n_frozen < len(members):
            raise ChargeError(f"equivalence group {members} mixes frozen and free atoms")
        if n_frozen or len(members) < 2:
            continue
        if np.any(owner[members] >= 0):
            raise ChargeError(f"atom of group {members} already belongs to another group")
        owner[members] = len(cols)
        cols.append(members)
    for j in range(n):
        if owner[j] < 0 and j not in frozen:
            owner[j] = len(cols)
            cols.append([j])
    target = float(total_charge) - q0.sum()
    if not cols:
        if abs(target) > 1e-8:
            raise ChargeError(f"all charges frozen but they sum to {q0.sum():.6f}, not {total_charge}")
        return q0
    t_mat = np.zeros((n, len(cols)))
    for k, members in enumerate(cols):
        t_mat[members, k] = 1.0
    m = len(cols)
    rhs = np.concatenate([t_mat.T @ (b_vec - a_mat @ q0), [target]])
    base = np.zeros((m + 1, m + 1))
    base[:m, :m] = t_mat.T @ a_mat @ t_mat
    base[:m, m] = base[m, :m] = t_mat.sum(axis=0)
    q = q0.copy()
    for _ in range(max_iter):
        w = np.where(mask & (owner >= 0), a / np.sqrt(q * q + b * b), 0.0)
        system = base.copy()
        system[:m, :m] += t_mat.T @ (w[:, None] * t_mat)
        try:
            p = np.linalg.solve(system, rhs)[:m]
        except np.linalg.LinAlgError as exc:
            raise ChargeError(f"singular RESP system ({m} free charges): {exc}") from exc
        q_new = q0 + t_mat @ p
        if not np.all(np.isfinite(q_new)):
            raise ChargeError("RESP fit produced non-finite charges")
        step = np.max(np.abs(q_new - q))
        q = q_new
        if a == 0.0 or not mask.any() or step < tol:
            return q
    raise ChargeError(f"RESP fit did not converge in {max_iter} iterations (last step {step:.2e} e)")


@dataclass(frozen=True)
class RespTopology:
    """Which atoms the two RESP stages restrain, equivalence and refit (indices into the molecule)."""

    heavy: np.ndarray
    """Boolean mask of non-hydrogen atoms (restrained in stage 1)."""
    stage1_groups: tuple[tuple[int, ...], ...]
    """Symmetry-equivalent atoms outside the stage-2 set, constrained equal in stage 1."""
    stage2_atoms: np.ndarray
    """Boolean mask of sp3 carbons bearing hydrogens and those hydrogens (refitted in stage 2)."""
    stage2_groups: tuple[tuple[int, ...], ...]
    """Stage-2 equivalences: hydrogens on one carbon, plus symmetry-equivalent stage-2 atoms."""


def symmetry_ranks(mol: Chem.Mol) -> list[int]:
    """Symmetry classes: ``Chem.CanonicalRankAtoms(g, breakTies=False)`` on the bare graph ``g`` of ``mol``.

    ``g`` keeps elements, connectivity and explicit hydrogens but has every bond single and no formal charges, so
    resonance-equivalent atoms (the two oxygens of a carboxylate or nitro group, the nitrogens of guanidinium)
    share a rank; with hydrogens explicit, bond orders are otherwise fixed by the graph.
    """
    g = Chem.RWMol(mol)
    for bond in g.GetBonds():
        bond.SetBondType(Chem.BondType.SINGLE)
        bond.SetIsAromatic(False)
    for atom in g.GetAtoms():
        atom.SetFormalCharge(0)
        atom.SetIsAromatic(False)
        atom.SetNumExplicitHs(0)
        atom.SetNoImplicit(True)
    g.UpdatePropertyCache(strict=False)
    return list(Chem.CanonicalRankAtoms(g, breakTies=False))


def resp_topology(mol: Chem.Mol) -> RespTopology:
    """Derive the standard two-stage RESP atom sets from an RDKit molecule with explicit hydrogens.

    Equivalent atoms are those of equal :func:`symmetry_ranks` (canonical ranks without tie breaking).
    """
    n = mol.GetNumAtoms()
    ranks = symmetry_ranks(mol)
    heavy = np.array([a.GetAtomicNum() != 1 for a in mol.GetAtoms()])
    stage2 = np.zeros(n, bool)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() != 6 or atom.GetHybridization() != Chem.HybridizationType.SP3:
            continue
        hs = [nb.GetIdx() for nb in atom.GetNeighbors() if nb.GetAtomicNum() == 1]
        if not hs:
            continue
        stage2[[atom.GetIdx(), *hs]] = True
        for h in hs[1:]:
            union(h, hs[0])
    by_rank: dict[tuple[bool, int], list[int]] = {}
    for i in range(n):
        by_rank.setdefault((bool(stage2[i]), ranks[i]), []).append(i)
    stage1_groups = tuple(tuple(g) for (in2, _), g in sorted(by_rank.items()) if not in2 and len(g) > 1)
    for (in2, _), g in by_rank.items():
        if in2:
            for j in g[1:]:
                union(j, g[0])
    roots: dict[int, list[int]] = {}
    for i in np.flatnonzero(stage2):
        roots.setdefault(find(int(i)), []).append(int(i))
    stage2_groups = tuple(tuple(sorted(g)) for g in roots.values() if len(g) > 1)
    return RespTopology(heavy, stage1_groups, stage2, stage2_groups)


def two_stage_resp(
    coords_A: np.ndarray | Sequence[np.ndarray],
    points_A: np.ndarray | Sequence[np.ndarray],
    esp_au: np.ndarray | Sequence[np.ndarray],
    total_charge: float,
    topology: RespTopology,
    a1: float = 0.0005,
    a2: float = 0.001,
    b: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    """Standard two-stage RESP (Bayly et al. 1993); returns ``(stage1, stage2)`` charges.

    Stage 1: :func:`fit_resp` with ``a = a1`` on all heavy atoms, hydrogens unrestrained, symmetry-equivalent atoms
    outside the stage-2 set equal. Stage 2: only sp3 carbons bearing hydrogens (CH3/CH2/CH) and their hydrogens are
    refitted, with ``a = a2`` on those carbons, hydrogens of one carbon (and symmetry-equivalent stage-2 atoms)
    equal; every other charge is frozen at its stage-1 value.
    """
    stage1 = fit_resp(
        coords_A, points_A, esp_au, total_charge, restrained=topology.heavy, a=a1, b=b, groups=topology.stage1_groups
    )
    if not topology.stage2_atoms.any():
        return stage1, stage1.copy()
    frozen = {int(j): float(stage1[j]) for j in np.flatnonzero(~topology.stage2_atoms)}
    stage2 = fit_resp(
        coords_A,
        points_A,
        esp_au,
        total_charge,
        restrained=topology.heavy & topology.stage2_atoms,
        a=a2,
        b=b,
        groups=topology.stage2_groups,
        frozen=frozen,
    )
    return stage1, stage2
