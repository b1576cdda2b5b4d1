"""A row made on two devices: the same derived id pushed with other values than the hub's.

Ids of people, reviews, slots, reps and CRM records are derived (`domain/ids.py`), so two
laptops that add the same person at one account make one row. When the second laptop's
row reaches the hub, `INSERT … ON CONFLICT (id) DO NOTHING` keeps the hub's; every
mutable field whose pushed value differs from the hub's is then a `hub_conflict` ("made
on two devices", mine = the pushed value, theirs = the hub's), exactly as a field change
in conflict is. Immutable fields (created_at, the CRM link) never are; a row pushed again
with the hub's values (a re-push after a kill, the same CRM import twice) is none.

A review's own fields (status, close count, closing time and closer) are not compared:
they follow its closes and reopens, which travel as units (`push._apply_unit`); nor a rep
row's, which only the hub's owner writes. A row the pusher may not read is not compared
(its values are not theirs to see).
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

Conn = psycopg.Connection[tuple[Any, ...]]
Row = Mapping[str, Any]
# Fields a new row of the table holds empty until someone fills them: a new review's
# slots start empty, so a slot pushed empty is no choice against a filled one.
EMPTY_AT_FIRST = {"review_slot": ("stakeholder_id", "confirmed_in_role_on")}
REASON = "made on two devices"
# A review's fields follow its close units; a rep row is the hub owner's to write (`hub
# user add`), a laptop's copy of it never goes back.
SKIPPED = ("rep", "review")


def existing(
    conn: Conn, table: str, fields: Sequence[str], ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The hub's rows among `ids` that the pusher may see (RLS), their `fields` by id."""
    if table in SKIPPED or not fields or not ids:
        return {}
    names = sql.SQL(", ").join(map(sql.Identifier, ("id", *fields)))
    query = sql.SQL("SELECT {} FROM {} WHERE id = ANY(%s)").format(names, sql.Identifier(table))
    with conn.cursor(row_factory=dict_row) as cur:
        return {str(r["id"]): dict(r) for r in cur.execute(query, (list(ids),))}


def differing(
    table: str, fields: Sequence[str], pushed: Row, hub: Row
) -> list[tuple[str, Any, Any]]:
    """(field, mine, theirs) for every field whose pushed value is not the hub's."""
    found = []
    for name in fields:
        mine, theirs = _stored(pushed.get(name)), hub.get(name)
        if mine is None and name in EMPTY_AT_FIRST.get(table, ()):
            continue
        if not _same(mine, theirs):
            found.append((name, mine, theirs))
    return found


def fills(table: str, diff: tuple[str, Any, Any]) -> bool:
    """Whether a differing field only fills what the hub holds empty since the row was
    made (a slot the hub's copy of a new review has not filled yet): no choice against
    another, so the pushed value is set, as a change from empty would be."""
    name, _mine, theirs = diff
    return theirs is None and name in EMPTY_AT_FIRST.get(table, ())


def fill_change_id(origin: str, table: str, row_id: str, name: str, mine: object) -> str:
    """The change id of filling one empty field (the same on a re-push: done once)."""
    return "fill:" + conflict_of(origin, table, row_id, name, mine)


def record(
    conn: Conn,
    change_id: str | None,
    table: str,
    row_id: str,
    diff: tuple[str, Any, Any],
    origin: str | None,
) -> tuple[str, str]:
    """Write the conflict of one differing field (kept once: its id comes from the
    pushing device, the row, the field and the pushed value, so a re-push after a kill
    finds it again). Returns (conflict id, change id)."""
    name, mine, theirs = diff
    conflict_id = conflict_of(origin or change_id or "", table, row_id, name, mine)
    change = change_id or f"made-twice:{conflict_id}"
    conn.execute(
        "INSERT INTO hub_conflict (id, change_id, tbl, row_id, field, mine, theirs, reason,"
        " login, account_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, current_user,"
        " hub_account_of(%s, %s)) ON CONFLICT (id) DO NOTHING",
        (conflict_id, change, table, row_id, name, json.dumps(mine), json.dumps(theirs),
         reason(conn, table, row_id), table, row_id),
    )  # fmt: skip
    return conflict_id, change


def conflict_of(origin: str, table: str, row_id: str, name: str, mine: object) -> str:
    """The id of the conflict a device's row met on one field with its value `mine`."""
    key = "|".join((origin, table, row_id, name, json.dumps(_stored(mine))))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def subsumed(
    conn: Conn, origin: str | None, table: str, row_id: str, name: str, new: object
) -> str | None:
    """The open conflict this device's row already met on this field with this value, if
    any: a field change still waiting behind the row's insert (the insert pushed the row as
    it stands, so with that change in it) is that conflict, not a second one."""
    if origin is None or table in SKIPPED:
        return None
    found = conn.execute(
        "SELECT id FROM hub_conflict WHERE id = %s AND resolved_at IS NULL",
        (conflict_of(origin, table, row_id, name, new),),
    ).fetchone()
    return None if found is None else str(found[0])


def reason(conn: Conn, table: str, row_id: str) -> str:
    """Why the hub kept its value: a slot of a review closed on the hub is the close's."""
    if table == "review_slot":
        closed = conn.execute(
            "SELECT 1 FROM review_slot s JOIN review r ON r.id = s.review_id"
            " WHERE s.id = %s AND r.status = 'closed'",
            (row_id,),
        ).fetchone()
        if closed is not None:
            return "the review was closed elsewhere"
    return REASON


def _stored(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


def _same(mine: object, theirs: object) -> bool:
    if isinstance(mine, int | float) and isinstance(theirs, int | float):
        return float(mine) == float(theirs)
    return mine == theirs
