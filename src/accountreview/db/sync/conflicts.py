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
# A resolution waits in the outbox as an update of this table's `resolution` (row: the
# conflict's id); hub/push.py sends it to `hub_resolve_conflict`.
RESOLUTIONS = "sync_conflict"


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
    """Settle a conflict in the caller's transaction: mark it, give the field the chosen
    value ('mine' writes the pushed value back, without an outbox entry of its own;
    'theirs' is the hub's value, already in the row), and put the resolution in the
    outbox, so the next sync settles it on the hub (`hub_resolve_conflict`: the first
    resolution there wins, and the hub writes 'mine' back). Returns the conflict as it
    was."""
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
        _write_back(conn, conflict)
    conn.execute(
        "UPDATE sync_conflict SET resolved_at = ?, resolution = ? WHERE id = ?",
        (now_text(), choice, conflict_id),
    )
    conn.execute(
        "INSERT INTO sync_outbox (change_id, kind, tbl, row_id, field, old_value, new_value,"
        " made_at) VALUES (lower(hex(randomblob(16))), 'update', ?, ?, 'resolution', NULL,"
        " json_quote(?), ?)",
        (RESOLUTIONS, conflict_id, choice, now_text()),
    )
    return conflict


def _write_back(conn: sqlite3.Connection, conflict: Conflict) -> None:
    """The pushed value back into its field, as a pulled value is written (no outbox
    entry: the resolution carries it, so two resolutions never both apply)."""
    if conflict.field is None or conflict.field not in MUTABLE[conflict.table]:
        raise DatabaseProblem(
            f"conflict {conflict.id!r}: {conflict.table} {conflict.field or 'row'}"
            " cannot be written back; choose theirs"
        )
    conn.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('applying', '1')")
    try:
        changed = conn.execute(
            f"UPDATE {synced(conflict.table)} SET {conflict.field} = ? WHERE id = ?",
            (conflict.mine, conflict.row_id),
        ).rowcount
    finally:
        conn.execute("DELETE FROM sync_state WHERE key = 'applying'")
    if not changed:
        raise DatabaseProblem(
            f"conflict {conflict.id!r}: the {conflict.table} it is about no longer exists"
            " here, so mine cannot be written back; choose theirs",
            not_found=True,
        )


def waiting_resolutions(conn: sqlite3.Connection) -> set[str]:
    """The ids of the conflicts whose resolution waits in the outbox."""
    rows = conn.execute("SELECT row_id FROM sync_outbox WHERE tbl = ?", (RESOLUTIONS,))
    return {str(r[0]) for r in rows}


def settle(conn: sqlite3.Connection, conflict_id: str, resolution: str, at: str) -> int:
    """Mark a conflict resolved as the hub has it (another laptop's resolution, or the
    one that came first when this laptop's came second); returns 1 if it changed."""
    return conn.execute(
        "UPDATE sync_conflict SET resolved_at = coalesce(resolved_at, ?), resolution = ?"
        " WHERE id = ? AND resolution IS NOT ?",
        (at, resolution, conflict_id, resolution),
    ).rowcount


def merge_pulled(conn: sqlite3.Connection, conflicts: Iterable[Conflict]) -> int:
    """Conflicts pulled from the hub (made by this person's other laptops, or by someone
    else's push on an account of theirs, or resolved since): new ones are kept, and a
    resolution the hub has is taken, unless this file's own waits to be pushed (the hub
    will decide it). Returns how many changed here."""
    waiting = waiting_resolutions(conn)
    changed = 0
    for c in conflicts:
        changed += record_conflicts(conn, [c])
        if c.resolved_at is not None and c.resolution in CHOICES and c.id not in waiting:
            changed += settle(conn, c.id, c.resolution, c.resolved_at)
    return changed
