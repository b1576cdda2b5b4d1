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

Inserts are sent in batches of `BATCH` rows (psycopg's pipelined `executemany`).
"""

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from accountreview.hub import twice
from accountreview.hub.connect import classify, describe, require_idle
from accountreview.hub.models import SYNCED, columns

BATCH = 500
WRITE_LOCK = 7046521190311  # the advisory lock of migration 0002's hub_stamp()
Row = Mapping[str, Any]
# The fields a change may set: the local outbox's mutable columns (the server's
# `hub_mutable_fields()` holds the same list; a test compares them).
MUTABLE: dict[str, tuple[str, ...]] = {
    "rep": ("name", "role", "manager_id"),
    "account": (
        "name", "rep_id", "is_top", "potential", "current", "list_price", "discount_pct",
        "rebate_pct", "uplift_pct", "signed_on", "live_on", "paid_on", "lost_on", "churned_on",
        "contract", "contract_start", "cio_signoff_on", "procurement_signoff_on",
        "penetration_target_pct",
    ),
    "stakeholder": ("name", "email", "title", "level", "role", "left_on", "next_contact_on"),
    "review": ("status", "close_count", "closed_at", "closed_by_id"),
    "review_slot": ("stakeholder_id", "confirmed_in_role_on"),
}  # fmt: skip
# A resolution waiting in the outbox: an update of `sync_conflict.resolution` (the
# conflict's id as its row, 'mine' or 'theirs' as its new value).
RESOLUTIONS = "sync_conflict"
COLUMNS: dict[str, tuple[str, ...]] = {m.__tablename__: columns(m) for m in SYNCED}
Conn = psycopg.Connection[tuple[Any, ...]]


class Change(Protocol):
    """One local change as the outbox gives it (`db.sync_local.OutboxChange` fits)."""

    @property
    def change_id(self) -> str: ...
    @property
    def kind(self) -> str: ...  # 'insert' or 'update'
    @property
    def table(self) -> str: ...
    @property
    def row_id(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def old(self) -> object: ...
    @property
    def new(self) -> object: ...
    @property
    def row(self) -> Row | None: ...


@dataclass(frozen=True)
class Conflict:
    """A change the hub kept its own value against: mine (pushed) and theirs (the hub's)."""

    id: str
    change_id: str
    table: str
    row_id: str
    field: str | None
    mine: object
    theirs: object
    reason: str


@dataclass(frozen=True)
class Refused:
    """A change the hub refused, and why (nothing of it was kept)."""

    change_id: str | None
    table: str
    row_id: str
    reason: str


@dataclass(frozen=True)
class Overruled:
    """A resolution that reached the hub after another one of the same conflict: the first
    one stands (`kept`); `value` is the field's value on the hub now (`known` False when
    the pusher cannot read it)."""

    conflict_id: str
    chosen: str
    kept: str
    table: str
    row_id: str
    field: str | None
    value: object = None
    known: bool = False


@dataclass
class PushResult:
    """What the hub did with one pushed batch."""

    applied: int = 0
    already: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    overruled: list[Overruled] = field(default_factory=list)


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
            for model in SYNCED:
                table = model.__tablename__
                for batch in _chunks((rows or {}).get(table, ()), BATCH):
                    _insert(conn, table, [(None, row) for row in batch], result, origin)
            for group in _runs(changes):
                if group[0].kind == "insert":
                    pending = [(c.change_id, c.row) for c in group if c.row is not None]
                    result.already += len(group) - len(pending)
                    _insert(conn, group[0].table, pending, result, origin)
                elif group[0].table == RESOLUTIONS:
                    for change in group:
                        _resolve(conn, change, result)
                elif origin is not None and _is_unit(group):
                    _apply_unit(conn, group, origin, result)
                else:
                    for change in group:
                        _update(conn, change, result, origin)
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


def _insert(
    conn: Conn,
    table: str,
    pending: Sequence[tuple[str | None, Row]],
    result: PushResult,
    origin: str | None = None,
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
    _made_twice(conn, table, pending, before, origin, result)


def _made_twice(
    conn: Conn,
    table: str,
    pending: Sequence[tuple[str | None, Row]],
    before: Mapping[str, Row],
    origin: str | None,
    result: PushResult,
) -> None:
    """A conflict for each mutable field of a row the hub already had with another value
    (the same derived id made on two devices: `hub/twice.py`)."""
    for change_id, row in pending:
        hub_row = before.get(str(row["id"]))
        if hub_row is None:
            continue
        for diff in twice.differing(MUTABLE[table], row, hub_row):
            cid, _change = twice.record(conn, change_id, table, str(row["id"]), diff, origin)
            result.conflicts.append(_conflict(conn, cid))


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


def _reason(error: psycopg.Error) -> str:
    text = (str(error).strip().splitlines() or ["refused"])[0]
    return text.removeprefix("accountreview: ")


def _value(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


def _update(conn: Conn, change: Change, result: PushResult, origin: str | None) -> None:
    if change.field not in MUTABLE.get(change.table, ()):
        reason = f"{change.table}.{change.field} is not a field a change may set"
        result.refused.append(Refused(change.change_id, change.table, change.row_id, reason))
        return
    met = twice.subsumed(conn, origin, change.table, change.row_id, change.field, change.new)
    if met is not None:  # its row's insert met the hub's row on this field: one conflict
        if all(c.id != met for c in result.conflicts):
            result.conflicts.append(_conflict(conn, met))
        return
    row = conn.execute(
        "SELECT outcome, conflict_id, detail FROM hub_apply_update(%s, %s, %s, %s, %s, %s)",
        (change.change_id, change.table, change.row_id, change.field,
         Jsonb(_value(change.old)), Jsonb(_value(change.new))),
    ).fetchone()  # fmt: skip
    _answer(conn, row, 1, Refused(change.change_id, change.table, change.row_id, ""), result)


def _answer(
    conn: Conn, row: tuple[Any, ...] | None, count: int, refused: Refused, result: PushResult
) -> None:
    """Count the answer (outcome, conflict id, detail) of one of the hub's apply
    functions for `count` changes; `refused` names them if it was a refusal."""
    assert row is not None  # a function call returns one row
    outcome, conflict_id, detail = row
    if outcome == "applied":
        result.applied += count
    elif outcome == "already":
        result.already += count
    elif outcome == "conflict":
        result.conflicts.append(_conflict(conn, conflict_id))
    else:
        result.refused.append(replace(refused, reason=str(detail)))


def _conflict(conn: Conn, conflict_id: str) -> Conflict:
    found = conn.execute(
        "SELECT id, change_id, tbl, row_id, field, mine, theirs, reason"
        " FROM hub_conflict WHERE id = %s",
        (conflict_id,),
    ).fetchone()
    assert found is not None  # written by this pusher, so visible to it
    cid, change_id, table, row_id, name, mine, theirs, reason = found
    return Conflict(cid, change_id, table, row_id, name, _json(mine), _json(theirs), reason)


def _json(text: str | None) -> object:
    return None if text is None else json.loads(text)


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
    _answer(conn, row, len(group), Refused(ids[0], "review", review_id, ""), result)


def _resolve(conn: Conn, change: Change, result: PushResult) -> None:
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
    _answer(conn, row, 1, Refused(change.change_id, RESOLUTIONS, change.row_id, ""), result)


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
