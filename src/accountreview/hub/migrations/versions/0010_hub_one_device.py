"""A device's chain takes each number once: a copied file cannot fork it on the hub

A laptop's file copied to a second machine carries its device id (`sync_state.device`,
the `origin` of every audit entry and frozen slot it writes). Both copies then number
their next entries alike: seq 41 of that device written twice, with other content.
Before this revision the hub took both (each linked to the shared entry 40), so the
device's chain forked on the hub and every laptop pulling it was refused ("the hub sent
a row this file cannot take", exit 3): one person's copy stopped the whole team's syncs,
their first pulls and their managers'.

Now an audit entry or frozen slot whose device and number (and, for a slot, whose
review, close, device and position: the key a local file holds them by) the hub already
holds under another id is refused, row by row, naming why: the first copy to push keeps
its entries, the other is told it is a copy (`sync` exits 3, its changes kept). The same
row pushed again (the same id) is still taken as already there. The check takes the
hub's write lock first (the one `hub_stamp` takes), so two copies pushing at the same
moment are checked one after the other. Rows already on a hub are left as they are.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHAINED = ("review_snapshot", "audit_log")

# Static queries, one per table (PL/pgSQL keeps their plans: a dynamic EXECUTE planned
# each row anew, and a first push of 180,000 chained rows took a minute longer).
FUNCTION = """
CREATE FUNCTION hub_chain_taken() RETURNS trigger LANGUAGE plpgsql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    other text;
BEGIN
    -- the write lock first: a row another writer committed meanwhile is seen (a new
    -- snapshot per statement of a volatile function)
    PERFORM pg_advisory_xact_lock(7046521190311);
    IF TG_TABLE_NAME = 'audit_log' THEN
        SELECT a.id INTO other FROM audit_log a
            WHERE a.origin = NEW.origin AND a.seq = NEW.seq AND a.id <> NEW.id LIMIT 1;
    ELSE
        SELECT s.id INTO other FROM review_snapshot s
            WHERE s.origin = NEW.origin AND s.seq = NEW.seq AND s.id <> NEW.id LIMIT 1;
        IF other IS NULL THEN
            SELECT s.id INTO other FROM review_snapshot s
                WHERE s.review_id = NEW.review_id AND s.close_number = NEW.close_number
                  AND s.origin = NEW.origin AND s.position = NEW.position AND s.id <> NEW.id
                LIMIT 1;
        END IF;
    END IF;
    IF other IS NOT NULL THEN
        RAISE EXCEPTION 'accountreview: % entry % of device % is on the hub already as'
            ' another row: two files sync as this one device (a copy of a file?)',
            TG_TABLE_NAME, NEW.seq, left(NEW.origin, 12) USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade() -> None:
    op.execute(FUNCTION)
    op.create_index("ix_review_snapshot_close_origin", "review_snapshot",
                    ["review_id", "close_number", "origin", "position"])  # fmt: skip
    for table in CHAINED:
        op.execute(
            f"CREATE TRIGGER hub_chain_taken BEFORE INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION hub_chain_taken()"
        )


def downgrade() -> None:
    for table in CHAINED:
        op.execute(f"DROP TRIGGER hub_chain_taken ON {table}")
    op.drop_index("ix_review_snapshot_close_origin", table_name="review_snapshot")
    op.execute("DROP FUNCTION hub_chain_taken()")
