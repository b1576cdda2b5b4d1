"""The outbox: changes waiting to be pushed, as the 0004 triggers wrote them.

One row per inserted row (the engine pushes the row as it stands when it pushes) or
changed field (old and new as JSON text of the values SQLite stores). A file that
never synced pushes every row instead (`all_rows`).
"""

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from accountreview.db.sync.tables import synced

Row = dict[str, Any]


@dataclass(frozen=True)
class OutboxChange:
    """A change waiting in the outbox. `old`/`new` are decoded (None for an insert);
    `row` is the inserted row as it stands now (None if it is gone, or an update)."""

    seq: int
    change_id: str
    kind: str
    table: str
    row_id: str
    field: str | None
    old: Any
    new: Any
    row: Row | None


def _decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def current_row(conn: sqlite3.Connection, table: str, row_id: str) -> Row | None:
    """The row of a synced table with this id, as a dict (None if there is none)."""
    cursor = conn.execute(f"SELECT * FROM {synced(table)} WHERE id = ?", (row_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip((d[0] for d in cursor.description), tuple(row), strict=True))


def outbox_batch(conn: sqlite3.Connection, after_seq: int, limit: int) -> list[OutboxChange]:
    """Up to `limit` changes after `after_seq`, oldest first (read in one snapshot)."""
    rows = conn.execute(
        "SELECT seq, change_id, kind, tbl, row_id, field, old_value, new_value"
        " FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        (after_seq, limit),
    ).fetchall()
    return [
        OutboxChange(
            seq=int(r[0]),
            change_id=str(r[1]),
            kind=str(r[2]),
            table=str(r[3]),
            row_id=str(r[4]),
            field=r[5],
            old=_decode(r[6]),
            new=_decode(r[7]),
            row=current_row(conn, str(r[3]), str(r[4])) if r[2] == "insert" else None,
        )
        for r in rows
    ]


def later_close(conn: sqlite3.Connection, batch: list[OutboxChange]) -> int | None:
    """The seq of the last close waiting after `batch` of a review that one of the
    batch's slot changes belongs to (None: none waits), so the engine can send such a
    slot change with its review's close (see `services.sync.push.unit_batch`)."""
    slots = [c.row_id for c in batch if c.table == "review_slot"]
    if not slots:
        return None
    marks = ",".join("?" * len(slots))
    row = conn.execute(
        "SELECT max(seq) FROM sync_outbox WHERE seq > ? AND kind = 'update' AND tbl = 'review'"
        " AND field = 'status' AND new_value = json_quote('closed')"
        f" AND row_id IN (SELECT review_id FROM review_slot WHERE id IN ({marks}))",
        (batch[-1].seq, *slots),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def forget_pushed(conn: sqlite3.Connection, up_to_seq: int) -> int:
    """Remove the changes the hub acknowledged (seq up to `up_to_seq`); returns how many."""
    return conn.execute("DELETE FROM sync_outbox WHERE seq <= ?", (up_to_seq,)).rowcount


def waiting_count(conn: sqlite3.Connection) -> int:
    """How many changes wait to be pushed."""
    return int(conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0])


_ORDER = {
    "rep": "manager_id IS NOT NULL, rowid",  # managers before their reps
    "review_snapshot": "origin, seq",
    "audit_log": "origin, seq",
}


def all_rows(conn: sqlite3.Connection, table: str, batch: int) -> Iterator[list[Row]]:
    """Every row of a synced table, `batch` at a time (for the first push of a file that
    never synced; call it for each of `SYNCED_TABLES`, in order: parents first). Each
    origin's chain comes in seq order. Streams: memory stays flat as the file grows."""
    cursor = conn.execute(f"SELECT * FROM {synced(table)} ORDER BY {_ORDER.get(table, 'rowid')}")
    names = [d[0] for d in cursor.description]
    while rows := cursor.fetchmany(batch):
        yield [dict(zip(names, tuple(r), strict=True)) for r in rows]
