"""ids that are the same everywhere, a hash chain per device, and what sync needs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

For the team hub (issue 15). Reps, stakeholders, reviews and slots (and records
linked to a CRM) get the ids `domain.ids` derives, so two laptops' copies of one
row merge by id; every column pointing at them follows, frozen rows included
(`db.rekey`). The hash chains are verified first: a broken chain stops the upgrade
with its problems and nothing changed (restore a backup first).

Audit entries and snapshot rows get `origin`, the device that wrote them; each
device's rows form a chain of their own (`seq` counts per origin, `origin` is hashed),
so laptops append offline and merge later. The existing rows become this device's
chain, re-sealed over their new ids. When two laptops closed one review offline,
both fives are kept (one per origin at that close number).

`sync_state` (key/value: `device`, made here; `hub`, `cursor`...), `sync_outbox`
(filled only by triggers, and only once a hub is set and while not applying pulled
rows) and `sync_conflict` are added.

The freezing triggers are set aside while rows are rewritten and put back after,
changed where pulled rows must pass: a pulled frozen row may be inserted (while
`applying` is set), never changed.
"""

import importlib.util
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPLYING = "EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying')"
_HUB_SET = "EXISTS (SELECT 1 FROM sync_state WHERE key = 'hub')"
_DEVICE = "(SELECT value FROM sync_state WHERE key = 'device')"
_CLOSED = "closed review is read-only: reopen it in accountreview (a reason is required)"


def _last(column: str) -> str:
    """SQL: `column` of the audit entry written last (seq counts per device now)."""
    return f"(SELECT {column} FROM audit_log ORDER BY rowid DESC LIMIT 1)"


def _max_seq(table: str) -> str:
    return f"coalesce((SELECT max(seq) FROM {table} WHERE origin = NEW.origin), 0)"


# A close number a row may carry: the open review's next close, or (pulled) one that
# already stood or stands. 0 when the review is missing: no close number passes.
_NEXT_CLOSE = "coalesce((SELECT close_count + 1 FROM review WHERE id = NEW.review_id), 0)"
_PULLED_CLOSE = (
    "coalesce((SELECT close_count + (status = 'open') FROM review WHERE id = NEW.review_id), 0)"
)
_STATUS = "(SELECT status FROM review WHERE id = NEW.review_id)"

FROZEN_TRIGGERS = {
    "review_closed_no_update": f"""
    CREATE TRIGGER review_closed_no_update BEFORE UPDATE ON review
    WHEN OLD.status = 'closed' AND NOT (
        NEW.status = 'open' AND NEW.id = OLD.id AND NEW.account_id = OLD.account_id
        AND NEW.week = OLD.week AND NEW.close_count = OLD.close_count
        AND NEW.closed_at IS NULL AND NEW.closed_by_id IS NULL
        AND {_last("review_id")} = OLD.id
        AND {_last("action")} = 'review.reopened'
        AND {_last("close_number")} = OLD.close_count
    ) AND NOT (
        {_APPLYING} AND NEW.status = OLD.status AND NEW.close_count = OLD.close_count
        AND NEW.id = OLD.id AND NEW.account_id = OLD.account_id AND NEW.week = OLD.week
    )
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """,
    "review_open_update_rules": f"""
    CREATE TRIGGER review_open_update_rules BEFORE UPDATE ON review
    WHEN OLD.status = 'open' AND (
        NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id
        OR NEW.week IS NOT OLD.week
        OR (NEW.status = 'open' AND NEW.close_count IS NOT OLD.close_count)
        OR (NEW.status = 'closed' AND NOT (
            NEW.close_count = OLD.close_count + 1
            AND (SELECT count(*) FROM review_snapshot
                 WHERE review_id = OLD.id AND close_number = NEW.close_count
                 AND origin = {_last("origin")}) = 5
            AND {_last("review_id")} = OLD.id
            AND {_last("action")} = 'review.closed'
            AND {_last("close_number")} = NEW.close_count
        ))
    )
    BEGIN SELECT RAISE(ABORT, 'a review closes only in accountreview, with its five frozen'); END
    """,
    "review_snapshot_insert_rules": f"""
    CREATE TRIGGER review_snapshot_insert_rules BEFORE INSERT ON review_snapshot
    WHEN NEW.position IS NULL OR NEW.position NOT BETWEEN 1 AND 5
      OR NEW.hash IS NULL OR NEW.seq IS NULL OR NEW.origin IS NULL OR NEW.origin = ''
      OR EXISTS (SELECT 1 FROM review_snapshot WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM review_snapshot WHERE origin = NEW.origin AND seq = NEW.seq)
      OR EXISTS (SELECT 1 FROM review_snapshot WHERE review_id = NEW.review_id
                 AND close_number = NEW.close_number AND origin = NEW.origin
                 AND position = NEW.position)
      OR CASE WHEN {_APPLYING}
         THEN NEW.seq <= {_max_seq("review_snapshot")}
           OR NEW.close_number IS NULL OR NEW.close_number < 1
           OR NEW.close_number > {_PULLED_CLOSE}
         ELSE {_STATUS} IS NOT 'open' OR NEW.close_number IS NOT {_NEXT_CLOSE}
           OR NEW.origin IS NOT {_DEVICE}
           OR NEW.seq IS NOT {_max_seq("review_snapshot")} + 1
         END
    BEGIN SELECT RAISE(ABORT, 'review snapshots are frozen'); END
    """,
    "audit_log_insert_rules": f"""
    CREATE TRIGGER audit_log_insert_rules BEFORE INSERT ON audit_log
    WHEN NEW.hash IS NULL OR NEW.seq IS NULL OR NEW.origin IS NULL OR NEW.origin = ''
      OR EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM audit_log WHERE origin = NEW.origin AND seq = NEW.seq)
      OR CASE WHEN {_APPLYING}
         THEN NEW.seq <= {_max_seq("audit_log")}
         ELSE NEW.origin IS NOT {_DEVICE} OR NEW.seq IS NOT {_max_seq("audit_log")} + 1
         END
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    "audit_log_reopen_rules": f"""
    CREATE TRIGGER audit_log_reopen_rules BEFORE INSERT ON audit_log
    WHEN NEW.action = 'review.reopened' AND (
        NEW.actor_id IS NULL OR NEW.reason IS NULL OR trim(NEW.reason) = ''
        OR EXISTS (SELECT 1 FROM audit_log WHERE review_id = NEW.review_id
                   AND action = 'review.reopened' AND close_number = NEW.close_number
                   AND (origin = NEW.origin OR NOT {_APPLYING}))
        OR CASE WHEN {_APPLYING}
           THEN NEW.close_number IS NULL OR NEW.close_number < 1
             OR NEW.close_number >= {_NEXT_CLOSE}
           ELSE {_STATUS} IS NOT 'closed' OR NEW.close_number IS NOT {_NEXT_CLOSE} - 1
           END
    )
    BEGIN SELECT RAISE(ABORT, 'a reopen names who reopened a closed review, and why'); END
    """,
    "audit_log_close_rules": f"""
    CREATE TRIGGER audit_log_close_rules BEFORE INSERT ON audit_log
    WHEN NEW.action = 'review.closed' AND (
        (SELECT count(*) FROM review_snapshot WHERE review_id = NEW.review_id
         AND close_number = NEW.close_number AND origin = NEW.origin) != 5
        OR EXISTS (SELECT 1 FROM audit_log WHERE review_id = NEW.review_id
                   AND action = 'review.closed' AND close_number = NEW.close_number
                   AND origin = NEW.origin)
        OR CASE WHEN {_APPLYING}
           THEN NEW.close_number IS NULL OR NEW.close_number < 1
             OR NEW.close_number > {_PULLED_CLOSE}
           ELSE {_STATUS} IS NOT 'open' OR NEW.close_number IS NOT {_NEXT_CLOSE}
           END
    )
    BEGIN SELECT RAISE(ABORT, 'a close is logged only with its five frozen'); END
    """,
}

# The synced tables and the columns whose changes the outbox carries (review_slot's
# updated_at is local only; ids, creation stamps and CRM links never change). Written
# out, not imported: a migration makes the schema of its day (`db.sync.MUTABLE` is
# checked against these triggers by tests/test_sync_local.py).
MUTABLE: dict[str, tuple[str, ...]] = {
    "rep": ("name", "role", "manager_id"),
    "account": (
        "name",
        "rep_id",
        "is_top",
        "potential",
        "current",
        "list_price",
        "discount_pct",
        "rebate_pct",
        "uplift_pct",
        "signed_on",
        "live_on",
        "paid_on",
        "lost_on",
        "churned_on",
        "contract",
        "contract_start",
        "cio_signoff_on",
        "procurement_signoff_on",
        "penetration_target_pct",
    ),
    "stakeholder": (
        "name",
        "email",
        "title",
        "level",
        "role",
        "left_on",
        "next_contact_on",
    ),
    "touch": (),
    "review": ("status", "close_count", "closed_at", "closed_by_id"),
    "review_slot": ("stakeholder_id", "confirmed_in_role_on"),
    "review_snapshot": (),
    "audit_log": (),
}
_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_CHANGE_ID = "lower(hex(randomblob(16)))"


def outbox_triggers() -> dict[str, str]:
    """Name -> SQL of the triggers that fill `sync_outbox`."""
    when = f"WHEN {_HUB_SET} AND NOT {_APPLYING}"
    triggers: dict[str, str] = {}
    for table, columns in MUTABLE.items():
        triggers[f"sync_outbox_{table}_insert"] = (
            f"CREATE TRIGGER sync_outbox_{table}_insert AFTER INSERT ON {table} {when}"
            " BEGIN INSERT INTO sync_outbox (change_id, kind, tbl, row_id, made_at)"
            f" VALUES ({_CHANGE_ID}, 'insert', '{table}', NEW.id, {_NOW}); END"
        )
        if not columns:
            continue
        body = "".join(
            " INSERT INTO sync_outbox"
            " (change_id, kind, tbl, row_id, field, old_value, new_value, made_at)"
            f" SELECT {_CHANGE_ID}, 'update', '{table}', NEW.id, '{column}',"
            f" json_quote(OLD.{column}), json_quote(NEW.{column}), {_NOW}"
            f" WHERE OLD.{column} IS NOT NEW.{column};"
            for column in columns
        )
        triggers[f"sync_outbox_{table}_update"] = (
            f"CREATE TRIGGER sync_outbox_{table}_update AFTER UPDATE ON {table} {when}"
            f" BEGIN{body} END"
        )
    return triggers


def _raw() -> sqlite3.Connection:
    conn = op.get_bind().connection.dbapi_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


def _triggers(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    return {str(name): str(sql) for name, sql in rows}


def _refuse_broken_chains(conn: sqlite3.Connection) -> None:
    from accountreview.db.errors import DatabaseDamaged
    from accountreview.db.schema_check import chain_problems_of

    problems = chain_problems_of(conn, "0003")
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise DatabaseDamaged(
            "Cannot upgrade to schema 0004: the record's hash chains are broken, so they"
            f" cannot be re-sealed:\n{listed}\nNothing was changed. Restore a sound backup"
            " first (accountreview restore)."
        )


def _sync_tables() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("change_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tbl", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("old_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("new_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("made_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint("kind IN ('insert', 'update')", name="sync_outbox_kind"),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("change_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tbl", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("mine", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("theirs", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("made_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def _origin_column() -> sa.Column[str]:
    return sa.Column(
        "origin", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
    )


_SNAPSHOT_COLUMNS = (
    "id, review_id, close_number, position, stakeholder_id, name, title, level, role,"
    " last_contact_on, next_contact_on, taken_at, confirmed_in_role, seq, hash"
)
_SNAPSHOT_HEAD = """
    id CHAR(32) NOT NULL, review_id CHAR(32) NOT NULL, close_number INTEGER NOT NULL,
    position INTEGER NOT NULL, stakeholder_id CHAR(32) NOT NULL, name VARCHAR NOT NULL,
    title VARCHAR, level VARCHAR, role VARCHAR, last_contact_on DATE, next_contact_on DATE,
    taken_at DATETIME NOT NULL,"""
_SNAPSHOT_TAIL = """
    PRIMARY KEY (id),
    FOREIGN KEY(review_id) REFERENCES review (id),
    FOREIGN KEY(stakeholder_id) REFERENCES stakeholder (id),"""
# review_snapshot as 0004 makes it: `origin`, and one five per origin at a close number.
SNAPSHOT_0004 = f"""CREATE TABLE review_snapshot ({_SNAPSHOT_HEAD}
    confirmed_in_role BOOLEAN, origin VARCHAR NOT NULL, seq INTEGER, hash VARCHAR,{_SNAPSHOT_TAIL}
    CONSTRAINT uq_snapshot_slot UNIQUE (review_id, close_number, origin, position)
)"""
# ... and as 0003 left it (its text, for the downgrade to match that schema exactly).
SNAPSHOT_0003 = f"""CREATE TABLE review_snapshot ({_SNAPSHOT_HEAD}
    confirmed_in_role BOOLEAN, seq INTEGER, hash VARCHAR, {_SNAPSHOT_TAIL}
    CONSTRAINT uq_snapshot_slot UNIQUE (review_id, close_number, position)
)"""


def _rebuild_snapshots(create: str, columns: str, values: str) -> None:
    """Rebuild review_snapshot from `create` (SQLite cannot change a table's UNIQUE
    constraint in place), copying `columns` from `values`. The old table is renamed
    first so that the new one's text is exactly `create`."""
    op.execute("ALTER TABLE review_snapshot RENAME TO review_snapshot_old")
    op.execute(create)
    op.execute(
        f"INSERT INTO review_snapshot ({columns}) SELECT {values} FROM review_snapshot_old"
        " ORDER BY rowid"
    )
    op.execute("DROP TABLE review_snapshot_old")


def upgrade() -> None:
    from accountreview.db.chain import CHAINED, reseal
    from accountreview.db.rekey import rekey

    conn = _raw()
    _refuse_broken_chains(conn)
    op.create_table(
        "sync_state",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute(f"INSERT INTO sync_state (key, value) VALUES ('device', {_CHANGE_ID})")
    saved = _triggers(conn)
    for name in saved:
        op.execute(f"DROP TRIGGER {name}")
    rekey(conn)
    op.execute("DROP INDEX uq_review_snapshot_seq")
    _rebuild_snapshots(
        SNAPSHOT_0004, f"{_SNAPSHOT_COLUMNS}, origin", f"{_SNAPSHOT_COLUMNS}, {_DEVICE}"
    )
    op.create_index(
        "uq_review_snapshot_origin_seq", "review_snapshot", ["origin", "seq"], unique=True
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(_origin_column())
        batch_op.drop_index("uq_audit_log_seq")
        batch_op.create_index("uq_audit_log_origin_seq", ["origin", "seq"], unique=True)
    op.execute(f"UPDATE audit_log SET origin = {_DEVICE}")
    for table in CHAINED:
        reseal(conn, table, CHAINED[table])
    _sync_tables()
    for name, sql in saved.items():
        if name not in FROZEN_TRIGGERS:
            op.execute(sql)
    for sql in (*FROZEN_TRIGGERS.values(), *outbox_triggers().values()):
        op.execute(sql)


def _revision_0003() -> ModuleType:
    path = Path(__file__).with_name("0003_record_chain.py")
    spec = importlib.util.spec_from_file_location("accountreview_migration_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    """Back to one chain per table (refused by SQLite if two devices' rows are in it).
    The derived ids stay: they are valid ids of the older schema too."""
    from accountreview.db.chain import chained_columns, reseal

    conn = _raw()
    saved = _triggers(conn)
    for name in saved:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("sync_conflict")
    op.drop_table("sync_outbox")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("uq_audit_log_origin_seq")
        batch_op.create_index("uq_audit_log_seq", ["seq"], unique=True)
    op.execute("ALTER TABLE audit_log DROP COLUMN origin")
    op.execute("DROP INDEX uq_review_snapshot_origin_seq")
    _rebuild_snapshots(SNAPSHOT_0003, _SNAPSHOT_COLUMNS, _SNAPSHOT_COLUMNS)
    op.create_index("uq_review_snapshot_seq", "review_snapshot", ["seq"], unique=True)
    for table in ("audit_log", "review_snapshot"):
        reseal(conn, table, chained_columns(table, "0003"))
    op.drop_table("sync_state")
    old = _revision_0003()
    replaced = set(FROZEN_TRIGGERS) | set(outbox_triggers())
    for name, sql in saved.items():
        if name not in replaced:
            op.execute(sql)
    for name, sql in zip(old.TRIGGER_NAMES, old.TRIGGERS, strict=True):
        if name in FROZEN_TRIGGERS:
            op.execute(sql)
