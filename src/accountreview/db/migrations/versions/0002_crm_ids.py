"""CRM ids on reps, accounts, stakeholders and touches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Records imported from Salesforce or HubSpot keep the id they have there
(`crm_source`, `crm_id`), so that importing a newer export updates them instead
of adding copies. A unique index per table keeps one record per CRM id (SQLite
lets many rows hold NULLs, so records made in the app are not constrained).

Only columns and indexes are added: SQLite does this in place, without
rebuilding the tables, so the triggers of 0001 and every row stay as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("rep", "account", "stakeholder", "touch")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("crm_source", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
            batch_op.add_column(
                sa.Column("crm_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
            batch_op.create_index(f"uq_{table}_crm", ["crm_source", "crm_id"], unique=True)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"uq_{table}_crm")
            batch_op.drop_column("crm_id")
            batch_op.drop_column("crm_source")
