"""The synced tables and the columns whose changes travel to the hub.

`MUTABLE` is the list the 0004 migration's outbox triggers were made from (a test
checks the triggers in a new file against it): ids, creation stamps and CRM links
never change once a row exists; `review_slot.updated_at` is local only.
"""

import sqlite3

from accountreview.db.accounts import ACCOUNT_COLUMNS

# Parents first: the order rows are pushed in the first time, and pulled rows applied.
SYNCED_TABLES = (
    "rep",
    "account",
    "stakeholder",
    "touch",
    "review",
    "review_slot",
    "review_snapshot",
    "audit_log",
)
FROZEN_TABLES = ("review_snapshot", "audit_log")  # rows are inserted, never changed

MUTABLE: dict[str, tuple[str, ...]] = {
    "rep": ("name", "role", "manager_id"),
    "account": ACCOUNT_COLUMNS,  # every column but id, created_at and the CRM link
    "stakeholder": ("name", "email", "title", "level", "role", "left_on", "next_contact_on"),
    "touch": (),
    "review": ("status", "close_count", "closed_at", "closed_by_id"),
    "review_slot": ("stakeholder_id", "confirmed_in_role_on"),
    "review_snapshot": (),
    "audit_log": (),
}


def synced(table: str) -> str:
    """`table` if it is one of the synced tables (names put into SQL come from here)."""
    if table not in SYNCED_TABLES:
        raise ValueError(f"{table!r} is not a synced table")
    return table


def table_columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """The columns of a synced table, as the file has them."""
    return tuple(str(r[1]) for r in conn.execute(f"PRAGMA table_info({synced(table)})"))


def triggers_set_aside(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop the triggers on `table` of the main file, inside the caller's transaction;
    returns their SQL, to put them back before it commits (every committed state has
    them all: another connection never writes without them)."""
    held = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
        " ORDER BY name",
        (table,),
    ).fetchall()
    for name, _ in held:
        conn.execute(f'DROP TRIGGER main."{name}"')
    return [str(sql) for _, sql in held]
