"""The database itself refuses what must never happen; connections are set up right."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from accountreview.db.connection import REVISIONS, SCHEMA_HEAD, connect, open_database
from accountreview.db.errors import DatabaseProblem
from accountreview.domain.dates import IsoWeek
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded

WEEK = IsoWeek.of(TODAY)
FIVE = ("ceo", "cio", "buyer", "champ", "user")


def closed_review(ws: Workspace, seeded: Seeded) -> str:
    from accountreview.services.lookup import resolve_stakeholder
    from accountreview.services.stakeholders import set_next_contact

    account = resolve_account(ws, seeded.account_id)
    for position, key in enumerate(FIVE, start=1):
        reviews.set_slot(ws, account, WEEK, position, seeded.people[key])
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    reviews.close_review(ws, account, WEEK)
    row = ws.db.conn.execute("SELECT id FROM review").fetchone()
    return str(row[0])


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection, as a user poking at the file with sqlite3 would have."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_new_database_is_private_and_wal(db_path: Path, ws: Workspace) -> None:
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    conn = ws.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_write_transactions_begin_immediate(db_path: Path, ws: Workspace) -> None:
    """While one connection holds a write transaction, another cannot start one."""
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0.05)
    with ws.db.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")


def test_raw_update_of_closed_review_fails(db_path: Path, ws: Workspace, seeded: Seeded) -> None:
    review_id = closed_review(ws, seeded)
    conn = raw(db_path)
    statements = [
        ("UPDATE review SET status = 'open' WHERE id = ?", "read-only"),
        ("UPDATE review SET week = '2020-W01' WHERE id = ?", "read-only"),
        ("DELETE FROM review WHERE id = ?", "read-only"),
        ("UPDATE review_slot SET stakeholder_id = NULL WHERE review_id = ?", "read-only"),
        ("DELETE FROM review_slot WHERE review_id = ?", "read-only"),
        ("UPDATE review_snapshot SET name = 'x' WHERE review_id = ?", "frozen"),
        ("DELETE FROM review_snapshot WHERE review_id = ?", "frozen"),
        ("UPDATE audit_log SET reason = 'x' WHERE review_id = ?", "append-only"),
        ("DELETE FROM audit_log WHERE review_id = ?", "append-only"),
    ]
    for sql, message in statements:
        with pytest.raises(sqlite3.IntegrityError, match=message):
            conn.execute(sql, (review_id,))
    status = conn.execute("SELECT status FROM review WHERE id = ?", (review_id,)).fetchone()[0]
    assert status == "closed"
    assert conn.execute("SELECT count(*) FROM review_snapshot").fetchone()[0] == 5


def test_slot_cannot_be_added_to_closed_review(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    review_id = closed_review(ws, seeded)
    with pytest.raises(sqlite3.IntegrityError, match=r"read-only|already exists"):
        raw(db_path).execute(
            "INSERT INTO review_slot (id, review_id, position, updated_at)"
            " VALUES ('x', ?, 1, '2026-01-01')",
            (review_id,),
        )


def test_one_review_per_account_and_week(db_path: Path, ws: Workspace, seeded: Seeded) -> None:
    reviews.open_review(ws, resolve_account(ws, seeded.account_id), WEEK)
    with pytest.raises(sqlite3.IntegrityError, match="once per account and week"):
        raw(db_path).execute(
            "INSERT INTO review (id, account_id, week, status, close_count, opened_at)"
            " VALUES ('dup', ?, ?, 'open', 0, '2026-01-01')",
            (seeded.account_id, str(WEEK)),
        )


def test_reopen_through_service_is_logged(ws: Workspace, seeded: Seeded) -> None:
    review_id = closed_review(ws, seeded)
    account = resolve_account(ws, seeded.account_id)
    ws.actor_id = seeded.rep_id
    view = reviews.reopen_review(ws, account, WEEK, "Champion changed jobs")
    assert view.status.value == "open"
    rows = ws.db.conn.execute(
        "SELECT action, reason, close_number FROM audit_log WHERE review_id = ? ORDER BY at",
        (review_id,),
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("review.closed", None, 1),
        ("review.reopened", "Champion changed jobs", 1),
    ]


def test_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem) as caught:
        open_database(tmp_path / "nope.db")
    assert caught.value.not_found
    assert not (tmp_path / "nope.db").exists()


def test_foreign_file_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite at all, just text " * 100)
    with pytest.raises(DatabaseProblem, match="not an accountreview database"):
        open_database(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(DatabaseProblem, match="not an accountreview database"):
        open_database(other)


def test_newer_schema_is_refused(db_path: Path, ws: Workspace) -> None:
    ws.db.conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseProblem, match="newer accountreview"):
        open_database(db_path)


def test_revisions_match_alembic_scripts() -> None:
    from alembic.script import ScriptDirectory

    from accountreview.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() == SCHEMA_HEAD
    chain = [s.revision for s in script.walk_revisions()]
    assert list(reversed(chain)) == list(REVISIONS)


def test_models_and_migrations_agree(db_path: Path, ws: Workspace) -> None:
    """Every model change comes with a migration: autogenerate finds no difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from accountreview.db import models  # noqa: F401
    from accountreview.db.migrate import sqlalchemy_engine

    engine = sqlalchemy_engine(db_path)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_older_schema_is_upgraded_on_open_after_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database at an older revision is copied, then upgraded on open."""
    path = tmp_path / "old.db"
    open_database(path, create=True).close()
    conn = connect(path)
    # Pretend the file is one revision behind by stamping a fake older revision that we
    # register for this test only.
    conn.execute("UPDATE alembic_version SET version_num = '0000'")
    conn.close()
    import accountreview.db.connection as connection
    from accountreview.db import migrate

    monkeypatch.setattr(connection, "REVISIONS", ("0000", *connection.REVISIONS))
    calls: list[Path] = []

    def fake_upgrade(p: Path, revision: str = "head") -> None:
        calls.append(p)
        c = connect(p)
        c.execute("UPDATE alembic_version SET version_num = ?", (SCHEMA_HEAD,))
        c.close()

    monkeypatch.setattr(migrate, "upgrade_to_head", fake_upgrade)
    open_database(path).close()
    assert calls == [path]
    copies = list(tmp_path.glob("old.db.schema-0000-*.bak"))
    assert len(copies) == 1
    assert stat.S_IMODE(os.stat(copies[0]).st_mode) == 0o600
    assert (
        sqlite3.connect(copies[0]).execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == "0000"
    )
