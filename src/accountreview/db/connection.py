"""Opening the SQLite database: where it is, how each connection is set up.

Every connection runs in WAL mode with foreign keys on, a 10 s busy timeout and
`synchronous=FULL` (a committed edit survives a power cut). Writes go through
`Database.write()`, which starts with `BEGIN IMMEDIATE` so that a second writer
waits for the lock instead of failing at once with "database is locked". If the
lock is still held when the timeout runs out (a long import), the write raises
`Database.busy_error` (`DatabaseBusy` unless its owner chose another error).

Only the standard library is imported here: a CLI command must start in a
fraction of the time that importing SQLAlchemy takes. Alembic is loaded only
when the schema has to be created or upgraded (`db.migrate`).
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from accountreview.db.errors import (
    DatabaseBusy,
    DatabaseProblem,
    StorageFailure,
    damage,
    storage_failure,
)
from accountreview.db.files import (
    create_private_file,
    fail_storage,
    publish,
    recognise,
    remove_with_sidecars,
    staged_name,
)

BUSY_TIMEOUT_MS = 10_000
MAX_PATH_LENGTH = 1024

# Every revision this version knows, oldest first (a test checks it against Alembic).
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
SCHEMA_HEAD = REVISIONS[-1]


def path_from_target(target: str | os.PathLike[str]) -> Path:
    """Turn a `--db` value (a path or a `sqlite:///` URL) into a file path."""
    text = os.fspath(target).strip()
    if not text:
        raise DatabaseProblem("--db: the database path is empty")
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme.lower() not in {"sqlite", "sqlite+pysqlite"}:
            raise DatabaseProblem(
                f"--db: {scheme!r} databases are not supported yet; "
                "use a file path or a sqlite:///path URL"
            )
        rest = rest[1:] if rest.startswith("/") else rest
        if not rest or rest == ":memory:":
            raise DatabaseProblem("--db: the sqlite URL names no file (use sqlite:///path/to.db)")
        text = rest.partition("?")[0]
    if "\x00" in text:
        raise DatabaseProblem("--db: the path contains a NUL character")
    return expand_path(text, "--db")


def expand_path(text: str, what: str) -> Path:
    """A path a user typed, with `~` expanded, checked to be usable as a path at all."""
    if len(text) > MAX_PATH_LENGTH:
        raise DatabaseProblem(
            f"{what}: the path is {len(text):,} characters long; at most {MAX_PATH_LENGTH}"
        )
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # an unknown ~user
        raise DatabaseProblem(f"{what}: no home folder for {text.split('/')[0]!r}") from None
    try:
        path.exists()
    except OSError as error:  # a name too long for the file system, and the like
        raise DatabaseProblem(f"{what}: cannot use {text!r}: {error.strerror}") from None
    return path


def connect(path: Path) -> sqlite3.Connection:
    """Open one connection to our database at `path`, with the pragmas every
    connection must have. The file is recognised (read-only) before anything is
    written to it, so another program's file is refused exactly as it was."""
    recognise(path)
    return connect_new(path)


def connect_new(path: Path) -> sqlite3.Connection:
    """`connect` without recognising the file: for a file this process just made."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.Error as error:
        conn.close()
        fail_storage(error, path)
        raise damage(error, path) or DatabaseProblem(f"Cannot open {path}: {error}") from None
    if mode.lower() != "wal":
        conn.close()
        raise DatabaseProblem(f"{path}: could not switch the database to WAL mode ({mode})")
    return conn


class Database:
    """One open database: a connection plus transaction helpers."""

    # Raised with a message when a write waited the whole busy timeout for the lock.
    busy_error: type[Exception] = DatabaseBusy
    # Raised with a message when the disk refused the write (full, read-only).
    write_error: type[Exception] = StorageFailure

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._depth = 0

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (`BEGIN IMMEDIATE`). A nested call is a savepoint inside the
        outer transaction: if its block fails, only its own changes are rolled back and the
        error goes on to the caller, which decides (the outer block commits or not)."""
        if self._depth:
            name = f"nested_{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled everything back already
                    self.conn.execute(f"ROLLBACK TO {name}")
                raise
            finally:
                self._depth -= 1
                if self.conn.in_transaction:
                    self.conn.execute(f"RELEASE {name}")
            return
        self._begin_immediate()
        self._depth = 1
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                self.conn.execute("ROLLBACK")
            failure = storage_failure(error, self.path)
            if failure is not None:
                raise self.write_error(str(failure)) from None
            raise
        finally:
            self._depth = 0

    def _begin_immediate(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # also its extended codes
                raise
            raise self.busy_error(
                f"The database is busy: another program has been writing to it for over"
                f" {BUSY_TIMEOUT_MS / 1000:g} s (a large import?). Nothing was saved;"
                " try again when it is done."
            ) from None

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same snapshot."""
        if self._depth:
            yield self.conn
            return
        self.conn.execute("BEGIN")
        self._depth = 1
        try:
            yield self.conn
        finally:
            self._depth = 0
            self.conn.execute("COMMIT")

    def change_token(self) -> tuple[int, int]:
        """A value that changes whenever the data may have: rows this connection changed,
        and SQLite's `data_version` (bumped by commits of other connections)."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return self.conn.total_changes, int(version)

    def close(self) -> None:
        """Close the connection (pending work was committed by `write`)."""
        self.conn.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def schema_version(conn: sqlite3.Connection) -> str | None:
    """The Alembic revision of the database, or None when it has none."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return bool(row[0])


def open_database(target: str | os.PathLike[str], *, create: bool = False) -> Database:
    """Open (and if asked, create) the database, upgrading an older schema first.

    A new database is built under a scratch name and given its name only once
    complete, as a new private file (0600): an existing path is never adopted.
    An older schema is copied beside the file before it is upgraded.
    """
    path = path_from_target(target)
    if not os.path.lexists(path):
        if not create:
            raise DatabaseProblem(
                f"No database at {path}. Create one with `accountreview init`, "
                "or try the demo with `accountreview demo`.",
                not_found=True,
            )
        create_database(path)
    conn = connect(path)
    try:
        _ensure_schema(path, conn)
    except BaseException as error:
        conn.close()
        fail_storage(error, path)
        raise
    return Database(path, conn)


def create_database(path: Path) -> None:
    """Make a new database with the newest schema at `path`, which must not exist."""
    from accountreview.db import migrate

    staged = staged_name(path, "new")
    try:
        create_private_file(staged)
        migrate.upgrade_to_head(staged)
        publish(staged, path)
    except (OSError, sqlite3.Error) as error:
        fail_storage(error, path)
        raise DatabaseProblem(f"Cannot create {path}: {error}") from None
    except Exception as error:  # SQLAlchemy wraps SQLite's errors (disk full...)
        fail_storage(error, path)
        raise
    finally:
        remove_with_sidecars(staged)


def _ensure_schema(path: Path, conn: sqlite3.Connection) -> None:
    version = schema_version(conn)
    if version == SCHEMA_HEAD:
        return
    if version is None and _has_tables(conn):
        raise DatabaseProblem(f"{path} is a SQLite file but not an accountreview database")
    if version is not None and version not in REVISIONS:
        raise DatabaseProblem(
            f"{path} was written by a newer accountreview (schema {version}); "
            f"this version knows schemas up to {SCHEMA_HEAD}. Upgrade accountreview."
        )
    from accountreview.db import migrate

    if version is not None:
        migrate.backup_before_upgrade(conn, path, version)
    migrate.upgrade_to_head(path)
