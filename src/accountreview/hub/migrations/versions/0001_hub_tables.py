"""The hub's tables: the eight a local file shares (in SQLite's forms), hub_change, hub_conflict

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "rep", "account", "stakeholder", "touch", "review", "review_slot", "review_snapshot",
    "audit_log", "hub_change", "hub_conflict",
)  # fmt: skip


def upgrade() -> None:
    op.execute("CREATE SEQUENCE hub_seq_counter AS bigint")
    op.create_table(
        "account",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("rep_id", sa.Text(), nullable=False),
        sa.Column("is_top", sa.BigInteger(), nullable=False),
        sa.Column("potential", sa.BigInteger(), nullable=False),
        sa.Column("current", sa.BigInteger(), nullable=False),
        sa.Column("list_price", sa.BigInteger(), nullable=True),
        sa.Column("discount_pct", sa.Double(), nullable=False),
        sa.Column("rebate_pct", sa.Double(), nullable=False),
        sa.Column("uplift_pct", sa.Double(), nullable=False),
        sa.Column("signed_on", sa.Text(), nullable=True),
        sa.Column("live_on", sa.Text(), nullable=True),
        sa.Column("paid_on", sa.Text(), nullable=True),
        sa.Column("lost_on", sa.Text(), nullable=True),
        sa.Column("churned_on", sa.Text(), nullable=True),
        sa.Column("contract", sa.Text(), nullable=True),
        sa.Column("contract_start", sa.Text(), nullable=True),
        sa.Column("cio_signoff_on", sa.Text(), nullable=True),
        sa.Column("procurement_signoff_on", sa.Text(), nullable=True),
        sa.Column("penetration_target_pct", sa.Double(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("crm_source", sa.Text(), nullable=True),
        sa.Column("crm_id", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_account_rep", "account", ["rep_id"], unique=False)
    op.create_index(op.f("ix_account_hub_seq"), "account", ["hub_seq"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=True),
        sa.Column("review_id", sa.Text(), nullable=True),
        sa.Column("close_number", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("hash", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audit_log_hub_seq"), "audit_log", ["hub_seq"], unique=False)
    op.create_index("ix_audit_log_review", "audit_log", ["review_id"], unique=False)
    op.create_table(
        "hub_change",
        sa.Column("change_id", sa.Text(), nullable=False),
        sa.Column("login", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("change_id"),
    )
    op.create_table(
        "hub_conflict",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("change_id", sa.Text(), nullable=False),
        sa.Column("tbl", sa.Text(), nullable=False),
        sa.Column("row_id", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("mine", sa.Text(), nullable=True),
        sa.Column("theirs", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("login", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=True),
        sa.Column(
            "made_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_hub_conflict_hub_seq"), "hub_conflict", ["hub_seq"], unique=False)
    op.create_index("ix_hub_conflict_account", "hub_conflict", ["account_id"], unique=False)
    op.create_table(
        "rep",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("manager_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("crm_source", sa.Text(), nullable=True),
        sa.Column("crm_id", sa.Text(), nullable=True),
        sa.Column("login", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", name="uq_rep_email"),
        sa.UniqueConstraint("login", name="uq_rep_login"),
    )
    op.create_index(op.f("ix_rep_hub_seq"), "rep", ["hub_seq"], unique=False)
    op.create_table(
        "review",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("week", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("close_count", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", sa.Text(), nullable=False),
        sa.Column("opened_by_id", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.Text(), nullable=True),
        sa.Column("closed_by_id", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_account", "review", ["account_id"], unique=False)
    op.create_index(op.f("ix_review_hub_seq"), "review", ["hub_seq"], unique=False)
    op.create_table(
        "review_slot",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("review_id", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("stakeholder_id", sa.Text(), nullable=True),
        sa.Column("confirmed_in_role_on", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_slot_review", "review_slot", ["review_id"], unique=False)
    op.create_index(op.f("ix_review_slot_hub_seq"), "review_slot", ["hub_seq"], unique=False)
    op.create_table(
        "review_snapshot",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("review_id", sa.Text(), nullable=False),
        sa.Column("close_number", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("stakeholder_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("last_contact_on", sa.Text(), nullable=True),
        sa.Column("next_contact_on", sa.Text(), nullable=True),
        sa.Column("taken_at", sa.Text(), nullable=False),
        sa.Column("confirmed_in_role", sa.BigInteger(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("hash", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_review_snapshot_hub_seq"), "review_snapshot", ["hub_seq"], unique=False
    )
    op.create_index("ix_review_snapshot_review", "review_snapshot", ["review_id"], unique=False)
    op.create_table(
        "stakeholder",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("left_on", sa.Text(), nullable=True),
        sa.Column("next_contact_on", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("crm_source", sa.Text(), nullable=True),
        sa.Column("crm_id", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_stakeholder_hub_seq"), "stakeholder", ["hub_seq"], unique=False)
    op.create_index("ix_stakeholder_account", "stakeholder", ["account_id"], unique=False)
    op.create_table(
        "touch",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("stakeholder_id", sa.Text(), nullable=False),
        sa.Column("touched_on", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("logged_by_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("crm_source", sa.Text(), nullable=True),
        sa.Column("crm_id", sa.Text(), nullable=True),
        sa.Column("hub_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_touch_stakeholder", "touch", ["stakeholder_id"], unique=False)
    op.create_index(op.f("ix_touch_hub_seq"), "touch", ["hub_seq"], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    op.execute("DROP SEQUENCE hub_seq_counter")
