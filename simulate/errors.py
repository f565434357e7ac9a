"""Exceptions of :mod:`polyloop.simulate`: one hierarchy, each message says what and why."""


class SimulateError(Exception):
    """Base class of every error raised by :mod:`polyloop.simulate`."""


class TypingError(SimulateError):
    """An atom matches no force-field typing rule (the message names the atom, element and neighbours)."""


class ParameterError(SimulateError):
    """A bonded or non-bonded parameter is missing from the force field and no documented fallback applies."""


class ChargeError(SimulateError):
    """Partial charges could not be computed (e.g. a failed fit, or charges that are not finite)."""


class QMError(ChargeError):
    """A quantum-chemistry calculation failed (e.g. SCF did not converge); never silently replaced by NaN."""


class EngineError(SimulateError):
    """An MD engine is missing, refused an input, or a run failed (the message carries the engine's reason)."""
