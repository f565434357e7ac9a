"""Partial charges: Gasteiger (quick) and two-stage RESP fitted to a QM electrostatic potential."""
