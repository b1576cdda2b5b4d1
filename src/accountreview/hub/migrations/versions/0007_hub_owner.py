"""Who may read a row, written on the row: `owner_id`, flat policies, and moves

The policies of 0003 reached a child's account through its parents (EXISTS subqueries:
touch -> stakeholder -> account), so every pull statement planned those subplans over
the whole hub: a sync with nothing to do cost in proportion to the hub. Now every synced
table (and `hub_conflict`) carries `owner_id`, the rep who owns the account the row
hangs off (a `rep` row: that rep), set by the hub's own trigger from the row's parent,
whatever a pusher sent, and indexed with `hub_seq`: "my rows past my cursor" is an index
range, and a member reads `owner_id = ANY (hub_readable())` (themselves and their direct
reports); writes need `owner_id` = the signed-in person. The admin's policies are for
the database's owner only (`pg_database_owner`), so a member's statements carry no OR
that would keep the index out.

Who sees what changes when the admin moves an account (`account.rep_id`) or gives a rep
another manager (`rep.manager_id`): the hub re-stamps every row hanging off it (its
owner and a new `hub_seq`, so every new reader pulls its whole history; the frozen-row
triggers let exactly that through, as the owner, and nothing else) and writes a
`hub_departure` row for each person who lost sight of the account, which they pull and
their laptop acts on (it removes the account and all that hangs off it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBERS = "accountreview_member"
SYNCED = (
    "rep", "account", "stakeholder", "touch", "review", "review_slot", "review_snapshot",
    "audit_log",
)  # fmt: skip
OWNED = (*SYNCED, "hub_conflict")
ME = "(SELECT hub_me())"
READABLE = "owner_id = ANY ((SELECT hub_readable())::text[])"
MINE = f"owner_id = {ME}"

# How a row's owner follows from its parent (the parent's own owner_id, already set:
# parents are written first; plpgsql prepares each branch only when it runs).
DERIVE = r"""
CREATE FUNCTION hub_derive_owner() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF TG_TABLE_NAME = 'rep' THEN
        NEW.owner_id := NEW.id;
    ELSIF TG_TABLE_NAME = 'account' THEN
        NEW.owner_id := NEW.rep_id;
    ELSIF TG_TABLE_NAME IN ('stakeholder', 'review') THEN
        NEW.owner_id := (SELECT owner_id FROM public.account WHERE id = NEW.account_id);
    ELSIF TG_TABLE_NAME = 'touch' THEN
        NEW.owner_id := (SELECT owner_id FROM public.stakeholder WHERE id = NEW.stakeholder_id);
    ELSIF TG_TABLE_NAME IN ('review_slot', 'review_snapshot') THEN
        NEW.owner_id := (SELECT owner_id FROM public.review WHERE id = NEW.review_id);
    ELSIF TG_TABLE_NAME = 'audit_log' THEN
        NEW.owner_id := coalesce(
            (SELECT owner_id FROM public.account WHERE id = NEW.account_id),
            (SELECT owner_id FROM public.review WHERE id = NEW.review_id));
    ELSE  -- hub_conflict
        NEW.owner_id := (SELECT owner_id FROM public.account WHERE id = NEW.account_id);
    END IF;
    RETURN NEW;
END $$;

-- The reps whose rows the signed-in person reads: themselves and their direct reports.
CREATE FUNCTION hub_readable_by(p_login name) RETURNS text[] LANGUAGE plpgsql STABLE
    SECURITY DEFINER AS $$
DECLARE
    me text := (SELECT id FROM public.rep WHERE login = p_login);
BEGIN
    RETURN ARRAY(SELECT id FROM public.rep WHERE id = me OR manager_id = me);
END $$;
CREATE FUNCTION hub_readable() RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN public.hub_readable_by(current_user);
END $$;

-- Whether an UPDATE of a frozen row only re-stamps it (its owner and hub_seq), as the
-- owner's move functions do: every other column as it was.
CREATE FUNCTION hub_restamp_only(p_old jsonb, p_new jsonb) RETURNS boolean LANGUAGE sql
    STABLE AS $$
    SELECT (p_new - 'owner_id' - 'hub_seq') = (p_old - 'owner_id' - 'hub_seq')
        AND public.hub_is_admin()
$$;

-- Who reads a rep's accounts: the rep and their manager.
CREATE FUNCTION hub_readers_of(p_rep text) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT p_rep UNION SELECT manager_id FROM public.rep
                 WHERE id = p_rep AND manager_id IS NOT NULL)
$$;

-- Re-stamp every row hanging off these accounts (the derive trigger sets the owner, the
-- stamp trigger a new hub_seq), and tell each reader in p_gone that the account left
-- their sight (to the rep p_to).
CREATE FUNCTION hub_restamp(p_accounts text[], p_gone text[], p_to text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE stakeholder SET owner_id = NULL WHERE account_id = ANY (p_accounts);
    UPDATE touch SET owner_id = NULL WHERE stakeholder_id IN
        (SELECT id FROM stakeholder WHERE account_id = ANY (p_accounts));
    UPDATE review SET owner_id = NULL WHERE account_id = ANY (p_accounts);
    UPDATE review_slot SET owner_id = NULL WHERE review_id IN
        (SELECT id FROM review WHERE account_id = ANY (p_accounts));
    UPDATE review_snapshot SET owner_id = NULL WHERE review_id IN
        (SELECT id FROM review WHERE account_id = ANY (p_accounts));
    UPDATE audit_log SET owner_id = NULL WHERE account_id = ANY (p_accounts)
        OR review_id IN (SELECT id FROM review WHERE account_id = ANY (p_accounts));
    UPDATE hub_conflict SET owner_id = NULL WHERE account_id = ANY (p_accounts);
    INSERT INTO hub_departure (id, account_id, reader_id, to_rep_id)
        SELECT replace(gen_random_uuid()::text, '-', ''), a, r, p_to
        FROM unnest(p_accounts) a, unnest(p_gone) r;
END $$;

CREATE FUNCTION hub_account_moved() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM hub_restamp(ARRAY[NEW.id], ARRAY(
        SELECT unnest(hub_readers_of(OLD.rep_id)) EXCEPT SELECT unnest(hub_readers_of(NEW.rep_id))
    ), NEW.rep_id);
    RETURN NULL;
END $$;

CREATE FUNCTION hub_manager_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE account SET owner_id = owner_id WHERE rep_id = NEW.id;  -- a new hub_seq
    PERFORM hub_restamp(ARRAY(SELECT id FROM account WHERE rep_id = NEW.id),
        ARRAY(SELECT OLD.manager_id WHERE OLD.manager_id IS NOT NULL
              AND OLD.manager_id <> NEW.id), NEW.id);
    RETURN NULL;
END $$;
"""

# (table, command, USING, WITH CHECK) of the members' policies that change.
POLICIES = (
    ("account", "SELECT", READABLE, None),
    ("account", "INSERT", None, MINE),
    ("account", "UPDATE", MINE, MINE),
    ("stakeholder", "SELECT", READABLE, None),
    ("stakeholder", "INSERT", None, MINE),
    ("stakeholder", "UPDATE", MINE, MINE),
    ("touch", "SELECT", READABLE, None),
    ("touch", "INSERT", None, MINE),
    ("review", "SELECT", READABLE, None),
    ("review", "INSERT", None, MINE),
    ("review", "UPDATE", MINE, MINE),
    ("review_slot", "SELECT", READABLE, None),
    ("review_slot", "INSERT", None, MINE),
    ("review_slot", "UPDATE", MINE, MINE),
    ("review_snapshot", "SELECT", READABLE, None),
    ("review_snapshot", "INSERT", None, MINE),
    ("audit_log", "SELECT", READABLE, None),
    ("audit_log", "INSERT", None, MINE),
    ("hub_conflict", "SELECT", f"login = current_user OR {MINE}", None),
    ("hub_conflict", "UPDATE", f"login = current_user OR {MINE}",
     f"login = current_user OR {MINE}"),
)  # fmt: skip
FROZEN = ("review_snapshot", "audit_log")


def _backfill() -> None:
    """Every existing row's owner, set with the tables' own triggers off (no new hub_seq,
    and the frozen rows stay as they were)."""
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ADD COLUMN owner_id text")
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    op.execute("UPDATE rep SET owner_id = id")
    op.execute("UPDATE account SET owner_id = rep_id")
    for table in ("stakeholder", "review", "hub_conflict"):
        op.execute(
            f"UPDATE {table} t SET owner_id = a.owner_id FROM account a WHERE a.id = t.account_id"
        )
    op.execute(
        "UPDATE touch t SET owner_id = s.owner_id FROM stakeholder s WHERE s.id = t.stakeholder_id"
    )
    for table in ("review_slot", "review_snapshot"):
        op.execute(
            f"UPDATE {table} t SET owner_id = r.owner_id FROM review r WHERE r.id = t.review_id"
        )
    op.execute(
        "UPDATE audit_log t SET owner_id = coalesce("
        "(SELECT owner_id FROM account WHERE id = t.account_id),"
        " (SELECT owner_id FROM review WHERE id = t.review_id))"
    )
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        op.execute(f"CREATE INDEX ix_{table}_owner_seq ON {table} (owner_id, hub_seq)")


def _departures() -> None:
    op.execute(
        "CREATE TABLE hub_departure (id text PRIMARY KEY, account_id text NOT NULL,"
        " reader_id text NOT NULL, to_rep_id text, at timestamptz NOT NULL DEFAULT now(),"
        " hub_seq bigint NOT NULL)"
    )
    op.execute("CREATE INDEX ix_hub_departure_hub_seq ON hub_departure (hub_seq)")
    op.execute("CREATE INDEX ix_hub_departure_reader_seq ON hub_departure (reader_id, hub_seq)")
    op.execute(
        "CREATE TRIGGER hub_stamp BEFORE INSERT OR UPDATE ON hub_departure"
        " FOR EACH ROW EXECUTE FUNCTION hub_stamp()"
    )
    op.execute(f"GRANT SELECT ON hub_departure TO {MEMBERS}")
    op.execute("ALTER TABLE hub_departure ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE hub_departure FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY hub_admin ON hub_departure TO pg_database_owner USING (true)")
    op.execute(
        f"CREATE POLICY member_select ON hub_departure FOR SELECT TO {MEMBERS}"
        f" USING (reader_id = {ME})"
    )


def _frozen_triggers(restamp: bool) -> None:
    """The frozen-row and closed-slot triggers, split so an UPDATE that only re-stamps
    (as the owner) passes (`restamp`), or back as 0002 made them."""
    when = " WHEN (NOT hub_restamp_only(to_jsonb(OLD), to_jsonb(NEW)))"
    for table, name in (*((t, "hub_frozen") for t in FROZEN), ("review_slot", "hub_closed_slot")):
        function = name
        op.execute(f"DROP TRIGGER {name} ON {table}")
        if restamp:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
            op.execute(
                f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} FOR EACH ROW{when}"
                f" EXECUTE FUNCTION {function}()"
            )
        else:
            op.execute(f"DROP TRIGGER {name}_update ON {table}")
            op.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {function}()"
            )


def _policies(new: bool) -> None:
    for table, command, using, check in POLICIES:
        name = f"member_{command.lower()}"
        if new:
            clauses = (f" USING ({using})" if using else "") + (
                f" WITH CHECK ({check})" if check else ""
            )
            op.execute(f"ALTER POLICY {name} ON {table}{clauses}")
    for table in OWNED:
        role = "pg_database_owner" if new else "public"
        op.execute(f"ALTER POLICY hub_admin ON {table} TO {role}")


def upgrade() -> None:
    _backfill()
    op.execute(DERIVE)
    for table in OWNED:
        # Named to fire first (a table's BEFORE triggers fire in name order): the frozen
        # rows' and the policies' checks see the owner the hub derived.
        op.execute(
            f"CREATE TRIGGER hub_a_owner BEFORE INSERT OR UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION hub_derive_owner()"
        )
    op.execute(
        "CREATE TRIGGER hub_moved AFTER UPDATE OF rep_id ON account FOR EACH ROW"
        " WHEN (OLD.rep_id IS DISTINCT FROM NEW.rep_id) EXECUTE FUNCTION hub_account_moved()"
    )
    op.execute(
        "CREATE TRIGGER hub_manager AFTER UPDATE OF manager_id ON rep FOR EACH ROW"
        " WHEN (OLD.manager_id IS DISTINCT FROM NEW.manager_id)"
        " EXECUTE FUNCTION hub_manager_changed()"
    )
    _departures()
    _frozen_triggers(restamp=True)
    _policies(new=True)


def _policies_of_0003() -> Sequence[tuple[str, str, str | None, str | None]]:
    """0003's members' policies (its module is loaded from its file: the versions folder is
    not a package)."""
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    spec = spec_from_file_location("hub_0003", Path(__file__).with_name("0003_hub_access.py"))
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.POLICIES  # type: ignore[no-any-return]


def downgrade() -> None:
    for table, command, using, check in _policies_of_0003():
        if any(p[0] == table and p[1] == command for p in POLICIES):
            clauses = (f" USING ({using})" if using else "") + (
                f" WITH CHECK ({check})" if check else ""
            )
            op.execute(f"ALTER POLICY member_{command.lower()} ON {table}{clauses}")
    _policies(new=False)
    _frozen_triggers(restamp=False)
    op.execute("DROP TABLE hub_departure")
    op.execute("DROP TRIGGER hub_moved ON account")
    op.execute("DROP TRIGGER hub_manager ON rep")
    for table in OWNED:
        op.execute(f"DROP TRIGGER hub_a_owner ON {table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN owner_id")  # drops its index too
    for name in (
        "hub_manager_changed()", "hub_account_moved()", "hub_restamp(text[], text[], text)",
        "hub_readers_of(text)", "hub_restamp_only(jsonb, jsonb)", "hub_readable()",
        "hub_readable_by(name)", "hub_derive_owner()",
    ):  # fmt: skip
        op.execute(f"DROP FUNCTION {name}")
