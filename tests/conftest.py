"""Shared fixtures: the PI1070 table is loaded once per test session."""

import pandas as pd
import pytest

from polyloop.library.datasets import load_pi1070


@pytest.fixture(scope="session")
def pi1070() -> pd.DataFrame:
    """The bundled PI1070 dataset."""
    return load_pi1070()


# --- databases: SQLite and a throw-away PostgreSQL server ------------------------------------------------------------

def _load_postgres_helper():
    """tests/postgres_server.py (loaded by path: the tests folder is not a package under --import-mode=importlib)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("polyloop_tests_postgres_server",
                                                  Path(__file__).with_name("postgres_server.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL 15 server for the whole test session (started on first use, ~2 s; stopped and removed at the
    end). Skips the test when the server binaries or psycopg are not installed."""
    helper = _load_postgres_helper()
    reason = helper.unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests need a local server: {reason}")
    server = helper.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An SQLAlchemy URL of a fresh, empty database: the test runs once on SQLite and once on PostgreSQL.

    Usage: take ``database_url`` as an argument and open it with your SQLAlchemy code, e.g.
    ``PropertyDatabase(database_url)`` or ``Campaign.create(config, database_url)``. Every test gets its own database
    (``sqlite:///<tmp_path>/test.db``, or a new ``CREATE DATABASE`` on the session's PostgreSQL server reached by a
    Unix socket: ``postgresql+psycopg://postgres@/<name>?host=<socket dir>&port=5432``), so tests never see each
    other's rows. The PostgreSQL database is dropped after the test (open connections are closed by force). The
    ``postgresql`` case skips only when the server binaries or psycopg are absent; select one back end with
    ``-k sqlite`` or ``-k postgresql``.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database(request.node.name)
    yield url
    server.drop_database(url)
