"""Each chained row stores its predecessor's hash; each review, whose five the hub kept

A replica may hold part of a device's chain (an account moved to another rep, one
laptop file used by two reps, a manager's view). So each audit entry and frozen
snapshot row stores `prev_hash`, the hash it is chained to (GENESIS for the first of
its origin): a row verifies alone and a link wherever both rows are present. It is
filled here from the chains: every row whose predecessor is in the file. A row whose
predecessor is not (a pulled row of another origin, in a file that syncs) gets it from
the hub at a pull: while pulled rows are applied, and only then, a row's `prev_hash`
may be set once from empty; every other change of a frozen row is still refused.

`review.kept_origins` says, close by close, whose five is the review's when two laptops
closed it at the same close number offline: the origin of the close the hub took first
(a JSON array, the n-th for close n, null when not known). A close here writes this
device's origin; the hub's value replaces it at the next pull.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import json
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
_APPLYING = "EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying')"
# Every column of the frozen tables as this revision makes them (prev_hash aside).
_COLUMNS = {
    "audit_log": (
        "id", "at", "actor_id", "action", "account_id", "review_id", "close_number",
        "reason", "origin", "seq", "hash",
    ),
    "review_snapshot": (
        "id", "review_id", "close_number", "position", "stakeholder_id", "name", "title",
        "level", "role", "last_contact_on", "next_contact_on", "taken_at",
        "confirmed_in_role", "origin", "seq", "hash",
    ),
}  # fmt: skip
_MESSAGES = {
    "audit_log": "the audit log is append-only",
    "review_snapshot": "review snapshots are frozen",
}


def _frozen_trigger(table: str) -> str:
    """Refuse every UPDATE but filling an empty `prev_hash` while pulled rows apply."""
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in ("rowid", *_COLUMNS[table]))
    return f"""
    CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    WHEN NOT ({_APPLYING} AND OLD.prev_hash IS NULL AND NEW.prev_hash IS NOT NULL
              AND {same})
    BEGIN SELECT RAISE(ABORT, '{_MESSAGES[table]}'); END
    """


def _old_frozen_trigger(table: str) -> str:
    """The trigger as 0001 made it (its text, for the downgrade to match exactly)."""
    return (
        f"\n    CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}\n"
        f"    BEGIN SELECT RAISE(ABORT, '{_MESSAGES[table]}'); END\n    "
    )


def _column(name: str) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=True)


def _fill(table: str) -> None:
    """Each row's prev_hash from the chain: GENESIS for seq 1, else its predecessor's
    hash when that row is here (NULL otherwise: the hub sends it)."""
    op.execute(
        f"UPDATE {table} SET prev_hash = CASE WHEN seq = 1 THEN '{GENESIS}' ELSE"
        f" (SELECT p.hash FROM {table} p WHERE p.origin = {table}.origin"
        f" AND p.seq = {table}.seq - 1) END WHERE seq IS NOT NULL"
    )


def _raw() -> sqlite3.Connection:
    conn = op.get_bind().connection.dbapi_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


def upgrade() -> None:
    op.add_column("review", _column("kept_origins"))
    for table in _COLUMNS:
        op.add_column(table, _column("prev_hash"))
        op.execute(f"DROP TRIGGER {table}_no_update")
        _fill(table)
        op.execute(_frozen_trigger(table))
    # The five each close shows today (the origin that sorts first) until the hub says;
    # as pulled rows do, so that a closed review's row may take it (and nothing else).
    conn = _raw()
    conn.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('applying', '1')")
    conn.executemany(
        "UPDATE review SET kept_origins = ? WHERE id = ?",
        [
            (json.dumps(closes, separators=(",", ":")), review_id)
            for review_id, closes in _own_closes(conn).items()
        ],
    )
    conn.execute("DELETE FROM sync_state WHERE key = 'applying'")


def _own_closes(conn: sqlite3.Connection) -> dict[str, list[str | None]]:
    """Review id -> the origin of each of its closes as this file would show it today
    (the origin that sorts first; None for a close with no five)."""
    rows = conn.execute(
        "SELECT r.id, r.close_count, n.close_number, min(n.origin) FROM review r"
        " JOIN review_snapshot n ON n.review_id = r.id"
        " GROUP BY r.id, n.close_number ORDER BY r.id, n.close_number"
    ).fetchall()
    kept: dict[str, list[str | None]] = {}
    for review_id, count, number, origin in rows:
        closes = kept.setdefault(str(review_id), [None] * int(count))
        if 1 <= int(number) <= len(closes):
            closes[int(number) - 1] = str(origin)
    return kept


def downgrade() -> None:
    for table in _COLUMNS:
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(f"ALTER TABLE {table} DROP COLUMN prev_hash")
        op.execute(_old_frozen_trigger(table))
    op.execute("ALTER TABLE review DROP COLUMN kept_origins")
