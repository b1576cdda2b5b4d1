"""Each chained row inserted finds the row before it by an index, not a scan

Every audit entry and frozen slot inserted on the hub is checked against the row before
it in its device's chain (`hub_chain_before`, hub 0005: `WHERE origin = $1 AND seq = $2`).
No index held (origin, seq), so each insert read the whole table: on a hub with 38,000
frozen slots one lookup took 20 ms, a weekly sync's 30 chained rows most of a second,
and a first push of a large file grew with the square of its rows. An index on (origin,
seq) makes it one index probe on any size of hub. Not unique: rows already on a hub are
taken as they are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHAINED = ("review_snapshot", "audit_log")


def upgrade() -> None:
    for table in CHAINED:
        op.create_index(f"ix_{table}_origin_seq", table, ["origin", "seq"])


def downgrade() -> None:
    for table in CHAINED:
        op.drop_index(f"ix_{table}_origin_seq", table_name=table)
