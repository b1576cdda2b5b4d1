"""The outbox: changes waiting to be pushed, as the 0004 triggers wrote them.

One row per inserted row (the engine pushes the row as it stands when it pushes) or
changed field (old and new as JSON text of the values SQLite stores). A file that
never synced pushes every row instead (`all_rows`).
"""

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
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


def review_units(
    conn: sqlite3.Connection, review_ids: Iterable[str]
) -> tuple[list[OutboxChange], list[OutboxChange]]:
    """The last close (and, for a review open again, the reopen of it) of each of these
    reviews, as the outbox would have held them (for the first push of a file that never
    synced: its rows go as they stand, its closes also as units). Their change ids come
    from this file's device, the review and the close number: sent again, they are the
    same changes."""
    closes: list[OutboxChange] = []
    reopens: list[OutboxChange] = []
    ids = sorted(set(review_ids))
    device = conn.execute("SELECT value FROM sync_state WHERE key = 'device'").fetchone()
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = conn.execute(
            "SELECT id, status, close_count, closed_at, closed_by_id FROM review"
            f" WHERE close_count > 0 AND id IN ({','.join('?' * len(part))}) ORDER BY id",
            part,
        )
        for review, status, number, closed_at, closed_by in rows:
            key = f"{device[0] if device else ''}:{review}:{number}"
            closed = status == "closed"
            closes += _unit(f"{key}:close", review, {
                "status": ("open", "closed"), "close_count": (number - 1, number),
                "closed_at": (None, closed_at if closed else None),
                "closed_by_id": (None, closed_by if closed else None),
            })  # fmt: skip
            if not closed:
                reopens += _unit(f"{key}:reopen", review, {"status": ("closed", "open")})
    return closes, reopens


def _unit(key: str, review: str, fields: dict[str, tuple[Any, Any]]) -> list[OutboxChange]:
    return [
        OutboxChange(0, uuid.uuid5(_UNITS, f"{key}:{name}").hex, "update", "review", review,
                     name, old, new, None)
        for name, (old, new) in fields.items()
    ]  # fmt: skip


_UNITS = uuid.UUID("6d1f3a52-8f0e-4c47-9a55-1e0c2b7d9e10")  # namespace of first-push units


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
