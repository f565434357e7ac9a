"""End-to-end charge assignment: RESP from a QM back end, or Gasteiger."""

from __future__ import annotations

from typing import Literal

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem, Descriptors

from polyloop.simulate.charges.gasteiger import gasteiger_charges
from polyloop.simulate.charges.qm import QMBackend
from polyloop.simulate.charges.resp import resp_topology, two_stage_resp
from polyloop.simulate.charges.surface import mk_points
from polyloop.simulate.errors import ChargeError

CONFORMER_SEED = 0xC4A
"""Random seed of ETKDG when extra conformers have to be generated."""


def _conformer_ids(mol: Chem.Mol, conformers: int) -> tuple[Chem.Mol, list[int]]:
    """The first ``conformers`` 3D conformers of ``mol``, embedding more (ETKDGv3, fixed seed, MMFF) if it has fewer."""
    if conformers < 1:
        raise ChargeError(f"need at least one conformer, got conformers={conformers}")
    ids = [c.GetId() for c in mol.GetConformers() if c.Is3D()]
    if not ids:
        raise ChargeError("RESP needs a molecule with a 3D conformer (embed it first, e.g. AllChem.EmbedMolecule)")
    if len(ids) >= conformers:
        return mol, ids[:conformers]
    work = Chem.Mol(mol)
    params = AllChem.ETKDGv3()
    params.randomSeed = CONFORMER_SEED
    params.clearConfs = False
    new = list(AllChem.EmbedMultipleConfs(work, numConfs=conformers - len(ids), params=params))
    if len(new) < conformers - len(ids):
        raise ChargeError(f"could only embed {len(new)} of {conformers - len(ids)} extra conformers")
    if AllChem.MMFFHasAllMoleculeParams(work):
        for cid in new:
            AllChem.MMFFOptimizeMolecule(work, confId=cid)
    return work, ids + new


def resp_charges(
    mol: Chem.Mol,
    backend: QMBackend,
    total_charge: int = 0,
    conformers: int = 1,
    density: float = 1.0,
) -> np.ndarray:
    """Two-stage RESP charges of ``mol`` (explicit hydrogens, at least one 3D conformer).

    For each conformer: Merz–Kollman points (:func:`mk_points`, ``density`` points/angstrom^2 on shells at
    1.4-2.0 x the MK radii), the ESP there from ``backend``, then one joint :func:`two_stage_resp` fit over all
    conformers. The spin multiplicity is ``1 + number of radical electrons``. If ``mol`` has fewer than
    ``conformers`` conformers, the missing ones are embedded (ETKDGv3, seed :data:`CONFORMER_SEED`, MMFF-relaxed).
    As in the original ``resp`` program, the ESP terms of all conformers are summed and the restraint is not scaled,
    so more conformers (or a higher ``density``) weaken the restraint relative to the ESP.

    Raises:
        ChargeError: if ``total_charge`` differs from the sum of formal charges, or hydrogens are implicit.
        QMError: if the back end fails (e.g. SCF non-convergence).
    """
    formal = sum(a.GetFormalCharge() for a in mol.GetAtoms())
    if formal != total_charge:
        raise ChargeError(f"total_charge={total_charge} but the molecule's formal charges sum to {formal}")
    implicit = [a.GetIdx() for a in mol.GetAtoms() if a.GetNumImplicitHs() > 0]
    if implicit:
        raise ChargeError(f"atoms {implicit} have implicit hydrogens; RESP needs explicit ones (Chem.AddHs)")
    work, ids = _conformer_ids(mol, conformers)
    elements = [a.GetSymbol() for a in work.GetAtoms()]
    multiplicity = 1 + Descriptors.NumRadicalElectrons(work)
    coords, points, esps = [], [], []
    for cid in ids:
        xyz = np.asarray(work.GetConformer(cid).GetPositions(), dtype=float)
        pts = mk_points(elements, xyz, density=density)
        coords.append(xyz)
        points.append(pts)
        esps.append(np.asarray(backend.esp(elements, xyz, total_charge, multiplicity, pts), dtype=float))
    _, charges = two_stage_resp(coords, points, esps, total_charge, resp_topology(work))
    return charges


def compute_charges(
    mol: Chem.Mol,
    method: Literal["gasteiger", "resp"] = "gasteiger",
    backend: QMBackend | None = None,
    conformers: int = 1,
) -> np.ndarray:
    """Partial charges (e) of every atom of ``mol``, summing to its net formal charge.

    ``"gasteiger"``: :func:`gasteiger_charges` (no geometry needed). ``"resp"``: :func:`resp_charges` with
    ``backend`` (default: :class:`~polyloop.simulate.charges.qm.PySCFBackend`, HF/6-31G*).
    """
    if method == "gasteiger":
        return gasteiger_charges(mol)
    if method == "resp":
        if backend is None:
            from polyloop.simulate.charges.qm import PySCFBackend

            backend = PySCFBackend()
        total = sum(a.GetFormalCharge() for a in mol.GetAtoms())
        return resp_charges(mol, backend, total_charge=total, conformers=conformers)
    raise ChargeError(f"unknown charge method {method!r}; expected 'gasteiger' or 'resp'")


def charges_with_fallback(
    mol: Chem.Mol,
    method: Literal["gasteiger", "resp"],
    backend: QMBackend | None = None,
    fallback: Literal["gasteiger"] | None = None,
) -> tuple[np.ndarray, str, str | None]:
    """:func:`compute_charges`, falling back to ``fallback`` only if the caller asked for it.

    Returns ``(charges, method actually used, note)``; ``note`` says what failed and why when the fallback was used,
    so that callers can record it. Without ``fallback`` a failure raises (``QMError``/``ChargeError``), never NaN.
    """
    try:
        return compute_charges(mol, method, backend), method, None
    except ChargeError as error:
        if fallback is None or fallback == method:
            raise
        note = f"{method} charges failed ({error}); fell back to {fallback} as requested"
        return compute_charges(mol, fallback), fallback, note
