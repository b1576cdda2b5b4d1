"""Queries on reviews, their slots, their frozen snapshots and the audit log."""

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from accountreview.db.batches import id_batches
from accountreview.db.chain import CHAINED, last_link, link, local_origin
from accountreview.db.records import as_date, date_text, new_id, now_text
from accountreview.domain import ids
from accountreview.domain import kept as kept_five
from accountreview.domain.enums import Level, ReviewStatus, Role
from accountreview.domain.settings import MAX_SLOTS_PER_REVIEW


@dataclass(frozen=True)
class ReviewRow:
    id: str
    account_id: str
    week: str
    status: ReviewStatus
    close_count: int
    closed_at: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "ReviewRow":
        return cls(
            row["id"],
            row["account_id"],
            row["week"],
            ReviewStatus(row["status"]),
            row["close_count"],
            row["closed_at"],
        )


@dataclass(frozen=True)
class SlotRow:
    position: int
    stakeholder_id: str | None
    confirmed_in_role_on: date | None


@dataclass(frozen=True)
class SnapshotRow:
    position: int
    stakeholder_id: str
    name: str
    title: str | None
    level: Level | None
    role: Role | None
    last_contact_on: date | None
    next_contact_on: date | None
    confirmed_in_role: bool | None = None


@dataclass(frozen=True)
class AuditRow:
    at: str
    actor_name: str | None
    action: str
    account_name: str | None
    week: str | None
    close_number: int | None
    reason: str | None
    origin: str | None = None  # the device that wrote it


_REVIEW = "SELECT id, account_id, week, status, close_count, closed_at FROM review"


def get_review(conn: sqlite3.Connection, account_id: str, week: str) -> ReviewRow | None:
    row = conn.execute(
        f"{_REVIEW} WHERE account_id = ? AND week = ?", (account_id, week)
    ).fetchone()
    return None if row is None else ReviewRow.from_row(row)


def insert_review(
    conn: sqlite3.Connection, account_id: str, week: str, opened_by_id: str | None
) -> str:
    review_id = ids.review_id(account_id, week)  # the same review on every laptop
    stamp = now_text()
    conn.execute(
        "INSERT INTO review (id, account_id, week, status, close_count, opened_at, opened_by_id)"
        " VALUES (?, ?, ?, 'open', 0, ?, ?)",
        (review_id, account_id, week, stamp, opened_by_id),
    )
    conn.executemany(
        "INSERT INTO review_slot (id, review_id, position, updated_at) VALUES (?, ?, ?, ?)",
        [
            (ids.slot_id(review_id, n), review_id, n, stamp)
            for n in range(1, MAX_SLOTS_PER_REVIEW + 1)
        ],
    )
    return review_id


def statuses_for_week(
    conn: sqlite3.Connection, account_ids: Iterable[str], week: str
) -> dict[str, str]:
    """Review status per account for one week (accounts with no review are absent)."""
    result: dict[str, str] = {}
    for marks, batch in id_batches(account_ids):
        rows = conn.execute(
            f"SELECT account_id, status FROM review WHERE week = ? AND account_id IN ({marks})",
            (week, *batch),
        ).fetchall()
        result.update({r[0]: r[1] for r in rows})
    return result


def last_closed_week(conn: sqlite3.Connection, account_ids: Iterable[str]) -> dict[str, str]:
    """The latest week each account had a closed review."""
    result: dict[str, str] = {}
    for marks, batch in id_batches(account_ids):
        rows = conn.execute(
            "SELECT account_id, max(week) FROM review WHERE status = 'closed'"
            f" AND account_id IN ({marks}) GROUP BY account_id",
            batch,
        ).fetchall()
        result.update({r[0]: r[1] for r in rows})
    return result


def slots_of(conn: sqlite3.Connection, review_id: str) -> list[SlotRow]:
    rows = conn.execute(
        "SELECT position, stakeholder_id, confirmed_in_role_on FROM review_slot"
        " WHERE review_id = ? ORDER BY position",
        (review_id,),
    ).fetchall()
    return [SlotRow(r[0], r[1], as_date(r[2])) for r in rows]


def set_slot(
    conn: sqlite3.Connection,
    review_id: str,
    position: int,
    stakeholder_id: str | None,
    confirmed_in_role_on: date | None,
) -> None:
    conn.execute(
        "UPDATE review_slot SET stakeholder_id = ?, confirmed_in_role_on = ?, updated_at = ?"
        " WHERE review_id = ? AND position = ?",
        (stakeholder_id, date_text(confirmed_in_role_on), now_text(), review_id, position),
    )


def mark_closed(conn: sqlite3.Connection, review_id: str, closed_by_id: str | None) -> int:
    """Close an open review whose snapshot and `review.closed` entry are written (the
    database refuses the close otherwise); returns its close number. The review shows
    this device's five for it (`kept_origins`) until the hub says whose it kept."""
    count, kept = conn.execute(
        "SELECT close_count, kept_origins FROM review WHERE id = ?", (review_id,)
    ).fetchone()
    conn.execute(
        "UPDATE review SET status = 'closed', close_count = close_count + 1, closed_at = ?,"
        " closed_by_id = ?, kept_origins = ? WHERE id = ? AND status = 'open'",
        (now_text(), closed_by_id, kept_five.with_close(kept, count + 1, local_origin(conn)),
         review_id),
    )  # fmt: skip
    row = conn.execute("SELECT close_count FROM review WHERE id = ?", (review_id,)).fetchone()
    return int(row[0])


def mark_reopened(conn: sqlite3.Connection, review_id: str) -> None:
    """Set a closed review back to open (the audit row must already be written)."""
    conn.execute(
        "UPDATE review SET status = 'open', closed_at = NULL, closed_by_id = NULL WHERE id = ?",
        (review_id,),
    )


_SNAPSHOT_COLUMNS = (*CHAINED["review_snapshot"], "prev_hash")
_INSERT_SNAPSHOT = (
    f"INSERT INTO review_snapshot ({', '.join(_SNAPSHOT_COLUMNS)}, hash)"
    f" VALUES ({', '.join('?' for _ in _SNAPSHOT_COLUMNS)}, ?)"
)


def insert_snapshot(
    conn: sqlite3.Connection, review_id: str, close_number: int, entries: list[SnapshotRow]
) -> None:
    """Freeze `entries` as close `close_number` of an open review (before it is closed),
    each row linked into the snapshots' hash chain."""
    stamp = now_text()
    origin = local_origin(conn)
    after = last_link(conn, "review_snapshot", origin)
    for e in entries:
        fields: dict[str, str | int | float | None] = {
            "origin": origin,
            "id": new_id(),
            "review_id": review_id,
            "close_number": close_number,
            "position": e.position,
            "stakeholder_id": e.stakeholder_id,
            "name": e.name,
            "title": e.title,
            "level": None if e.level is None else e.level.value,
            "role": None if e.role is None else e.role.value,
            "last_contact_on": date_text(e.last_contact_on),
            "next_contact_on": date_text(e.next_contact_on),
            "confirmed_in_role": None if e.confirmed_in_role is None else int(e.confirmed_in_role),
            "taken_at": stamp,
        }
        after = link("review_snapshot", fields, after)
        conn.execute(_INSERT_SNAPSHOT, (*(fields[c] for c in _SNAPSHOT_COLUMNS), after[1]))


def _snapshot_row(r: sqlite3.Row) -> SnapshotRow:
    return SnapshotRow(
        r[0],
        r[1],
        r[2],
        r[3],
        None if r[4] is None else Level(r[4]),
        None if r[5] is None else Role(r[5]),
        as_date(r[6]),
        as_date(r[7]),
        None if r[8] is None else bool(r[8]),
    )


_SNAPSHOT_READ = (
    "SELECT position, stakeholder_id, name, title, level, role, last_contact_on,"
    " next_contact_on, confirmed_in_role FROM review_snapshot n"
)
# When two laptops closed one review offline, both fives are kept; the review's is the
# one the hub kept (`review.kept_origins`, see `domain.kept`), else (not known here) the
# one of the origin that sorts first. For a query over review_snapshot `n`.
SHOWN_FIVE = (
    " AND n.origin = coalesce("
    "(SELECT k.origin FROM review_snapshot k JOIN review r ON r.id = k.review_id"
    " WHERE k.review_id = n.review_id AND k.close_number = n.close_number"
    " AND json_valid(r.kept_origins)"
    " AND k.origin = json_extract(r.kept_origins, '$[' || (n.close_number - 1) || ']')"
    " LIMIT 1),"
    " (SELECT min(o.origin) FROM review_snapshot o"
    " WHERE o.review_id = n.review_id AND o.close_number = n.close_number))"
)


def snapshots_of(conn: sqlite3.Connection, review_id: str) -> dict[int, list[SnapshotRow]]:
    """Every frozen five of a review, by close number."""
    rows = conn.execute(
        f"{_SNAPSHOT_READ.replace('SELECT ', 'SELECT close_number, ', 1)}"
        f" WHERE review_id = ?{SHOWN_FIVE} ORDER BY close_number, position",
        (review_id,),
    ).fetchall()
    result: dict[int, list[SnapshotRow]] = {}
    for r in rows:
        result.setdefault(int(r[0]), []).append(_snapshot_row(r[1:]))
    return result


def fives_by_origin(
    conn: sqlite3.Connection, review_id: str
) -> dict[tuple[int, str], list[SnapshotRow]]:
    """Every five frozen for the review, by (close number, origin): when two laptops
    closed it at one close number offline, both are facts."""
    rows = conn.execute(
        f"{_SNAPSHOT_READ.replace('SELECT ', 'SELECT close_number, origin, ', 1)}"
        " WHERE review_id = ? ORDER BY close_number, origin, position",
        (review_id,),
    ).fetchall()
    result: dict[tuple[int, str], list[SnapshotRow]] = {}
    for r in rows:
        result.setdefault((int(r[0]), str(r[1])), []).append(_snapshot_row(r[2:]))
    return result


def shown_origins(conn: sqlite3.Connection, review_id: str) -> dict[int, str]:
    """Close number -> the origin whose five is the review's (see `SHOWN_FIVE`)."""
    rows = conn.execute(
        "SELECT DISTINCT close_number, origin FROM review_snapshot n"
        f" WHERE review_id = ?{SHOWN_FIVE}",
        (review_id,),
    ).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}


def latest_snapshot(conn: sqlite3.Connection, review_id: str) -> list[SnapshotRow]:
    """The slots as frozen at the review's latest close."""
    rows = conn.execute(
        f"{_SNAPSHOT_READ} WHERE review_id = ? AND close_number ="
        f" (SELECT max(close_number) FROM review_snapshot WHERE review_id = ?){SHOWN_FIVE}"
        " ORDER BY position",
        (review_id, review_id),
    ).fetchall()
    return [_snapshot_row(r) for r in rows]


def previous_closed_review(
    conn: sqlite3.Connection, account_id: str, before_week: str
) -> ReviewRow | None:
    row = conn.execute(
        f"{_REVIEW} WHERE account_id = ? AND week < ? AND status = 'closed'"
        " ORDER BY week DESC LIMIT 1",
        (account_id, before_week),
    ).fetchone()
    return None if row is None else ReviewRow.from_row(row)


def reviews_of_account(conn: sqlite3.Connection, account_id: str) -> list[ReviewRow]:
    rows = conn.execute(
        f"{_REVIEW} WHERE account_id = ? ORDER BY week DESC", (account_id,)
    ).fetchall()
    return [ReviewRow.from_row(r) for r in rows]


def insert_audit(
    conn: sqlite3.Connection,
    *,
    action: str,
    actor_id: str | None,
    account_id: str | None,
    review_id: str | None,
    close_number: int | None,
    reason: str | None,
) -> None:
    """Append an entry to the audit log, linked into this device's hash chain."""
    origin = local_origin(conn)
    fields: dict[str, str | int | float | None] = {
        "origin": origin,
        "id": new_id(),
        "at": now_text(),
        "actor_id": actor_id,
        "action": action,
        "account_id": account_id,
        "review_id": review_id,
        "close_number": close_number,
        "reason": reason,
    }
    _seq, digest = link("audit_log", fields, last_link(conn, "audit_log", origin))
    conn.execute(
        f"INSERT INTO audit_log ({', '.join(fields)}, hash)"
        f" VALUES ({', '.join('?' for _ in fields)}, ?)",
        (*fields.values(), digest),
    )


def audit_of_review(conn: sqlite3.Connection, review_id: str) -> list[AuditRow]:
    """The review's audit entries in the order they were written."""
    rows = conn.execute(
        "SELECT l.at, r.name, l.action, a.name, v.week, l.close_number, l.reason, l.origin"
        " FROM audit_log l LEFT JOIN rep r ON r.id = l.actor_id"
        " LEFT JOIN account a ON a.id = l.account_id LEFT JOIN review v ON v.id = l.review_id"
        " WHERE l.review_id = ? ORDER BY l.seq IS NULL, l.seq, l.at",
        (review_id,),
    ).fetchall()
    return [AuditRow(*r) for r in rows]
