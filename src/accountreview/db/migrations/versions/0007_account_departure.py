"""An account that left this person's sight may be removed, whole, while a pull is applied

When the hub's owner moves an account to another rep, or gives its rep another manager,
the people who no longer read it are told (hub 0007: `hub_departure`), and their laptop
removes the account and everything hanging off it, frozen rows included. The triggers
that keep a closed review, its slots, the snapshots and the audit log from being deleted
let exactly that through: only while pulled rows are applied (`applying`) and only rows
of the one account being removed (`removing` = its id, set by the pull's apply for that
account alone). Any other delete is refused as before.

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

_CLOSED = "closed review is read-only: reopen it in accountreview (a reason is required)"
_OF_REVIEW = "(SELECT account_id FROM review WHERE id = OLD.review_id)"
# trigger -> (table, the condition it refused on before, the account of OLD, message)
TRIGGERS = {
    "review_closed_no_delete": ("review", "OLD.status = 'closed'", "OLD.account_id", _CLOSED),
    "review_slot_closed_no_delete": (
        "review_slot", "(SELECT status FROM review WHERE id = OLD.review_id) = 'closed'",
        _OF_REVIEW, _CLOSED,
    ),
    "review_snapshot_no_delete": (
        "review_snapshot", "1", _OF_REVIEW, "review snapshots are frozen",
    ),
    "audit_log_no_delete": (
        "audit_log", "1", f"coalesce(OLD.account_id, {_OF_REVIEW})",
        "the audit log is append-only",
    ),
}  # fmt: skip
_REMOVING = (
    "EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying')"
    " AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'removing' AND value = {})"
)


def _create(name: str, removable: bool) -> None:
    table, refused, account, message = TRIGGERS[name]
    when = f"({refused}) AND NOT ({_REMOVING.format(account)})" if removable else refused
    when_clause = "" if when == "1" else f"\n    WHEN {when}"
    op.execute(
        f"CREATE TRIGGER {name} BEFORE DELETE ON {table}{when_clause}\n"
        f"    BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


_MAX = "coalesce((SELECT max(seq) FROM {t} WHERE origin = NEW.origin), 0)"
_TAIL = (
    "coalesce((SELECT CAST(substr(value, 1, instr(value, ' ') - 1) AS INTEGER)"
    " FROM sync_state WHERE key = 'chain-tail:{t}:' || NEW.origin), 0)"
)
# (the text 0004 wrote, the text now): the pulled branch's order rule, the local next seq.
EDITS = (
    ("THEN NEW.seq <= " + _MAX, "THEN 0"),
    ("NEW.seq IS NOT " + _MAX + " + 1", f"NEW.seq IS NOT max({_MAX}, {_TAIL}) + 1"),
)
CHAINED = {"review_snapshot": "review_snapshot_insert_rules", "audit_log": "audit_log_insert_rules"}


def _edit_inserts(forward: bool) -> None:
    from sqlalchemy import text

    bind = op.get_bind()
    for table, name in CHAINED.items():
        found = bind.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"), {"n": name}
        ).scalar_one()
        for before, after in EDITS:
            old, new = (before, after) if forward else (after, before)
            old, new = old.format(t=table), new.format(t=table)
            if old not in found:
                raise RuntimeError(f"{name}: the rule to edit is not there: {old}")
            found = found.replace(old, new)
        op.execute(f"DROP TRIGGER {name}")
        op.execute(found)


def upgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
        _create(name, removable=True)
    _edit_inserts(forward=True)


def downgrade() -> None:
    _edit_inserts(forward=False)
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
        _create(name, removable=False)
