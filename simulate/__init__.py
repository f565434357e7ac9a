"""The embedded all-atom MD property engine.

From a repeat-unit SMILES, fully automatically: 3D repeat unit, charges (RESP from a QM back end, or Gasteiger),
GAFF2-family typing and parameters, chains and an amorphous cell, equilibration in LAMMPS (in-process) and the
15 properties with uncertainties. Depends only on the repeat-unit core of :mod:`polyloop.library`.
"""
