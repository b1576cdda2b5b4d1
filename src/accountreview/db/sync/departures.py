"""An account that left this person's sight on the hub, removed from this file.

The hub's owner moved the account to another rep, or gave its rep another manager, and
the signed-in person no longer reads it (hub 0007 tells them: a `hub_departure` row,
pulled like any row). The account and everything hanging off it (stakeholders, touches,
reviews, slots, frozen snapshots and audit entries) leave this file, inside the pull's
transaction; local migration 0007 lets the freezing triggers allow exactly those
deletes, only then. A change to it that still waits in the outbox cannot reach the hub
any more (it is not this person's to change): it becomes a conflict ("the account moved
to Ben Ortiz"), as does a change the hub already refused for that reason, so nothing
typed is lost.
"""

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from accountreview.db.batches import id_batches
from accountreview.db.chain import CHAINED, last_link, local_origin
from accountreview.db.records import now_text
from accountreview.db.sync.conflicts import Conflict, record_conflicts
from accountreview.db.sync.outbox import OutboxChange, current_row
from accountreview.db.sync.state import set_state
from accountreview.db.sync.tables import SYNCED_TABLES

# (table, the ids of the account's rows in it): children before parents, as deleted.
_ROWS = (
    ("audit_log", "SELECT id FROM audit_log WHERE account_id = :a OR review_id IN"
     " (SELECT id FROM review WHERE account_id = :a)"),
    ("review_snapshot", "SELECT id FROM review_snapshot WHERE review_id IN"
     " (SELECT id FROM review WHERE account_id = :a)"),
    ("review_slot", "SELECT id FROM review_slot WHERE review_id IN"
     " (SELECT id FROM review WHERE account_id = :a)"),
    ("review", "SELECT id FROM review WHERE account_id = :a"),
    ("touch", "SELECT id FROM touch WHERE stakeholder_id IN"
     " (SELECT id FROM stakeholder WHERE account_id = :a)"),
    ("stakeholder", "SELECT id FROM stakeholder WHERE account_id = :a"),
    ("account", "SELECT id FROM account WHERE id = :a"),
)  # fmt: skip
# sync_state key prefix: a pulled review's closing, held until its close is replayed.
HELD_CLOSE = "held-close:"
CHAIN_TAIL = "chain-tail:"  # + TABLE:ORIGIN -> "seq hash" (local 0007, db.chain.removed_tail)
DEPARTED = "hub_departure"  # the key of a pulled batch's departures (hub/pull.DEPARTED)


def moved_reason(to_name: str | None) -> str:
    """The reason kept with a change that could not go because the account moved."""
    return f"the account moved to {to_name}" if to_name else "the account left your sight"


def remove_departed(conn: sqlite3.Connection, departure: Mapping[str, Any]) -> int:
    """Remove the departed account and all that hangs off it (see the module), in the
    caller's transaction, with `applying` set; returns how many rows went."""
    account = str(departure["account_id"])
    rows = {t: [str(r[0]) for r in conn.execute(q, {"a": account})] for t, q in _ROWS}
    reason = moved_reason(departure.get("to_rep_name"))
    _keep_waiting_changes(conn, rows, reason)
    _explain_refusals(conn, rows, reason)
    _keep_chain_tails(conn, account)
    set_state(conn, "removing", account)
    try:
        gone = 0
        for table, ids in rows.items():
            for marks, chunk in id_batches(ids):
                gone += conn.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk).rowcount
        for review in rows["review"]:
            set_state(conn, HELD_CLOSE + review, None)
    finally:
        set_state(conn, "removing", None)
    return gone


def _keep_chain_tails(conn: sqlite3.Connection, account: str) -> None:
    """Before this laptop's own chained rows of the account go, remember the last link of
    its chain among them, so its next row continues after it (`db.chain.last_link`):
    the hub holds those rows, and a seq is never used twice."""
    device = local_origin(conn)
    for table, query in _ROWS:
        if table not in CHAINED:
            continue
        row = conn.execute(
            f"SELECT seq, hash FROM {table} WHERE origin = :o AND id IN ({query})"
            " ORDER BY seq DESC LIMIT 1",
            {"o": device, "a": account},
        ).fetchone()
        if row is not None and (int(row[0]), str(row[1])) >= last_link(conn, table, device):
            set_state(conn, f"{CHAIN_TAIL}{table}:{device}", f"{int(row[0])} {row[1]}")


def _keep_waiting_changes(
    conn: sqlite3.Connection, rows: Mapping[str, list[str]], reason: str
) -> None:
    """Changes to these rows still waiting in the outbox become conflicts (mine: the
    value, or the whole new row), and leave the outbox."""
    kept: list[Conflict] = []
    for table, ids in rows.items():
        for marks, chunk in id_batches(ids):
            waiting = conn.execute(
                "SELECT seq, change_id, kind, row_id, field, old_value, new_value"
                f" FROM sync_outbox WHERE tbl = ? AND row_id IN ({marks})",
                [table, *chunk],
            ).fetchall()
            for seq, change, kind, row_id, field, old, new in waiting:
                mine = current_row(conn, table, row_id) if kind == "insert" else _decoded(new)
                theirs = None if kind == "insert" else _decoded(old)
                kept.append(_conflict(str(change), table, str(row_id), field, mine, theirs, reason))
                conn.execute("DELETE FROM sync_outbox WHERE seq = ?", (seq,))
    record_conflicts(conn, kept)


def _explain_refusals(conn: sqlite3.Connection, rows: Mapping[str, list[str]], reason: str) -> None:
    """Conflicts kept from changes the hub refused on these rows now say why."""
    for table, ids in rows.items():
        for marks, chunk in id_batches(ids):
            conn.execute(
                f"UPDATE sync_conflict SET reason = ? WHERE tbl = ? AND row_id IN ({marks})"
                " AND resolved_at IS NULL AND reason LIKE 'refused by the hub%'",
                [reason, table, *chunk],
            )


def keep_refused(
    conn: sqlite3.Connection, changes: Sequence[OutboxChange], refused: Sequence[Any]
) -> int:
    """Keep each change of a pushed batch that the hub refused (`hub.push.Refused`: its
    change id and reason) as a conflict, before the batch leaves the outbox: a change the
    hub would not take (an account that moved away meanwhile, say) is not lost. A refused
    resolution of a conflict is not kept again: that conflict is open here once more (the
    engine's `_settle_resolutions`). Returns how many are new."""
    by_id = {c.change_id: c for c in changes}
    kept = []
    for item in refused:
        change = by_id.get(item.change_id)
        if change is None or change.table not in SYNCED_TABLES:
            continue
        mine = change.row if change.kind == "insert" else change.new
        theirs = None if change.kind == "insert" else change.old
        kept.append(_conflict(change.change_id, change.table, change.row_id, change.field,
                              mine, theirs, f"refused by the hub: {item.reason}"))  # fmt: skip
    return record_conflicts(conn, kept)


def _conflict(
    change_id: str, table: str, row_id: str, field: str | None, mine: Any, theirs: Any,
    reason: str,
) -> Conflict:  # fmt: skip
    ident = hashlib.md5(change_id.encode(), usedforsecurity=False).hexdigest()
    return Conflict(ident, table, row_id, field, mine, theirs, reason, now_text())


def _decoded(text: str | None) -> Any:
    return None if text is None else json.loads(text)
