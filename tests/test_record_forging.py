"""Frozen means frozen, against every statement: each way of forging a closed review, its
frozen five or the audit log with plain SQL is refused by the schema itself.

Every statement runs through Python's `sqlite3` with default settings (a fresh
connection, none of the app's pragmas: no foreign keys, no recursive triggers), and the
file's content is compared before and after.
"""

import sqlite3
from pathlib import Path

import pytest

from accountreview.domain.dates import IsoWeek
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import Workspace
from conftest import Seeded, content_hash
from test_db import WEEK, closed_review


def _row(path: Path, sql: str, *args: object) -> dict[str, object]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute(sql, args).fetchone())
    finally:
        conn.close()


def _replace(table: str, row: dict[str, object], verb: str = "INSERT OR REPLACE") -> str:
    columns = ", ".join(row)
    values = ", ".join(_literal(v) for v in row.values())
    return f"{verb} INTO {table} ({columns}) VALUES ({values})"


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def forgeries(path: Path, review_id: str) -> dict[str, list[str]]:
    """Each forging attempt (one or more statements run in one transaction), by name."""
    snap = _row(path, "SELECT * FROM review_snapshot WHERE position = 1")
    entry = _row(path, "SELECT * FROM audit_log WHERE action = 'review.closed'")
    review = _row(path, "SELECT * FROM review WHERE id = ?", review_id)
    slot = _row(path, "SELECT * FROM review_slot WHERE review_id = ? AND position = 1", review_id)
    top = _row(path, "SELECT max(seq) AS seq FROM review_snapshot")["seq"]
    last = _row(path, "SELECT max(seq) AS seq FROM audit_log")["seq"]
    assert isinstance(top, int) and isinstance(last, int)
    ghosts = [
        _replace(
            "review_snapshot",
            {**snap, "id": f"ghost{n}", "position": n, "seq": top + n - 5, "hash": "f" * 64},
            "INSERT",
        )
        for n in range(6, 11)
    ]
    reopen = {
        **entry,
        "id": "forged-reopen",
        "action": "review.reopened",
        "actor_id": None,
        "reason": None,
        "seq": last + 1,
        "hash": "0" * 64,
    }
    return {
        "REPLACE a snapshot row (same id)": [
            _replace("review_snapshot", {**snap, "name": "Forged Person"})
        ],
        "REPLACE a snapshot row (same review, close, position)": [
            _replace("review_snapshot", {**snap, "id": "other", "name": "Forged Person"})
        ],
        "REPLACE the audit entry": [_replace("audit_log", {**entry, "reason": "forged"})],
        "REPLACE the review row, closed -> open": [
            _replace("review", {**review, "status": "open", "closed_at": None})
        ],
        "REPLACE the review by its account and week": [
            _replace("review", {**review, "id": "forged", "status": "open", "closed_at": None})
        ],
        "REPLACE a slot of the closed review": [
            _replace("review_slot", {**slot, "stakeholder_id": None}, "REPLACE")
        ],
        "INSERT ghost snapshot rows 6-10": ghosts,
        "INSERT a second frozen five": [
            _replace(
                "review_snapshot",
                {**snap, "id": "second", "close_number": 2, "seq": top + 1, "hash": "f" * 64},
                "INSERT",
            )
        ],
        "INSERT review.reopened with no actor, then UPDATE status": [
            _replace("audit_log", reopen, "INSERT"),
            f"UPDATE review SET status = 'open', closed_at = NULL, closed_by_id = NULL"
            f" WHERE id = '{review_id}'",
        ],
        "UPDATE status to open with no audit entry": [
            f"UPDATE review SET status = 'open', closed_at = NULL, closed_by_id = NULL"
            f" WHERE id = '{review_id}'"
        ],
        "INSERT a second review.closed entry": [
            _replace(
                "audit_log", {**entry, "id": "again", "seq": last + 1, "hash": "e" * 64}, "INSERT"
            )
        ],
        "INSERT an audit entry with no hash": [
            _replace(
                "audit_log",
                {**entry, "id": "nohash", "action": "note", "seq": last + 1, "hash": None},
                "INSERT",
            )
        ],
        "INSERT an audit entry out of sequence": [
            _replace(
                "audit_log",
                {**entry, "id": "gap", "action": "note", "seq": last + 5, "hash": "e" * 64},
                "INSERT",
            )
        ],
        "INSERT a review already closed": [
            _replace(
                "review",
                {**review, "id": "born-closed", "week": "2026-W40", "status": "closed"},
                "INSERT",
            )
        ],
    }


def _attempt(path: Path, statements: list[str]) -> sqlite3.Error | None:
    conn = sqlite3.connect(path)  # default settings: no pragmas of ours
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    except sqlite3.Error as error:
        conn.rollback()
        return error
    finally:
        conn.close()
    return None


def test_every_forging_statement_is_refused_and_changes_nothing(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    review_id = closed_review(ws, seeded)
    ws.close()
    before = content_hash(db_path)
    attempts = forgeries(db_path, review_id)
    assert len(attempts) == 14
    for name, statements in attempts.items():
        error = _attempt(db_path, statements)
        assert isinstance(error, sqlite3.IntegrityError), f"{name}: not refused"
        assert content_hash(db_path) == before, f"{name}: the file changed"


def test_an_open_review_cannot_be_closed_or_moved_by_sql(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    account = resolve_account(ws, seeded.account_id)
    closed_id = closed_review(ws, seeded)
    other_week = str(WEEK.previous())
    reviews.open_review(ws, account, IsoWeek.parse(other_week))
    open_id = ws.db.conn.execute("SELECT id FROM review WHERE week = ?", (other_week,)).fetchone()[
        0
    ]
    ws.close()
    before = content_hash(db_path)
    attempts = {
        "UPDATE status to closed with nothing frozen": [
            f"UPDATE review SET status = 'closed', close_count = 1 WHERE id = '{open_id}'"
        ],
        "UPDATE OR REPLACE onto the closed review's week": [
            f"UPDATE OR REPLACE review SET week = '{WEEK}' WHERE id = '{open_id}'"
        ],
        "UPDATE the close count of an open review": [
            f"UPDATE review SET close_count = 7 WHERE id = '{open_id}'"
        ],
    }
    for name, statements in attempts.items():
        error = _attempt(db_path, statements)
        assert isinstance(error, sqlite3.IntegrityError), f"{name}: not refused"
        assert content_hash(db_path) == before, f"{name}: the file changed"
    assert _row(db_path, "SELECT status FROM review WHERE id = ?", closed_id)["status"] == "closed"


def test_the_app_still_closes_reopens_and_closes_again(ws: Workspace, seeded: Seeded) -> None:
    closed_review(ws, seeded)
    account = resolve_account(ws, seeded.account_id)
    ws.actor_id = seeded.rep_id
    assert reviews.reopen_review(ws, account, WEEK, "wrong five").status.value == "open"
    with pytest.raises(Exception, match="not closed"):
        reviews.reopen_review(ws, account, WEEK, "again")
    assert reviews.close_review(ws, account, WEEK).close_count == 2
    rows = ws.db.conn.execute("SELECT seq, action FROM audit_log ORDER BY seq").fetchall()
    assert [tuple(r) for r in rows] == [
        (1, "review.closed"),
        (2, "review.reopened"),
        (3, "review.closed"),
    ]
