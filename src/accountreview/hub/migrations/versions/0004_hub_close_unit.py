"""A close and a reopen travel as one unit: the server functions that apply them whole

A close pushed field by field let the hub keep slots unlike the close's frozen five
(an edit of another laptop arrived first) or take a close over a reopen it had already
seen. `hub_apply_close` and `hub_apply_reopen` take every field change of one close (or
reopen) of one review together, under the hub's write lock, as the pusher (SECURITY
INVOKER: row-level security applies). The close number and the five come from the
`review.closed` / `review.reopened` entry and the snapshot rows this laptop (its
`origin`) pushed just before (the outbox holds them first).

- A close of number N: applied when the hub's review is open at close N-1 (the slots
  are set to the pushed five, then the review is closed); a no-op when the hub is at
  close N or past it (another laptop closed it first: the first close wins, this one's
  five and entry are kept as facts); refused when the hub lacks close N-1.
- A reopen of close N: applied when the hub is closed at N; a no-op when the hub is
  open at N (reopened elsewhere); otherwise (closed again elsewhere) a `hub_conflict`
  kept for the person, the hub's state kept.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = r"""
-- Mark the unit's change ids as seen; false (and the earlier answer) when they were.
CREATE FUNCTION hub_unit_start(p_changes text[], OUT fresh boolean, OUT conflict_id text)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7046521190311);
    INSERT INTO hub_change (change_id, login, outcome)
        SELECT c, current_user, 'pending' FROM unnest(p_changes) AS c
        ON CONFLICT (change_id) DO NOTHING;
    fresh := FOUND;
    IF NOT fresh THEN
        SELECT id INTO conflict_id FROM hub_conflict WHERE change_id = ANY (p_changes) LIMIT 1;
    END IF;
END $$;

CREATE FUNCTION hub_unit_end(p_changes text[], p_outcome text) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_outcome = 'refused' THEN
        DELETE FROM hub_change WHERE change_id = ANY (p_changes);
    ELSE
        UPDATE hub_change SET outcome = p_outcome WHERE change_id = ANY (p_changes);
    END IF;
END $$;

CREATE FUNCTION hub_apply_close(
    p_changes text[], p_review text, p_origin text, p_closed_at text, p_closed_by text,
    OUT outcome text, OUT conflict_id text, OUT detail text
) LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
    fresh boolean;
    number bigint;
    e_at text;
    e_actor text;
    c_status text;
    c_count bigint;
BEGIN
    SELECT s.fresh, s.conflict_id INTO fresh, conflict_id FROM hub_unit_start(p_changes) s;
    IF NOT fresh THEN
        outcome := 'already';
        detail := 'seen before';
        RETURN;
    END IF;
    SELECT close_number, at, actor_id INTO number, e_at, e_actor FROM audit_log
        WHERE review_id = p_review AND origin = p_origin AND action = 'review.closed'
        ORDER BY seq DESC LIMIT 1;
    SELECT status, close_count INTO c_status, c_count FROM review WHERE id = p_review
        FOR UPDATE;
    IF number IS NULL OR c_status IS NULL THEN
        outcome := 'refused';
        detail := 'no such review or close on the hub, or not yours to change';
    ELSIF c_count >= number THEN
        -- closed first elsewhere: that close stands; this one's five and entry stay as facts
        outcome := 'already';
        detail := format('close %s was taken first elsewhere', number);
    ELSIF c_status <> 'open' OR c_count <> number - 1 THEN
        outcome := 'refused';
        detail := format('the hub lacks close %s of this review', number - 1);
    ELSE
        BEGIN
            UPDATE review_slot s SET stakeholder_id = nullif(n.stakeholder_id, '')
                FROM review_snapshot n
                WHERE s.review_id = p_review AND n.review_id = p_review
                  AND n.close_number = number AND n.origin = p_origin
                  AND n.position = s.position
                  AND s.stakeholder_id IS DISTINCT FROM nullif(n.stakeholder_id, '');
            UPDATE review SET status = 'closed', close_count = number,
                closed_at = coalesce(p_closed_at, e_at),
                closed_by_id = coalesce(p_closed_by, e_actor)
                WHERE id = p_review;
            outcome := CASE WHEN FOUND THEN 'applied' ELSE 'refused' END;
            detail := CASE WHEN FOUND THEN NULL ELSE 'not yours to change' END;
        EXCEPTION WHEN insufficient_privilege OR check_violation OR not_null_violation
                       OR data_exception THEN
            outcome := 'refused';
            detail := SQLERRM;
        END;
    END IF;
    PERFORM hub_unit_end(p_changes, outcome);
END $$;

CREATE FUNCTION hub_apply_reopen(
    p_changes text[], p_review text, p_origin text,
    OUT outcome text, OUT conflict_id text, OUT detail text
) LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
    fresh boolean;
    number bigint;
    c_status text;
    c_count bigint;
BEGIN
    SELECT s.fresh, s.conflict_id INTO fresh, conflict_id FROM hub_unit_start(p_changes) s;
    IF NOT fresh THEN
        outcome := CASE WHEN conflict_id IS NULL THEN 'already' ELSE 'conflict' END;
        detail := 'seen before';
        RETURN;
    END IF;
    SELECT close_number INTO number FROM audit_log
        WHERE review_id = p_review AND origin = p_origin AND action = 'review.reopened'
        ORDER BY seq DESC LIMIT 1;
    SELECT status, close_count INTO c_status, c_count FROM review WHERE id = p_review
        FOR UPDATE;
    IF number IS NULL OR c_status IS NULL THEN
        outcome := 'refused';
        detail := 'no such review or reopen on the hub, or not yours to change';
    ELSIF c_status = 'closed' AND c_count = number THEN
        BEGIN
            UPDATE review SET status = 'open', closed_at = NULL, closed_by_id = NULL
                WHERE id = p_review;
            outcome := CASE WHEN FOUND THEN 'applied' ELSE 'refused' END;
            detail := CASE WHEN FOUND THEN NULL ELSE 'not yours to change' END;
        EXCEPTION WHEN insufficient_privilege OR check_violation THEN
            outcome := 'refused';
            detail := SQLERRM;
        END;
    ELSIF c_status = 'open' AND c_count = number THEN
        outcome := 'already';  -- reopened elsewhere too
    ELSE
        conflict_id := md5(p_changes[1]);
        detail := format('the review was closed again elsewhere (close %s): your reopen of'
                         ' close %s was not taken; reopen it again if it should be open',
                         c_count, number);
        INSERT INTO hub_conflict (id, change_id, tbl, row_id, field, mine, theirs, reason,
                                  login, account_id)
            VALUES (conflict_id, p_changes[1], 'review', p_review, NULL,
                    to_jsonb(format('open (reopened close %s)', number))::text,
                    to_jsonb(format('%s (close %s)', c_status, c_count))::text,
                    detail, current_user, hub_account_of('review', p_review));
        outcome := 'conflict';
    END IF;
    PERFORM hub_unit_end(p_changes, outcome);
END $$;
"""

DROPS = (
    "hub_apply_reopen(text[], text, text)",
    "hub_apply_close(text[], text, text, text, text)",
    "hub_unit_end(text[], text)",
    "hub_unit_start(text[])",
)


def upgrade() -> None:
    op.execute(FUNCTIONS)


def downgrade() -> None:
    for name in DROPS:
        op.execute(f"DROP FUNCTION {name}")
