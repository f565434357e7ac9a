"""The :class:`Estimate`: a property value with its standard error and unit, as every estimator returns it."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from polyloop.simulate.errors import SimulateError

__all__ = ["Estimate", "PropertyError", "relative_error"]


class PropertyError(SimulateError):
    """A property cannot be estimated from the data given (too short, wrong shape, unphysical values)."""


@dataclass(frozen=True)
class Estimate:
    """A value with its standard error (one sigma) and its unit.

    Subclasses add fields (flags and diagnostics, e.g. ``diffusive``); :meth:`as_dict` carries every field.
    """

    value: float
    stderr: float
    unit: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", float(self.value))
        object.__setattr__(self, "stderr", float(self.stderr))
        if not (math.isfinite(self.value) and math.isfinite(self.stderr)) or self.stderr < 0:
            raise PropertyError(f"an estimate needs a finite value and a finite stderr >= 0, "
                                f"got {self.value!r} ± {self.stderr!r} {self.unit}")

    def as_dict(self) -> dict:
        """``{"value", "stderr", "unit"}`` plus any extra fields of a subclass, as plain Python values."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value):
    """numpy scalars to Python scalars (JSON-ready)."""
    return value.item() if hasattr(value, "item") else value


def relative_error(estimate: Estimate) -> float:
    """``stderr / |value|`` (0 when the value is 0 and exact)."""
    if estimate.value == 0:
        if estimate.stderr == 0:
            return 0.0
        raise PropertyError(f"relative error of a zero value with stderr {estimate.stderr} is undefined")
    return estimate.stderr / abs(estimate.value)
