"""Local migration 0007: the narrow exception for removing a departed account, and the
chained tables' insert rules it edits; down to exactly 0006 and up again."""

import sqlite3
from pathlib import Path

from accountreview.db.files import create_private_file
from accountreview.db.migrate import alembic_config, sqlalchemy_engine, upgrade_to_head
from accountreview.db.schema_check import expected_fingerprints, fingerprint


def migrate(path: Path, step: str, revision: str) -> None:
    from alembic import command

    config, engine = alembic_config(), sqlalchemy_engine(path)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            getattr(command, step)(config, revision)
    finally:
        engine.dispose()


def triggers(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return {str(name): str(sql) for name, sql in found}
    finally:
        conn.close()


def test_0007_downgrades_to_exactly_0006_and_upgrades_again(tmp_path: Path) -> None:
    path = tmp_path / "down.db"
    create_private_file(path)
    upgrade_to_head(path, "0007")
    at_head = triggers(path)
    assert "key = 'removing'" in at_head["audit_log_no_delete"]
    assert "chain-tail:audit_log:" in at_head["audit_log_insert_rules"]
    assert "THEN 0" in at_head["review_snapshot_insert_rules"]
    migrate(path, "downgrade", "0006")
    conn = sqlite3.connect(path)
    try:
        assert fingerprint(conn) == expected_fingerprints()["0006"]
    finally:
        conn.close()
    migrate(path, "upgrade", "0007")
    assert triggers(path) == at_head
    conn = sqlite3.connect(path)
    try:
        assert fingerprint(conn) == expected_fingerprints()["0007"]
    finally:
        conn.close()
