"""The first pull into a file that holds no synced row yet: a bulk load, not upserts.

Every row the hub sends is the current form of a row this file lacks, so each is one
plain INSERT (a hundred rows per statement), with the secondary indexes, the triggers
and the per-row CHECK rules set aside while loading (`db.bulk`): the outbox triggers
cannot fire (a pulled row is not a change to push back) and nothing a frozen-row trigger
guards is changed (every row is new). The hub's rows are consistent with each other (its
own keys and triggers hold them), so the file ends exactly as the batched `apply_pulled`
would leave it: a closed review with its five and its audit entries as the hub has them,
each origin's chain as pushed. The hub is not trusted for that: each chained row's hash
is tested as it comes, and what the rules and triggers set aside would have refused is
checked once at the end (foreign keys, CHECK rules, the chains' links, closes against
their fives and audit entries): any fault fails the whole load (nothing kept). The
cursor is set in the same transaction.

All of this happens in a side file (`open_side`: the synced tables of this file, empty,
no triggers), never in the person's file itself: one transaction there would hold its
write lock for the whole pull, and an edit made meanwhile in the app would wait, then
fail as busy. Once the side file is loaded and checked, `first_copy` moves its rows in
short transactions, each with the triggers in force when it commits.
"""

import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import chain
from pathlib import Path

from accountreview.db.bulk import bulk_load
from accountreview.db.chain import CHAINED
from accountreview.db.connection import BUSY_TIMEOUT_MS, Database
from accountreview.db.errors import DatabaseDamaged
from accountreview.db.files import create_private_file, fsync_file, remove_with_sidecars
from accountreview.db.records import now_text
from accountreview.db.schema_check import broken_rules, link_problems, review_problems
from accountreview.db.sync.state import get_state, set_state
from accountreview.db.sync.tables import SYNCED_TABLES, synced, table_columns
from accountreview.domain.chain import PREV, Value, row_check


class HubRecordRefused(DatabaseDamaged, ValueError):
    """The hub sent rows this file cannot take: nothing of the pull is kept (exit 3)."""


def refused(what: str) -> HubRecordRefused:
    """A first pull refused for `what`, saying what happens and what to do."""
    return HubRecordRefused(
        f"{what}; nothing of this pull was kept: ask the hub's owner to correct it, then sync again"
    )


# The page cache while loading (KiB): a first pull's memory stays small and flat.
FIRST_PULL_CACHE_KIB = 32_000


def never_synced_rows(db: Database) -> bool:
    """Whether the file holds no row of any synced table (a first pull may bulk-load)."""
    return not any(
        db.conn.execute(f"SELECT 1 FROM {synced(t)} LIMIT 1").fetchone() for t in SYNCED_TABLES
    )


# The side file's one index that is neither unique nor a key: audit entries by review
# (the close checks, and a review's rows taken together by the copy).
SIDE_LOOKUP_INDEX = "ix_audit_log_review_id"


def side_path(path: Path) -> Path:
    """Where the first pull of the file at `path` loads the hub's rows first."""
    return path.with_name(path.name + ".first-pull")


def open_side(db: Database, *, whole: bool = False) -> Database:
    """A new, empty side file next to `db` (any earlier one removed) with the synced
    tables as `db` has them, and `sync_state`; no trigger (nothing but the first pull
    ever writes it). Of the indexes, only the unique ones (checked there, whole) and the
    one the checks and the copy look reviews' entries up by: building the others there
    would be work done twice (the copy fills this file's own).

    `whole`: a copy of the whole file instead (`VACUUM INTO`: every table, index and
    trigger, its `sync_state` with its device id), to become the file once loaded
    (`adopt_side`) when no one else can be using it."""
    path = side_path(db.path)
    if _being_loaded(path):
        raise db.busy_error(
            f"{db.path}: another sync is pulling into this file for the first time;"
            " try again when it is done"
        )
    remove_with_sidecars(path)
    create_private_file(path)  # VACUUM INTO fills an empty file, keeping its mode (0600)
    try:
        if whole:
            db.conn.execute("VACUUM INTO ?", (str(path),))
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except BaseException:
        remove_with_sidecars(path)
        raise
    conn.row_factory = sqlite3.Row
    try:
        if not whole:
            _side_schema(db, conn)
    except BaseException:
        conn.close()
        remove_with_sidecars(path)
        raise
    return Database(path, conn)


def _side_schema(db: Database, conn: sqlite3.Connection) -> None:
    """The synced tables' schema of `db` (see `open_side`) into the side file's `conn`."""
    tables = [*SYNCED_TABLES, "sync_state"]
    marks = ", ".join("?" for _ in tables)
    schema = db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) AND (type = 'table' OR sql LIKE 'CREATE UNIQUE %'"
        " OR name = ?) ORDER BY type = 'index', rowid",
        [*tables, SIDE_LOOKUP_INDEX],
    ).fetchall()
    for (sql,) in schema:
        conn.execute(str(sql))


def adopt_side(path: Path) -> bool:
    """Give the loaded, closed side file of the file at `path` that file's name, in one
    atomic rename (the side's content flushed to the disk first, the folder after).
    Only for a file no connection has open: refused (False, nothing changed) when the
    file still has a write-ahead log, which would be another connection's, or be
    applied to the side's pages."""
    side = side_path(path)
    if any(os.path.lexists(f"{path}{end}") for end in ("-wal", "-journal")):
        return False
    fsync_file(side)
    os.replace(side, path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return True


def _being_loaded(side: Path) -> bool:
    """Whether another sync holds the side file's write lock (its load is one
    transaction): its file must not be taken from under it."""
    if not side.is_file():
        return False
    conn = sqlite3.connect(side, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        return error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    except sqlite3.DatabaseError:
        return False  # a damaged leftover: removed
    finally:
        conn.close()


def side_ready(path: Path) -> bool:
    """Whether the side file of the file at `path` holds a whole, checked load (its
    cursor is set in the load's transaction); False when missing or unreadable."""
    side = side_path(path)
    if not side.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{side}?mode=ro", uri=True)
        try:
            return get_state(conn, "cursor") is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def remove_side(path: Path) -> None:
    """Remove the side file of the file at `path`, if there is one."""
    remove_with_sidecars(side_path(path))


# A pulled chunk: (table, its columns, rows as values in that order), as `hub.pull`
# reads them.
Chunk = tuple[str, Sequence[str], Sequence[Sequence[Value]]]
# Rows per INSERT statement: one statement of many rows binds the same values with a
# hundredth of the steps (touches: 0.22 s by executemany of one-row inserts, 0.14 s).
ROWS_PER_INSERT = 100
VARIABLES = sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER


class _RecordCheck:
    """The hashes of a first pull's chained rows, tested chunk by chunk as they come, and
    what is left for the end: the (table, origin) chains whose rows name no `prev_hash`
    (`waiting`). (Tested in the hub reader's thread instead, beside the writes, the load
    took as long: both threads want the interpreter's lock.)"""

    def __init__(self) -> None:
        self.waiting: set[tuple[str, str]] = set()

    def check(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Value]]) -> None:
        """Raise HubRecordRefused unless each chained row of `rows` verifies alone."""
        if table not in CHAINED:
            return
        holds = _row_check(table, tuple(columns))
        if not all(map(holds, rows)):
            row = dict(zip(columns, next(r for r in rows if not holds(r)), strict=True))
            raise refused(
                f"the hub sent a record this file cannot take: {table} entry"
                f" {row.get('seq')!r} of device {str(row.get('origin'))[:12]} does not"
                " match its hash (the row was edited or moved)"
            )
        at_prev, at_origin = columns.index(PREV), columns.index("origin")
        self.waiting.update((table, str(r[at_origin])) for r in rows if r[at_prev] is None)


def load_first_pull(
    db: Database, chunks: Iterable[Chunk], cursor: Callable[[], int]
) -> dict[str, int]:
    """Insert the pulled `chunks` (parents first) into this empty file in one
    transaction, then set `cursor()` (read once every chunk is in). Returns the rows
    inserted per table. Raises HubRecordRefused (a ValueError), keeping nothing, if a row
    breaks a rule of this file (a key, a CHECK, a row pointing at a row the pull did not
    bring) or the record does not verify: each chained row's hash is tested as it comes,
    the links between them once all are in (`_refuse_inconsistent`)."""
    counts = dict.fromkeys(SYNCED_TABLES, 0)
    conn = db.conn
    record = _RecordCheck()
    try:
        with bulk_load(
            db,
            cache_kib=FIRST_PULL_CACHE_KIB,
            seal_chains=False,  # the hub's rows come linked; one that does not is refused
            on_rebuilt=lambda: _refuse_inconsistent(conn, record.waiting),  # with the indexes
        ):
            local = {t: table_columns(conn, t) for t in SYNCED_TABLES}
            stamp = _literal(now_text())
            for table, columns, rows in chunks:
                if not rows:
                    continue
                table = synced(table)
                if unknown := [c for c in columns if c not in local[table]]:
                    raise refused(
                        f"the hub sent columns of {table} this file does not have: {unknown}"
                    )
                record.check(table, columns, rows)
                # review_slot.updated_at is local only: the time of the pull
                extra = {"updated_at": stamp} if table == "review_slot" else {}
                _insert(conn, table, columns, rows, extra)
                counts[table] += len(rows)
            set_state(conn, "cursor", str(cursor()))
    except sqlite3.IntegrityError as error:  # a key or NOT NULL: the hub's rows, not ours
        raise refused(f"the hub sent a row this file cannot take ({error})") from None
    # Loaded without a write-ahead log and without syncs (each page written once): on the
    # disk before anything trusts it (the copy reads it, or it becomes the file).
    fsync_file(db.path)
    return counts


_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+")


def _literal(stamp: str) -> str:
    """`stamp` (our own clock's text, see `now_text`) as an SQL literal, checked first."""
    if not _STAMP.fullmatch(stamp):
        raise ValueError(f"not a time stamp: {stamp!r}")
    return f"'{stamp}'"


def _insert(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Value]],
    extra: dict[str, str],
) -> None:
    """`rows` into `table`, `ROWS_PER_INSERT` per statement; `extra`: columns the rows
    lack, each with the same SQL literal."""
    names = ", ".join((*columns, *extra))
    one = "(" + ", ".join(("?",) * len(columns) + tuple(extra.values())) + ")"
    # as many rows as the values a statement may bind allow (999 in an old SQLite)
    per = max(1, min(ROWS_PER_INSERT, conn.getlimit(VARIABLES) // len(columns)))
    many = f"INSERT INTO {table} ({names}) VALUES " + ", ".join((one,) * per)
    whole = len(rows) - len(rows) % per
    for start in range(0, whole, per):
        conn.execute(many, list(chain.from_iterable(rows[start : start + per])))
    if whole < len(rows):
        conn.executemany(f"INSERT INTO {table} ({names}) VALUES {one}", rows[whole:])


@cache
def _row_check(table: str, columns: tuple[str, ...]) -> Callable[[Sequence[Value]], bool]:
    return row_check(table, columns)


def _refuse_inconsistent(conn: sqlite3.Connection, waiting: set[tuple[str, str]]) -> None:
    """What the insert triggers and rules set aside would have refused, checked once for
    the whole load: keys pointing at rows not pulled, values breaking a CHECK rule, a
    chained row with a bad `seq` or a link between rows pulled that does not hold (each
    row's own hash was tested as it came), a review whose closes and reopens do not match
    its audit entries and frozen fives. A person sees part of an origin's chain (another
    rep's entries are not theirs to read): gaps are expected, not refused."""
    dangling = conn.execute("PRAGMA foreign_key_check").fetchmany(3)
    if dangling:
        where = ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in dangling)
        raise refused(f"the hub sent rows whose parents it did not send: {where}")
    problems = (
        broken_rules(conn, SYNCED_TABLES) + link_problems(conn, waiting) + review_problems(conn)
    )
    if problems:
        listed = "; ".join(problems[:3])
        raise refused(f"the hub sent a record this file cannot take: {listed}")
