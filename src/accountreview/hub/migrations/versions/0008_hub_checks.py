"""The hub refuses the values a laptop's file refuses: the local schema's CHECK rules

A laptop's SQLite file holds CHECK constraints on a few columns (a rep's role, an
account's contract and sizes, a review's status, a slot's position, a touch's channel).
The hub had none, so a value its owner set by hand (a negative potential, say) was taken
there and then stopped every laptop's pull that met it. The same rules, with the same
names, now hold on the hub. They are added NOT VALID: rows already on a hub are not
rewritten or checked by this upgrade (a row that breaks one stops the pulls that meet it
with a message naming it, exit 3); every row written from now on is checked.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, name, rule): as the local schema's 0001 wrote them (its text, frozen here)
CHECKS = (
    ("rep", "rep_role", "role IN ('rep', 'manager')"),
    ("account", "contract", "contract IS NULL OR contract IN ('annual', 'monthly')"),
    ("account", "account_sizes", "potential >= 0 AND current >= 0"),
    ("review", "review_status", "status IN ('open', 'closed')"),
    ("review_slot", "slot_position", "position BETWEEN 1 AND 5"),
    ("touch", "touch_channel",
     "channel IN ('in-person', 'video', 'phone', 'email', 'event', 'chat')"),
)  # fmt: skip


def upgrade() -> None:
    for table, name, rule in CHECKS:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({rule}) NOT VALID")


def downgrade() -> None:
    for table, name, _rule in CHECKS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
