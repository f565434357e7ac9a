"""A throw-away PostgreSQL server for the test session.

:class:`PostgresServer` runs ``initdb`` into a fresh temporary folder and starts ``postgres`` there with ``pg_ctl``,
listening on a Unix socket inside that folder only (no TCP port, so nothing can clash with another server on the
machine). ``initdb`` refuses to run as root, so when the tests run as root the server runs as the ``postgres`` system
user through ``runuser`` and the folder is handed to that user. Each test gets its own database
(:meth:`PostgresServer.create_database`); :meth:`PostgresServer.stop` shuts the server down and removes the folder.

A killed test session cannot run its teardown, so :meth:`PostgresServer.start` also starts a small watcher process
that stops the server and removes the folder once the process that started it has gone.

The server is tuned for tests, not for data that must survive: ``fsync=off``, no durability, trust authentication.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

BIN_DIR = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432) in our own folder; no TCP listener is opened


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries or the psycopg driver are not installed (the tests that need them skip)."""


def unavailable_reason(bin_dir: Path = BIN_DIR) -> str | None:
    """Why a test server cannot be started here, or None when it can."""
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (bin_dir / name).is_file()]
    if missing:
        return f"PostgreSQL 15 server binaries {missing} not found in {bin_dir} (Debian package postgresql-15)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed (pip install 'psycopg[binary]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root but there is no {SERVER_USER!r} user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root but runuser is not installed"
    return None


class PostgresServer:
    """A PostgreSQL server in a temporary folder: ``start()``, ``create_database(name)`` → URL, ``stop()``."""

    def __init__(self, bin_dir: Path = BIN_DIR) -> None:
        self.bin_dir = bin_dir
        self.root: Path | None = None
        self._databases = 0
        self._watcher: subprocess.Popen | None = None

    @property
    def socket_dir(self) -> Path:
        """The folder holding the server's Unix socket (the libpq ``host``)."""
        if self.root is None:
            raise RuntimeError("the PostgreSQL test server is not running")
        return self.root

    def _command(self, *args: str) -> list[str]:
        """The command line of a server binary, run as the ``postgres`` user when we are root."""
        command = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        """Run a server binary (see :meth:`_command`); raise with its output if it fails."""
        command = self._command(*args)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def start(self) -> PostgresServer:
        """initdb into a new temporary folder and start the server on a socket inside it (~2 s)."""
        reason = unavailable_reason(self.bin_dir)
        if reason:
            raise PostgresUnavailable(reason)
        self.root = Path(tempfile.mkdtemp(prefix="polyloop-pg-"))
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        data = self.root / "data"
        try:
            self._run("initdb", "-D", str(data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8", "--no-locale",
                      "--no-sync")
            options = (f"-k {self.root} -p {PORT} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off -c max_connections=200")
            self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")
        except Exception:
            self._remove()
            raise
        self._watch()
        return self

    def _watch(self) -> None:
        """Start the watcher: once this process is gone, stop the server and remove its folder."""
        stop = shlex.join(self._command("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"))
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; "
                  f"rm -rf {shlex.quote(str(self.root))}")
        self._watcher = subprocess.Popen(["sh", "-c", script], start_new_session=True, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _admin(self):
        """An autocommit connection to the maintenance database (CREATE/DROP DATABASE cannot run in a transaction)."""
        import psycopg

        return psycopg.connect(host=str(self.socket_dir), port=PORT, user=SERVER_USER, dbname="postgres",
                               autocommit=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3 driver, Unix socket)."""
        return f"postgresql+psycopg://{SERVER_USER}@/{database}?host={self.socket_dir}&port={PORT}"

    def create_database(self, hint: str = "test") -> str:
        """Create a new empty database (named from ``hint`` and a counter) and return its URL."""
        self._databases += 1
        name = f"{re.sub(r'[^a-z0-9_]', '_', hint.lower())[:40]}_{self._databases}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url``, closing any connection still open to it."""
        name = url.split("@/", 1)[1].split("?", 1)[0]
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self.root is None:
            return
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            self._remove()
            if self._watcher is not None:
                self._watcher.terminate()
                self._watcher.wait(timeout=10)
                self._watcher = None

    def _remove(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
