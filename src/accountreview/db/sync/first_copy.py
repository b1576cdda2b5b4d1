"""The second half of a first pull: rows from the checked side file into this file, a
chunk per short transaction, so no other writer waits longer than one chunk.

The side file (`first_pull.open_side`) holds the hub's snapshot, bulk-loaded and checked
there. It is attached to this file's connection and copied table by table, parents
first, `limit` rows (by rowid) per write transaction. Inside each transaction the
triggers on the table copied (the only ones its inserts fire) are set aside and put
back before it commits, so every committed state has them all (another connection
never writes without them); the indexes stay throughout. A pulled row is thus not a
change to push back (the outbox triggers cannot fire on it).

Rows the person made meanwhile (their edits land between two chunks, with the triggers
in force: outbox entries, pushed at the next sync) are never overwritten: a pulled row
whose id this file already has is applied as the batched pull applies it
(`apply_pulled`: a field waiting in the outbox keeps the local value), and a review this
file opened meanwhile takes its pulled slots, fives and audit entries the same way, in
one batch so its closes are replayed. The progress (`first-pull`: table and rowid) is
saved with each chunk, so a copy a kill stopped goes on from there at the next sync.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from accountreview.db.connection import Database
from accountreview.db.sync.apply import apply_pulled
from accountreview.db.sync.first_pull import FIRST_PULL_CACHE_KIB
from accountreview.db.sync.outbox import Row
from accountreview.db.sync.state import get_state, set_state
from accountreview.db.sync.tables import SYNCED_TABLES, synced, table_columns, triggers_set_aside

SIDE = "first_pull_side"  # the side file's schema name while attached
PROGRESS = "first-pull"  # sync_state: "<table> <rowid>", the last row copied
# The tables whose rows belong to a review: a review this file opened meanwhile takes
# them with it, in one batch.
REVIEW_FAMILY = ("review_slot", "review_snapshot", "audit_log")


def attach_side(db: Database, side: Path) -> None:
    """Attach the side file (read by the copy); outside any transaction."""
    db.conn.execute(f"ATTACH DATABASE ? AS {SIDE}", (str(side),))


def detach_side(db: Database) -> None:
    """Detach the side file if it is attached."""
    names = {str(r[1]) for r in db.conn.execute("PRAGMA database_list")}
    if SIDE in names:
        db.conn.execute(f"DETACH DATABASE {SIDE}")


def copy_progress(conn: sqlite3.Connection) -> tuple[str, int] | None:
    """(table, last rowid copied) of a copy under way, None when none is."""
    value = get_state(conn, PROGRESS)
    if value is None:
        return None
    table, _, rowid = value.partition(" ")
    return synced(table), int(rowid)


def side_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per synced table in the attached side file."""
    return {
        t: int(conn.execute(f"SELECT count(*) FROM {SIDE}.{synced(t)}").fetchone()[0])
        for t in SYNCED_TABLES
    }


def copied_before(conn: sqlite3.Connection, table: str, rowid: int) -> int:
    """How many side rows the copy has passed: whole tables before `table`, and `table`'s
    rows up to `rowid` (for the progress a person sees)."""
    done = 0
    for name in SYNCED_TABLES[: SYNCED_TABLES.index(table)]:
        done += int(conn.execute(f"SELECT count(*) FROM {SIDE}.{name}").fetchone()[0])
    row = conn.execute(
        f"SELECT count(*) FROM {SIDE}.{synced(table)} WHERE rowid <= ?", (rowid,)
    ).fetchone()
    return done + int(row[0])


def copy_chunk(db: Database, table: str, after: int, limit: int) -> tuple[int, int] | None:
    """Copy up to `limit` side rows of `table` past rowid `after` in one write transaction
    (see the module); returns the last rowid copied and how many rows, or None when the
    table is done."""
    conn = db.conn
    with db.write():
        found = conn.execute(
            f"SELECT max(rowid), count(*) FROM (SELECT rowid FROM {SIDE}.{synced(table)}"
            " WHERE rowid > ? ORDER BY rowid LIMIT ?)",
            (after, limit),
        ).fetchone()
        if not found[1]:
            return None
        last = int(found[0])
        names = ", ".join(table_columns(conn, table))
        span = "s.rowid > ? AND s.rowid <= ?"
        met = _rows(conn, table, f"{span} AND EXISTS (SELECT 1 FROM main.{table} m"
                    " WHERE m.id = s.id)", (after, last))  # fmt: skip
        held = triggers_set_aside(conn, table)
        conn.execute(
            f"INSERT INTO main.{table} ({names}) SELECT {names} FROM {SIDE}.{table} s"
            f" WHERE {span} AND NOT EXISTS (SELECT 1 FROM main.{table} m WHERE m.id = s.id)",
            (after, last),
        )
        for sql in held:
            conn.execute(sql)
        if met:  # made here meanwhile: applied as the batched pull would, triggers in force
            apply_pulled(conn, _with_family(conn, table, met), int(_cursor(conn)))
        set_state(conn, PROGRESS, f"{table} {last}")
    return last, int(found[1])


def forget_copy(db: Database) -> None:
    """Forget a copy whose side file is gone (the batched pull brings what is missing)."""
    with db.write() as conn:
        set_state(conn, PROGRESS, None)


# On this connection only, while copying: no foreign-key lookups (the rows were checked
# in the side file), no fsync at each chunk's commit (WAL at NORMAL stays consistent
# after a power cut; the chunks it lost are copied again, their progress lost with them),
# and the first pull's page cache (the default 2 MB thrashes on the indexes' inserts:
# the large demo at F=0.05 copied in 2.9 s with it, 1.5 s with 32 MB).
_COPY_PRAGMAS = {"foreign_keys": 0, "synchronous": 1, "cache_size": -FIRST_PULL_CACHE_KIB}


@contextmanager
def copy_settings(db: Database) -> Iterator[None]:
    """`_COPY_PRAGMAS` on this connection meanwhile, put back after; other connections
    keep their own."""
    saved = {name: int(db.conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in _COPY_PRAGMAS}
    for name, value in _COPY_PRAGMAS.items():
        db.conn.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        for name, value in saved.items():
            db.conn.execute(f"PRAGMA {name} = {value}")


def finish_copy(db: Database) -> int:
    """Set the side file's cursor here and end the copy, in one transaction; returns it."""
    with db.write() as conn:
        cursor = int(get_state(conn, "cursor") or 0)
        row = conn.execute(f"SELECT value FROM {SIDE}.sync_state WHERE key = 'cursor'")
        found = row.fetchone()
        cursor = int(found[0]) if found else cursor
        set_state(conn, "cursor", str(cursor))
        set_state(conn, PROGRESS, None)
    return cursor


def _cursor(conn: sqlite3.Connection) -> str:
    return get_state(conn, "cursor") or "0"


def _rows(
    conn: sqlite3.Connection, table: str, where: str, params: tuple[object, ...]
) -> list[Row]:
    names = table_columns(conn, table)
    found = conn.execute(
        f"SELECT {', '.join(f's.{n}' for n in names)} FROM {SIDE}.{synced(table)} s"
        f" WHERE {where} ORDER BY s.rowid",
        params,
    ).fetchall()
    return [dict(zip(names, tuple(r), strict=True)) for r in found]


def _with_family(conn: sqlite3.Connection, table: str, rows: list[Row]) -> dict[str, list[Row]]:
    """`rows` of `table`, and for reviews every side row that belongs to them."""
    batch: dict[str, list[Row]] = {table: rows}
    if table != "review":
        return batch
    for child in REVIEW_FAMILY:
        ids = [str(r["id"]) for r in rows]
        marks = ", ".join("?" for _ in ids)
        batch[child] = _rows(conn, child, f"s.review_id IN ({marks})", tuple(ids))
    return batch
