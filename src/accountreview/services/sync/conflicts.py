"""Conflicts and status, read and resolved locally (no network): what the TUI's header
and conflicts screen and `accountreview sync conflicts|resolve|status` show; and how a
conflict the hub reported lands in this file (the field takes the hub's value, the
conflict keeps both)."""

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from accountreview.db import sync as sync_local
from accountreview.db.records import now_text
from accountreview.db.sync.conflicts import settle
from accountreview.db.sync.outbox import current_row
from accountreview.services.errors import InvalidInput, NotFound, Refused
from accountreview.services.sync import state
from accountreview.services.sync.report import ConflictView, OverruledView, SyncStatus
from accountreview.services.workspace import Workspace, user_error

CHOICES = ("mine", "theirs")
# Where "the field takes the hub's value" is a plain field (reviews follow their closes
# and reopens, which the pull replays).
FIELD_TABLES = ("rep", "account", "stakeholder", "review_slot")


def sync_status(ws: Workspace) -> SyncStatus:
    """The hub this file syncs with, when it last did, how many changes wait to be pushed,
    how many conflicts are open, and the last sync's error (None after a success)."""
    conn = ws.db.conn
    with ws.db.read():
        return SyncStatus(
            hub=state.remembered_hub(ws),
            last_sync_at=sync_local.get_state(conn, state.LAST_SYNC_KEY),
            waiting=sync_local.waiting_count(conn),
            conflicts=len(sync_local.list_conflicts(conn, open_only=True)),
            last_error=sync_local.get_state(conn, state.LAST_ERROR_KEY),
        )


def list_conflicts(ws: Workspace, *, open_only: bool = True) -> list[ConflictView]:
    """The conflicts of this file, oldest first (only the open ones unless asked)."""
    return [view(c) for c in sync_local.list_conflicts(ws.db.conn, open_only=open_only)]


def resolve_conflict(ws: Workspace, conflict_id: str, choice: str) -> ConflictView:
    """Settle a conflict: 'theirs' keeps the hub's value; 'mine' writes this laptop's value
    back, as an ordinary edit that the next sync pushes (old = theirs, new = mine)."""
    if choice not in CHOICES:
        raise InvalidInput(f"choice: {choice!r} is not one of mine, theirs")
    found = _find(ws, conflict_id)
    if found.resolved_at is not None:
        raise Refused(
            f"conflict {found.id[:8]} is resolved already ({found.resolution}, at"
            f" {found.resolved_at[:16]}); `sync conflicts --all` lists it"
        )
    try:
        with ws.db.write() as conn:
            sync_local.resolve_conflict(conn, found.id, choice)
    except Exception as error:  # the screen shows a UserError; nothing was changed
        told = user_error(error, ws.db.path)
        if told is None:
            raise
        raise told from None
    return _find(ws, found.id)


def _find(ws: Workspace, text: str) -> ConflictView:
    key = text.strip().lower()
    every = list_conflicts(ws, open_only=False)
    exact = [c for c in every if c.id == key]
    matches = exact or [c for c in every if len(key) >= 6 and c.id.startswith(key)]
    if not matches:
        raise NotFound(f"conflict {text!r}: none has that id (`sync conflicts` lists them)")
    if len(matches) > 1:
        raise InvalidInput(f"conflict {text!r}: {len(matches)} conflicts start so; give more")
    return matches[0]


def local_conflict(hub_conflict: Any) -> sync_local.Conflict:
    """A conflict the hub reported on a push, as this file keeps it (made now)."""
    c = hub_conflict
    return sync_local.Conflict(
        c.id, c.table, c.row_id, c.field, c.mine, c.theirs, c.reason, made_at=now_text()
    )


def take_theirs(conn: sqlite3.Connection, conflicts: Sequence[sync_local.Conflict]) -> None:
    """Give each field in conflict the hub's value, as a pulled row (no outbox entry), in
    the caller's transaction; a field changed here again since stays (it waits to go).

    The pull brings such a row too when it changed after this file's cursor; this covers
    the row this file already pulled while its own change still waited."""
    for c in conflicts:
        take_value(conn, c.table, c.row_id, c.field, c.theirs)


def take_value(
    conn: sqlite3.Connection, table: str, row_id: str, name: str | None, value: object
) -> None:
    """Give one field the hub's `value` as a pulled row would (see `take_theirs`)."""
    cursor = sync_local.get_state(conn, state.CURSOR_KEY)
    if cursor is None:  # never pulled: the first pull brings every row
        return
    local = current_row(conn, table, row_id) if table in FIELD_TABLES else None
    if local is not None and name is not None and name in local:
        sync_local.apply_pulled(conn, {table: [{**local, name: value}]}, int(cursor))


def overrule(conn: sqlite3.Connection, told: Any) -> None:
    """This laptop's resolution reached the hub after another one: the first stands here
    too (the conflict says which), and the field takes the hub's value."""
    settle(conn, told.conflict_id, told.kept, now_text())
    if told.known:
        take_value(conn, told.table, told.row_id, told.field, told.value)


def reopen(conn: sqlite3.Connection, conflict_id: str) -> None:
    """The hub refused this laptop's resolution (the person may not resolve it there): the
    conflict is open again here, the field back to the hub's value."""
    found = [c for c in sync_local.list_conflicts(conn, open_only=False) if c.id == conflict_id]
    conn.execute(
        "UPDATE sync_conflict SET resolved_at = NULL, resolution = NULL WHERE id = ?",
        (conflict_id,),
    )
    for c in found:
        if c.resolution == "mine":
            take_value(conn, c.table, c.row_id, c.field, c.theirs)


def pulled(rows: Sequence[Mapping[str, Any]]) -> list[sync_local.Conflict]:
    """Conflicts as the hub's pull gives them (`hub.pull.pull_conflicts`), as kept here."""
    return [
        sync_local.Conflict(
            str(r["id"]),
            str(r["tbl"]),
            str(r["row_id"]),
            r["field"],
            _decoded(r["mine"]),
            _decoded(r["theirs"]),
            str(r["reason"]),
            _moment(r["made_at"]),
            None if r["resolved_at"] is None else _moment(r["resolved_at"]),
            r["resolution"],
        )
        for r in rows
        if r["tbl"] in sync_local.SYNCED_TABLES
    ]


def _decoded(text: str | None) -> object:
    return None if text is None else json.loads(text)


def _moment(value: datetime) -> str:
    """A hub time as this file stores times (UTC, `now_text`'s form)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def view(conflict: sync_local.Conflict) -> ConflictView:
    """A conflict as the services show it."""
    return ConflictView(
        id=conflict.id,
        table=conflict.table,
        row_id=conflict.row_id,
        field=conflict.field,
        mine=conflict.mine,
        theirs=conflict.theirs,
        reason=conflict.reason,
        made_at=conflict.made_at,
        resolved_at=conflict.resolved_at,
        resolution=conflict.resolution,
    )


def overruled_view(told: Any) -> OverruledView:
    """A resolution the hub told was second (`hub.push.Overruled`), as the report shows."""
    return OverruledView(id=told.conflict_id, chosen=told.chosen, kept=told.kept)
