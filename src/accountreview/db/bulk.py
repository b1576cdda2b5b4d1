"""Bulk loading of generated rows: one transaction, plain `executemany`.

Inserting a few million rows row by row through the ORM would take minutes; the
standard driver's `executemany` with the secondary indexes and triggers set
aside takes seconds. Their DDL is read back from `sqlite_master` before they
are dropped and re-executed afterwards, so the schema after a load is exactly
the one the migrations made. Unique constraints stay in place (they cannot be
dropped), which is why generated ids should be increasing: each insert then
appends to the B-tree instead of landing at a random page.

The caller promises consistent rows: foreign keys and CHECK constraints are not
enforced during the load (`PRAGMA foreign_key_check` and `PRAGMA quick_check`
verify them afterwards).
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from accountreview.db.accounts import ACCOUNT_COLUMNS
from accountreview.db.chain import seal
from accountreview.db.connection import Database

Row = Sequence[object]

COLUMNS: dict[str, tuple[str, ...]] = {
    "rep": ("id", "name", "email", "role", "manager_id", "created_at"),
    "account": ("id", "created_at", *ACCOUNT_COLUMNS),
    "stakeholder": (
        "id",
        "account_id",
        "name",
        "email",
        "title",
        "level",
        "role",
        "left_on",
        "next_contact_on",
        "created_at",
    ),
    "touch": (
        "id",
        "stakeholder_id",
        "touched_on",
        "channel",
        "note",
        "logged_by_id",
        "created_at",
    ),
    "review": (
        "id",
        "account_id",
        "week",
        "status",
        "close_count",
        "opened_at",
        "opened_by_id",
        "closed_at",
        "closed_by_id",
    ),
    "review_slot": (
        "id",
        "review_id",
        "position",
        "stakeholder_id",
        "confirmed_in_role_on",
        "updated_at",
    ),
    "review_snapshot": (
        "id",
        "review_id",
        "close_number",
        "position",
        "stakeholder_id",
        "name",
        "title",
        "level",
        "role",
        "last_contact_on",
        "next_contact_on",
        "confirmed_in_role",
        "taken_at",
        "origin",
    ),
    "audit_log": (
        "id",
        "at",
        "actor_id",
        "action",
        "account_id",
        "review_id",
        "close_number",
        "reason",
        "origin",
    ),
}

_INSERT = {
    table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    for table, cols in COLUMNS.items()
}

# Page cache during a load (KiB). Derived ids (stakeholders, reviews, slots) land at
# random places in their indexes: 256 MB keeps those pages cached (the large demo's
# build: 50 s with 64 MB, 40 s with 256 MB at half size, on a loaded machine).
LOAD_CACHE_KIB = 256_000

# Relaxed only while loading, each put back afterwards: no fsync, a bigger page cache,
# no foreign-key lookups, and no per-row CHECK (an `IN (...)` check builds a small
# temporary table for every row, halving the insert rate). `PRAGMA quick_check`
# verifies CHECK constraints afterwards and `PRAGMA foreign_key_check` the keys.
_LOAD_PRAGMAS = {
    "synchronous": "OFF",
    "cache_size": f"-{LOAD_CACHE_KIB}",
    "foreign_keys": "OFF",
    "ignore_check_constraints": "ON",
}


class BulkLoader:
    """Inserts rows into the tables of `COLUMNS` (values in the order of its columns)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def insert(self, table: str, rows: Iterable[Row]) -> int:
        """Insert `rows` (a generator is consumed lazily); returns how many."""
        count = self.conn.executemany(_INSERT[table], rows).rowcount
        self.counts[table] += count
        return count


def _secondary_ddl(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(type, name, sql) of every index and trigger that can be dropped and re-created.

    Indexes that enforce a PRIMARY KEY or UNIQUE constraint have no SQL and stay.
    """
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        " ORDER BY type = 'trigger', name"
    ).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


@contextmanager
def bulk_load(
    db: Database,
    *,
    on_restore: Callable[[], None] | None = None,
    cache_kib: int = LOAD_CACHE_KIB,
    keep_wal: bool = False,
    on_rebuilt: Callable[[], None] | None = None,
    seal_chains: bool = True,
) -> Iterator[BulkLoader]:
    """A load in one write transaction, secondary indexes and triggers set aside.

    Meant for a database no other connection uses (a new file). The relaxed
    settings are put back whether the load succeeds or not; on an error nothing
    is kept. `on_restore` is called before the indexes are rebuilt (the slow tail).
    `cache_kib` caps the page cache (a sync's first pull keeps its memory small);
    `keep_wal` stays in WAL mode (a load that may be killed: the next open finds the
    file as it was, with no hot journal to roll back); `on_rebuilt` is called once the
    indexes and triggers are back, in the same transaction (raising keeps nothing).
    `seal_chains`: link the loaded audit entries and snapshots into their chains (rows
    made here); off for rows that come linked (a first pull: a row without its link is
    the hub's fault, refused, never linked here).
    """
    conn = db.conn
    # Pragmas (foreign_keys above all) cannot change inside a transaction: set them first.
    saved = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in _LOAD_PRAGMAS}
    # In WAL mode every page would be written twice (to the log, then into the file);
    # a rollback journal holds only the few pages the file had before the load.
    wal = not keep_wal and str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    if wal:
        conn.execute("PRAGMA journal_mode = DELETE")
    pragmas = {**_LOAD_PRAGMAS, "cache_size": f"-{cache_kib}"}
    for name, value in pragmas.items():
        conn.execute(f"PRAGMA {name} = {value}")
    try:
        with db.write():
            ddl = _secondary_ddl(conn)
            for kind, name, _ in ddl:
                conn.execute(f'DROP {kind.upper()} "{name}"')
            yield BulkLoader(conn)
            if on_restore is not None:
                on_restore()
            if seal_chains:  # link the loaded audit entries and snapshots into their chains
                seal(conn)
            for _, _, sql in ddl:
                conn.execute(sql)
            if on_rebuilt is not None:  # checks that need the indexes, still all-or-nothing
                on_rebuilt()
    finally:
        for name, value in saved.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")


def schema_objects(conn: sqlite3.Connection) -> dict[str, str]:
    """Name → SQL of every index and trigger with SQL (to compare before and after a load)."""
    return {name: sql for _, name, sql in _secondary_ddl(conn)}


def count_rows(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table of `COLUMNS`, and the top accounts as "top_account"."""
    counts = {
        table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in COLUMNS
    }
    row = conn.execute("SELECT count(*) FROM account WHERE is_top").fetchone()
    counts["top_account"] = int(row[0])
    return counts
