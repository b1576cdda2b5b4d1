"""Queries an export streams: every row in a stable order, read one at a time.

Each function yields `sqlite3.Row`s (columns by name) from one SELECT, so an
export of any size keeps memory flat. A record is referred to as the native
importer reads it back: an account by its name, or by its id when another
account has the same name (any case); a stakeholder by email, else by name,
else by id when the name is shared within the account.
"""

import sqlite3
from collections.abc import Iterator
from datetime import date

from accountreview.db.accounts import ACCOUNT_COLUMNS
from accountreview.db.reviews import SHOWN_FIVE

# Names two accounts share (any case), found once per query: a lookup per row could not
# use the (case-sensitive) name index and would scan every account.
_ACCOUNT_REF = (
    "CASE WHEN lower(a.name) IN (SELECT lower(name) FROM account GROUP BY lower(name)"
    " HAVING count(*) > 1) THEN a.id ELSE a.name END"
)
_PERSON_REF = (
    "CASE WHEN s.email IS NOT NULL AND (SELECT count(*) FROM stakeholder s2"
    "  WHERE s2.account_id = s.account_id AND s2.email = s.email COLLATE NOCASE) = 1 THEN s.email"
    " WHEN (SELECT count(*) FROM stakeholder s2 WHERE s2.account_id = s.account_id"
    "  AND (s2.name = s.name COLLATE NOCASE OR s2.email = s.name COLLATE NOCASE)) = 1 THEN s.name"
    " ELSE s.id END"
)
_LAST_CONTACT = (
    "(SELECT max(t.touched_on) FROM touch t WHERE t.stakeholder_id = s.id AND t.touched_on <= ?)"
)


def _stream(
    conn: sqlite3.Connection, sql: str, params: tuple[object, ...]
) -> Iterator[sqlite3.Row]:
    """The rows of one query, one at a time (an abandoned export just stops reading)."""
    # Not `yield from`: that would close the cursor when an abandoned export is
    # garbage-collected, after its connection is closed.
    for row in conn.execute(sql, params):  # noqa: UP028
        yield row


def _rep_filter(rep_id: str | None, column: str = "a.rep_id") -> tuple[str, tuple[str, ...]]:
    return ("", ()) if rep_id is None else (f" AND {column} = ?", (rep_id,))


def accounts(conn: sqlite3.Connection, *, rep_id: str | None) -> Iterator[sqlite3.Row]:
    """Accounts by name, with their rep and CRM link."""
    where, params = _rep_filter(rep_id)
    columns = ", ".join(f"a.{c}" for c in ACCOUNT_COLUMNS if c != "rep_id")
    yield from _stream(
        conn,
        f"SELECT a.id, {columns}, r.name AS rep_name, r.email AS rep_email,"
        " a.crm_source, a.crm_id FROM account a JOIN rep r ON r.id = a.rep_id"
        f" WHERE 1{where} ORDER BY a.name COLLATE NOCASE, a.id",
        params,
    )


def stakeholders(
    conn: sqlite3.Connection, *, rep_id: str | None, today: date
) -> Iterator[sqlite3.Row]:
    """Stakeholders by account and name, with their last contact up to `today`."""
    where, params = _rep_filter(rep_id)
    yield from _stream(
        conn,
        f"SELECT s.id, s.account_id, {_ACCOUNT_REF} AS account_ref, a.name AS account_name,"
        " s.name, s.email, s.title, s.level, s.role, s.left_on, s.next_contact_on,"
        f" {_LAST_CONTACT} AS last_contact_on, s.crm_source, s.crm_id"
        " FROM stakeholder s JOIN account a ON a.id = s.account_id"
        f" WHERE 1{where} ORDER BY a.name COLLATE NOCASE, a.id, s.name COLLATE NOCASE, s.id",
        (today.isoformat(), *params),
    )


def touches(
    conn: sqlite3.Connection,
    *,
    rep_id: str | None,
    start: date | None = None,
    end: date | None = None,
) -> Iterator[sqlite3.Row]:
    """Touches by date (oldest first), account and stakeholder, with what refers to them:
    the stakeholder's and account's CRM links (a CRM activity's WhoId and WhatId)."""
    where, params = _rep_filter(rep_id)
    if start is not None and end is not None:
        where += " AND t.touched_on BETWEEN ? AND ?"
        params = (*params, start.isoformat(), end.isoformat())
    yield from _stream(
        conn,
        f"SELECT t.id, t.touched_on, t.channel, t.note, t.crm_source, t.crm_id,"
        f" s.id AS stakeholder_id, s.name AS stakeholder_name, {_PERSON_REF} AS stakeholder_ref,"
        " s.crm_source AS person_crm_source, s.crm_id AS person_crm_id,"
        f" a.id AS account_id, a.name AS account_name, {_ACCOUNT_REF} AS account_ref,"
        " a.crm_source AS account_crm_source, a.crm_id AS account_crm_id,"
        " r.name AS logged_by, r.crm_source AS logged_by_crm_source, r.crm_id AS logged_by_crm_id"
        " FROM touch t JOIN stakeholder s ON s.id = t.stakeholder_id"
        " JOIN account a ON a.id = s.account_id LEFT JOIN rep r ON r.id = t.logged_by_id"
        f" WHERE 1{where} ORDER BY t.touched_on, a.name COLLATE NOCASE, a.id,"
        " s.name COLLATE NOCASE, s.id, t.created_at, t.id",
        params,
    )


def review_slots(
    conn: sqlite3.Connection, *, rep_id: str | None, week: str | None, today: date
) -> Iterator[sqlite3.Row]:
    """One row per slot of each review (by week, account, position): a closed review's
    slots as frozen at its latest close, an open one's as they stand (contacts up to `today`)."""
    where, params = _rep_filter(rep_id)
    if week is not None:
        where += " AND v.week = ?"
        params = (*params, week)
    base = (
        "SELECT v.id AS review_id, v.week, v.status, v.closed_at, a.id AS account_id,"
        " a.name AS account_name, rep.name AS rep_name"
        " FROM review v JOIN account a ON a.id = v.account_id JOIN rep ON rep.id = a.rep_id"
        f" WHERE 1{where}"
    )
    yield from _stream(
        conn,
        f"WITH r AS ({base}),"
        " frozen AS (SELECT r.*, n.position, n.stakeholder_id, n.name, n.title, n.level, n.role,"
        "  n.last_contact_on, n.next_contact_on FROM r JOIN review_snapshot n"
        "  ON n.review_id = r.review_id AND n.close_number ="
        "  (SELECT max(close_number) FROM review_snapshot WHERE review_id = r.review_id)"
        f"{SHOWN_FIVE}"  # two laptops' fives: the one the hub kept
        "  WHERE r.status = 'closed'),"
        " live AS (SELECT r.*, l.position, s.id AS stakeholder_id, s.name, s.title, s.level,"
        f"  s.role, {_LAST_CONTACT} AS last_contact_on, s.next_contact_on"
        "  FROM r JOIN review_slot l ON l.review_id = r.review_id"
        "  LEFT JOIN stakeholder s ON s.id = l.stakeholder_id WHERE r.status = 'open')"
        " SELECT * FROM frozen UNION ALL SELECT * FROM live"
        " ORDER BY week, account_name COLLATE NOCASE, account_id, position",
        (*params, today.isoformat()),
    )


def next_contacts(
    conn: sqlite3.Connection,
    *,
    rep_id: str | None,
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> Iterator[sqlite3.Row]:
    """Stakeholders still there with a planned next contact, by date."""
    where, params = _rep_filter(rep_id)
    if start is not None and end is not None:
        where += " AND s.next_contact_on BETWEEN ? AND ?"
        params = (*params, start.isoformat(), end.isoformat())
    yield from _stream(
        conn,
        "SELECT s.id, s.name, s.title, s.email, s.role, s.next_contact_on,"
        f" {_LAST_CONTACT} AS last_contact_on, a.id AS account_id, a.name AS account_name,"
        " r.name AS rep_name FROM stakeholder s JOIN account a ON a.id = s.account_id"
        " JOIN rep r ON r.id = a.rep_id"
        " WHERE s.next_contact_on IS NOT NULL AND (s.left_on IS NULL OR s.left_on > ?)"
        f"{where} ORDER BY s.next_contact_on, a.name COLLATE NOCASE, s.name COLLATE NOCASE, s.id",
        (today.isoformat(), today.isoformat(), *params),
    )


def lost_accounts(
    conn: sqlite3.Connection, *, rep_id: str | None, today: date
) -> Iterator[sqlite3.Row]:
    """Accounts lost by `today` and not churned, by name."""
    where, params = _rep_filter(rep_id)
    yield from _stream(
        conn,
        "SELECT a.id, a.name, a.potential, a.current, a.lost_on, r.name AS rep_name"
        " FROM account a JOIN rep r ON r.id = a.rep_id"
        f" WHERE a.lost_on IS NOT NULL AND a.lost_on <= ? AND a.churned_on IS NULL{where}"
        " ORDER BY a.name COLLATE NOCASE, a.id",
        (today.isoformat(), *params),
    )


def people_of(conn: sqlite3.Connection, account_id: str, today: date) -> list[sqlite3.Row]:
    """An account's stakeholders still there, by name."""
    return conn.execute(
        "SELECT name, title, email, role FROM stakeholder WHERE account_id = ?"
        " AND (left_on IS NULL OR left_on > ?) ORDER BY name COLLATE NOCASE, id",
        (account_id, today.isoformat()),
    ).fetchall()
