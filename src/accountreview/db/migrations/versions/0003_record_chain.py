"""a record that cannot be forged and tells when it was changed

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Frozen means frozen against every statement. SQLite's `INSERT OR REPLACE`
deletes the row it replaces without firing DELETE triggers, so every table of
the record gets a BEFORE INSERT trigger that refuses a row whose key already
exists: a review, a slot, a snapshot row, an audit entry. A snapshot row can
only be written for an open review's next close (positions 1 to 5), never into
a closed review. A review closes only with its five frozen and a `review.closed`
entry just written, and reopens only right after a `review.reopened` entry that
names who and why (one per close).

Tamper-evident: audit entries and snapshot rows carry `seq` and `hash`, chained
(see `domain.chain`); existing rows are linked here in the order they were
written. Snapshots also keep `confirmed_in_role`; for a review that is closed
now it is read from its frozen slots, for earlier closes it is unknown (NULL).

Columns and indexes are added in place (no table is rebuilt), so the rows and
the other triggers stay as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = "closed review is read-only: reopen it in accountreview (a reason is required)"
_LAST_AUDIT = "(SELECT {column} FROM audit_log ORDER BY seq DESC LIMIT 1)"


def _last(column: str) -> str:
    return _LAST_AUDIT.format(column=column)


# The 0001 trigger this revision replaces, as it was (for the downgrade).
OLD_REVIEW_UPDATE = f"""
    CREATE TRIGGER review_closed_no_update BEFORE UPDATE ON review
    WHEN OLD.status = 'closed' AND NOT (
        NEW.status = 'open' AND NEW.id = OLD.id AND NEW.account_id = OLD.account_id
        AND NEW.week = OLD.week AND NEW.close_count = OLD.close_count
        AND EXISTS (
            SELECT 1 FROM audit_log
            WHERE review_id = OLD.id AND action = 'review.reopened'
              AND close_number = OLD.close_count
        )
    )
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """

TRIGGERS = (
    f"""
    CREATE TRIGGER review_closed_no_update BEFORE UPDATE ON review
    WHEN OLD.status = 'closed' AND NOT (
        NEW.status = 'open' AND NEW.id = OLD.id AND NEW.account_id = OLD.account_id
        AND NEW.week = OLD.week AND NEW.close_count = OLD.close_count
        AND NEW.closed_at IS NULL AND NEW.closed_by_id IS NULL
        AND {_last("review_id")} = OLD.id
        AND {_last("action")} = 'review.reopened'
        AND {_last("close_number")} = OLD.close_count
    )
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """,
    f"""
    CREATE TRIGGER review_open_update_rules BEFORE UPDATE ON review
    WHEN OLD.status = 'open' AND (
        NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id
        OR NEW.week IS NOT OLD.week
        OR (NEW.status = 'open' AND NEW.close_count IS NOT OLD.close_count)
        OR (NEW.status = 'closed' AND NOT (
            NEW.close_count = OLD.close_count + 1
            AND (SELECT count(*) FROM review_snapshot
                 WHERE review_id = OLD.id AND close_number = NEW.close_count) = 5
            AND {_last("review_id")} = OLD.id
            AND {_last("action")} = 'review.closed'
            AND {_last("close_number")} = NEW.close_count
        ))
    )
    BEGIN SELECT RAISE(ABORT, 'a review closes only in accountreview, with its five frozen'); END
    """,
    """
    CREATE TRIGGER review_insert_rules BEFORE INSERT ON review
    WHEN NEW.status IS NOT 'open' OR NEW.close_count IS NOT 0
      OR NEW.closed_at IS NOT NULL OR NEW.closed_by_id IS NOT NULL
      OR EXISTS (SELECT 1 FROM review WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM review WHERE account_id = NEW.account_id AND week = NEW.week)
    BEGIN SELECT RAISE(ABORT, 'a review starts open, once per account and week'); END
    """,
    """
    CREATE TRIGGER review_slot_no_replace BEFORE INSERT ON review_slot
    WHEN EXISTS (SELECT 1 FROM review_slot WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM review_slot WHERE review_id = NEW.review_id
                 AND position = NEW.position)
    BEGIN SELECT RAISE(ABORT, 'that review slot already exists'); END
    """,
    """
    CREATE TRIGGER review_snapshot_insert_rules BEFORE INSERT ON review_snapshot
    WHEN NEW.position IS NULL OR NEW.position NOT BETWEEN 1 AND 5
      OR (SELECT status FROM review WHERE id = NEW.review_id) IS NOT 'open'
      OR NEW.close_number IS NOT (SELECT close_count + 1 FROM review WHERE id = NEW.review_id)
      OR NEW.hash IS NULL
      OR NEW.seq IS NOT coalesce((SELECT max(seq) FROM review_snapshot), 0) + 1
      OR EXISTS (SELECT 1 FROM review_snapshot WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM review_snapshot WHERE seq = NEW.seq)
      OR EXISTS (SELECT 1 FROM review_snapshot WHERE review_id = NEW.review_id
                 AND close_number = NEW.close_number AND position = NEW.position)
    BEGIN SELECT RAISE(ABORT, 'review snapshots are frozen'); END
    """,
    """
    CREATE TRIGGER audit_log_insert_rules BEFORE INSERT ON audit_log
    WHEN NEW.hash IS NULL
      OR NEW.seq IS NOT coalesce((SELECT max(seq) FROM audit_log), 0) + 1
      OR EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    """
    CREATE TRIGGER audit_log_reopen_rules BEFORE INSERT ON audit_log
    WHEN NEW.action = 'review.reopened' AND (
        NEW.actor_id IS NULL OR NEW.reason IS NULL OR trim(NEW.reason) = ''
        OR (SELECT status FROM review WHERE id = NEW.review_id) IS NOT 'closed'
        OR NEW.close_number IS NOT (SELECT close_count FROM review WHERE id = NEW.review_id)
        OR EXISTS (SELECT 1 FROM audit_log WHERE review_id = NEW.review_id
                   AND action = 'review.reopened' AND close_number = NEW.close_number)
    )
    BEGIN SELECT RAISE(ABORT, 'a reopen names who reopened a closed review, and why'); END
    """,
    """
    CREATE TRIGGER audit_log_close_rules BEFORE INSERT ON audit_log
    WHEN NEW.action = 'review.closed' AND (
        (SELECT status FROM review WHERE id = NEW.review_id) IS NOT 'open'
        OR NEW.close_number IS NOT (SELECT close_count + 1 FROM review WHERE id = NEW.review_id)
        OR (SELECT count(*) FROM review_snapshot
            WHERE review_id = NEW.review_id AND close_number = NEW.close_number) != 5
    )
    BEGIN SELECT RAISE(ABORT, 'a close is logged only with its five frozen'); END
    """,
)
TRIGGER_NAMES = (
    "review_closed_no_update",
    "review_open_update_rules",
    "review_insert_rules",
    "review_slot_no_replace",
    "review_snapshot_insert_rules",
    "audit_log_insert_rules",
    "audit_log_reopen_rules",
    "audit_log_close_rules",
)
# 0001's triggers that refuse the UPDATEs this migration makes to link existing rows.
_SET_ASIDE = {
    "review_snapshot_no_update": "review snapshots are frozen",
    "audit_log_no_update": "the audit log is append-only",
}


def _frozen_update_trigger(name: str, message: str) -> str:
    table = name.removesuffix("_no_update")
    return (
        f"\n    CREATE TRIGGER {name} BEFORE UPDATE ON {table}\n"
        f"    BEGIN SELECT RAISE(ABORT, '{message}'); END\n    "
    )


def upgrade() -> None:
    from accountreview.db.chain import seal

    with op.batch_alter_table("review_snapshot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_in_role", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index("uq_review_snapshot_seq", ["seq"], unique=True)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index("uq_audit_log_seq", ["seq"], unique=True)
    for name in _SET_ASIDE:
        op.execute(f"DROP TRIGGER {name}")
    op.execute(
        "UPDATE review_snapshot SET confirmed_in_role = ("
        " SELECT s.confirmed_in_role_on IS NOT NULL FROM review_slot s"
        " WHERE s.review_id = review_snapshot.review_id AND s.position = review_snapshot.position"
        " AND s.stakeholder_id IS review_snapshot.stakeholder_id)"
        " WHERE close_number = (SELECT close_count FROM review r"
        " WHERE r.id = review_snapshot.review_id AND r.status = 'closed')"
    )
    seal(op.get_bind().connection.dbapi_connection, revision)  # the chains as 0003 made them
    for name, message in _SET_ASIDE.items():
        op.execute(_frozen_update_trigger(name, message))
    op.execute("DROP TRIGGER review_closed_no_update")
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+) keeps the 0001 triggers; a batch rebuild would not.
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(OLD_REVIEW_UPDATE)
    op.execute("DROP INDEX uq_audit_log_seq")
    op.execute("DROP INDEX uq_review_snapshot_seq")
    for table, columns in (
        ("audit_log", ("hash", "seq")),
        ("review_snapshot", ("hash", "seq", "confirmed_in_role")),
    ):
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
