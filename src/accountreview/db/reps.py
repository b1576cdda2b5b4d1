"""Queries on reps and the small key/value settings table."""

import sqlite3
from typing import NamedTuple

from accountreview.db.records import now_text
from accountreview.domain import ids
from accountreview.domain.enums import RepRole


class RepRow(NamedTuple):
    id: str
    name: str
    email: str
    role: RepRole
    manager_id: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "RepRow":
        return cls(row["id"], row["name"], row["email"], RepRole(row["role"]), row["manager_id"])


_REP = "SELECT id, name, email, role, manager_id FROM rep"


def insert_rep(
    conn: sqlite3.Connection, *, name: str, email: str, role: RepRole, manager_id: str | None
) -> str:
    rep_id = ids.rep_id(email)  # the same rep on every laptop and the hub
    conn.execute(
        "INSERT INTO rep (id, name, email, role, manager_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (rep_id, name, email, role.value, manager_id, now_text()),
    )
    return rep_id


def update_rep(
    conn: sqlite3.Connection, rep_id: str, *, name: str, role: RepRole, manager_id: str | None
) -> None:
    conn.execute(
        "UPDATE rep SET name = ?, role = ?, manager_id = ? WHERE id = ?",
        (name, role.value, manager_id, rep_id),
    )


def get_rep(conn: sqlite3.Connection, rep_id: str) -> RepRow | None:
    row = conn.execute(f"{_REP} WHERE id = ?", (rep_id,)).fetchone()
    return None if row is None else RepRow.from_row(row)


def find_reps(conn: sqlite3.Connection, text: str) -> list[RepRow]:
    """Reps whose id (or id prefix), exact name or email (any case) is `text`."""
    rows = conn.execute(
        f"{_REP} WHERE id = ? OR (length(?) >= 6 AND id LIKE ? || '%')"
        " OR name = ? COLLATE NOCASE OR email = ? COLLATE NOCASE ORDER BY name",
        (text, text, text.lower(), text, text),
    ).fetchall()
    return [RepRow.from_row(r) for r in rows]


def list_reps(conn: sqlite3.Connection) -> list[RepRow]:
    return [RepRow.from_row(r) for r in conn.execute(f"{_REP} ORDER BY name")]


def reports_of(conn: sqlite3.Connection, manager_id: str) -> list[RepRow]:
    """The people whose manager is `manager_id`, by name."""
    rows = conn.execute(f"{_REP} WHERE manager_id = ? ORDER BY name", (manager_id,))
    return [RepRow.from_row(r) for r in rows]


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM app_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO app_meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
