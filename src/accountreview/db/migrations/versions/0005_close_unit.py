"""A closed review's slots may take the five the hub chose, and nothing else

When two laptops closed one review at the same close number offline, the hub keeps the
close that reached it first and sets its slots to that close's five (hub migration
0004). The other laptop holds its own five in a closed review; to end equal to the hub,
a pulled slot of a closed review may be set, while pulled rows are being applied, to
the person a five of the review's current close froze at that position. Any other
change of a closed review's slots is still refused.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = "closed review is read-only: reopen it in accountreview (a reason is required)"
_STATUS = "(SELECT status FROM review WHERE id = {}.review_id)"
_BEFORE = f"""
    CREATE TRIGGER review_slot_closed_no_update BEFORE UPDATE ON review_slot
    WHEN {_STATUS.format("OLD")} = 'closed'
      OR {_STATUS.format("NEW")} = 'closed'
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """
_AFTER = f"""
    CREATE TRIGGER review_slot_closed_no_update BEFORE UPDATE ON review_slot
    WHEN ({_STATUS.format("OLD")} = 'closed' OR {_STATUS.format("NEW")} = 'closed')
      AND NOT (
        EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying')
        AND NEW.id = OLD.id AND NEW.review_id = OLD.review_id
        AND NEW.position = OLD.position
        AND EXISTS (
            SELECT 1 FROM review_snapshot n JOIN review r ON r.id = n.review_id
            WHERE n.review_id = NEW.review_id AND n.close_number = r.close_count
              AND n.position = NEW.position AND n.stakeholder_id = NEW.stakeholder_id
        )
      )
    BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END
    """


def upgrade() -> None:
    op.execute("DROP TRIGGER review_slot_closed_no_update")
    op.execute(_AFTER)


def downgrade() -> None:
    op.execute("DROP TRIGGER review_slot_closed_no_update")
    op.execute(_BEFORE)
