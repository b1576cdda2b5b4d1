"""Schema creation and upgrades with Alembic (loaded only when needed)."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accountreview.db.connection import BUSY_TIMEOUT_MS
from accountreview.db.files import create_private_file

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Any:
    """An Alembic config pointing at our migrations folder (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def sqlalchemy_engine(path: Path) -> Any:
    """A SQLAlchemy engine with the same per-connection pragmas as `db.connection`."""
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        for pragma in (
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "foreign_keys = ON",
            "synchronous = FULL",
            "journal_mode = WAL",
        ):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_to_head(path: Path, revision: str = "head") -> None:
    """Create or upgrade the schema of the database at `path` to the newest revision
    (or to `revision`)."""
    from alembic import command

    config = alembic_config()
    engine = sqlalchemy_engine(path)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: str) -> Path:
    """Copy the database beside itself before an upgrade; return the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    copy = path.with_name(f"{path.name}.schema-{version}-{stamp}.bak")
    create_private_file(copy)
    target = sqlite3.connect(copy)
    try:
        conn.backup(target)
    finally:
        target.close()
    return copy
