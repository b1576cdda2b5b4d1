"""Backup, restore and health checks of a database file, all through SQLite itself.

A backup uses SQLite's online backup API: it copies a consistent snapshot while
the app (or an import) keeps writing, and never copies a half-written page.
A restore goes the other way through the same API, into the live database, so
a program that has the file open sees the restored content instead of writing
on into a file that was swapped under it.
"""

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from accountreview.db.connection import (
    REVISIONS,
    SCHEMA_HEAD,
    connect,
    create_private_file,
    schema_version,
)
from accountreview.db.errors import DatabaseProblem

PAGES_PER_STEP = 4096  # copy in steps so a writer is never kept waiting long


@dataclass
class Health:
    """What `check_file` found. `problems` is empty when the file is sound."""

    path: Path
    schema: str | None = None
    tables: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _existing_file(path: Path, missing: str) -> None:
    """Refuse a path that is missing (`missing` names what was expected) or a folder."""
    if not path.exists():
        raise DatabaseProblem(f"No {missing} at {path}", not_found=True)
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a directory, not a database file")


def _open_existing(path: Path) -> sqlite3.Connection:
    _existing_file(path, "database")
    try:
        return connect(path)
    except sqlite3.OperationalError as error:
        raise DatabaseProblem(f"Cannot open {path}: {error}") from None


def _read_only(path: Path) -> sqlite3.Connection:
    """Open a file that is not (yet) ours to change: a backup being checked or restored."""
    _existing_file(path, "file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error):
            raise DatabaseProblem(f"{path} is damaged ({error})") from None
        raise DatabaseProblem(f"{path} is not a SQLite database ({error})") from None
    return conn


def copy_database(source: sqlite3.Connection, dest: Path) -> None:
    """Write a consistent copy of `source` to the new file `dest` (mode 0600).

    The copy is made in a temporary file beside `dest` and renamed into place once
    complete and flushed to disk, so `dest` is never a partial copy.
    """
    if dest.exists():
        raise DatabaseProblem(f"{dest} already exists; the backup will not replace it")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        create_private_file(partial)
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, dest)
    except OSError as error:
        raise DatabaseProblem(f"Cannot write {dest}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)


def backup_file(path: Path, dest: Path, *, read_only: bool = False) -> None:
    """Copy the database at `path` to the new file `dest`, safe while others write.

    `read_only` opens the source without the app's connection set-up: for a file
    that is not ours to change, such as a backup about to be restored.
    """
    conn = _read_only(path) if read_only else _open_existing(path)
    try:
        copy_database(conn, dest)
    finally:
        conn.close()


def check_connection(conn: sqlite3.Connection, health: Health) -> Health:
    """Fill `health` from an open connection: integrity, foreign keys, schema, counts."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)").fetchall()]
    except sqlite3.DatabaseError as error:
        health.problems.append(f"the file is damaged: {error}")
        return health
    if rows != ["ok"]:
        health.problems.extend(f"integrity: {r}" for r in rows)
    health.schema = schema_version(conn)
    if health.schema is None:
        health.problems.append("not an accountreview database (no schema version)")
        return health
    if health.schema not in REVISIONS:
        health.problems.append(
            f"schema {health.schema} is newer than this version knows ({SCHEMA_HEAD})"
        )
        return health
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    for table, rowid, parent, _fkid in broken[:20]:
        health.problems.append(
            f"foreign key: {table} row {rowid} points to a missing {parent} record"
        )
    if len(broken) > 20:
        health.problems.append(f"foreign key: … and {len(broken) - 20} more")
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
        )
    ]
    for name in names:
        quoted = name.replace('"', '""')
        health.tables[name] = conn.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0]
    if "review" in health.tables and "review_snapshot" in health.tables:
        unfrozen = conn.execute(
            "SELECT count(*) FROM review r WHERE r.status = 'closed' AND NOT EXISTS "
            "(SELECT 1 FROM review_snapshot s WHERE s.review_id = r.id)"
        ).fetchone()[0]
        if unfrozen:
            health.problems.append(f"{unfrozen} closed review(s) have no frozen snapshot")
    return health


def check_file(path: Path) -> Health:
    """Check a database file without changing it (read-only)."""
    conn = _read_only(path)
    try:
        return check_connection(conn, Health(path))
    finally:
        conn.close()


def restore_into(source: Path, path: Path) -> None:
    """Replace the content of the database at `path` with that of `source`.

    Goes through SQLite's backup API into the live file (created 0600 if missing),
    so the change is one atomic transaction that other connections see.
    """
    if not path.exists():
        create_private_file(path)
    src = _read_only(source)
    try:
        live = connect(path)
        try:
            src.backup(live)
        finally:
            live.close()
    except sqlite3.OperationalError as error:
        raise DatabaseProblem(f"Cannot restore into {path}: {error}") from None
    finally:
        src.close()
