"""The generator interface: what every class-specific generator proposes, and how it is called."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = ["Generator", "GeneratorError", "Proposal"]


class GeneratorError(Exception):
    """A generator, rule or trained model is missing, malformed or asked for something it cannot do."""


@dataclass(frozen=True)
class Proposal:
    """One proposed repeat unit, exactly as emitted (not yet validated or canonicalised)."""

    smiles: str  # the emitted repeat-unit string
    polymer_class: str  # the class the generator was built for
    source: str  # "rule:<reaction id>" or "model:<model id>" (e.g. "model:fragngram4:polyimide")
    parents: tuple[str, ...]  # monomer SMILES (rules) or seed unit SMILES (modification); () if none


class Generator(Protocol):
    """A class-specific generator: ``propose(n, rng)`` returns ``n`` proposals (fewer only if it has run dry)."""

    name: str
    polymer_class: str

    def propose(self, n: int, rng: np.random.Generator) -> list[Proposal]:
        """Draw ``n`` proposals using ``rng`` (the only source of randomness, so runs are reproducible)."""
        ...
