"""Data files of the generators: reaction rules, monomers, hand-written polymer lists."""
