"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The first schema, with the triggers that make the database itself refuse what
must never happen: editing or deleting a closed review, its slots or its
snapshot, and changing the audit log. A closed review can only be reopened by
an UPDATE that sets it back to 'open' after an audit row recording that
reopen (who, when, why) has been written in the same transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = "closed review is read-only: reopen it in accountreview (a reason is required)"

TRIGGERS = (
    f"""
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
    """,
    f"""
    CREATE TRIGGER review_closed_no_delete BEFORE DELETE ON review
    WHEN OLD.status = 'closed'
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """,
    f"""
    CREATE TRIGGER review_slot_closed_no_insert BEFORE INSERT ON review_slot
    WHEN (SELECT status FROM review WHERE id = NEW.review_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """,
    f"""
    CREATE TRIGGER review_slot_closed_no_update BEFORE UPDATE ON review_slot
    WHEN (SELECT status FROM review WHERE id = OLD.review_id) = 'closed'
      OR (SELECT status FROM review WHERE id = NEW.review_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """,
    f"""
    CREATE TRIGGER review_slot_closed_no_delete BEFORE DELETE ON review_slot
    WHEN (SELECT status FROM review WHERE id = OLD.review_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """,
    """
    CREATE TRIGGER review_snapshot_no_update BEFORE UPDATE ON review_snapshot
    BEGIN SELECT RAISE(ABORT, 'review snapshots are frozen'); END
    """,
    """
    CREATE TRIGGER review_snapshot_no_delete BEFORE DELETE ON review_snapshot
    BEGIN SELECT RAISE(ABORT, 'review snapshots are frozen'); END
    """,
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
)
TRIGGER_NAMES = (
    "review_closed_no_update",
    "review_closed_no_delete",
    "review_slot_closed_no_insert",
    "review_slot_closed_no_update",
    "review_slot_closed_no_delete",
    "review_snapshot_no_update",
    "review_snapshot_no_delete",
    "audit_log_no_update",
    "audit_log_no_delete",
)


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "rep",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('rep', 'manager')", name="rep_role"),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["rep.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("is_top", sa.Boolean(), nullable=False),
        sa.Column("potential", sa.Integer(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("list_price", sa.Integer(), nullable=True),
        sa.Column("discount_pct", sa.Float(), nullable=False),
        sa.Column("rebate_pct", sa.Float(), nullable=False),
        sa.Column("uplift_pct", sa.Float(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("live_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("lost_on", sa.Date(), nullable=True),
        sa.Column("churned_on", sa.Date(), nullable=True),
        sa.Column("contract", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("cio_signoff_on", sa.Date(), nullable=True),
        sa.Column("procurement_signoff_on", sa.Date(), nullable=True),
        sa.Column("penetration_target_pct", sa.Float(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "contract IS NULL OR contract IN ('annual', 'monthly')", name="contract"
        ),
        sa.CheckConstraint("potential >= 0 AND current >= 0", name="account_sizes"),
        sa.ForeignKeyConstraint(
            ["rep_id"],
            ["rep.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index("ix_account_lost_on", ["lost_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_name"), ["name"], unique=False)
        batch_op.create_index("ix_account_rep_top", ["rep_id", "is_top"], unique=False)

    op.create_table(
        "review",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("week", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("close_count", sa.Integer(), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name="review_status"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["rep.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["rep.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "week", name="uq_review_account_week"),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index("ix_review_week_status", ["week", "status"], unique=False)

    op.create_table(
        "stakeholder",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("next_contact_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.create_index("ix_stakeholder_account_name", ["account_id", "name"], unique=False)
        batch_op.create_index(batch_op.f("ix_stakeholder_email"), ["email"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("review_id", sa.Uuid(), nullable=True),
        sa.Column("close_number", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["rep.id"],
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_review_id"), ["review_id"], unique=False)

    op.create_table(
        "review_slot",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_in_role_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("position BETWEEN 1 AND 5", name="slot_position"),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholder.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_id", "position", name="uq_slot_review_position"),
    )
    with op.batch_alter_table("review_slot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_slot_stakeholder_id"), ["stakeholder_id"], unique=False
        )

    op.create_table(
        "review_snapshot",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("close_number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        sa.Column("next_contact_on", sa.Date(), nullable=True),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholder.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_id", "close_number", "position", name="uq_snapshot_slot"),
    )
    op.create_table(
        "touch",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("stakeholder_id", sa.Uuid(), nullable=False),
        sa.Column("touched_on", sa.Date(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("logged_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('in-person', 'video', 'phone', 'email', 'event', 'chat')",
            name="touch_channel",
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["rep.id"],
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholder.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("touch", schema=None) as batch_op:
        batch_op.create_index(
            "ix_touch_stakeholder_on", ["stakeholder_id", "touched_on"], unique=False
        )

    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("touch", schema=None) as batch_op:
        batch_op.drop_index("ix_touch_stakeholder_on")

    op.drop_table("touch")
    op.drop_table("review_snapshot")
    with op.batch_alter_table("review_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_slot_stakeholder_id"))

    op.drop_table("review_slot")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_review_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_email"))
        batch_op.drop_index("ix_stakeholder_account_name")

    op.drop_table("stakeholder")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_week_status")

    op.drop_table("review")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index("ix_account_rep_top")
        batch_op.drop_index(batch_op.f("ix_account_name"))
        batch_op.drop_index("ix_account_lost_on")

    op.drop_table("account")
    op.drop_table("rep")
    op.drop_table("app_meta")
