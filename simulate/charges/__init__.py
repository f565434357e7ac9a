"""Partial charges: Gasteiger (quick) and two-stage RESP fitted to a QM electrostatic potential.

Modules, one concept each:

- :mod:`~polyloop.simulate.charges.gasteiger` — RDKit Gasteiger–Marsili charges, shifted to the formal charge.
- :mod:`~polyloop.simulate.charges.surface` — Merz–Kollman fitting points on 1.4/1.6/1.8/2.0 x vdW shells.
- :mod:`~polyloop.simulate.charges.qm` — the :class:`QMBackend` protocol (``esp``) and :class:`PySCFBackend`.
- :mod:`~polyloop.simulate.charges.psi4` — :class:`Psi4Backend`, Psi4 driven in a subprocess (system interpreter).
- :mod:`~polyloop.simulate.charges.resp` — the RESP fit and the standard two-stage protocol (Bayly et al. 1993).
- :mod:`~polyloop.simulate.charges.assign` — end to end: :func:`resp_charges`, :func:`compute_charges`.

PySCF is imported only when a :class:`PySCFBackend` runs a calculation; Psi4 only ever in its own process.
"""

from polyloop.simulate.charges.assign import compute_charges, resp_charges
from polyloop.simulate.charges.gasteiger import gasteiger_charges
from polyloop.simulate.charges.psi4 import Psi4Backend
from polyloop.simulate.charges.qm import PySCFBackend, QMBackend
from polyloop.simulate.charges.resp import RespTopology, fit_resp, resp_topology, two_stage_resp
from polyloop.simulate.charges.surface import mk_points

__all__ = [
    "Psi4Backend",
    "PySCFBackend",
    "QMBackend",
    "RespTopology",
    "compute_charges",
    "fit_resp",
    "gasteiger_charges",
    "mk_points",
    "resp_charges",
    "resp_topology",
    "two_stage_resp",
]
