"""One hash chain per device: a file holding two devices' records (one pulled from the
other laptop) checks sound, and a row edited, deleted or inserted in one device's chain
is named by `check` with that device, while the other device's chain is not; `restore`
refuses such a file and leaves the database as it was."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import sync
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account
from conftest import Seeded, content_hash
from test_db import WEEK
from test_sync_local import closed_twice, laptop_with, rows_of

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def two_devices(tmp_path: Path) -> tuple[Path, str, str]:
    """Laptop B's file after pulling A's close, reopen and close of last week's review, and
    closing this week's itself: (B's file, A's device, B's device)."""
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    a_device = closed_twice(a_path)
    pulled = rows_of(a_path, *sync.SYNCED_TABLES)
    ws = laptop_with(pulled, b_path)
    ws.actor_id = pulled["rep"][0]["id"]
    b_device = sync.get_state(ws.db.conn, "device")
    people = {r["email"].split("@")[0]: r["id"] for r in pulled["stakeholder"]}
    later = Seeded(pulled["rep"][0]["id"], pulled["account"][0]["id"], people)
    account = resolve_account(ws, later.account_id)
    reviews.reopen_review(ws, account, WEEK, "B reopens A's close")
    reviews.close_review(ws, account, WEEK)
    ws.close()
    assert a_device and b_device and a_device != b_device
    return b_path, a_device, b_device


def _behind_triggers(conn: sqlite3.Connection, sql: str, *params: object) -> None:
    saved = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in saved:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql, params)
    for _name, statement in saved:
        conn.execute(statement)


def edit_a_row(conn: sqlite3.Connection, device: str) -> None:
    _behind_triggers(
        conn, "UPDATE audit_log SET reason = 'nicer' WHERE origin = ? AND seq = 2", device
    )


def delete_a_row(conn: sqlite3.Connection, device: str) -> None:
    _behind_triggers(conn, "DELETE FROM review_snapshot WHERE origin = ? AND seq = 3", device)


def insert_a_row(conn: sqlite3.Connection, device: str) -> None:
    conn.execute(  # passes the triggers (this device, the next seq): only the chain can tell
        "INSERT INTO audit_log (id, at, actor_id, action, origin, seq, hash)"
        " SELECT 'forged', '2026-11-23 10:00:00', actor_id, 'note', origin, seq + 1, ?"
        " FROM audit_log WHERE origin = ? ORDER BY seq DESC LIMIT 1",
        ("a" * 64, device),
    )


CASES: dict[str, tuple[Callable[[sqlite3.Connection, str], None], str, str]] = {
    "edit": (edit_a_row, "a", "audit_log (device {}): entry 2 does not match its hash"),
    # The file syncs (it pulled the other laptop's rows), so a chain may have gaps there
    # (rows not this person's): a deleted frozen slot is caught by the record's count.
    "delete": (delete_a_row, "a", "2 reopen(s) and 14 frozen slot(s)"),
    "insert": (insert_a_row, "b", "audit_log (device {}): entry 3 does not match its hash"),
}


def test_two_devices_chains_check_sound(two_devices: tuple[Path, str, str]) -> None:
    path, a_device, b_device = two_devices
    conn = sqlite3.connect(path)
    origins = conn.execute("SELECT DISTINCT origin FROM audit_log ORDER BY 1").fetchall()
    assert sorted(r[0] for r in origins) == sorted([a_device, b_device])
    # Each device's chain starts at 1.
    firsts = conn.execute("SELECT origin, min(seq) FROM audit_log GROUP BY origin").fetchall()
    assert {r[1] for r in firsts} == {1}
    conn.close()
    code, out, err = run(path, "check")
    assert code == 0, err + out


@pytest.mark.parametrize("case", list(CASES))
def test_a_break_in_one_devices_chain_is_named_with_that_device(
    two_devices: tuple[Path, str, str], tmp_path: Path, case: str
) -> None:
    path, a_device, b_device = two_devices
    tamper, which, expected = CASES[case]
    device, other = (a_device, b_device) if which == "a" else (b_device, a_device)
    copy = tmp_path / "tampered.db"
    assert run(path, "backup", str(copy))[0] == 0
    conn = sqlite3.connect(copy, isolation_level=None)
    tamper(conn, device)
    conn.close()
    code, _out, err = run(copy, "check")
    assert code == 3
    assert expected.format(device[:12]) in err
    assert f"(device {other[:12]})" not in err
    before = content_hash(path)
    code, _out, err = run(path, "restore", str(copy), "--yes")
    assert code == 3, err
    assert content_hash(path) == before
