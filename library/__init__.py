"""The data model of candidates: polymer repeat units and everything built on them.

- :mod:`~polyloop.library.parsing` — parse and validate repeat-unit SMILES (two ``*`` connection points).
- :mod:`~polyloop.library.canonical` — one canonical SMILES per polymer (cyclic shifts, primitive period, stereo).
- :mod:`~polyloop.library.repeat_unit` — the immutable :class:`RepeatUnit` value type: backbone, side chains, mass.
- :mod:`~polyloop.library.classes` — the 21 PoLyInfo-style polymer classes, defined as data.
- :mod:`~polyloop.library.fingerprints` — periodic Morgan fingerprints, bit-packed storage, Tanimoto.
- :mod:`~polyloop.library.datasets` — bundled datasets (PI1070).

Later: the stored candidate library (Parquet + DuckDB) and the property database (SQLAlchemy).
"""
