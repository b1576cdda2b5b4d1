"""What the hub answers a push: a conflict, a refusal, a resolution told it came second,
and the result of one pushed batch; and how a server function's answer is counted."""

import json
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import psycopg

Conn = psycopg.Connection[tuple[Any, ...]]
Row = dict[str, Any]

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
    def row(self) -> Any: ...


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


def answer(
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
        result.conflicts.append(conflict_row(conn, conflict_id))
    else:
        result.refused.append(replace(refused, reason=str(detail)))


def conflict_row(conn: Conn, conflict_id: str) -> Conflict:
    found = conn.execute(
        "SELECT id, change_id, tbl, row_id, field, mine, theirs, reason"
        " FROM hub_conflict WHERE id = %s",
        (conflict_id,),
    ).fetchone()
    assert found is not None  # written by this pusher, so visible to it
    cid, change_id, table, row_id, name, mine, theirs, reason = found
    return Conflict(
        cid, change_id, table, row_id, name, json_value(mine), json_value(theirs), reason
    )


def json_value(text: str | None) -> object:
    return None if text is None else json.loads(text)
