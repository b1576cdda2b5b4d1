"""The hub's access rule: the members' group role, its grants, and row-level security

A rep reads and writes their own accounts and what hangs off them; a manager also reads
their reps' (writes only their own); every member of the team reads its rep rows (a role
of another hub in the same cluster reads none); only the admin
(the database's owner, who ran `hub init`) writes rep rows or deletes anything. RLS is
enabled and forced, so the owner goes through the policies too (an admin policy lets it
do everything but what the frozen-row triggers forbid).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBERS = "accountreview_member"
SYNCED = (
    "rep", "account", "stakeholder", "touch", "review", "review_slot", "review_snapshot",
    "audit_log",
)  # fmt: skip
HUB = ("hub_change", "hub_conflict")

ME = "(SELECT hub_me())"
# Whether the signed-in person owns the account a row hangs off (its parent given as table
# and id): one lookup as the owner instead of RLS nested through every parent.
OWN_ACCOUNT = f"hub_owner_of('account', account_id) = {ME}"
OWN_VIA_STAKEHOLDER = f"hub_owner_of('stakeholder', stakeholder_id) = {ME}"
OWN_VIA_REVIEW = f"hub_owner_of('review', review_id) = {ME}"
OWN_AUDIT = (
    f"coalesce(hub_owner_of('account', account_id), hub_owner_of('review', review_id)) = {ME}"
)
READ_VIA_REVIEW = "EXISTS (SELECT 1 FROM review r WHERE r.id = {}.review_id)"
# (table, command, USING, WITH CHECK): the members' policies; None: not given.
POLICIES = (
    ("rep", "SELECT", f"{ME} IS NOT NULL", None),  # the team reads the team's names
    ("account", "SELECT",
     f"rep_id = {ME} OR rep_id IN (SELECT r.id FROM rep r WHERE r.manager_id = {ME})", None),
    ("account", "INSERT", None, f"rep_id = {ME}"),
    ("account", "UPDATE", f"rep_id = {ME}", f"rep_id = {ME}"),
    ("stakeholder", "SELECT",
     "EXISTS (SELECT 1 FROM account a WHERE a.id = stakeholder.account_id)", None),
    ("stakeholder", "INSERT", None, OWN_ACCOUNT),
    ("stakeholder", "UPDATE", OWN_ACCOUNT, OWN_ACCOUNT),
    ("touch", "SELECT",
     "EXISTS (SELECT 1 FROM stakeholder s WHERE s.id = touch.stakeholder_id)", None),
    ("touch", "INSERT", None, OWN_VIA_STAKEHOLDER),
    ("review", "SELECT", "EXISTS (SELECT 1 FROM account a WHERE a.id = review.account_id)", None),
    ("review", "INSERT", None, OWN_ACCOUNT),
    ("review", "UPDATE", OWN_ACCOUNT, OWN_ACCOUNT),
    ("review_slot", "SELECT", READ_VIA_REVIEW.format("review_slot"), None),
    ("review_slot", "INSERT", None, OWN_VIA_REVIEW),
    ("review_slot", "UPDATE", OWN_VIA_REVIEW, OWN_VIA_REVIEW),
    ("review_snapshot", "SELECT", READ_VIA_REVIEW.format("review_snapshot"), None),
    ("review_snapshot", "INSERT", None, OWN_VIA_REVIEW),
    ("audit_log", "SELECT",
     "EXISTS (SELECT 1 FROM account a WHERE a.id = audit_log.account_id)"
     " OR " + READ_VIA_REVIEW.format("audit_log"), None),
    ("audit_log", "INSERT", None, OWN_AUDIT),
    ("hub_change", "SELECT", "login = current_user", None),
    ("hub_change", "INSERT", None, "login = current_user"),
    ("hub_change", "UPDATE", "login = current_user", "login = current_user"),
    ("hub_change", "DELETE", "login = current_user", None),
    ("hub_conflict", "SELECT", f"login = current_user OR {OWN_ACCOUNT}", None),
    ("hub_conflict", "INSERT", None, "login = current_user"),
    ("hub_conflict", "UPDATE", f"login = current_user OR {OWN_ACCOUNT}",
     f"login = current_user OR {OWN_ACCOUNT}"),
)  # fmt: skip
GRANTS = {
    **dict.fromkeys(SYNCED, "SELECT, INSERT, UPDATE"),
    "hub_change": "SELECT, INSERT, UPDATE, DELETE",
    "hub_conflict": "SELECT, INSERT, UPDATE",
}


def upgrade() -> None:
    op.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + MEMBERS + "')"
        f" THEN CREATE ROLE {MEMBERS} NOLOGIN; END IF; END $$"
    )
    # Runs as the owner without a search_path of its own (a SET clause costs every call):
    # every name is schema-qualified, so nothing a member creates can stand in for them.
    op.execute(
        "CREATE FUNCTION hub_owner_of(p_tbl text, p_row text) RETURNS text LANGUAGE plpgsql"
        " STABLE SECURITY DEFINER AS $$ BEGIN RETURN CASE p_tbl"
        " WHEN 'account' THEN (SELECT rep_id FROM public.account WHERE id = p_row)"
        " WHEN 'stakeholder' THEN (SELECT a.rep_id FROM public.stakeholder s"
        " JOIN public.account a ON a.id = s.account_id WHERE s.id = p_row)"
        " WHEN 'review' THEN (SELECT a.rep_id FROM public.review r"
        " JOIN public.account a ON a.id = r.account_id WHERE r.id = p_row) END; END $$"
    )
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
    for table, privileges in GRANTS.items():
        op.execute(f"GRANT {privileges} ON {table} TO {MEMBERS}")
    op.execute(f"GRANT USAGE ON SEQUENCE hub_seq_counter TO {MEMBERS}")
    for table in (*SYNCED, *HUB):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY hub_admin ON {table} USING (hub_is_admin()) WITH CHECK (hub_is_admin())"
        )
    for table, command, using, check in POLICIES:
        name = f"member_{command.lower()}"
        clauses = (f" USING ({using})" if using else "") + (
            f" WITH CHECK ({check})" if check else ""
        )
        op.execute(f"CREATE POLICY {name} ON {table} FOR {command} TO {MEMBERS}{clauses}")


def downgrade() -> None:
    for table, command, _using, _check in POLICIES:
        op.execute(f"DROP POLICY member_{command.lower()} ON {table}")
    for table in (*SYNCED, *HUB):
        op.execute(f"DROP POLICY hub_admin ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute(f"REVOKE ALL ON {table} FROM {MEMBERS}")
    op.execute(f"REVOKE ALL ON SEQUENCE hub_seq_counter FROM {MEMBERS}")
    op.execute("DROP FUNCTION hub_owner_of(text, text)")
