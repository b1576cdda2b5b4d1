"""Where a synced row lives, in names: its account and what it is (for the conflicts
screen), and the names behind the ids a conflicting field may hold."""

import sqlite3
from typing import NamedTuple


class Place(NamedTuple):
    """The account a row belongs to (None for a rep) and the row in words."""

    account: str | None
    what: str


# One query per synced table that can hold a conflicting field; `table` is only ever
# one of these keys (a fixed whitelist), never text put into SQL.
_PLACES = {
    "account": "SELECT name, 'account' FROM account WHERE id = ?",
    "stakeholder": (
        "SELECT a.name, s.name FROM stakeholder s JOIN account a ON a.id = s.account_id"
        " WHERE s.id = ?"
    ),
    "touch": (
        "SELECT a.name, s.name || ', touch of ' || t.touched_on FROM touch t"
        " JOIN stakeholder s ON s.id = t.stakeholder_id"
        " JOIN account a ON a.id = s.account_id WHERE t.id = ?"
    ),
    "review": (
        "SELECT a.name, 'review ' || r.week FROM review r"
        " JOIN account a ON a.id = r.account_id WHERE r.id = ?"
    ),
    "review_slot": (
        "SELECT a.name, 'review ' || r.week || ', slot ' || sl.position FROM review_slot sl"
        " JOIN review r ON r.id = sl.review_id JOIN account a ON a.id = r.account_id"
        " WHERE sl.id = ?"
    ),
    "rep": "SELECT NULL, 'rep ' || name FROM rep WHERE id = ?",
}

# The tables whose ids a field may hold, and the column that names the row.
_NAMES = {
    "stakeholder": "SELECT name FROM stakeholder WHERE id = ?",
    "rep": "SELECT name FROM rep WHERE id = ?",
}


def place_of(conn: sqlite3.Connection, table: str, row_id: str) -> Place | None:
    """The account and words for row `row_id` of `table`; None when the row is not here
    (or the table holds no field a person edits)."""
    sql = _PLACES.get(table)
    row = conn.execute(sql, (row_id,)).fetchone() if sql else None
    return None if row is None else Place(row[0], row[1])


def name_of(conn: sqlite3.Connection, table: str, row_id: str) -> str | None:
    """The name of the stakeholder or rep `row_id`; None if there is none here."""
    sql = _NAMES.get(table)
    row = conn.execute(sql, (row_id,)).fetchone() if sql else None
    return None if row is None else str(row[0])
