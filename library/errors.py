"""Exceptions of :mod:`polyloop.library`: one hierarchy, each message says what and why."""


class LibraryError(Exception):
    """Base class of every error raised by :mod:`polyloop.library`."""


class InvalidRepeatUnit(LibraryError, ValueError):
    """A polymer repeat-unit SMILES breaks one of the rules of :mod:`polyloop.library.parsing`.

    The message names the rule and quotes the offending input.
    """


class DatasetError(LibraryError):
    """A bundled or user dataset is missing, malformed or lacks a required column."""
