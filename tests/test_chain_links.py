"""Each chained row stores its predecessor's hash (schema 0006), so a file that syncs may
hold part of a device's chain: `check` verifies each row alone and each link between
rows present, and counts the rows absent. A file that never synced must still hold its
chains whole. Every tamper is still caught, in both kinds of file; the migration
upgrades and downgrades files with and without gaps; the frozen-row trigger lets a
pulled `prev_hash` in once, and nothing else."""

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import sync
from accountreview.db.chain import CHAINED
from accountreview.db.connection import SCHEMA_HEAD
from accountreview.db.migrate import alembic_config, sqlalchemy_engine
from accountreview.domain.chain import GENESIS, chain_hash
from accountreview.domain.dates import IsoWeek
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from test_chain_origins import _behind_triggers
from test_sync_local import closed_twice, laptop_with, rows_of

runner = CliRunner()
Tamper = Callable[[sqlite3.Connection, str], None]


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def check_json(db: Path) -> tuple[int, dict[str, Any]]:
    code, out, _err = run(db, "check", "--format", "json")
    found: dict[str, Any] = json.loads(out)
    return code, found


def migrate(path: Path, revision: str, *, down: bool = False) -> None:
    from alembic import command

    config = alembic_config()
    engine = sqlalchemy_engine(path)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        engine.dispose()


@pytest.fixture
def whole(tmp_path: Path) -> tuple[Path, str]:
    """A file that never synced: its rep closed, reopened and closed this week's review,
    then closed last week's and the week before's: (file, its device). Audit entries 1-5,
    frozen slots 1-25; last week's close is audit entry 4 and slots 11-15."""
    path = tmp_path / "whole.db"
    device = closed_twice(path)
    ws = open_workspace(path, TODAY)
    ws.actor_id = str(ws.db.conn.execute("SELECT rep_id FROM account").fetchone()[0])
    account = resolve_account(ws, ws.db.conn.execute("SELECT id FROM account").fetchone()[0])
    people = [str(r[0]) for r in ws.db.conn.execute("SELECT stakeholder_id FROM review_slot")]
    for weeks_back in (1, 2):
        week = IsoWeek.of(TODAY).shift(-weeks_back)
        for position, person in enumerate(people[:5], start=1):
            reviews.set_slot(ws, account, week, position, person)
        reviews.close_review(ws, account, week)
    ws.close()
    return path, device


@pytest.fixture
def partial(whole: tuple[Path, str], tmp_path: Path) -> tuple[Path, str]:
    """A file that syncs and pulled the other laptop's record but last week's review (as
    if it were not this person's to see): a gap in the middle of both of that device's
    chains (audit entry 4, frozen slots 11-15). (file, the other device)."""
    path, device = whole
    pulled = rows_of(path, *sync.SYNCED_TABLES)
    hidden = str(IsoWeek.of(TODAY).previous())
    [review_id] = [r["id"] for r in pulled["review"] if r["week"] == hidden]
    pulled["review"] = [r for r in pulled["review"] if r["id"] != review_id]
    for table in ("review_slot", "review_snapshot", "audit_log"):
        pulled[table] = [r for r in pulled[table] if r["review_id"] != review_id]
    laptop_with(pulled, tmp_path / "partial.db").close()
    return tmp_path / "partial.db", device


def prev_hashes(path: Path, table: str) -> list[tuple[int, str | None, str | None]]:
    """(seq, prev_hash, the hash of the row before when present) of every row."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            f"SELECT c.seq, c.prev_hash, p.hash FROM {table} c LEFT JOIN {table} p"
            " ON p.origin = c.origin AND p.seq = c.seq - 1 ORDER BY c.origin, c.seq"
        ).fetchall()
    finally:
        conn.close()
    return [(int(s), prev, before) for s, prev, before in rows]


def test_every_row_written_stores_the_hash_it_is_chained_to(whole: tuple[Path, str]) -> None:
    path, _device = whole
    for table in CHAINED:
        for seq, prev, before in prev_hashes(path, table):
            assert prev == (GENESIS if seq == 1 else before), (table, seq)
    code, found = check_json(path)
    assert code == 0 and found["ok"] and found["notes"] == [], found


def test_a_synced_file_holding_part_of_a_chain_checks_sound_and_says_so(
    partial: tuple[Path, str],
) -> None:
    path, _device = partial
    code, found = check_json(path)
    assert code == 0 and found["ok"] and found["problems"] == [], found
    notes = " ".join(found["notes"])
    assert "1 audit entry of 1 device's chain are not in this file" in notes, notes
    assert "5 frozen slots of 1 device's chain are not in this file" in notes, notes
    assert "the hub holds them" in notes
    code, out, _err = run(path, "check")
    assert "note: 1 audit entry of 1 device's chain are not in this file" in out


def test_the_same_gap_in_a_file_that_never_synced_is_a_broken_chain(
    whole: tuple[Path, str],
) -> None:
    path, device = whole
    conn = sqlite3.connect(path, isolation_level=None)
    _behind_triggers(conn, "DELETE FROM audit_log WHERE origin = ? AND seq = 2", device)
    conn.close()
    code, _out, err = run(path, "check")
    assert code == 3
    assert f"audit_log (device {device[:12]}): entry 2 is missing (deleted?)" in err


def edit_field(conn: sqlite3.Connection, device: str) -> None:
    _behind_triggers(
        conn, "UPDATE review_snapshot SET name = 'Someone' WHERE origin = ? AND seq = 3", device
    )


def forge_prev(conn: sqlite3.Connection, device: str) -> None:
    """Entry 3 names another predecessor and is re-hashed over it: it verifies alone,
    but not the link to entry 2 (present in both files)."""
    names = ", ".join(CHAINED["audit_log"])
    row = conn.execute(
        f"SELECT {names} FROM audit_log WHERE origin = ? AND seq = 3", (device,)
    ).fetchone()
    fields = dict(zip(CHAINED["audit_log"], row, strict=True))
    forged = "f" * 64
    _behind_triggers(
        conn,
        "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE origin = ? AND seq = 3",
        forged,
        chain_hash("audit_log", forged, fields),
        device,
    )


def move_row(conn: sqlite3.Connection, device: str) -> None:
    _behind_triggers(
        conn, "UPDATE review_snapshot SET seq = 40 WHERE origin = ? AND seq = 3", device
    )


TAMPERS: dict[str, tuple[Tamper, str]] = {
    "field edited": (edit_field, "review_snapshot (device {}): entry 3 does not match"),
    "prev_hash forged": (forge_prev, "audit_log (device {}): entry 3"),
    "row moved": (move_row, "review_snapshot (device {}): entry"),
}


@pytest.mark.parametrize("kind", ["never synced", "synced"])
@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_every_tamper_is_caught_in_both_kinds_of_file(
    whole: tuple[Path, str], partial: tuple[Path, str], kind: str, tamper: str
) -> None:
    path, device = whole if kind == "never synced" else partial
    change, expected = TAMPERS[tamper]
    assert run(path, "check")[0] == 0 or kind == "synced"
    conn = sqlite3.connect(path, isolation_level=None)
    change(conn, device)
    conn.close()
    code, found = check_json(path)
    assert code == 3 and not found["ok"]
    assert any(expected.format(device[:12]) in p for p in found["problems"]), found


def test_the_frozen_rows_take_a_pulled_link_once_and_nothing_else(
    partial: tuple[Path, str],
) -> None:
    path, device = partial
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for sql, params in (
            ("UPDATE audit_log SET prev_hash = NULL WHERE origin = ? AND seq = 3", (device,)),
            ("UPDATE audit_log SET prev_hash = ? WHERE origin = ? AND seq = 3", ("0" * 64, device)),
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql, params)
        conn.execute("INSERT INTO sync_state (key, value) VALUES ('applying', '1')")
        # A row with its link set: even while applying, the link is not changed.
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(
                "UPDATE audit_log SET prev_hash = ? WHERE origin = ? AND seq = 3",
                ("1" * 64, device),
            )
        _behind_triggers(
            conn, "UPDATE audit_log SET prev_hash = NULL WHERE origin = ? AND seq = 3", device
        )
        # Empty: only the link may be filled, not another field with it.
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(
                "UPDATE audit_log SET prev_hash = ?, reason = 'x' WHERE origin = ? AND seq = 3",
                ("1" * 64, device),
            )
        with pytest.raises(sqlite3.IntegrityError, match="frozen"):
            conn.execute("UPDATE review_snapshot SET name = 'x' WHERE origin = ?", (device,))
    finally:
        conn.close()


def test_the_migration_fills_links_and_a_pull_fills_the_rest(
    whole: tuple[Path, str], partial: tuple[Path, str]
) -> None:
    source, _device = whole
    for path in (source, partial[0]):
        migrate(path, "0005", down=True)
        conn = sqlite3.connect(path)
        columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}
        conn.close()
        assert "prev_hash" not in columns
        code, _out, err = run(path, "check")  # 0005's schema exactly
        # ... where a gap was a broken chain (the defect 0006 mends)
        assert (code, "entry 4 is missing" in err) == ((0, False) if path == source else (3, True))
        migrate(path, "head")
        assert run(path, "check")[0] == 0, path
    # The file without gaps: every link filled from the chain.
    for table in CHAINED:
        for seq, prev, before in prev_hashes(source, table):
            assert prev == (GENESIS if seq == 1 else before), (table, seq)
    # The file with gaps: a row whose predecessor is absent waits for the hub's link.
    waiting = [(t, s) for t in CHAINED for s, prev, _b in prev_hashes(partial[0], t) if not prev]
    assert waiting == [("audit_log", 5), ("review_snapshot", 16)]
    code, found = check_json(partial[0])
    assert code == 0, found
    assert any("cannot be verified yet" in n for n in found["notes"]), found
    # The hub sends the rows again with their links: the pull fills them in.
    present = rows_of(partial[0], "audit_log", "review_snapshot")
    pulled = {
        table: [r for r in rows if r["id"] in {p["id"] for p in present[table]}]
        for table, rows in rows_of(source, "audit_log", "review_snapshot").items()
    }
    conn = sqlite3.connect(partial[0], isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        sync.apply_pulled(conn, pulled, cursor=99)
        conn.execute("COMMIT")
    finally:
        conn.close()
    assert [(t, s) for t in CHAINED for s, p, _b in prev_hashes(partial[0], t) if not p] == []
    code, found = check_json(partial[0])
    assert code == 0 and not any("cannot be verified" in n for n in found["notes"]), found
    assert found["schema"] == SCHEMA_HEAD
