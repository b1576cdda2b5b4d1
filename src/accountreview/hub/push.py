"""Pushing local changes to the hub: one batch, one transaction, every change answered.

- An insert (a new row, or every row of a file never synced) is `INSERT … ON CONFLICT
  (id) DO NOTHING`: pushed twice, it is there once (`already` the second time).
- A field change goes through the server function `hub_apply_update` (SECURITY
  INVOKER, so row-level security applies): it sets the field only if it still holds the
  value the change replaced, does nothing if it already holds the new one or the change
  id was seen before, and otherwise keeps the hub's value and writes a `hub_conflict`
  ("changed elsewhere", or "the review was closed elsewhere" for a slot).
- A change the hub refuses (RLS, a frozen row, a value of the wrong kind) is listed in
  `refused` with its table and row and does not block the others: each insert batch runs
  in a savepoint and is retried row by row when one of its rows is refused.

- A row the hub already has with other values (the same derived id made on two devices)
  is a conflict per differing field (`hub/twice.py`); a slot change this push follows
  with its own close of that review waits for the close (`hub/own_close.py`).
- A resolution of a conflict goes to `hub_resolve_conflict` (`hub/resolve.py`).

Inserts are sent in batches of `BATCH` rows (psycopg's pipelined `executemany`).
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from accountreview.hub import twice
from accountreview.hub.answers import (
    MUTABLE,
    Change,
    Conflict,
    Conn,
    Overruled,
    PushResult,
    Refused,
    answer,
    conflict_row,
)
from accountreview.hub.connect import classify, describe, require_idle
from accountreview.hub.models import SYNCED, columns
from accountreview.hub.own_close import OwnCloses, own_closes, slot_review, took
from accountreview.hub.resolve import RESOLUTIONS, resolve

__all__ = [
    "COPIED_DEVICE", "MUTABLE", "RESOLUTIONS", "Change", "Conflict", "Conn", "Overruled",
    "PushResult", "Refused", "push",
]  # fmt: skip

BATCH = 500
WRITE_LOCK = 7046521190311  # the advisory lock of migration 0002's hub_stamp()
Row = Mapping[str, Any]
COLUMNS: dict[str, tuple[str, ...]] = {m.__tablename__: columns(m) for m in SYNCED}


def push(
    conn: Conn,
    changes: Sequence[Change],
    rows: Mapping[str, Sequence[Row]] | None = None,
    origin: str | None = None,
) -> PushResult:
    """Apply `rows` (every row of a never-synced file, by table) then `changes`, in order,
    in ONE hub transaction, committed before this returns. `origin` (the pushing file's
    device id) lets a close or reopen among `changes` go as one unit (`_apply_unit`);
    without it, they go field by field."""
    require_idle(conn)
    result = PushResult()
    try:
        with conn.transaction():
            # The hub's write lock first (the one every stamp takes): pushers take turns
            # from the start, so none holds a row another is waiting for (no deadlock).
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            runs = list(_runs(changes))
            own = own_closes(runs) if origin is not None else OwnCloses()
            for model in SYNCED:  # rows come before every change (place -1)
                table = model.__tablename__
                for batch in _chunks((rows or {}).get(table, ()), BATCH):
                    every = [(None, row) for row in batch]
                    _insert(conn, table, every, result, origin, (own, -1))
            for place, group in enumerate(runs):
                if group[0].kind == "insert":
                    pending = [(c.change_id, c.row) for c in group if c.row is not None]
                    result.already += len(group) - len(pending)
                    _insert(conn, group[0].table, pending, result, origin, (own, place))
                elif group[0].table == RESOLUTIONS:
                    for change in group:
                        resolve(conn, change, result)
                elif origin is not None and _is_unit(group):
                    _apply_unit(conn, group, origin, result)
                else:
                    for change in group:
                        _update(conn, change, result, origin, (own, place))
            _weigh_held(conn, own, origin, result)
    except psycopg.Error as error:
        raise classify(error, describe(conn)) from error
    return result


def _chunks(items: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _runs(changes: Iterable[Change]) -> Iterator[list[Change]]:
    """Consecutive inserts into one table, batched; consecutive updates of one review (the
    fields of one close or reopen: one statement wrote them) one run; other updates one
    run each."""
    run: list[Change] = []
    for change in changes:
        same = run and change.kind == run[0].kind and change.table == run[0].table
        if same and change.kind == "update":
            same = change.table == "review" and change.row_id == run[0].row_id
        if run and (not same or len(run) >= BATCH):
            yield run
            run = []
        run.append(change)
    if run:
        yield run


Held = tuple[OwnCloses, int]  # the push's own closes, and the place of the run at hand
NOTHING_HELD: Held = (OwnCloses(), 0)


def _insert(
    conn: Conn,
    table: str,
    pending: Sequence[tuple[str | None, Row]],
    result: PushResult,
    origin: str | None = None,
    held: Held = NOTHING_HELD,
) -> None:
    if not pending:
        return
    if table not in COLUMNS:
        result.refused += [
            Refused(cid, table, str(r.get("id")), "not a synced table") for cid, r in pending
        ]
        return
    names = COLUMNS[table]
    # under the write lock: what the hub has of these ids now is what the insert meets
    before = twice.existing(
        conn, table, MUTABLE.get(table, ()), [str(r["id"]) for _c, r in pending]
    )
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (id) DO NOTHING").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, names)),
        sql.SQL(", ").join(sql.Placeholder() * len(names)),
    )
    values = [[_value(row.get(name)) for name in names] for _cid, row in pending]
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(statement, values)
            inserted = cur.rowcount
        result.applied += inserted
        result.already += len(pending) - inserted
    except psycopg.Error as error:
        if not _is_refusal(error):
            raise
        # a row was refused: find which, row by row, keeping the others
        for (change_id, row), params in zip(pending, values, strict=True):
            _insert_one(conn, statement, table, change_id, row, params, result)
    _made_twice(conn, table, pending, before, origin, result, held)


def _made_twice(
    conn: Conn,
    table: str,
    pending: Sequence[tuple[str | None, Row]],
    before: Mapping[str, Row],
    origin: str | None,
    result: PushResult,
    held: Held = NOTHING_HELD,
) -> None:
    """A conflict for each mutable field of a row the hub already had with another value
    (the same derived id made on two devices: `hub/twice.py`); a slot of a review this
    push closes later waits for that close (`hub/own_close.py`)."""
    own, place = held
    for change_id, row in pending:
        hub_row = before.get(str(row["id"]))
        if hub_row is None:
            continue
        close = own.close_after(row.get("review_id"), place) if table == "review_slot" else None
        if close is not None:
            own.held.append((close, (change_id, row, hub_row)))
            continue
        for diff in twice.differing(table, MUTABLE[table], row, hub_row):
            if twice.fills(table, diff):
                _fill(conn, change_id, table, str(row["id"]), diff, origin, result)
                continue
            cid, _change = twice.record(conn, change_id, table, str(row["id"]), diff, origin)
            result.conflicts.append(conflict_row(conn, cid))


def _fill(
    conn: Conn,
    change_id: str | None,
    table: str,
    row_id: str,
    diff: tuple[str, Any, Any],
    origin: str | None,
    result: PushResult,
) -> None:
    """Set a field the hub's copy of the row still holds empty to the pushed value,
    through `hub_apply_update` (empty -> mine), so it is compared and recorded as any
    change: a re-push finds it done, a later change from empty finds it already there."""
    name, mine, _theirs = diff
    fill_id = twice.fill_change_id(origin or change_id or "", table, row_id, name, mine)
    row = _compare_and_set(conn, fill_id, table, row_id, name, None, mine)
    answer(conn, row, 0, Refused(change_id, table, row_id, ""), result)  # the row counted


def _compare_and_set(
    conn: Conn, change_id: str, table: str, row_id: str, field: str, old: object, new: object
) -> tuple[Any, ...] | None:
    """`hub_apply_update`'s answer (outcome, conflict id, detail) to setting `field` of
    one row from `old` to `new`: applied only if it still holds `old`."""
    return conn.execute(
        "SELECT outcome, conflict_id, detail FROM hub_apply_update(%s, %s, %s, %s, %s, %s)",
        (change_id, table, row_id, field, Jsonb(_value(old)), Jsonb(_value(new))),
    ).fetchone()


def _insert_one(
    conn: Conn,
    statement: sql.Composed,
    table: str,
    change_id: str | None,
    row: Row,
    params: list[Any],
    result: PushResult,
) -> None:
    try:
        with conn.transaction():
            inserted = conn.execute(statement, params).rowcount
        result.applied += inserted
        result.already += 1 - inserted
    except psycopg.Error as error:
        if not _is_refusal(error):
            raise
        if _exists(conn, table, str(row.get("id"))):  # e.g. a member's own rep row: a no-op
            result.already += 1
        else:
            result.refused.append(Refused(change_id, table, str(row.get("id")), _reason(error)))


# What a row can be refused for: a privilege or RLS refusal (42, also what our triggers
# raise), a constraint (23), a value of the wrong kind (22). Anything else (the connection
# lost, the server shutting down) ends the whole push.
_REFUSAL_CLASSES = ("42", "23", "22")


def _is_refusal(error: psycopg.Error) -> bool:
    return (error.sqlstate or "")[:2] in _REFUSAL_CLASSES


def _exists(conn: Conn, table: str, row_id: str) -> bool:
    query = sql.SQL("SELECT 1 FROM {} WHERE id = %s").format(sql.Identifier(table))
    return conn.execute(query, (row_id,)).fetchone() is not None


# What the hub says of an entry whose device and number it holds as another row (hub
# 0010): the pusher is a copy of a file that reached the hub first.
COPIED_DEVICE = "two files sync as this one device"


def _reason(error: psycopg.Error) -> str:
    text = (str(error).strip().splitlines() or ["refused"])[0]
    return text.removeprefix("accountreview: ")


def _value(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


def _weigh_held(conn: Conn, own: OwnCloses, origin: str | None, result: PushResult) -> None:
    """The slot changes held for a close of this push: settled by it if it took (the
    hub's slots are its five), else weighed now, against the close that came first."""
    for close, item in own.held:
        if took(conn, close):
            result.already += 1
        elif isinstance(item, tuple):
            change_id, row, _before = item
            fresh = twice.existing(conn, "review_slot", MUTABLE["review_slot"], [row["id"]])
            _made_twice(conn, "review_slot", [(change_id, row)], fresh, origin, result)
        else:
            _update(conn, item, result, origin)


def _update(
    conn: Conn,
    change: Change,
    result: PushResult,
    origin: str | None,
    held: Held = NOTHING_HELD,
) -> None:
    if change.field not in MUTABLE.get(change.table, ()):
        reason = f"{change.table}.{change.field} is not a field a change may set"
        result.refused.append(Refused(change.change_id, change.table, change.row_id, reason))
        return
    own, place = held
    if change.table == "review_slot" and own.closes:
        close = own.close_after(slot_review(conn, change.row_id), place)
        if close is not None:  # this laptop's own close comes later: it decides
            own.held.append((close, change))
            return
    met = twice.subsumed(conn, origin, change.table, change.row_id, change.field, change.new)
    if met is not None:  # its row's insert met the hub's row on this field: one conflict
        if all(c.id != met for c in result.conflicts):
            result.conflicts.append(conflict_row(conn, met))
        return
    assert change.field is not None  # an update names its field (checked above)
    row = _compare_and_set(
        conn, change.change_id, change.table, change.row_id, change.field, change.old, change.new
    )
    answer(conn, row, 1, Refused(change.change_id, change.table, change.row_id, ""), result)


def _is_unit(group: Sequence[Change]) -> bool:
    """A close (status open → closed) or a reopen (closed → open) of one review, with the
    fields the same statement changed."""
    return any(c.table == "review" and c.field == "status" for c in group) and all(
        c.kind == "update" and c.table == "review" for c in group
    )


def _apply_unit(conn: Conn, group: Sequence[Change], origin: str, result: PushResult) -> None:
    """A close or a reopen, applied whole by the hub (migration 0004's functions): the
    close number and the five come from the entry and snapshot rows `origin` pushed."""
    new = {c.field: c.new for c in group}
    ids = [c.change_id for c in group]
    review_id = group[0].row_id
    if new["status"] == "closed":
        query = "SELECT * FROM hub_apply_close(%s, %s, %s, %s, %s)"
        params: tuple[object, ...] = (
            ids, review_id, origin, new.get("closed_at"), new.get("closed_by_id"),
        )  # fmt: skip
    else:
        query = "SELECT * FROM hub_apply_reopen(%s, %s, %s)"
        params = (ids, review_id, origin)
    row = conn.execute(query, params).fetchone()
    answer(conn, row, len(group), Refused(ids[0], "review", review_id, ""), result)
