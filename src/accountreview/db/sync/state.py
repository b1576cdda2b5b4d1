"""`sync_state`: small key/value facts about this file's sync (see models.SyncState)."""

import sqlite3


def get_state(conn: sqlite3.Connection, key: str) -> str | None:
    """The value of `key`, or None when it is not set."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_state(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Set `key` to `value` (None removes it), in the caller's transaction."""
    if value is None:
        conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        return
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
