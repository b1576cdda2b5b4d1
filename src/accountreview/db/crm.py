"""Queries on CRM links: records found by the id they have in Salesforce or HubSpot.

Each of rep, account, stakeholder and touch has `crm_source` and `crm_id`, with
a unique index on the pair, so every lookup here is one index probe.
"""

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from accountreview.db.records import as_date

LINKED_TABLES = ("rep", "account", "stakeholder", "touch")


def find_linked(conn: sqlite3.Connection, table: str, source: str, crm_id: str) -> str | None:
    """The id of the record of `table` linked to this CRM record, if any."""
    assert table in LINKED_TABLES
    row = conn.execute(
        f"SELECT id FROM {table} WHERE crm_source = ? AND crm_id = ?", (source, crm_id)
    ).fetchone()
    return None if row is None else str(row[0])


def link(
    conn: sqlite3.Connection, table: str, record_id: str, source: str | None, crm_id: str | None
) -> None:
    """Link a record to a CRM record (or unlink it, with None)."""
    assert table in LINKED_TABLES
    conn.execute(
        f"UPDATE {table} SET crm_source = ?, crm_id = ? WHERE id = ?", (source, crm_id, record_id)
    )


def crm_of(conn: sqlite3.Connection, table: str, record_id: str) -> tuple[str, str] | None:
    """The CRM record a record is linked to."""
    assert table in LINKED_TABLES
    row = conn.execute(
        f"SELECT crm_source, crm_id FROM {table} WHERE id = ?", (record_id,)
    ).fetchone()
    return None if row is None or row[0] is None else (str(row[0]), str(row[1]))


def unlinked_accounts_named(conn: sqlite3.Connection, name: str) -> list[str]:
    """Accounts of this name (any case) not yet linked to a CRM (needs `start_import`)."""
    rows = conn.execute(
        "SELECT t.id FROM temp.import_account_name t JOIN account a ON a.id = t.id"
        " WHERE t.name = ? AND a.crm_source IS NULL LIMIT 5",
        (name,),
    ).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class LinkedPerson:
    """A stakeholder's columns that a CRM import reads or sets, in stored form."""

    id: str
    account_id: str
    name: str
    email: str | None
    title: str | None
    level: str | None
    role: str | None
    left_on: date | None
    crm_source: str | None
    crm_id: str | None


_PERSON = (
    "SELECT id, account_id, name, email, title, level, role, left_on, crm_source, crm_id"
    " FROM stakeholder"
)


def _person(row: sqlite3.Row) -> LinkedPerson:
    return LinkedPerson(
        id=row[0],
        account_id=row[1],
        name=row[2],
        email=row[3],
        title=row[4],
        level=row[5],
        role=row[6],
        left_on=as_date(row[7]),
        crm_source=row[8],
        crm_id=row[9],
    )


def person_by_crm(conn: sqlite3.Connection, source: str, crm_id: str) -> LinkedPerson | None:
    """The stakeholder linked to this CRM contact."""
    row = conn.execute(
        f"{_PERSON} WHERE crm_source = ? AND crm_id = ?", (source, crm_id)
    ).fetchone()
    return None if row is None else _person(row)


def person_by_id(conn: sqlite3.Connection, stakeholder_id: str) -> LinkedPerson | None:
    """A stakeholder by its id."""
    row = conn.execute(f"{_PERSON} WHERE id = ?", (stakeholder_id,)).fetchone()
    return None if row is None else _person(row)


def has_unlinked_people(conn: sqlite3.Connection, account_id: str) -> bool:
    """Whether any stakeholder of the account has no CRM link."""
    row = conn.execute(
        "SELECT 1 FROM stakeholder WHERE account_id = ? AND crm_source IS NULL LIMIT 1",
        (account_id,),
    ).fetchone()
    return row is not None


def unlinked_people(
    conn: sqlite3.Connection, account_id: str, *, email: str | None, name: str
) -> list[LinkedPerson]:
    """The account's stakeholders with no CRM link yet, by email (any case), else by name."""
    if email is not None:
        rows = conn.execute(
            f"{_PERSON} WHERE account_id = ? AND email = ? COLLATE NOCASE"
            " AND crm_source IS NULL LIMIT 5",
            (account_id, email),
        ).fetchall()
        if rows:
            return [_person(r) for r in rows]
    rows = conn.execute(
        f"{_PERSON} WHERE account_id = ? AND name = ? COLLATE NOCASE AND crm_source IS NULL"
        " AND (email IS NULL OR ? IS NULL) LIMIT 5",
        (account_id, name, email),
    ).fetchall()
    return [_person(r) for r in rows]


def people_by_email(conn: sqlite3.Connection, account_id: str, email: str) -> list[LinkedPerson]:
    """The account's stakeholders with this email (any case), linked or not."""
    rows = conn.execute(
        f"{_PERSON} WHERE account_id = ? AND email = ? COLLATE NOCASE LIMIT 5",
        (account_id, email),
    ).fetchall()
    return [_person(r) for r in rows]


def update_person(
    conn: sqlite3.Connection, stakeholder_id: str, values: Mapping[str, object]
) -> None:
    """Set some of a stakeholder's columns (name, email, title, level, role, crm link)."""
    allowed = ("name", "email", "title", "level", "role", "left_on", "crm_source", "crm_id")
    columns = [c for c in allowed if c in values]
    if columns:
        conn.execute(
            f"UPDATE stakeholder SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            (*(values[c] for c in columns), stakeholder_id),
        )


@dataclass(frozen=True)
class LinkedTouch:
    id: str
    stakeholder_id: str
    touched_on: str
    channel: str
    note: str | None
    crm_source: str | None


def touch_by_crm(conn: sqlite3.Connection, source: str, crm_id: str) -> LinkedTouch | None:
    """The touch linked to this CRM activity."""
    row = conn.execute(
        "SELECT id, stakeholder_id, touched_on, channel, note, crm_source FROM touch"
        " WHERE crm_source = ? AND crm_id = ?",
        (source, crm_id),
    ).fetchone()
    return None if row is None else LinkedTouch(*row)


def update_touch(
    conn: sqlite3.Connection,
    touch_id: str,
    *,
    stakeholder_id: str,
    on: str,
    channel: str,
    note: str | None,
    crm: tuple[str, str] | None,
) -> None:
    """Set a touch's conversation and CRM link."""
    conn.execute(
        "UPDATE touch SET stakeholder_id = ?, touched_on = ?, channel = ?, note = ?,"
        " crm_source = ?, crm_id = ? WHERE id = ?",
        (stakeholder_id, on, channel, note, *(crm or (None, None)), touch_id),
    )


def rep_ids_by_crm(conn: sqlite3.Connection, source: str, crm_id: str) -> list[str]:
    """The rep linked to this CRM user (a list of at most one)."""
    found = find_linked(conn, "rep", source, crm_id)
    return [] if found is None else [found]
