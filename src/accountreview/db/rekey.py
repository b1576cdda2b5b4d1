"""Derived ids for a file written before schema 0004 (run by that migration).

Reps, stakeholders, reviews, slots, and the accounts, stakeholders and touches linked
to a CRM get the ids `domain.ids` derives, as if they had been made by this version,
and every column that points at them follows, frozen rows included (the migration
sets the freezing triggers aside and re-seals the hash chains afterwards).

Each kind is mapped old -> new in a temporary table filled from a cursor a batch at
a time, then applied with one UPDATE per pointing column: memory stays flat however
large the file. Foreign keys are checked at commit (`defer_foreign_keys`), when
every pointer has followed. Rows whose id is already the derived one are left alone,
so running it again changes nothing.
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator

from accountreview.db.errors import DatabaseProblem
from accountreview.domain import ids

_BATCH = 5_000
CURRENT_REP_KEY = "current_rep_id"  # app_meta: the remembered rep (services.reps)

# kind -> the (table, column) pairs that point at its ids.
POINTERS: dict[str, tuple[tuple[str, str], ...]] = {
    "rep": (
        ("rep", "manager_id"),
        ("account", "rep_id"),
        ("touch", "logged_by_id"),
        ("review", "opened_by_id"),
        ("review", "closed_by_id"),
        ("audit_log", "actor_id"),
    ),
    "account": (
        ("stakeholder", "account_id"),
        ("review", "account_id"),
        ("audit_log", "account_id"),
    ),
    "stakeholder": (
        ("touch", "stakeholder_id"),
        ("review_slot", "stakeholder_id"),
        ("review_snapshot", "stakeholder_id"),
    ),
    "review": (
        ("review_slot", "review_id"),
        ("review_snapshot", "review_id"),
        ("audit_log", "review_id"),
    ),
    "review_slot": (),
    "touch": (),
}


# Pointing columns with no index of their own: while a parent's id changes, SQLite looks
# its children up by them (foreign keys stay on inside a transaction), a full scan per
# row without one. Indexed for the rekey, dropped after.
_UNINDEXED = (
    ("rep", "manager_id"),
    ("touch", "logged_by_id"),
    ("review", "opened_by_id"),
    ("review", "closed_by_id"),
    ("review_snapshot", "stakeholder_id"),
    ("audit_log", "actor_id"),
    ("audit_log", "account_id"),
)


def rekey(conn: sqlite3.Connection) -> dict[str, int]:
    """Give every row its derived id (see the module's docstring); returns how many rows
    of each kind changed. Inside the caller's transaction, the triggers set aside."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for table, column in _UNINDEXED:
        conn.execute(f"CREATE INDEX rekey_{table}_{column} ON {table} ({column})")
    try:
        return _rekey(conn)
    finally:
        for table, column in _UNINDEXED:
            conn.execute(f"DROP INDEX IF EXISTS rekey_{table}_{column}")


def _rekey(conn: sqlite3.Connection) -> dict[str, int]:
    changed: dict[str, int] = {}
    for kind, pairs in (
        ("rep", _rep_ids(conn)),
        ("account", _crm_ids(conn, "account")),
        ("stakeholder", _stakeholder_ids(conn)),
        ("review", _derived(conn, "SELECT id, account_id, week FROM review", ids.review_id)),
        (
            "review_slot",
            _derived(conn, "SELECT id, review_id, position FROM review_slot", ids.slot_id),
        ),
        ("touch", _crm_ids(conn, "touch")),
    ):
        changed[kind] = _apply(conn, kind, pairs)
    return changed


def _rep_ids(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """Reps by email; two whose emails differ only in case or spacing cannot both stay."""
    seen: dict[str, str] = {}
    for rep_id, email in conn.execute("SELECT id, email FROM rep ORDER BY rowid").fetchall():
        new = ids.rep_id(email)
        if new in seen:
            raise DatabaseProblem(
                f"Cannot upgrade to schema 0004: the reps {seen[new]!r} and {email!r} have"
                " the same email in another case; a rep is known by their email everywhere."
                " Change one of them with the previous version. Nothing was changed."
            )
        seen[new] = email
        yield rep_id, new


def _crm_ids(conn: sqlite3.Connection, table: str) -> Iterator[tuple[str, str]]:
    cursor = conn.execute(
        f"SELECT id, crm_source, crm_id FROM {table}"
        " WHERE crm_source IS NOT NULL AND crm_id IS NOT NULL"
    )
    for row_id, source, crm_id in cursor:
        yield row_id, ids.crm_id_for(table, source, crm_id)


def _stakeholder_ids(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """By CRM link, else by account and email or name; an account's people in the order
    they were added, so the first of two with one email keeps the plain id."""
    cursor = conn.execute(
        "SELECT id, account_id, email, name, crm_source, crm_id FROM stakeholder"
        " ORDER BY account_id, created_at, rowid"
    )
    account, taken = None, set[str]()
    for row_id, account_id, email, name, source, crm_id in cursor:
        if account_id != account:
            account, taken = account_id, set()
        if source is not None and crm_id is not None:
            yield row_id, ids.crm_id_for("stakeholder", source, crm_id)
            continue
        new = ids.stakeholder_id(account_id, email, name, taken.__contains__)
        taken.add(new)
        yield row_id, new


def _derived(
    conn: sqlite3.Connection, sql: str, derive: Callable[..., str]
) -> Iterator[tuple[str, str]]:
    for row_id, *parts in conn.execute(sql):
        yield row_id, derive(*parts)


def _batches(pairs: Iterable[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    for old, new in pairs:
        if old != new:
            batch.append((old, new))
            if len(batch) >= _BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _apply(conn: sqlite3.Connection, kind: str, pairs: Iterable[tuple[str, str]]) -> int:
    """Map `kind`'s ids old -> new and make every pointer follow; returns how many."""
    table = f"temp.rekey_{kind}"
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} (old TEXT PRIMARY KEY, new TEXT NOT NULL UNIQUE)")
    count = 0  # `kind` itself is only read until every pair is in the map
    for batch in _batches(pairs):
        conn.executemany(f"INSERT INTO {table} (old, new) VALUES (?, ?)", batch)
        count += len(batch)
    if count:
        for target, column in (*POINTERS[kind], (kind, "id")):
            conn.execute(
                f"UPDATE {target} SET {column} = (SELECT new FROM {table} WHERE old = {column})"
                f" WHERE {column} IN (SELECT old FROM {table})"
            )
        if kind == "rep":
            conn.execute(
                f"UPDATE app_meta SET value = (SELECT new FROM {table} WHERE old = value)"
                f" WHERE key = ? AND value IN (SELECT old FROM {table})",
                (CURRENT_REP_KEY,),
            )
    conn.execute(f"DROP TABLE {table}")
    return count
