"""The short end-to-end example behind ``make demo`` (later issues turn it into a real campaign).

It shows the repeat-unit core at work: spellings of one polymer collapse to one identity, different polymers stay
apart, every PI1070 polymer gets a class, and periodic fingerprints find the nearest PI1070 neighbours of
well-known polymers.
"""

from __future__ import annotations

import time

import numpy as np
from rich.console import Console
from rich.table import Table

from polyloop.library.classes import classify
from polyloop.library.datasets import load_pi1070
from polyloop.library.fingerprints import fingerprint_matrix, tanimoto
from polyloop.library.repeat_unit import RepeatUnit

SPELLINGS = {
    "polyethylene": ["*CC*", "*CCCC*", "*C*"],
    "poly(ethylene oxide)": ["*OCC*", "*CCO*", "*COC*", "*OCCOCC*"],
    "nylon-6": ["*NCCCCCC(=O)*", "*C(=O)CCCCCN*", "*CCCCCC(=O)N*"],
    "PET": ["*OCCOC(=O)c1ccc(cc1)C(=O)*", "*c1ccc(cc1)C(=O)OCCOC(=O)*"],
}
QUERIES = {
    "polystyrene": "*CC(c1ccccc1)*",
    "PMMA": "*CC(C)(C(=O)OC)*",
    "Kapton": "*c1ccc(Oc2ccc(N3C(=O)c4cc5C(=O)N(*)C(=O)c5cc4C3=O)cc2)cc1",
}


def run_demo(console: Console | None = None) -> dict[str, float]:
    """Run the demo, print its tables, and return its headline figures."""
    console = console or Console()
    console.rule("1. One polymer, one identity")
    table = Table("polymer", "spellings", "canonical", "class")
    for name, spellings in SPELLINGS.items():
        canon = {RepeatUnit.from_smiles(s).smiles for s in spellings}
        table.add_row(name, "  ".join(spellings), " | ".join(sorted(canon)), str(classify(spellings[0])))
    console.print(table)

    console.rule("2. PI1070: canonical forms, duplicates, classes")
    start = time.perf_counter()
    data = load_pi1070()
    elapsed = time.perf_counter() - start
    duplicates = int(data["canonical_smiles"].duplicated().sum())
    predicted = [classify(s) for s in data["canonical_smiles"]]
    agreement = float(np.mean([p == ref for p, ref in zip(predicted, data["polymer_class"])]))
    console.print(f"{len(data)} polymers canonicalised in {elapsed:.1f} s; {duplicates} duplicates; "
                  f"class agreement with the reference: {agreement:.1%}")

    console.rule("3. Nearest PI1070 neighbours by periodic Morgan fingerprints (Tanimoto)")
    units = [RepeatUnit(smiles=s) for s in data["canonical_smiles"]]
    library = fingerprint_matrix(units)
    table = Table("query", "nearest PI1070 polymer", "Tanimoto", "density / kg m^-3")
    for name, smiles in QUERIES.items():
        similarity = tanimoto(fingerprint_matrix([RepeatUnit.from_smiles(smiles)])[0], library)
        best = int(np.argmax(similarity))
        table.add_row(name, data["canonical_smiles"][best], f"{similarity[best]:.2f}",
                      f"{data['density'][best]:.0f}")
    console.print(table)
    return {"duplicates": duplicates, "class_agreement": agreement, "canonicalise_seconds": elapsed}
