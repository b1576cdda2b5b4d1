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

from accountreview.db.connection import REVISIONS, SCHEMA_HEAD, connect, schema_version
from accountreview.db.errors import (
    READ_ERRORS,
    DatabaseDamaged,
    DatabaseProblem,
    readable,
    storage_failure,
)
from accountreview.db.files import (
    create_private_file,
    fail_storage,
    fsync_file,
    kind_of,
    publish,
    read_only_uri,
    recognise,
    regular_file,
    remove_with_sidecars,
    sqlite_header,
    staged_name,
)
from accountreview.db.schema_check import record_findings, schema_problems

PAGES_PER_STEP = 4096  # copy in steps so a writer is never kept waiting long
MAX_LISTED = 20  # problems of one kind listed before "… and N more"
CHAINED_SINCE = "0003"  # the revision that hash-chains the audit log and the snapshots


@dataclass
class Health:
    """What `check_file` found. `problems` is empty when the file is sound; `notes` say
    what is sound but worth knowing (a synced file holds part of some chains)."""

    path: Path
    schema: str | None = None
    tables: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _read_only(path: Path) -> sqlite3.Connection:
    """Open a file that is not (yet) ours to change: a backup being checked or restored."""
    regular_file(path)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
        conn.text_factory = _lenient_text  # a damaged page may hold any bytes
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except READ_ERRORS as error:
        if conn is not None:
            conn.close()
        fail_storage(error, path)  # it could not be opened: a read-only folder, say
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            sqlite_header(path)  # raises: an overwritten header, or not SQLite at all
        raise DatabaseDamaged(f"{path} is damaged ({readable(error)})") from None
    return conn


def copy_database(source: sqlite3.Connection, dest: Path) -> None:
    """Write a consistent copy of `source` to the new file `dest` (mode 0600).

    The copy is made in a temporary file beside `dest` and given its name once
    complete and flushed to disk, so `dest` is never a partial copy. An existing
    `dest` (a file, a link, a device...) is never replaced.
    """
    if os.path.lexists(dest):
        kind = kind_of(os.lstat(dest).st_mode)
        raise DatabaseProblem(
            f"{dest} already exists; the backup will not replace it"
            if kind == "a regular file"
            else f"{dest} is {kind}; a backup is written only to a new file"
        )
    partial = staged_name(dest, "partial")
    remove_with_sidecars(partial)
    try:
        create_private_file(partial)
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        fsync_file(partial)
        publish(partial, dest)
    except (OSError, sqlite3.Error) as error:
        failure = storage_failure(error, dest)
        if failure is not None:
            raise failure from None
        raise DatabaseProblem(f"Cannot write {dest}: {error}") from None
    finally:
        remove_with_sidecars(partial)


def backup_file(path: Path, dest: Path, *, read_only: bool = False) -> None:
    """Copy the database at `path` to the new file `dest`, safe while others write.

    `read_only` opens the source without the app's connection set-up: for a file
    that is not ours to change, such as a backup about to be restored.
    """
    conn = _read_only(path) if read_only else connect(path)
    try:
        copy_database(conn, dest)
    finally:
        conn.close()


def _truncation(path: Path, size: int) -> list[str]:
    """Why SQLite found the file damaged, when it is shorter than its header counts.

    Read from the file's header: only for a file SQLite has refused as damaged
    (so no connection of this process holds locks on it).
    """
    try:
        head = sqlite_header(path)
    except DatabaseProblem:
        return []
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] != head[92:96] or size >= pages * page_size:
        return []  # the page count is not valid, or the file is long enough
    return [
        f"the file is truncated: it holds {size:,} bytes of the {pages * page_size:,}"
        f" its header counts ({pages:,} pages of {page_size:,} bytes)"
    ]


def _listed(label: str, items: list[str]) -> list[str]:
    shown = [f"{label}: {item}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(f"{label}: … and {len(items) - MAX_LISTED} more")
    return shown


def check_connection(conn: sqlite3.Connection, health: Health) -> Health:
    """Fill `health` from an open connection: integrity, foreign keys, schema, counts.

    A file too damaged to read on is a problem listed like the others, not an error.
    """
    try:
        _check_content(conn, health)
    except READ_ERRORS as error:
        health.problems.append(f"the file is damaged: {readable(error)}")
    return health


def _check_content(conn: sqlite3.Connection, health: Health) -> None:
    rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({MAX_LISTED})").fetchall()]
    if rows != ["ok"]:
        health.problems.extend(f"integrity: {r}" for r in rows)
    health.schema = schema_version(conn)
    if health.schema is None:
        health.problems.append("not an accountreview database (no schema version)")
        return
    if health.schema not in REVISIONS:
        health.problems.append(
            f"schema {health.schema} is newer than this version knows ({SCHEMA_HEAD})"
        )
        return
    shape = schema_problems(conn, health.schema)
    health.problems.extend(_listed("schema", shape))
    if REVISIONS.index(health.schema) >= REVISIONS.index(CHAINED_SINCE) and not any(
        p.startswith("table ") for p in shape
    ):
        problems, health.notes = record_findings(conn, health.schema)
        health.problems.extend(_listed("record", problems))
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    health.problems.extend(
        _listed(
            "foreign key",
            [
                f"{table} row {rowid} points to a missing {parent} record"
                for table, rowid, parent, _fkid in broken
            ],
        )
    )
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


def check_file(path: Path) -> Health:
    """Check a database file without changing it (read-only).

    Damage (an overwritten page or header, a truncated file) is listed in the
    returned `Health`; only a missing file or one that is not SQLite at all raises.
    """
    info = regular_file(path)
    health = Health(path)
    try:
        conn = _read_only(path)
    except DatabaseDamaged as damaged:
        health.problems.append(str(damaged))
        health.problems.extend(_truncation(path, info.st_size))
        return health
    try:
        return check_connection(conn, health)
    except READ_ERRORS as error:
        health.problems.append(f"the file is damaged: {readable(error)}")
        return health
    finally:
        conn.close()


def keep_before_restore(path: Path, kept: Path) -> None:
    """Keep what a restore will replace at `kept`: a copy through SQLite, or, for a
    database too damaged to open, the file itself (moved aside with its `-wal`)."""
    try:
        recognise(path)
    except DatabaseDamaged:
        if os.path.lexists(kept):
            raise DatabaseProblem(f"{kept} already exists; try again in a second") from None
        for suffix in ("-wal", ""):  # the main file last: until then `path` is whole
            if os.path.lexists(f"{path}{suffix}"):
                os.rename(f"{path}{suffix}", f"{kept}{suffix}")
        Path(f"{path}-shm").unlink(missing_ok=True)
        return
    backup_file(path, kept)


def restore_into(source: Path, path: Path) -> None:
    """Replace the content of the database at `path` with that of `source`.

    Goes through SQLite's backup API into the live file, so the change is one
    atomic transaction that other connections see. With no database at `path`
    yet, the copy becomes a new private file (0600) there.
    """
    src = _read_only(source)
    try:
        if not os.path.lexists(path):
            copy_database(src, path)
            return
        live = connect(path)
        try:
            src.backup(live)
        except sqlite3.Error as error:
            failure = storage_failure(error, path)
            if failure is not None:
                raise failure from None
            raise DatabaseProblem(f"Cannot restore into {path}: {error}") from None
        finally:
            live.close()
    finally:
        src.close()
