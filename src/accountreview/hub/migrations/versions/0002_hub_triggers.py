"""The hub's triggers and functions: sequence numbers in commit order, frozen rows, actors,
and the compare-and-set that applies one field change

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMPED = (
    "rep", "account", "stakeholder", "touch", "review", "review_slot", "review_snapshot",
    "audit_log", "hub_conflict",
)  # fmt: skip
FROZEN = ("review_snapshot", "audit_log")
ACTORS = {
    "audit_log": ("actor_id",),
    "touch": ("logged_by_id",),
    "review": ("opened_by_id", "closed_by_id"),
}
# The fields a change may set (the local outbox's mutable columns); fixed here, checked
# again in Python before a change is sent.
MUTABLE = {
    "rep": ("name", "role", "manager_id"),
    "account": (
        "name", "rep_id", "is_top", "potential", "current", "list_price", "discount_pct",
        "rebate_pct", "uplift_pct", "signed_on", "live_on", "paid_on", "lost_on", "churned_on",
        "contract", "contract_start", "cio_signoff_on", "procurement_signoff_on",
        "penetration_target_pct",
    ),
    "stakeholder": (
        "name", "email", "title", "level", "role", "left_on", "next_contact_on",
    ),
    "review": ("status", "close_count", "closed_at", "closed_by_id"),
    "review_slot": ("stakeholder_id", "confirmed_in_role_on"),
}  # fmt: skip

FUNCTIONS = r"""
-- Who is signed in: the rep row whose login is the current role (NULL for anyone else).
-- The lookup runs as the owner (rep's own policy asks who you are: no recursion). These
-- small functions are plpgsql, which keeps its query plans for the session (an SQL
-- function is planned again in every statement: 5x the cost of a pushed row). No SET
-- search_path (it would cost every call): names are schema-qualified.
CREATE FUNCTION hub_rep_of(p_login name) RETURNS text LANGUAGE plpgsql STABLE
    SECURITY DEFINER AS $$
BEGIN
    RETURN (SELECT id FROM public.rep WHERE login = p_login);
END $$;
CREATE FUNCTION hub_me() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN public.hub_rep_of(current_user);
END $$;

-- The hub's admin is whoever owns the database (the person who ran `hub init`).
CREATE FUNCTION hub_is_admin() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT pg_catalog.pg_has_role(current_user, d.datdba, 'USAGE')
            FROM pg_catalog.pg_database d WHERE d.datname = current_database());
END $$;

-- One writer at a time takes sequence numbers, and keeps the lock until it commits: so
-- numbers become visible in order, and a puller that has read up to N never meets a row
-- committed later with a number below N.
CREATE FUNCTION hub_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7046521190311);
    NEW.hub_seq := nextval('hub_seq_counter');
    RETURN NEW;
END $$;

CREATE FUNCTION hub_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accountreview: % rows are frozen: never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- A closed review's slots are frozen (its snapshot is the record); reopening the review
-- (status back to open) frees them again.
CREATE FUNCTION hub_closed_slot() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM review WHERE id = OLD.review_id AND status = 'closed') THEN
        RAISE EXCEPTION 'accountreview: the slots of a closed review are frozen'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

-- Actor columns (who closed, who logged) hold NULL or the signed-in person; on an update
-- only a column that changes is checked. The admin may write anyone's.
CREATE FUNCTION hub_actor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text;
    value text;
BEGIN
    IF hub_is_admin() THEN RETURN NEW; END IF;
    FOREACH col IN ARRAY TG_ARGV LOOP
        value := to_jsonb(NEW) ->> col;
        CONTINUE WHEN TG_OP = 'UPDATE' AND value IS NOT DISTINCT FROM (to_jsonb(OLD) ->> col);
        IF value IS NOT NULL AND value IS DISTINCT FROM hub_me() THEN
            RAISE EXCEPTION 'accountreview: %.% must be empty or you (%)',
                TG_TABLE_NAME, col, current_user USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NEW;
END $$;

-- The account a row belongs to (for conflicts: the account's owner sees them).
CREATE FUNCTION hub_account_of(p_tbl text, p_row text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE p_tbl
        WHEN 'account' THEN p_row
        WHEN 'stakeholder' THEN (SELECT account_id FROM stakeholder WHERE id = p_row)
        WHEN 'review' THEN (SELECT account_id FROM review WHERE id = p_row)
        WHEN 'review_slot' THEN (SELECT r.account_id FROM review_slot s
                                 JOIN review r ON r.id = s.review_id WHERE s.id = p_row)
    END $$;
"""

APPLY = r"""
-- One field change, compare-and-set, as the person pushing it (RLS applies): applied when
-- the field still holds p_old; nothing when it already holds p_new or the change id was
-- seen before; a hub_conflict (the hub's value kept) when it holds something else or the
-- slot's review was closed; refused (nothing kept, not even the change id) when the row is
-- not there or not the pusher's to change.
CREATE FUNCTION hub_apply_update(
    p_change text, p_tbl text, p_row text, p_field text, p_old jsonb, p_new jsonb,
    OUT outcome text, OUT conflict_id text, OUT detail text
) LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
    cur jsonb;
    n bigint;
    reason text;
BEGIN
    IF p_field IS NULL OR (p_tbl, p_field) NOT IN (SELECT t, f FROM hub_mutable_fields()) THEN
        outcome := 'refused';
        detail := format('%s.%s is not a field a change may set', p_tbl, p_field);
        RETURN;
    END IF;
    -- The hub's write lock before any row lock (as every push takes it first): no deadlock.
    PERFORM pg_advisory_xact_lock(7046521190311);
    INSERT INTO hub_change (change_id, login, outcome) VALUES (p_change, current_user, 'pending')
        ON CONFLICT (change_id) DO NOTHING;
    IF NOT FOUND THEN  -- seen before: the same answer again (a conflict stays one)
        SELECT id INTO conflict_id FROM hub_conflict WHERE change_id = p_change;
        outcome := CASE WHEN conflict_id IS NULL THEN 'already' ELSE 'conflict' END;
        detail := 'seen before';
        RETURN;
    END IF;
    EXECUTE format('SELECT coalesce(to_jsonb(%I), ''null''::jsonb) FROM %I'
                   ' WHERE id = $1 FOR UPDATE', p_field, p_tbl) INTO cur USING p_row;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        DELETE FROM hub_change WHERE change_id = p_change;
        outcome := 'refused';
        detail := 'no such row on the hub, or not yours to change';
        RETURN;
    END IF;
    IF cur = p_new THEN
        UPDATE hub_change SET outcome = 'already' WHERE change_id = p_change;
        outcome := 'already';
        RETURN;
    END IF;
    IF p_tbl = 'review_slot' AND EXISTS (
        SELECT 1 FROM review_slot s JOIN review r ON r.id = s.review_id
        WHERE s.id = p_row AND r.status = 'closed'
    ) THEN
        reason := 'the review was closed elsewhere';
    ELSIF cur <> p_old THEN
        reason := 'changed elsewhere';
    END IF;
    IF reason IS NOT NULL THEN
        conflict_id := md5(p_change);
        INSERT INTO hub_conflict (id, change_id, tbl, row_id, field, mine, theirs, reason,
                                  login, account_id)
            VALUES (conflict_id, p_change, p_tbl, p_row, p_field, p_new::text, cur::text,
                    reason, current_user, hub_account_of(p_tbl, p_row));
        UPDATE hub_change SET outcome = 'conflict' WHERE change_id = p_change;
        outcome := 'conflict';
        detail := reason;
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('UPDATE %I SET %I = ($1 #>> ''{}'')::%s WHERE id = $2', p_tbl, p_field,
                       (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                        WHERE attrelid = p_tbl::regclass AND attname = p_field))
            USING p_new, p_row;
        GET DIAGNOSTICS n = ROW_COUNT;
    EXCEPTION WHEN insufficient_privilege OR check_violation OR not_null_violation
                   OR data_exception OR unique_violation THEN
        n := 0;
        detail := SQLERRM;
    END;
    IF n <> 1 THEN
        DELETE FROM hub_change WHERE change_id = p_change;
        outcome := 'refused';
        detail := coalesce(detail, 'not yours to change');
        RETURN;
    END IF;
    UPDATE hub_change SET outcome = 'applied' WHERE change_id = p_change;
    outcome := 'applied';
END $$;
"""


def _mutable_fields_sql() -> str:
    pairs = ", ".join(f"('{t}', '{f}')" for t, fields in MUTABLE.items() for f in fields)
    return (
        "CREATE FUNCTION hub_mutable_fields() RETURNS TABLE (t text, f text)"
        f" LANGUAGE sql IMMUTABLE AS $$ VALUES {pairs} $$"
    )


def upgrade() -> None:
    op.execute(FUNCTIONS)
    op.execute(_mutable_fields_sql())
    op.execute(APPLY)
    for table in STAMPED:
        op.execute(
            f"CREATE TRIGGER hub_stamp BEFORE INSERT OR UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION hub_stamp()"
        )
    for table in FROZEN:
        op.execute(
            f"CREATE TRIGGER hub_frozen BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION hub_frozen()"
        )
        op.execute(
            f"CREATE TRIGGER hub_frozen_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION hub_frozen()"
        )
    op.execute(
        "CREATE TRIGGER hub_closed_slot BEFORE UPDATE OR DELETE ON review_slot"
        " FOR EACH ROW EXECUTE FUNCTION hub_closed_slot()"
    )
    for table, cols in ACTORS.items():
        args = ", ".join(f"'{c}'" for c in cols)
        op.execute(
            f"CREATE TRIGGER hub_actor BEFORE INSERT OR UPDATE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION hub_actor({args})"
        )


def downgrade() -> None:
    for table in STAMPED:
        op.execute(f"DROP TRIGGER hub_stamp ON {table}")
    for table in FROZEN:
        op.execute(f"DROP TRIGGER hub_frozen ON {table}")
        op.execute(f"DROP TRIGGER hub_frozen_truncate ON {table}")
    op.execute("DROP TRIGGER hub_closed_slot ON review_slot")
    for table in ACTORS:
        op.execute(f"DROP TRIGGER hub_actor ON {table}")
    for name in (
        "hub_apply_update(text, text, text, text, jsonb, jsonb)", "hub_mutable_fields()",
        "hub_account_of(text, text)", "hub_actor()", "hub_closed_slot()", "hub_frozen()",
        "hub_stamp()", "hub_is_admin()", "hub_me()", "hub_rep_of(name)",
    ):  # fmt: skip
        op.execute(f"DROP FUNCTION {name}")
