"""The hub's access rule: the members' group role, its grants, and row-level security

A rep reads and writes their own accounts and what hangs off them; a manager also reads
their reps' (writes only their own); everyone reads the team's rep rows; only the admin
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
WRITES = "hub_writes_account({})"
# (table, command, USING, WITH CHECK): the members' policies; None: not given.
POLICIES = (
    ("rep", "SELECT", "true", None),
    ("account", "SELECT",
     f"rep_id = {ME} OR rep_id IN (SELECT r.id FROM rep r WHERE r.manager_id = {ME})", None),
    ("account", "INSERT", None, f"rep_id = {ME}"),
    ("account", "UPDATE", f"rep_id = {ME}", f"rep_id = {ME}"),
    ("stakeholder", "SELECT",
     "EXISTS (SELECT 1 FROM account a WHERE a.id = stakeholder.account_id)", None),
    ("stakeholder", "INSERT", None, WRITES.format("account_id")),
    ("stakeholder", "UPDATE", WRITES.format("account_id"), WRITES.format("account_id")),
    ("touch", "SELECT",
     "EXISTS (SELECT 1 FROM stakeholder s WHERE s.id = touch.stakeholder_id)", None),
    ("touch", "INSERT", None,
     WRITES.format("(SELECT s.account_id FROM stakeholder s WHERE s.id = stakeholder_id)")),
    ("review", "SELECT", "EXISTS (SELECT 1 FROM account a WHERE a.id = review.account_id)", None),
    ("review", "INSERT", None, WRITES.format("account_id")),
    ("review", "UPDATE", WRITES.format("account_id"), WRITES.format("account_id")),
    ("review_slot", "SELECT",
     "EXISTS (SELECT 1 FROM review r WHERE r.id = review_slot.review_id)", None),
    ("review_slot", "INSERT", None,
     WRITES.format("(SELECT r.account_id FROM review r WHERE r.id = review_id)")),
    ("review_slot", "UPDATE",
     WRITES.format("(SELECT r.account_id FROM review r WHERE r.id = review_id)"),
     WRITES.format("(SELECT r.account_id FROM review r WHERE r.id = review_id)")),
    ("review_snapshot", "SELECT",
     "EXISTS (SELECT 1 FROM review r WHERE r.id = review_snapshot.review_id)", None),
    ("review_snapshot", "INSERT", None,
     WRITES.format("(SELECT r.account_id FROM review r WHERE r.id = review_id)")),
    ("audit_log", "SELECT",
     "EXISTS (SELECT 1 FROM account a WHERE a.id = audit_log.account_id)"
     " OR EXISTS (SELECT 1 FROM review r WHERE r.id = audit_log.review_id)", None),
    ("audit_log", "INSERT", None,
     WRITES.format("coalesce(account_id, (SELECT r.account_id FROM review r"
                   " WHERE r.id = review_id))")),
    ("hub_change", "SELECT", "login = current_user", None),
    ("hub_change", "INSERT", None, "login = current_user"),
    ("hub_change", "UPDATE", "login = current_user", "login = current_user"),
    ("hub_change", "DELETE", "login = current_user", None),
    ("hub_conflict", "SELECT", f"login = current_user OR {WRITES.format('account_id')}", None),
    ("hub_conflict", "INSERT", None, "login = current_user"),
    ("hub_conflict", "UPDATE", f"login = current_user OR {WRITES.format('account_id')}",
     f"login = current_user OR {WRITES.format('account_id')}"),
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
    # Whether the signed-in person writes this account (their own), through account's RLS.
    op.execute(
        "CREATE FUNCTION hub_writes_account(p_account text) RETURNS boolean LANGUAGE sql STABLE"
        " AS $$ SELECT EXISTS (SELECT 1 FROM account WHERE id = p_account"
        " AND rep_id = hub_me()) $$"
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
    op.execute("DROP FUNCTION hub_writes_account(text)")
