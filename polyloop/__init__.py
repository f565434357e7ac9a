"""polyloop: closed-loop polymer design.

The front door of the project: the ``polyloop`` command line (:mod:`polyloop.cli`) and shared configuration.
The capabilities live in sub-packages installed from the repository's top-level folders:

- :mod:`polyloop.library` — repeat units, classes, fingerprints, datasets, the candidate library and property database.
- :mod:`polyloop.generators` — class-specific molecular generators that build the virtual library.
- :mod:`polyloop.simulate` — the embedded all-atom MD property engine.
- :mod:`polyloop.surrogate` — Gaussian-process surrogate models with calibrated uncertainty.
- :mod:`polyloop.design` — active-learning campaigns (Bayesian optimisation over the library).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("polyloop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
