"""Training corpora per class: PI1070's real repeat units, hand-written real polymers, and rule products.

Every unit is filed under the class :func:`polyloop.library.classes.classify` gives it (the project's definition of
a class), so a generator trained on a class's corpus learns from units of that class only. Stereo marks are dropped
(the generators emit constitution only).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from rdkit import Chem

from polyloop.generators.polymerize import cached_rule_table
from polyloop.library.classes import classify, polymer_classes
from polyloop.library.datasets import load_pi1070
from polyloop.library.repeat_unit import canonicalize

__all__ = ["class_corpora", "commercial_polymers", "strip_stereo"]


def strip_stereo(smiles: str) -> str:
    """Canonical repeat unit of ``smiles`` without stereo marks."""
    mol = Chem.MolFromSmiles(smiles)
    Chem.RemoveStereochemistry(mol)
    return canonicalize(Chem.MolToSmiles(mol))


@cache
def commercial_polymers() -> pd.DataFrame:
    """The hand-written list of real polymers, common commercial ones and well-documented families such as
    Allcock's polyphosphazenes (columns name, smiles, polymer_class)."""
    source = resources.files("polyloop.generators.data").joinpath("commercial_polymers.csv")
    with resources.as_file(source) as path:
        return pd.read_csv(path)


def class_corpora(rules_per_reaction: int = 150, seed: int = 0) -> dict[str, list[str]]:
    """Unique stereo-free canonical units per class (every class of :func:`polymer_classes`, possibly empty).

    Sources: all of PI1070, all commercial polymers, and up to ``rules_per_reaction`` products of each polymerisation
    rule (a seeded random sample, so the rule products do not swamp the real polymers).
    """
    rng = np.random.default_rng(seed)
    units: dict[str, str] = {}
    for smiles in load_pi1070()["canonical_smiles"]:
        units.setdefault(strip_stereo(smiles), "")
    for smiles in commercial_polymers()["smiles"]:
        units.setdefault(strip_stereo(smiles), "")
    rules = cached_rule_table()
    for _, rows in rules.groupby("reaction", sort=True):
        take = rows.iloc[rng.permutation(len(rows))[:rules_per_reaction]]
        for smiles, polymer_class in zip(take["canonical_smiles"], take["polymer_class"]):
            units.setdefault(smiles, polymer_class)
    corpora: dict[str, list[str]] = {c.name: [] for c in polymer_classes()}
    for smiles, known in units.items():
        polymer_class = known or classify(smiles)
        if polymer_class in corpora:
            corpora[polymer_class].append(smiles)
    return {name: sorted(members) for name, members in corpora.items()}
