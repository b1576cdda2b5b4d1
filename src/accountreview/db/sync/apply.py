"""Rows pulled from the hub, applied to this file in the caller's write transaction.

`applying` is set meanwhile, so the outbox triggers stay quiet (a pulled row is not
a change to push back) and the freezing triggers let pulled frozen rows in: another
device's snapshots and audit entries, each after the end of its own chain. Nothing
frozen is ever changed: a pulled closed review's slots that differ are reported.

Order: reps, accounts, stakeholders, touches (upserted by id); new reviews (inserted
open, as every review starts); then each review's closes and reopens replayed in
order, its slots set (to the hub's) while it is open, a close's five frozen before
its audit entry and the review closed after it; then the other frozen rows. A field
whose local change still waits in the outbox keeps the local value (it will be pushed
and the hub decides), but not a slot of a close being replayed. A closed review's slot
takes the hub's value only when a five of that close froze that person there (the hub
took another laptop's close of the same number first, see hub migration 0004).
An account that left this person's sight (a departure the hub sent, see
`departures.py`) is removed first, whole; its rows that come again later in the batch
(it came back) are then inserted as new.
Foreign keys are checked at commit (a batch may hold a child before its parent).
The cursor is set in the same transaction, so a failure leaves neither.
"""

import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accountreview.db.records import now_text
from accountreview.db.sync.departures import DEPARTED, HELD_CLOSE, remove_departed
from accountreview.db.sync.outbox import Row, current_row
from accountreview.db.sync.state import get_state, set_state
from accountreview.db.sync.tables import FROZEN_TABLES, MUTABLE, SYNCED_TABLES, table_columns
from accountreview.domain import kept as kept_five


@dataclass
class ApplyReport:
    """What a batch changed: rows inserted and updated per table, fields kept because a
    local change waits to be pushed, and pulled values this file cannot take. `changed`:
    the rows of this file the batch inserted, updated or removed, counted by SQLite
    itself (`total_changes`, every path of the apply included): a row the file already
    holds as pulled, such as this laptop's own push coming back, changes nothing."""

    changed: int = 0
    inserted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kept_waiting: list[tuple[str, str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class _Apply:
    def __init__(self, conn: sqlite3.Connection, rows: Mapping[str, Sequence[Row]]) -> None:
        self.conn, self.rows, self.report = conn, rows, ApplyReport()
        self.columns = {t: table_columns(conn, t) for t in SYNCED_TABLES}
        self.waiting = {
            (str(r[0]), str(r[1]), str(r[2]))
            for r in conn.execute(
                "SELECT tbl, row_id, field FROM sync_outbox WHERE kind = 'update'"
            )
        }

    def insert(self, table: str, row: Row) -> None:
        if table == "review_slot" and "updated_at" not in row:  # local only: not on the hub
            row = {**row, "updated_at": now_text()}
        names = [c for c in self.columns[table] if c in row]
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[c] for c in names],
        )
        self.report.inserted[table] += 1

    def update(self, table: str, row: Row, local: Row, *, keep_waiting: bool = True) -> None:
        """Set the fields that differ, but those with a local change waiting. A column
        that never changes once made (a creation stamp of a row two laptops made with one
        derived id) takes the hub's value too: it is the one every replica holds."""
        changes: dict[str, Any] = {}
        for column in self.columns[table]:
            if column == "id" or column not in row or row[column] == local[column]:
                continue
            if keep_waiting and (table, str(row["id"]), column) in self.waiting:
                self.report.kept_waiting.append((table, str(row["id"]), column))
            else:
                changes[column] = row[column]
        if changes:
            self.conn.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in changes)} WHERE id = ?",
                [*changes.values(), row["id"]],
            )
            self.report.updated[table] += 1

    def upsert(self, table: str, row: Row, *, keep_waiting: bool = True) -> None:
        local = current_row(self.conn, table, str(row["id"]))
        if local is None:
            self.insert(table, row)
        elif table not in FROZEN_TABLES:
            self.update(table, row, local, keep_waiting=keep_waiting)

    def review_status(self, review_id: str) -> tuple[str, int] | None:
        row = self.conn.execute(
            "SELECT status, close_count FROM review WHERE id = ?", (review_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    def new_reviews(self) -> None:
        """Insert pulled reviews this file lacks, open: their closes are replayed. One
        this file opened too (the same derived id) takes the hub's opening while open."""
        for row in self.rows.get("review", ()):
            state = self.review_status(str(row["id"]))
            if state is None:
                start = {"status": "open", "close_count": 0, "closed_at": None}
                self.insert("review", {**row, **start, "closed_by_id": None})
            elif "opened_at" in row:
                self.same_opening(row)

    def same_opening(self, row: Row) -> None:
        """A review this file opened too (one derived id) takes the hub's opening."""
        self.conn.execute(
            "UPDATE review SET opened_at = ?, opened_by_id = ? WHERE id = ?"
            " AND (opened_at IS NOT ? OR opened_by_id IS NOT ?)",
            (row["opened_at"], row["opened_by_id"], row["id"], row["opened_at"],
             row["opened_by_id"]),
        )  # fmt: skip

    def same_close(self, row: Row) -> None:
        """A review closed here and on the hub at the same close number (two laptops closed
        it offline: both fives are kept) takes the hub's closing time and closer."""
        self.conn.execute(
            "UPDATE review SET closed_at = ?, closed_by_id = ? WHERE id = ?"
            " AND status = 'closed' AND ? = 'closed' AND close_count = ?"
            " AND (closed_at IS NOT ? OR closed_by_id IS NOT ?)",
            (row["closed_at"], row["closed_by_id"], row["id"], row["status"],
             row["close_count"], row["closed_at"], row["closed_by_id"]),
        )  # fmt: skip

    def kept_fives(self, row: Row) -> None:
        """Whose five each close shows: the hub's, for every close it knows (two laptops
        closed one review offline: the first close to reach the hub)."""
        local = self.conn.execute(
            "SELECT kept_origins FROM review WHERE id = ?", (row["id"],)
        ).fetchone()
        if local is None:
            return
        kept = kept_five.merged(row["kept_origins"], local[0])
        if kept != local[0]:
            self.conn.execute("UPDATE review SET kept_origins = ? WHERE id = ?", (kept, row["id"]))
            self.report.updated["review"] += 1

    def slots(self, rows: Sequence[Row], *, closing: bool = False) -> None:
        """Upsert slots. A closed review's slot takes the hub's value only when its person
        is the one a five of that close froze there (another laptop's close of the same
        number won on the hub); any other difference is reported, the slot kept as frozen.
        Replaying a close (`closing`), the slots take the hub's values, waiting or not."""
        for row in rows:
            state = self.review_status(str(row["review_id"]))
            local = current_row(self.conn, "review_slot", str(row["id"]))
            if local is None or state is None or state[0] != "closed":
                self.upsert("review_slot", row, keep_waiting=not closing)
            elif any(row.get(c, local[c]) != local[c] for c in MUTABLE["review_slot"]):
                if self.frozen_there(row, state[1]):
                    self.update("review_slot", row, local, keep_waiting=False)
                else:
                    self.report.refused.append(
                        f"review_slot {row['id']}: its review is closed here; kept as frozen"
                    )

    def frozen_there(self, slot: Row, close_number: int) -> bool:
        """Whether a five of this close froze the pulled slot's person at its position."""
        found = self.conn.execute(
            "SELECT 1 FROM review_snapshot WHERE review_id = ? AND close_number = ?"
            " AND position = ? AND stakeholder_id = ?",
            (slot["review_id"], close_number, slot.get("position"), slot.get("stakeholder_id")),
        ).fetchone()
        return found is not None

    def frozen(self, table: str, row: Row) -> None:
        """Insert a pulled frozen row this file lacks. One it holds without the hash it
        is chained to (its predecessor is not here) takes the hub's `prev_hash`: the
        one change the freezing triggers let through, and only while applying."""
        local = current_row(self.conn, table, str(row["id"]))
        if local is None:
            self.insert(table, row)
        elif local.get("prev_hash") is None and row.get("prev_hash") is not None:
            self.conn.execute(
                f"UPDATE {table} SET prev_hash = ? WHERE id = ?", (row["prev_hash"], row["id"])
            )
            self.report.updated[table] += 1

    def close(self, entry: Row, slots: Sequence[Row]) -> None:
        """Replay a pulled close: the slots (while open), its five, its entry, the status."""
        review_id, number = str(entry["review_id"]), int(entry["close_number"])
        if self.review_status(review_id) == ("open", number - 1):
            self.slots(slots, closing=True)
        five = [
            r
            for r in self.rows.get("review_snapshot", ())
            if r["review_id"] == review_id
            and r["close_number"] == number
            and r["origin"] == entry["origin"]
        ]
        for row in sorted(five, key=lambda r: int(r["seq"])):
            self.frozen("review_snapshot", row)
        self.frozen("audit_log", entry)
        if self.review_status(review_id) != ("open", number - 1):
            return  # closed here already (two laptops closed it): both fives are kept
        closed_at, closed_by = self.hub_closing(review_id, number) or (
            entry["at"],
            entry["actor_id"],
        )
        self.conn.execute(
            "UPDATE review SET status = 'closed', close_count = ?, closed_at = ?,"
            " closed_by_id = ? WHERE id = ?",
            (number, closed_at, closed_by, review_id),
        )
        self.report.updated["review"] += 1

    def hub_closing(self, review_id: str, number: int) -> tuple[Any, Any] | None:
        """The hub's closing time and closer of close `number`: from the review row of this
        batch, or from one an earlier batch brought before the close's entry (`held`)."""
        pulled = next((r for r in self.rows.get("review", ()) if r["id"] == review_id), None)
        if pulled is not None and pulled["close_count"] == number:
            return pulled["closed_at"], pulled["closed_by_id"]
        held = get_state(self.conn, HELD_CLOSE + review_id)
        if held is not None:
            count, closed_at, closed_by = json.loads(held)
            if count == number:
                set_state(self.conn, HELD_CLOSE + review_id, None)
                return closed_at, closed_by
        return None

    def hold_closings(self) -> None:
        """A pulled closed review whose close has not been replayed yet (its entry comes in
        a later batch: the hub numbered the row first, e.g. a first push of a file that
        closed offline) keeps the hub's closing time and closer for that replay."""
        for row in self.rows.get("review", ()):
            if row.get("status") != "closed":
                continue
            if self.review_status(str(row["id"])) != ("closed", row["close_count"]):
                held = json.dumps([row["close_count"], row["closed_at"], row["closed_by_id"]])
                set_state(self.conn, HELD_CLOSE + str(row["id"]), held)

    def reopen(self, entry: Row) -> None:
        review_id = str(entry["review_id"])
        self.frozen("audit_log", entry)
        if self.review_status(review_id) == ("closed", int(entry["close_number"])):
            self.conn.execute(
                "UPDATE review SET status = 'open', closed_at = NULL, closed_by_id = NULL"
                " WHERE id = ?",
                (review_id,),
            )
            self.report.updated["review"] += 1

    def replay(self) -> None:
        """Each pulled close and reopen, in the order the hub took them (`hub_seq` when
        the rows carry it, else their time), then every slot, then the other frozen rows."""
        slots: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows.get("review_slot", ()):
            slots[str(row["review_id"])].append(row)
        events = [
            r
            for r in self.rows.get("audit_log", ())
            if r.get("action") in ("review.closed", "review.reopened")
            and self.review_status(str(r.get("review_id"))) is not None
        ]
        for entry in sorted(events, key=_causal):
            if current_row(self.conn, "audit_log", str(entry["id"])) is not None:
                continue
            if entry["action"] == "review.closed":
                self.close(entry, slots[str(entry["review_id"])])
            else:
                self.reopen(entry)
        for rows in slots.values():
            self.slots(rows)
        for table in FROZEN_TABLES:
            for row in sorted(self.rows.get(table, ()), key=lambda r: (r["origin"], r["seq"])):
                self.frozen(table, row)


def _causal(row: Row) -> tuple[Any, ...]:
    return (row.get("hub_seq") or 0, str(row["at"]), str(row["origin"]), int(row["seq"]))


def apply_pulled(
    conn: sqlite3.Connection, rows_by_table: Mapping[str, Sequence[Row]], cursor: int
) -> ApplyReport:
    """Apply a batch of pulled rows (see the module's docstring) and set `cursor`, in the
    caller's write transaction: if anything fails, the caller's rollback leaves neither.
    Applying the same batch twice gives the same file. Keys of a row that this file has
    no column for (the hub's `hub_seq`, `login`) are ignored."""
    unknown = sorted(set(rows_by_table) - {*SYNCED_TABLES, DEPARTED})
    if unknown:
        raise ValueError(f"not synced tables: {', '.join(unknown)}")
    conn.execute("PRAGMA defer_foreign_keys = ON")
    set_state(conn, "applying", "1")
    before = conn.total_changes
    try:
        for departure in rows_by_table.get(DEPARTED, ()):
            remove_departed(conn, departure)
        run = _Apply(conn, rows_by_table)
        for table in ("rep", "account", "stakeholder", "touch"):
            for row in rows_by_table.get(table, ()):
                run.upsert(table, row)
        run.new_reviews()
        run.replay()
        for row in rows_by_table.get("review", ()):
            if "closed_at" in row:
                run.same_close(row)
            if "kept_origins" in row:
                run.kept_fives(row)
        run.hold_closings()
        run.report.changed = conn.total_changes - before
        set_state(conn, "cursor", str(cursor))
    finally:
        set_state(conn, "applying", None)
    return run.report
