"""Class-specific molecular generators.

One generator family per polymer class: chemical language models over repeat-unit SMILES trained on each class's
known units, and rule-based polymerisation of commercial monomers. Together they build the virtual library of
candidate repeat units stored by :mod:`polyloop.library`. Depends on :mod:`polyloop.library` only.
"""
