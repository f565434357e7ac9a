"""Surrogate models: Gaussian processes over periodic molecular fingerprints with calibrated uncertainty,
and fast screening of the whole candidate library. Depends on :mod:`polyloop.library`.
"""
