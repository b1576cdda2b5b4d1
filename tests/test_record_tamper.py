"""The record is tamper-evident: a row edited, deleted, inserted or moved by any means
(even with the triggers dropped, then put back), or a schema whose triggers differ from
this version's, makes `check` exit 3 naming it, and `restore` refuse the file with the
current database unchanged."""

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db.schema_check import expected_fingerprints, fingerprint, write_fingerprints
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import Workspace
from conftest import Seeded, content_hash
from test_db import FIVE, WEEK, closed_review

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def _behind_triggers(conn: sqlite3.Connection, names: list[str], sql: str) -> None:
    """Run `sql` with the named triggers dropped, then put them back exactly as they were."""
    saved = [
        conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (n,)).fetchone()[0]
        for n in names
    ]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    conn.executescript(sql)
    for statement in saved:
        conn.execute(statement)


def edit_snapshot(conn: sqlite3.Connection) -> None:
    _behind_triggers(
        conn,
        ["review_snapshot_no_update"],
        "UPDATE review_snapshot SET name = 'Someone Else' WHERE seq = 3;",
    )


def edit_audit_reason(conn: sqlite3.Connection) -> None:
    _behind_triggers(
        conn, ["audit_log_no_update"], "UPDATE audit_log SET reason = 'nicer' WHERE seq = 2;"
    )


def delete_audit_entry(conn: sqlite3.Connection) -> None:
    _behind_triggers(conn, ["audit_log_no_delete"], "DELETE FROM audit_log WHERE seq = 2;")


def delete_last_close(conn: sqlite3.Connection) -> None:
    _behind_triggers(
        conn,
        ["audit_log_no_delete", "review_snapshot_no_delete"],
        "DELETE FROM audit_log WHERE seq = 3; DELETE FROM review_snapshot WHERE seq > 5;",
    )


def delete_last_reopen(conn: sqlite3.Connection) -> None:
    """Reopen as the app does (a well-hashed entry), then cut that entry off the chain's
    end: the chain still holds, the review stays open with no reopen on record."""
    from accountreview.db.chain import CHAINED, last_link, link

    conn.row_factory = sqlite3.Row
    closed = dict(conn.execute("SELECT * FROM audit_log WHERE seq = 3").fetchone())
    fields = {**closed, "id": "r2", "action": "review.reopened", "reason": "why not"}
    fields = {c: fields[c] for c in CHAINED["audit_log"] if c != "seq"}
    seq, digest = link("audit_log", fields, last_link(conn, "audit_log", closed["origin"]))
    conn.execute(
        f"INSERT INTO audit_log ({', '.join(fields)}, hash) VALUES"
        f" ({', '.join('?' for _ in fields)}, ?)",
        (*fields.values(), digest),
    )
    conn.execute("UPDATE review SET status = 'open', closed_at = NULL, closed_by_id = NULL")
    _behind_triggers(conn, ["audit_log_no_delete"], f"DELETE FROM audit_log WHERE seq = {seq};")


def insert_audit_entry(conn: sqlite3.Connection) -> None:
    conn.execute(  # passes the triggers (a hash, the next seq): only the chain can tell
        "INSERT INTO audit_log (id, at, actor_id, action, origin, seq, hash)"
        " SELECT 'forged', '2026-11-23 10:00:00', actor_id, 'note', origin, 4, ? FROM audit_log"
        " WHERE seq = 1",
        ("a" * 64,),
    )


def reorder_audit(conn: sqlite3.Connection) -> None:
    _behind_triggers(
        conn,
        ["audit_log_no_update"],
        "UPDATE audit_log SET seq = -1 WHERE seq = 1; UPDATE audit_log SET seq = 1 WHERE seq = 2;"
        " UPDATE audit_log SET seq = 2 WHERE seq = -1;",
    )


def drop_trigger(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER review_snapshot_insert_rules")


def add_trigger(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TRIGGER quiet_helper AFTER INSERT ON touch BEGIN SELECT 1; END")


CASES: dict[str, tuple[Callable[[sqlite3.Connection], None], str]] = {
    # Each device's rows are a chain of their own, named by the device (`origin`).
    "edit a frozen slot": (edit_snapshot, "): entry 3 does not match its hash"),
    "edit a reopen reason": (edit_audit_reason, "): entry 2 does not match its hash"),
    "delete an audit entry": (delete_audit_entry, "): entry 2 is missing"),
    "delete the last close": (delete_last_close, "record holds 1 logged close(s), 1 reopen(s)"),
    "delete the last reopen": (
        delete_last_reopen,
        "(open) was closed 2 time(s), but the record holds 2 logged close(s), 1 reopen(s)",
    ),
    "insert an audit entry": (insert_audit_entry, "): entry 4 does not match"),
    "reorder audit entries": (reorder_audit, "): entry 1 does not match its hash"),
    "drop a trigger": (drop_trigger, "trigger review_snapshot_insert_rules is missing"),
    "add a trigger": (add_trigger, "trigger quiet_helper is not one this version creates"),
}


@pytest.fixture
def record(db_path: Path, ws: Workspace, seeded: Seeded) -> Path:
    """A database whose review was closed, reopened and closed again."""
    closed_review(ws, seeded)
    account = resolve_account(ws, seeded.account_id)
    ws.actor_id = seeded.rep_id
    reviews.reopen_review(ws, account, WEEK, "wrong champion")
    reviews.close_review(ws, account, WEEK)
    ws.close()
    return db_path


def _tampered(record: Path, tmp_path: Path, tamper: Callable[[sqlite3.Connection], None]) -> Path:
    copy = tmp_path / "tampered.db"
    code, _out, err = run(record, "backup", str(copy))
    assert code == 0, err
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        tamper(conn)
    finally:
        conn.close()
    return copy


def test_a_sound_record_checks_ok(record: Path) -> None:
    code, out, err = run(record, "check")
    assert code == 0, err
    assert "hash chains" in out


@pytest.mark.parametrize("case", list(CASES))
def test_check_names_the_tampering_and_restore_refuses_it(
    record: Path, tmp_path: Path, case: str
) -> None:
    tamper, named = CASES[case]
    copy = _tampered(record, tmp_path, tamper)
    code, _out, err = run(copy, "check")
    assert code == 3
    assert named in err
    before = content_hash(record)
    code, _out, err = run(record, "restore", str(copy), "--yes")
    assert code == 3
    assert named in err and "nothing was changed" in err
    assert content_hash(record) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_a_file_with_only_an_alembic_version_table_is_refused(record: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.db"
    conn = sqlite3.connect(bare)
    conn.executescript(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
        "INSERT INTO alembic_version VALUES ('0003');"
    )
    conn.close()
    bare.chmod(0o600)
    code, _out, err = run(bare, "check")
    assert code == 3
    assert "table review is missing" in err
    before = content_hash(record)
    code, _out, err = run(record, "restore", str(bare), "--yes")
    assert code == 3
    assert "table audit_log is missing" in err
    assert content_hash(record) == before


def test_an_older_backup_is_checked_against_its_own_schema_and_sealed_on_restore(
    record: Path, tmp_path: Path
) -> None:
    from test_migrations import database_at

    old = tmp_path / "old.db"
    database_at(old, "0002")
    code, _out, err = run(old, "check")
    assert code == 0, err
    code, _out, err = run(record, "restore", str(old), "--yes")
    assert code == 0, err
    assert run(record, "check")[0] == 0


def test_the_stored_schema_fingerprints_are_the_migrations(tmp_path: Path) -> None:
    stored = expected_fingerprints()
    scratch = tmp_path / "fingerprints"
    scratch.mkdir()
    target = tmp_path / "schema.json"
    original = Path(__file__).parents[1] / "src" / "accountreview" / "db" / "schema.json"
    shutil.copy(original, target)
    from accountreview.db import schema_check

    schema_check.FINGERPRINTS = target  # rewrite a copy, never the package's file
    try:
        write_fingerprints(scratch)
        expected_fingerprints.cache_clear()
        assert expected_fingerprints() == stored, (
            "the migrations changed: run `python -m accountreview.db.schema_check`"
        )
    finally:
        schema_check.FINGERPRINTS = original
        expected_fingerprints.cache_clear()
    conn = sqlite3.connect(scratch / "schema-0003.db")
    assert sum(k.startswith("trigger ") for k in fingerprint(conn)) == 16
    conn.close()


def test_a_0002_database_gets_its_record_chained_by_the_upgrade(tmp_path: Path) -> None:
    from accountreview.db.connection import open_database
    from test_migrations import database_at

    path = tmp_path / "old.db"
    database_at(path, "0002")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        INSERT INTO rep (id, name, email, role, created_at)
            VALUES ('r1', 'Ann Lee', 'ann@example.com', 'rep', '2026-01-01');
        INSERT INTO account (id, name, rep_id, is_top, potential, current, discount_pct,
            rebate_pct, uplift_pct, created_at)
            VALUES ('a1', 'Acme', 'r1', 1, 100, 10, 0, 0, 0, '2026-01-01');
        INSERT INTO review (id, account_id, week, status, close_count, opened_at)
            VALUES ('v1', 'a1', '2026-W47', 'open', 0, '2026-11-16');
        INSERT INTO audit_log (id, at, actor_id, action, review_id, close_number, reason) VALUES
            ('l3', '2026-11-18 10:00:00', 'r1', 'review.closed', 'v1', 2, NULL),
            ('l1', '2026-11-17 09:00:00', 'r1', 'review.closed', 'v1', 1, NULL),
            ('l2', '2026-11-17 12:00:00', 'r1', 'review.reopened', 'v1', 1, 'typo');
        """
        + "".join(
            f"INSERT INTO stakeholder (id, account_id, name, created_at)"
            f" VALUES ('s{n}', 'a1', 'Person {n}', '2026-01-01');"
            f"INSERT INTO review_slot (id, review_id, position, stakeholder_id,"
            f" confirmed_in_role_on, updated_at) VALUES ('sl{n}', 'v1', {n}, 's{n}',"
            f" {'NULL' if n == 2 else repr('2026-11-17')}, '2026-11-17');"
            for n in range(1, 6)
        )
        + "".join(
            f"INSERT INTO review_snapshot (id, review_id, close_number, position, stakeholder_id,"
            f" name, taken_at) VALUES ('n{close}{n}', 'v1', {close}, {n}, 's{n}', 'Person {n}',"
            f" '2026-11-1{6 + close} 09:00:00');"
            for close in (1, 2)
            for n in range(1, 6)
        )
        + """
        UPDATE review SET status = 'closed', close_count = 2, closed_at = '2026-11-18 10:00:00'
            WHERE id = 'v1';
        """
    )
    conn.commit()
    conn.close()
    open_database(path).close()
    conn = sqlite3.connect(path)
    order = conn.execute("SELECT id FROM audit_log ORDER BY seq").fetchall()
    assert [r[0] for r in order] == ["l1", "l2", "l3"]  # linked in the order written
    confirmed = conn.execute(
        "SELECT close_number, position, confirmed_in_role FROM review_snapshot"
        " WHERE position <= 2 ORDER BY seq"
    ).fetchall()
    # Known only for the close that still stands (its slots are frozen as they were).
    assert confirmed == [(1, 1, None), (1, 2, None), (2, 1, 1), (2, 2, 0)]
    conn.close()
    code, _out, err = run(path, "check")
    assert code == 0, err


def test_frozen_rows_slipped_into_an_open_review_are_refused_at_close_and_named_by_check(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    from accountreview.services.lookup import resolve_stakeholder
    from accountreview.services.stakeholders import set_next_contact

    account = resolve_account(ws, seeded.account_id)
    reviews.open_review(ws, account, WEEK)
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), WEEK.monday)
    ws.close()
    conn = sqlite3.connect(db_path)  # a plain INSERT the triggers let through (open review)
    conn.execute(
        "INSERT INTO review_snapshot (id, review_id, close_number, position, stakeholder_id,"
        " name, taken_at, origin, seq, hash) SELECT 'ghost', id, 1, 1, ?, 'Ghost', '2026-11-23',"
        " (SELECT value FROM sync_state WHERE key = 'device'), 1, ? FROM review",
        (seeded.people["ceo"], "f" * 64),
    )
    conn.commit()
    conn.close()
    code, _out, err = run(db_path, "check")
    assert code == 3
    assert "review_snapshot (device" in err and "): entry 1 does not match its hash" in err
    assert "(open) was closed 0 time(s), but the record holds 0 logged close(s)" in err
    before = content_hash(db_path)
    five = [f"--slot={n}={k}@acme.example" for n, k in enumerate(FIVE, start=1)]
    code, _out, err = run(db_path, "review", "Acme Corp", *five, "--close")
    assert code == 3
    assert "run `accountreview check`" in err and "Nothing was saved" in err
    assert content_hash(db_path) == before


def test_0003_downgrades_to_exactly_the_0002_schema(tmp_path: Path) -> None:
    from alembic import command

    from accountreview.db.files import create_private_file
    from accountreview.db.migrate import alembic_config, sqlalchemy_engine, upgrade_to_head

    path = tmp_path / "down.db"
    create_private_file(path)
    upgrade_to_head(path)
    config, engine = alembic_config(), sqlalchemy_engine(path)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    try:
        assert fingerprint(conn) == expected_fingerprints()["0002"]
    finally:
        conn.close()
