"""Sync conflicts as a person reads them: the account, the record and field in words, and
mine / theirs as names and dates rather than ids (the TUI's conflicts screen)."""

from dataclasses import dataclass
from sqlite3 import Connection
from typing import Any

from accountreview.db.conflict_places import name_of, place_of
from accountreview.services.workspace import Workspace

EMPTY = "(empty)"
# Fields that hold the id of a person: shown by that person's name.
_PEOPLE_FIELDS = {
    "stakeholder_id": "stakeholder",
    "manager_id": "rep",
    "rep_id": "rep",
    "closed_by_id": "rep",
    "opened_by_id": "rep",
    "logged_by_id": "rep",
}


@dataclass(frozen=True)
class ConflictLine:
    """One open conflict, in words: `account` (empty for a rep's own record), `what` (the
    record and field), this laptop's value (`mine`) and the hub's (`theirs`)."""

    id: str
    account: str
    what: str
    mine: str
    theirs: str
    reason: str


def conflict_lines(ws: Workspace) -> list[ConflictLine]:
    """The open sync conflicts of this file, oldest first, in words."""
    from accountreview.services.sync import list_conflicts

    with ws.db.read() as conn:
        return [
            _line(conn, c.id, c.table, c.row_id, c.field, c.mine, c.theirs, c.reason)
            for c in list_conflicts(ws)
        ]


def _line(
    conn: Connection,
    conflict_id: str,
    table: str,
    row_id: str,
    field: str | None,
    mine: Any,
    theirs: Any,
    reason: str,
) -> ConflictLine:
    place = place_of(conn, table, row_id)
    record = place.what if place else f"{table.replace('_', ' ')} {row_id[:8]}"
    what = f"{record} · {field_words(field)}" if field else record
    return ConflictLine(
        id=conflict_id,
        account=(place.account or "") if place else "",
        what=what,
        mine=value_words(conn, field, mine),
        theirs=value_words(conn, field, theirs),
        reason=reason,
    )


def field_words(field: str) -> str:
    """A column name as words: `confirmed_in_role_on` → "confirmed in role on",
    `stakeholder_id` → "stakeholder"."""
    return field.removesuffix("_id").replace("_", " ")


def value_words(conn: Connection, field: str | None, value: Any) -> str:
    """A field's value as shown: a person's name for an id, `(empty)` for none."""
    if value is None or value == "":
        return EMPTY
    table = _PEOPLE_FIELDS.get(field or "")
    if table is not None and isinstance(value, str):
        return name_of(conn, table, value) or value
    return str(value)
