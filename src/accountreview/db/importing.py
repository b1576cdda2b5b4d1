"""Queries an import needs: matching file rows to records, and its scratch tables.

TEMP tables live for the length of one import transaction (they vanish on
ROLLBACK and are dropped before COMMIT): the account names in a case-insensitive
index (the schema's index on `account.name` is case-sensitive, so a NOCASE
lookup would scan every account for each row), the records already matched
by a row of the file (to refuse a second row for the same record), and the
best contact role seen per stakeholder (written when the file ends). They keep
memory flat however long the file is.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date

from accountreview.db.crm import LinkedTouch
from accountreview.db.records import as_date
from accountreview.db.reps import RepRow, rep_from_row

# Pages an import may keep in memory (KiB, as PRAGMA cache_size takes it negated): a
# long import writes into indexes all over the file, and SQLite's default of 2 MiB
# makes it read the same pages again and again. A fixed cap: memory stays flat.
IMPORT_CACHE_KIB = 16_384


def start_import(conn: sqlite3.Connection, *, account_names: bool) -> None:
    """Create the scratch tables (inside the import's transaction), widen the page cache."""
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY, row INTEGER NOT NULL)"
    )
    conn.execute("DELETE FROM temp.import_seen")
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_role"
        " (stakeholder_id TEXT PRIMARY KEY, rank INTEGER NOT NULL)"
    )
    conn.execute("DELETE FROM temp.import_role")
    if account_names:
        conn.execute("DROP TABLE IF EXISTS temp.import_account_name")
        conn.execute(
            "CREATE TEMP TABLE import_account_name"
            " (id TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE)"
        )
        conn.execute("INSERT INTO temp.import_account_name (id, name) SELECT id, name FROM account")
        conn.execute("CREATE INDEX temp.ix_import_account_name ON import_account_name (name)")


def end_import(conn: sqlite3.Connection) -> None:
    """Give the page cache back (after COMMIT or ROLLBACK)."""
    conn.execute("PRAGMA cache_size = -2000")


def finish_import(conn: sqlite3.Connection) -> None:
    """Drop the scratch tables."""
    conn.execute("DROP TABLE IF EXISTS temp.import_seen")
    conn.execute("DROP TABLE IF EXISTS temp.import_account_name")
    conn.execute("DROP TABLE IF EXISTS temp.import_role")


def earlier_row(conn: sqlite3.Connection, record_id: str, row: int) -> int | None:
    """The file row that already matched `record_id`; else remember `row` and return None."""
    before = conn.total_changes
    conn.execute("INSERT OR IGNORE INTO temp.import_seen (id, row) VALUES (?, ?)", (record_id, row))
    if conn.total_changes != before:
        return None
    found = conn.execute("SELECT row FROM temp.import_seen WHERE id = ?", (record_id,)).fetchone()
    return int(found[0])


def matched_row(conn: sqlite3.Connection, record_id: str) -> bool:
    """Whether a row of the file already matched `record_id` (see `earlier_row`)."""
    found = conn.execute("SELECT 1 FROM temp.import_seen WHERE id = ?", (record_id,)).fetchone()
    return found is not None


def remember_rows(conn: sqlite3.Connection, seen: list[tuple[str, int]]) -> None:
    """Remember (record id, file row) of records this import just added (see `earlier_row`)."""
    conn.executemany("INSERT OR IGNORE INTO temp.import_seen (id, row) VALUES (?, ?)", seen)


def note_role(conn: sqlite3.Connection, stakeholder_id: str, rank: int) -> None:
    """Remember the best (lowest) role rank a row of the file gave a stakeholder."""
    conn.execute(
        "INSERT INTO temp.import_role (stakeholder_id, rank) VALUES (?, ?)"
        " ON CONFLICT (stakeholder_id) DO UPDATE SET rank = min(rank, excluded.rank)",
        (stakeholder_id, rank),
    )


def noted_roles(conn: sqlite3.Connection) -> list[tuple[str, int, str | None]]:
    """(stakeholder id, best rank, stored role) of every stakeholder given a role."""
    rows = conn.execute(
        "SELECT r.stakeholder_id, r.rank, s.role FROM temp.import_role r"
        " JOIN stakeholder s ON s.id = r.stakeholder_id ORDER BY r.stakeholder_id"
    ).fetchall()
    return [(r[0], int(r[1]), r[2]) for r in rows]


_REP = "SELECT id, name, email, role, manager_id FROM rep"


def rep_by_email(conn: sqlite3.Connection, email: str) -> RepRow | None:
    """The rep with this email (any case)."""
    row = conn.execute(f"{_REP} WHERE email = ? COLLATE NOCASE LIMIT 1", (email,)).fetchone()
    return None if row is None else rep_from_row(row)


def rep_ids_named(conn: sqlite3.Connection, text: str) -> list[str]:
    """Ids of the reps whose email or name (any case) is `text`; an email match wins."""
    rows = conn.execute(
        "SELECT id FROM rep WHERE email = ? COLLATE NOCASE"
        " UNION ALL SELECT id FROM rep WHERE name = ? COLLATE NOCASE"
        " AND NOT EXISTS (SELECT 1 FROM rep WHERE email = ? COLLATE NOCASE) LIMIT 5",
        (text, text, text),
    ).fetchall()
    return [r[0] for r in rows]


def account_ids_by_name(conn: sqlite3.Connection, name: str) -> list[str]:
    """Ids of the accounts whose name (any case) is `name` (needs `start_import`)."""
    rows = conn.execute(
        "SELECT id FROM temp.import_account_name WHERE name = ? LIMIT 5", (name,)
    ).fetchall()
    return [r[0] for r in rows]


def account_ids_named(conn: sqlite3.Connection, text: str) -> list[str]:
    """Ids of the accounts whose id or name (any case) is `text` (needs `start_import`)."""
    row = conn.execute("SELECT id FROM account WHERE id = ?", (text,)).fetchone()
    return [row[0]] if row is not None else account_ids_by_name(conn, text)


def is_account(conn: sqlite3.Connection, account_id: str) -> bool:
    """Whether an account has this id."""
    return conn.execute("SELECT 1 FROM account WHERE id = ?", (account_id,)).fetchone() is not None


def remember_account_name(conn: sqlite3.Connection, account_id: str, name: str) -> None:
    """Keep the name lookup in step with an account inserted or renamed by the import."""
    conn.execute(
        "INSERT INTO temp.import_account_name (id, name) VALUES (?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        (account_id, name),
    )


def account_name(conn: sqlite3.Connection, account_id: str) -> str:
    """An account's name, for messages."""
    row = conn.execute("SELECT name FROM account WHERE id = ?", (account_id,)).fetchone()
    return "" if row is None else str(row[0])


@dataclass(frozen=True)
class StoredStakeholder:
    """A stakeholder's columns that an import sets, in stored form."""

    id: str
    name: str
    email: str | None
    title: str | None
    level: str | None
    role: str | None
    left_on: date | None
    crm_source: str | None = None
    crm_id: str | None = None


_STAKEHOLDER = (
    "SELECT id, name, email, title, level, role, left_on, crm_source, crm_id FROM stakeholder"
)


def _stakeholders(rows: list[sqlite3.Row]) -> list[StoredStakeholder]:
    return [
        StoredStakeholder(
            id=r["id"],
            name=r["name"],
            email=r["email"],
            title=r["title"],
            level=r["level"],
            role=r["role"],
            left_on=as_date(r["left_on"]),
            crm_source=r["crm_source"],
            crm_id=r["crm_id"],
        )
        for r in rows
    ]


def stakeholders_by_id(conn: sqlite3.Connection, stakeholder_id: str) -> list[StoredStakeholder]:
    """The stakeholder with this id (a list of at most one)."""
    return _stakeholders(conn.execute(f"{_STAKEHOLDER} WHERE id = ?", (stakeholder_id,)).fetchall())


def stakeholder_account(conn: sqlite3.Connection, stakeholder_id: str) -> str | None:
    """The id of the account the stakeholder `stakeholder_id` is of (None: no such one)."""
    row = conn.execute(
        "SELECT account_id FROM stakeholder WHERE id = ?", (stakeholder_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def stakeholders_by_email(
    conn: sqlite3.Connection, account_id: str, email: str
) -> list[StoredStakeholder]:
    """The account's stakeholders with this email (any case)."""
    rows = conn.execute(
        f"{_STAKEHOLDER} WHERE account_id = ? AND email = ? COLLATE NOCASE LIMIT 5",
        (account_id, email),
    ).fetchall()
    return _stakeholders(rows)


def stakeholders_by_name(
    conn: sqlite3.Connection, account_id: str, name: str
) -> list[StoredStakeholder]:
    """The account's stakeholders with this name (any case)."""
    rows = conn.execute(
        f"{_STAKEHOLDER} WHERE account_id = ? AND name = ? COLLATE NOCASE LIMIT 5",
        (account_id, name),
    ).fetchall()
    return _stakeholders(rows)


def stakeholder_ids_named(conn: sqlite3.Connection, account_id: str, text: str) -> list[str]:
    """Ids of the account's stakeholders whose id, email or name (any case) is `text`.

    An id match wins over an email match, which wins over a name match.
    """
    row = conn.execute(
        "SELECT id FROM stakeholder WHERE id = ? AND account_id = ?", (text, account_id)
    ).fetchone()
    if row is not None:
        return [row[0]]
    by_email = stakeholders_by_email(conn, account_id, text)
    people = by_email or stakeholders_by_name(conn, account_id, text)
    return [p.id for p in people]


def touch_account(conn: sqlite3.Connection, touch_id: str) -> str | None:
    """The id of the account of the touch `touch_id` (None: no such touch)."""
    row = conn.execute(
        "SELECT s.account_id FROM touch t JOIN stakeholder s ON s.id = t.stakeholder_id"
        " WHERE t.id = ?",
        (touch_id,),
    ).fetchone()
    return None if row is None else str(row[0])


def same_touches(
    conn: sqlite3.Connection, stakeholder_id: str, on: str, channel: str, note: str | None
) -> list[LinkedTouch]:
    """The stakeholder's touches with this date, channel and note (those of no CRM first)."""
    rows = conn.execute(
        "SELECT id, stakeholder_id, touched_on, channel, note, crm_source FROM touch"
        " WHERE stakeholder_id = ? AND touched_on = ? AND channel = ?"
        " AND coalesce(note, '') = coalesce(?, '') ORDER BY crm_source IS NULL DESC, id",
        (stakeholder_id, on, channel, note),
    ).fetchall()
    return [LinkedTouch(*r) for r in rows]


def touch_by_id(conn: sqlite3.Connection, touch_id: str) -> LinkedTouch | None:
    """The touch with this id."""
    row = conn.execute(
        "SELECT id, stakeholder_id, touched_on, channel, note, crm_source FROM touch WHERE id = ?",
        (touch_id,),
    ).fetchone()
    return None if row is None else LinkedTouch(*row)
