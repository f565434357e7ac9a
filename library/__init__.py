"""The data model of candidates: polymer repeat units and everything built on them.

- :mod:`~polyloop.library.parsing` — parse and validate repeat-unit SMILES (two ``*`` connection points).
- :mod:`~polyloop.library.canonical` — one canonical SMILES per polymer (cyclic shifts, primitive period, stereo).
- :mod:`~polyloop.library.repeat_unit` — the immutable :class:`RepeatUnit` value type: backbone, side chains, mass.
- :mod:`~polyloop.library.classes` — the 21 PoLyInfo-style polymer classes, defined as data.
- :mod:`~polyloop.library.fingerprints` — periodic Morgan fingerprints, bit-packed storage, Tanimoto.
- :mod:`~polyloop.library.datasets` — bundled datasets (PI1070).
- :mod:`~polyloop.library.build` — the virtual-library build (parallel class streams, journal, resume), with
  :mod:`~polyloop.library.class_stream` (one class's stream), :mod:`~polyloop.library.describe` (validate,
  canonicalise, classify, fingerprint a proposal) and :mod:`~polyloop.library.oligomer` (shared capped oligomers).
- :mod:`~polyloop.library.store` — the Parquet library on disk, partitioned by class, read in bounded batches.
- :mod:`~polyloop.library.stats` and :mod:`~polyloop.library.query` — library figures; DuckDB and SMARTS queries.

Later: the property database (SQLAlchemy).
"""
