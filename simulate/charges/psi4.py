"""Psi4 back end: the ESP from a Psi4 SCF run in a separate Python process.

Psi4 is often installed system-wide (Debian/Ubuntu ``apt-get install psi4``) for an interpreter other than the
project's. :class:`Psi4Backend` therefore runs a short driver script with that interpreter (default
``/usr/bin/python3``), passes the molecule and points as JSON on stdin and reads the ESP back as JSON from stdout.
The ESP is Psi4's ``GRID_ESP`` property (hartree/e) at the points of ``grid.dat`` in a private temporary folder.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence

import numpy as np

from polyloop.simulate.charges.qm import BOHR_PER_ANGSTROM, formula
from polyloop.simulate.errors import QMError

# Shared head of the psi4 driver scripts: read the request, import psi4, set up the molecule.
_DRIVER_SETUP = r"""
import json, sys
request = json.load(sys.stdin)
sys.path[:0] = request["python_path"]
try:
    import numpy as np
    import psi4
except ImportError as exc:
    json.dump({"error": "import", "message": str(exc)}, sys.stdout)
    sys.exit(0)
psi4.core.set_output_file("psi4.out", False)
psi4.set_memory(int(request["memory_mb"]) * 1000000)
psi4.set_num_threads(int(request["threads"]))
lines = ["%d %d" % (request["charge"], request["multiplicity"])]
lines += ["%s %.10f %.10f %.10f" % (e, x, y, z) for e, (x, y, z) in zip(request["elements"], request["coords"])]
lines += ["units angstrom", "no_reorient", "no_com", "symmetry c1"]
psi4.geometry("\n".join(lines))
"""

_DRIVER = _DRIVER_SETUP + r"""closed = request["multiplicity"] == 1
hf = request["method"].upper() == "HF"
psi4.set_options({
    "basis": request["basis"],
    "puream": not request["cartesian"],
    "reference": ("rhf" if closed else "uhf") if hf else ("rks" if closed else "uks"),
    "maxiter": int(request["max_cycle"]),
    "e_convergence": float(request["conv_tol"]),
    "fail_on_maxiter": True,
    "scf_type": "pk",
})
np.savetxt("grid.dat", np.asarray(request["points"], dtype=float))
try:
    _, wfn = psi4.energy("scf" if hf else request["method"], return_wfn=True)
except psi4.ConvergenceError as exc:
    json.dump({"error": "convergence", "message": str(exc)}, sys.stdout)
    sys.exit(0)
psi4.oeprop(wfn, "GRID_ESP")
json.dump({"esp": np.loadtxt("grid_esp.dat").reshape(-1).tolist()}, sys.stdout)
"""


class Psi4Backend:
    """ESP from Psi4 (HF or DFT) driven through ``python`` in a subprocess; see the module docstring.

    Args:
        basis, method, cartesian, max_cycle, conv_tol: as for :class:`~polyloop.simulate.charges.qm.PySCFBackend`.
        python: interpreter that can ``import psi4``.
        python_path: folders prepended to that interpreter's ``sys.path`` (Debian installs the ``psi4`` package in
            ``/usr/lib/x86_64-linux-gnu``, outside the default path).
        memory_mb, threads: Psi4 resources.
        timeout_s: wall-clock limit of one calculation.
    """

    def __init__(
        self,
        basis: str = "6-31g*",
        method: str = "HF",
        *,
        cartesian: bool = True,
        max_cycle: int = 100,
        conv_tol: float = 1e-9,
        python: str = "/usr/bin/python3",
        python_path: Sequence[str] = ("/usr/lib/x86_64-linux-gnu",),
        memory_mb: int = 1000,
        threads: int = 1,
        timeout_s: float = 3600.0,
    ) -> None:
        self.basis, self.method, self.cartesian = basis, method, cartesian
        self.max_cycle, self.conv_tol = max_cycle, conv_tol
        self.python_path = tuple(python_path)
        self.python, self.memory_mb, self.threads, self.timeout_s = python, memory_mb, threads, timeout_s

    def esp(
        self,
        elements: Sequence[str],
        coords_A: np.ndarray,
        charge: int,
        multiplicity: int,
        points_A: np.ndarray,
    ) -> np.ndarray:
        """ESP (hartree/e) at ``points_A`` (angstrom), ``V = sum_A Z_A/|r-R_A| - int rho(r')/|r-r'| dr'``.

        Raises:
            QMError: if the interpreter or Psi4 is missing, the SCF does not converge, or Psi4 fails.
        """
        name = formula(elements)
        points = np.asarray(points_A, dtype=float).reshape(-1, 3)
        request = self._request(elements, coords_A, charge, multiplicity, points=points.tolist())
        reply = self._call(_DRIVER, request, name, "ESP")
        esp = np.asarray(reply["esp"], dtype=float)
        if esp.shape != (len(points),) or not np.all(np.isfinite(esp)):
            raise QMError(f"Psi4 returned {esp.shape} ESP values for {len(points)} points of {name}, or non-finite")
        return esp

    def _request(self, elements: Sequence[str], coords_A: np.ndarray, charge: int, multiplicity: int,
                 **extra) -> dict:
        """The JSON request of a driver script: molecule, level of theory, resources, plus ``extra``."""
        return {"elements": list(elements), "coords": np.asarray(coords_A, dtype=float).tolist(),
                "charge": int(charge), "multiplicity": int(multiplicity), "basis": self.basis, "method": self.method,
                "cartesian": self.cartesian, "max_cycle": self.max_cycle, "conv_tol": self.conv_tol,
                "memory_mb": self.memory_mb, "threads": self.threads, "python_path": list(self.python_path),
                **extra}

    def _call(self, driver: str, request: dict, name: str, what: str) -> dict:
        """Run ``driver`` under the Psi4 interpreter with ``request`` on stdin; its JSON reply, or a
        :class:`QMError` saying why there is none (missing interpreter or Psi4, timeout, crash, no SCF convergence)."""
        with tempfile.TemporaryDirectory(prefix="polyloop-psi4-") as folder:
            try:
                done = subprocess.run([self.python, "-c", driver], input=json.dumps(request), capture_output=True,
                                      text=True, cwd=folder, timeout=self.timeout_s, check=False)
            except FileNotFoundError as exc:
                raise QMError(f"Psi4 back end: interpreter {self.python!r} not found") from exc
            except subprocess.TimeoutExpired as exc:
                raise QMError(f"Psi4 {what} run for {name} exceeded {self.timeout_s:.0f} s") from exc
        if done.returncode != 0:
            raise QMError(f"Psi4 run for {name} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
        try:
            reply = json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            raise QMError(f"Psi4 run for {name} returned no result: {done.stdout.strip()[-500:]}") from exc
        if reply.get("error") == "import":
            raise QMError(f"Psi4 is not importable by {self.python}: {reply['message']} (apt-get install psi4)")
        if reply.get("error") == "convergence":
            raise QMError(
                f"SCF did not converge in {self.max_cycle} iterations (max_cycle={self.max_cycle}) for {name} "
                f"({self.method}/{self.basis}, Psi4, {what}): {reply['message']}"
            )
        return reply

    def polarizability(
        self,
        elements: Sequence[str],
        positions_A: np.ndarray,
        charge: int = 0,
        multiplicity: int = 1,
        field_au: float = 0.002,
    ) -> np.ndarray:
        """Static dipole polarisability tensor (Å³, ``(3, 3)``) by finite fields: six SCF runs under fields
        ``±F`` (``field_au``, atomic units) along x, y and z; ``α_ij = ∂μ_i/∂F_j`` by central differences (error
        ``O(F²)`` from the second hyperpolarisability, negligible at 0.002 a.u.), symmetrised. Closed shells only.

        Raises:
            QMError: as :meth:`esp` does, and for open shells.
        """
        return _psi4_polarizability(self, elements, positions_A, charge, multiplicity, field_au)


_POLARIZABILITY_DRIVER = _DRIVER_SETUP + r"""hf = request["method"].upper() == "HF"
psi4.set_options({
    "basis": request["basis"],
    "puream": not request["cartesian"],
    "reference": "rhf" if hf else "rks",
    "maxiter": int(request["max_cycle"]),
    "e_convergence": float(request["conv_tol"]),
    "d_convergence": 1e-9,
    "fail_on_maxiter": True,
    "scf_type": "pk",
    "perturb_h": True,
    "perturb_with": "dipole",
})
dipoles = []
for field in request["fields"]:
    psi4.set_options({"perturb_dipole": field})
    try:
        psi4.energy("scf" if hf else request["method"])
    except psi4.ConvergenceError as exc:
        json.dump({"error": "convergence", "message": str(exc)}, sys.stdout)
        sys.exit(0)
    if psi4.core.has_array_variable("SCF DIPOLE"):  # Psi4 >= 1.4: an array in atomic units
        dipoles.append(np.asarray(psi4.core.array_variable("SCF DIPOLE").np).reshape(3).tolist())
    else:  # Psi4 1.3: components in debye
        au = psi4.constants.dipmom_au2debye
        dipoles.append([psi4.variable("SCF DIPOLE " + c) / au for c in "XYZ"])
json.dump({"dipoles": dipoles}, sys.stdout)
"""


def _psi4_polarizability(backend: Psi4Backend, elements: Sequence[str], positions_A: np.ndarray, charge: int,
                         multiplicity: int, field_au: float) -> np.ndarray:
    """Finite-field polarisability through Psi4 (see :meth:`Psi4Backend.polarizability`)."""
    name = formula(elements)
    if multiplicity != 1:
        raise QMError(f"polarizability is implemented for closed shells only, got multiplicity {multiplicity} "
                      f"for {name}")
    fields = [[sign * field_au * (axis == k) for k in range(3)] for axis in range(3) for sign in (1.0, -1.0)]
    request = backend._request(elements, positions_A, charge, 1, conv_tol=min(backend.conv_tol, 1e-10),
                               fields=fields)
    reply = backend._call(_POLARIZABILITY_DRIVER, request, name, "polarisability")
    dipoles = np.asarray(reply["dipoles"], dtype=float).reshape(3, 2, 3)  # axis, sign, component
    # Psi4 adds +λ·μ to the Hamiltonian for PERTURB_DIPOLE λ (a physical field −λ), hence the minus sign.
    alpha = -(dipoles[:, 0, :] - dipoles[:, 1, :]).T / (2.0 * field_au)
    alpha = 0.5 * (alpha + alpha.T) / BOHR_PER_ANGSTROM**3
    if not np.all(np.isfinite(alpha)) or np.trace(alpha) <= 0:
        raise QMError(f"Psi4 gave a polarisability with trace {np.trace(alpha):.4g} Å³ for {name}; expected > 0 "
                      f"(has Psi4's PERTURB_DIPOLE sign convention changed?)")
    return alpha
