"""Conflicts are shared: a resolution made on any laptop is settled once, on the hub

`hub_conflict` gets `resolution` ('mine' or 'theirs') and `resolved_by` (the login that
resolved it) next to `resolved_at`. `hub_resolve_conflict` settles one conflict as the
person pushing the resolution (SECURITY INVOKER: row-level security decides who may; the
conflict's pusher and the account's owner): under the hub's write lock, the first
resolution to reach the hub wins; the same choice again is a no-op ('already', a re-push
after a kill); another choice is told ('lost', with the choice that won). 'mine' writes
the conflict's pushed value back through `hub_apply_update` (compare-and-set against the
hub's value the conflict recorded: a field changed again since is a new conflict, a row
the person may not write is refused and nothing is marked). Resolving stamps the row's
`hub_seq`, so every other laptop that may see it pulls the resolution.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESOLVE = r"""
CREATE FUNCTION hub_resolve_conflict(
    p_change text, p_conflict text, p_choice text,
    OUT outcome text, OUT conflict_id text, OUT detail text
) LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
    c hub_conflict%ROWTYPE;
BEGIN
    IF p_choice IS NULL OR p_choice NOT IN ('mine', 'theirs') THEN
        outcome := 'refused';
        detail := format('%s is not a choice (mine or theirs)', p_choice);
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(7046521190311);
    -- FOR UPDATE passes the UPDATE policy too: found means this person may resolve it.
    SELECT * INTO c FROM hub_conflict WHERE id = p_conflict FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'refused';
        detail := 'no such conflict on the hub, or not yours to resolve';
        RETURN;
    END IF;
    IF c.resolved_at IS NOT NULL THEN
        outcome := CASE WHEN c.resolution = p_choice THEN 'already' ELSE 'lost' END;
        detail := c.resolution;
        RETURN;
    END IF;
    outcome := 'applied';
    IF p_choice = 'mine' THEN
        IF c.field IS NULL OR (c.tbl, c.field) NOT IN (SELECT t, f FROM hub_mutable_fields()) THEN
            outcome := 'refused';
            detail := format('%s %s cannot be written back; choose theirs', c.tbl,
                             coalesce(c.field, 'row'));
            RETURN;
        END IF;
        SELECT a.outcome, a.conflict_id, a.detail INTO outcome, conflict_id, detail
            FROM hub_apply_update(p_change, c.tbl, c.row_id, c.field,
                                  coalesce(c.theirs, 'null')::jsonb,
                                  coalesce(c.mine, 'null')::jsonb) a;
        IF outcome = 'refused' THEN
            RETURN;
        END IF;
    END IF;
    UPDATE hub_conflict SET resolved_at = now(), resolution = p_choice,
                            resolved_by = current_user
        WHERE id = p_conflict;
END $$;
"""


def upgrade() -> None:
    op.execute("ALTER TABLE hub_conflict ADD COLUMN resolution text")
    op.execute("ALTER TABLE hub_conflict ADD COLUMN resolved_by text")
    op.execute(RESOLVE)


def downgrade() -> None:
    op.execute("DROP FUNCTION hub_resolve_conflict(text, text, text)")
    op.execute("ALTER TABLE hub_conflict DROP COLUMN resolved_by")
    op.execute("ALTER TABLE hub_conflict DROP COLUMN resolution")
