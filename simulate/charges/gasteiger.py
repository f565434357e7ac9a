"""Gasteiger–Marsili partial charges (quick, geometry-free) from RDKit."""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdPartialCharges

from polyloop.simulate.errors import ChargeError


def gasteiger_charges(mol: Chem.Mol, n_iter: int = 12) -> np.ndarray:
    """Gasteiger–Marsili charges of every atom of ``mol`` (which must carry explicit hydrogens).

    RDKit's charges ``g_j`` are shifted so that they sum exactly to the formal charge ``Q = sum_j formal_j``: the
    residual is spread evenly, ``q_j = g_j + (Q - sum_k g_k) / N``. Gasteiger equalisation conserves charge only
    approximately, so the shift is small (typically < 1e-6 e per atom).

    Raises:
        ChargeError: if an atom has implicit hydrogens, has no Gasteiger parameters, or gets a non-finite charge
            (the message names the atom).
    """
    for atom in mol.GetAtoms():
        if atom.GetNumImplicitHs() > 0:
            raise ChargeError(
                f"atom {atom.GetIdx()} ({atom.GetSymbol()}) has {atom.GetNumImplicitHs()} implicit hydrogen(s); "
                "add explicit hydrogens first (Chem.AddHs)"
            )
    work = Chem.Mol(mol)
    try:
        rdPartialCharges.ComputeGasteigerCharges(work, nIter=n_iter, throwOnParamFailure=True)
    except (ValueError, RuntimeError) as exc:
        raise ChargeError(f"Gasteiger parameters missing: {exc}") from exc
    q = np.array([a.GetDoubleProp("_GasteigerCharge") for a in work.GetAtoms()], dtype=float)
    bad = np.flatnonzero(~np.isfinite(q))
    if bad.size:
        i = int(bad[0])
        atom = work.GetAtomWithIdx(i)
        raise ChargeError(f"Gasteiger charge of atom {i} ({atom.GetSymbol()}) is not finite ({q[i]})")
    total = float(sum(a.GetFormalCharge() for a in work.GetAtoms()))
    if q.size:
        q += (total - q.sum()) / q.size
    return q
