"""The curation database: one SQLite file that several web worker processes share.

``curation.sqlite3`` in :attr:`~kg.config.Settings.curation_dir` holds the accounts, the
proposals and their comments. It runs in WAL mode (readers never wait for the writer) with a
busy timeout, so a worker that finds the database locked waits instead of failing. Every call
opens its own short-lived connection: nothing is shared between threads.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from
one version to the next, applied in one transaction when a connection finds an older file.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.config import Settings
from kg.errors import ConfigurationError

DATABASE = "curation.sqlite3"
SECRET_KEY = "secret_key"
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another one

MIGRATIONS: tuple[str, ...] = (
    # version 1
    """
    CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        hash TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entity TEXT NOT NULL,
        new_entity TEXT,
        action TEXT NOT NULL,
        author TEXT NOT NULL,
        status TEXT NOT NULL,
        files TEXT NOT NULL,
        base TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        commit_sha TEXT,
        summary TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX proposals_status ON proposals (status);
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        proposal INTEGER NOT NULL REFERENCES proposals (id),
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE INDEX comments_proposal ON comments (proposal);
    """,
)


def folder(settings: Settings) -> Path:
    """The curation folder, created (owner only) on first use."""
    path = Path(settings.curation_dir)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"KG_CURATION_DIR {path} cannot be created: {exc}") from exc
    return path


@contextmanager
def connect(settings: Settings, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection to the curation database, closed on exit.

    With ``write`` the block runs in one ``BEGIN IMMEDIATE`` transaction: it holds the write
    lock from its first statement, so a check and the insert that depends on it (no other open
    proposal on this entity) cannot interleave with another process's. Committed when the block
    ends, rolled back when it raises.
    """
    path = folder(settings) / DATABASE
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _to_wal(conn, path)
        _migrate(conn)
        if not write:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def _to_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch a new database to write-ahead logging, one connection of the host at a time.

    SQLite answers "database is locked" at once, without its busy handler, when another
    connection holds the file while the journal mode changes (threads opening a fresh
    database together did). The switch waits for a lock file beside the database, and is
    tried again while another connection's brief hold lasts, up to :data:`BUSY_TIMEOUT`."""
    with open(path.with_name(path.name + ".setup-lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            deadline = time.monotonic() + BUSY_TIMEOUT
            while True:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may
        for step in MIGRATIONS[version:]:  # have migrated while we waited for the lock
            for statement in step.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def secret_key(settings: Settings) -> bytes:
    """The key that signs the web sessions, shared by every web worker: read from the file
    ``secret_key`` in the curation folder, which the first caller creates (mode 0600).

    The key is written to a temporary file and linked into place, so a worker never reads a
    half-written key while another one creates it."""
    place = folder(settings)
    path = place / SECRET_KEY
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=place, prefix=".secret-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_hex(32).encode("ascii"))
                out.flush()
                os.fsync(out.fileno())
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker was first: its key counts
        finally:
            os.unlink(tmp)
    key = path.read_bytes()
    if len(key) < 32:
        raise ConfigurationError(f"{path} is shorter than 32 bytes: remove it")
    return key
