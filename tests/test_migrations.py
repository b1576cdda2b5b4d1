"""A database written by an older version is copied, then upgraded on open, rows kept."""

import sqlite3
from pathlib import Path

from accountreview.db.connection import (
    SCHEMA_HEAD,
    open_database,
    schema_version,
)
from accountreview.db.files import create_private_file
from accountreview.db.migrate import alembic_config, sqlalchemy_engine
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import open_workspace
from conftest import TODAY

SF = Path(__file__).resolve().parent.parent / "data" / "samples" / "salesforce"


def database_at(path: Path, revision: str) -> None:
    """A new database file at an older schema revision."""
    from alembic import command

    create_private_file(path)
    config = alembic_config()
    engine = sqlalchemy_engine(path)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def test_a_0001_database_is_upgraded_with_its_rows_and_triggers(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    database_at(path, "0001")
    raw = sqlite3.connect(path)
    raw.executescript(
        """
        INSERT INTO rep (id, name, email, role, created_at)
            VALUES ('r1', 'Ann Lee', 'ann@example.com', 'rep', '2026-01-01');
        INSERT INTO account (id, name, rep_id, is_top, potential, current, discount_pct,
            rebate_pct, uplift_pct, created_at)
            VALUES ('a1', 'Acme Logistics', 'r1', 1, 100, 10, 0, 0, 0, '2026-01-01');
        INSERT INTO stakeholder (id, account_id, name, created_at)
            VALUES ('s1', 'a1', 'Sam Okafor', '2026-01-01');
        INSERT INTO touch (id, stakeholder_id, touched_on, channel, created_at)
            VALUES ('t1', 's1', '2026-11-18', 'in-person', '2026-11-18');
        """
    )
    raw.commit()
    assert schema_version(raw) == "0001"
    raw.close()

    open_database(path).close()

    copies = list(tmp_path.glob("old.db.schema-0001-*.bak"))
    assert len(copies) == 1
    conn = sqlite3.connect(path)
    assert schema_version(conn) == SCHEMA_HEAD == "0007"
    assert conn.execute("SELECT name, crm_source, crm_id FROM account").fetchall() == [
        ("Acme Logistics", None, None)
    ]
    for table in ("rep", "account", "stakeholder", "touch"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 1, table
    triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
    assert triggers.fetchone()[0] == 29  # 16 keep the record frozen, 13 fill the sync outbox
    conn.close()

    ws = open_workspace(path, TODAY)
    try:
        report = import_file(ws, SF / "report-accounts.csv", options=ImportOptions(rep="Ann Lee"))
        assert report.updated == 1  # Acme Logistics, now linked to its Salesforce id
        assert resolve_account(ws, "Acme Logistics").rep_name == "Ann Lee"
    finally:
        ws.close()
