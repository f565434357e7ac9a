"""Errors of the surrogate package: one hierarchy, each message says what is wrong and why."""

from __future__ import annotations

__all__ = ["DatasetFormatError", "LibraryFormatError", "ModelFileError", "SurrogateError"]


class SurrogateError(ValueError):
    """Base class of the errors raised by :mod:`polyloop.surrogate`."""


class DatasetFormatError(SurrogateError):
    """A training data set (PI1070 or a CSV file) cannot be used as given: missing columns, bad SMILES, no labels."""


class LibraryFormatError(SurrogateError):
    """A candidate library directory does not have the expected layout, manifest or fingerprint settings."""


class ModelFileError(SurrogateError):
    """A saved surrogate model file cannot be read: not a model file, or a format version this code does not know."""
