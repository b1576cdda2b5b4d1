"""`sync_conflict`: a change the hub did not take as it was, kept until the person
chooses. `mine` / `theirs` are stored as JSON text and read back decoded."""

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accountreview.db.errors import DatabaseProblem
from accountreview.db.records import now_text
from accountreview.db.sync.tables import MUTABLE, synced

CHOICES = ("mine", "theirs")


@dataclass(frozen=True)
class Conflict:
    """One conflict; `field` None for a whole row (a closed review's slot, say). `mine` and
    `theirs` are the values themselves (decoded from the hub's JSON text), in the stored
    form: text, integer, real or None."""

    id: str
    table: str
    row_id: str
    field: str | None
    mine: Any
    theirs: Any
    reason: str
    made_at: str
    resolved_at: str | None = None
    resolution: str | None = None


_COLUMNS = "id, tbl, row_id, field, mine, theirs, reason, made_at, resolved_at, resolution"


def record_conflicts(conn: sqlite3.Connection, conflicts: Iterable[Conflict]) -> int:
    """Keep the conflicts the hub reported; one already kept (same id) is left as it is.
    Returns how many are new."""
    added = 0
    for c in conflicts:
        added += conn.execute(
            f"INSERT INTO sync_conflict ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (
                c.id,
                synced(c.table),
                c.row_id,
                c.field,
                json.dumps(c.mine),
                json.dumps(c.theirs),
                c.reason,
                c.made_at,
                c.resolved_at,
                c.resolution,
            ),
        ).rowcount
    return added


def _conflict(row: tuple[Any, ...]) -> Conflict:
    mine, theirs = (None if v is None else json.loads(v) for v in (row[4], row[5]))
    return Conflict(row[0], row[1], row[2], row[3], mine, theirs, *row[6:])


def list_conflicts(conn: sqlite3.Connection, open_only: bool = True) -> list[Conflict]:
    """The conflicts (only those not resolved yet, unless `open_only` is False), oldest
    first."""
    where = " WHERE resolved_at IS NULL" if open_only else ""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM sync_conflict{where} ORDER BY made_at, id")
    return [_conflict(tuple(r)) for r in rows]


def resolve_conflict(conn: sqlite3.Connection, conflict_id: str, choice: str) -> Conflict:
    """Settle a conflict in the caller's transaction. 'mine' writes the local value back
    with a plain UPDATE (so the outbox carries old=theirs, new=mine to the hub); 'theirs'
    keeps the hub's value, already in the row. Returns the conflict as it was."""
    if choice not in CHOICES:
        raise DatabaseProblem(f"choice: {choice!r} is not one of {', '.join(CHOICES)}")
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM sync_conflict WHERE id = ?", (conflict_id,)
    ).fetchone()
    if row is None:
        raise DatabaseProblem(f"No conflict {conflict_id!r}", not_found=True)
    conflict = _conflict(tuple(row))
    if conflict.resolved_at is not None:
        raise DatabaseProblem(f"conflict {conflict_id!r} was resolved ({conflict.resolution})")
    if choice == "mine":
        if conflict.field is None or conflict.field not in MUTABLE[conflict.table]:
            raise DatabaseProblem(
                f"conflict {conflict_id!r}: {conflict.table} {conflict.field or 'row'}"
                " cannot be written back; choose theirs"
            )
        changed = conn.execute(
            f"UPDATE {synced(conflict.table)} SET {conflict.field} = ? WHERE id = ?",
            (conflict.mine, conflict.row_id),
        ).rowcount
        if not changed:
            raise DatabaseProblem(f"conflict {conflict_id!r}: the row is gone", not_found=True)
    conn.execute(
        "UPDATE sync_conflict SET resolved_at = ?, resolution = ? WHERE id = ?",
        (now_text(), choice, conflict_id),
    )
    return conflict
