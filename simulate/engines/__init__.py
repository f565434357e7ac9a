"""MD engines behind one small protocol: LAMMPS (production, in-process) and OpenMM (independent cross-check)."""
