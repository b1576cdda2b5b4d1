"""A conflict resolved on a laptop, settled on the hub (migration 0006's
`hub_resolve_conflict`): the first resolution to arrive wins, the same one again is a
no-op, another one is told (`Overruled`, with the field's value on the hub now)."""

from dataclasses import replace

from psycopg import sql

from accountreview.hub.answers import (
    MUTABLE,
    Change,
    Conn,
    Overruled,
    PushResult,
    Refused,
    answer,
)

# A resolution waiting in the outbox: an update of `sync_conflict.resolution` (the
# conflict's id as its row, 'mine' or 'theirs' as its new value).
RESOLUTIONS = "sync_conflict"


def resolve(conn: Conn, change: Change, result: PushResult) -> None:
    """A conflict resolved on a laptop, settled on the hub (migration 0006's
    `hub_resolve_conflict`): the first resolution to arrive wins, the same one again is
    a no-op, another one is told (`overruled`)."""
    row = conn.execute(
        "SELECT outcome, conflict_id, detail FROM hub_resolve_conflict(%s, %s, %s)",
        (change.change_id, change.row_id, str(change.new)),
    ).fetchone()
    assert row is not None  # a function call returns one row
    if row[0] == "lost":
        result.overruled.append(_overruled(conn, change.row_id, str(change.new), str(row[2])))
        return
    answer(conn, row, 1, Refused(change.change_id, RESOLUTIONS, change.row_id, ""), result)


def _overruled(conn: Conn, conflict_id: str, chosen: str, kept: str) -> Overruled:
    found = conn.execute(
        "SELECT tbl, row_id, field FROM hub_conflict WHERE id = %s", (conflict_id,)
    ).fetchone()
    assert found is not None  # hub_resolve_conflict just read it
    table, row_id, name = found
    told = Overruled(conflict_id, chosen, kept, table, row_id, name)
    if name not in MUTABLE.get(table, ()):
        return told
    query = sql.SQL("SELECT coalesce(to_jsonb({}), 'null'::jsonb) FROM {} WHERE id = %s").format(
        sql.Identifier(name), sql.Identifier(table)
    )
    now = conn.execute(query, (row_id,)).fetchone()
    return told if now is None else replace(told, value=now[0], known=True)
