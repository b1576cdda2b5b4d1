"""Queries on stakeholders and their touches."""

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from accountreview.db.batches import named_id_batches
from accountreview.db.records import as_date, date_text, new_id, now_text
from accountreview.domain import ids
from accountreview.domain.entities import Stakeholder
from accountreview.domain.enums import Channel, Level, Role

StakeholderRow = Stakeholder  # what the queries below return: the domain's Stakeholder


def stakeholder_from_row(row: sqlite3.Row) -> Stakeholder:
    """A stakeholder row (with `last_contact_on` computed) as a Stakeholder."""
    return Stakeholder(
        id=row["id"],
        account_id=row["account_id"],
        name=row["name"],
        email=row["email"],
        title=row["title"],
        level=None if row["level"] is None else Level(row["level"]),
        role=None if row["role"] is None else Role(row["role"]),
        left_on=as_date(row["left_on"]),
        next_contact_on=as_date(row["next_contact_on"]),
        last_contact_on=as_date(row["last_contact_on"]),
    )


class TouchRow(NamedTuple):
    id: str
    stakeholder_id: str
    touched_on: date
    channel: Channel
    note: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "TouchRow":
        return cls(
            row["id"],
            row["stakeholder_id"],
            date.fromisoformat(row["touched_on"]),
            Channel(row["channel"]),
            row["note"],
        )


# A stakeholder's last contact is their latest touch up to the day given.
_SELECT = (
    "SELECT s.id, s.account_id, s.name, s.email, s.title, s.level, s.role, s.left_on,"
    " s.next_contact_on,"
    " (SELECT max(t.touched_on) FROM touch t"
    "  WHERE t.stakeholder_id = s.id AND t.touched_on <= :today) AS last_contact_on"
    " FROM stakeholder s"
)


_INSERT_STAKEHOLDER = (
    "INSERT INTO stakeholder (id, account_id, name, email, title, level, role, left_on,"
    " created_at, crm_source, crm_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def stakeholder_row(
    *,
    account_id: str,
    name: str,
    email: str | None,
    title: str | None,
    level: Level | None,
    role: Role | None,
    left_on: date | None = None,
    crm_source: str | None = None,
    crm_id: str | None = None,
    created_at: str | None = None,
    stakeholder_id: str | None = None,
    taken: Callable[[str], bool] | None = None,
) -> tuple[str | None, ...]:
    """A new stakeholder's stored row, its id first (for `insert_stakeholders`).

    The id is `stakeholder_id` when given (a record moved from another database
    keeps its identity), else one derived from the CRM link, else from the account
    and the email or name (`domain.ids`; `taken` says which ids this file already
    holds, so a deliberate duplicate gets a counter).
    """
    if stakeholder_id is None and crm_source is not None and crm_id is not None:
        derived = ids.crm_id_for("stakeholder", crm_source, crm_id)
        # Taken when the contact moved account: the old record keeps that id.
        stakeholder_id = None if taken is not None and taken(derived) else derived
    return (
        stakeholder_id or ids.stakeholder_id(account_id, email, name, taken),
        account_id,
        name,
        email,
        title,
        None if level is None else level.value,
        None if role is None else role.value,
        date_text(left_on),
        created_at or now_text(),
        crm_source,
        crm_id,
    )


def insert_stakeholder(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    name: str,
    email: str | None,
    title: str | None,
    level: Level | None,
    role: Role | None,
    left_on: date | None = None,
    crm_source: str | None = None,
    crm_id: str | None = None,
    stakeholder_id: str | None = None,
) -> str:
    """Add a stakeholder; returns its id (`stakeholder_id` when given, else a new one)."""
    row = stakeholder_row(
        account_id=account_id,
        name=name,
        email=email,
        title=title,
        level=level,
        role=role,
        left_on=left_on,
        crm_source=crm_source,
        crm_id=crm_id,
        stakeholder_id=stakeholder_id,
        taken=id_taken(conn),
    )
    conn.execute(_INSERT_STAKEHOLDER, row)
    return str(row[0])


def id_taken(conn: sqlite3.Connection) -> Callable[[str], bool]:
    """Whether a stakeholder id is already in this file (for `stakeholder_row`)."""
    return lambda candidate: (
        conn.execute("SELECT 1 FROM stakeholder WHERE id = ?", (candidate,)).fetchone() is not None
    )


def insert_stakeholders(conn: sqlite3.Connection, rows: list[tuple[str | None, ...]]) -> None:
    """Many new stakeholders at once (rows from `stakeholder_row`)."""
    conn.executemany(_INSERT_STAKEHOLDER, rows)


def update_stakeholder(
    conn: sqlite3.Connection,
    stakeholder_id: str,
    *,
    name: str,
    email: str | None,
    title: str | None,
    level: Level | None,
    role: Role | None,
    left_on: date | None,
) -> None:
    conn.execute(
        "UPDATE stakeholder SET name = ?, email = ?, title = ?, level = ?, role = ?, left_on = ?"
        " WHERE id = ?",
        (
            name,
            email,
            title,
            None if level is None else level.value,
            None if role is None else role.value,
            date_text(left_on),
            stakeholder_id,
        ),
    )


def set_left_on(conn: sqlite3.Connection, stakeholder_id: str, left_on: date | None) -> None:
    conn.execute(
        "UPDATE stakeholder SET left_on = ? WHERE id = ?", (date_text(left_on), stakeholder_id)
    )


def set_next_contact(conn: sqlite3.Connection, stakeholder_id: str, on: date | None) -> None:
    conn.execute(
        "UPDATE stakeholder SET next_contact_on = ? WHERE id = ?", (date_text(on), stakeholder_id)
    )


def get_stakeholder(
    conn: sqlite3.Connection, stakeholder_id: str, today: date
) -> StakeholderRow | None:
    row = conn.execute(
        f"{_SELECT} WHERE s.id = :id", {"id": stakeholder_id, "today": today.isoformat()}
    ).fetchone()
    return None if row is None else stakeholder_from_row(row)


def stakeholders_by_ids(
    conn: sqlite3.Connection, ids: list[str], today: date
) -> dict[str, StakeholderRow]:
    """The stakeholders of `ids` (ids not found are absent), as on `today`."""
    found: dict[str, Stakeholder] = {}
    for marks, params in named_id_batches(ids, "i"):
        rows = conn.execute(
            f"{_SELECT} WHERE s.id IN ({marks})", {"today": today.isoformat(), **params}
        ).fetchall()
        found.update((r["id"], stakeholder_from_row(r)) for r in rows)
    return found


def find_stakeholders(
    conn: sqlite3.Connection, account_id: str, text: str, today: date
) -> list[StakeholderRow]:
    """An account's stakeholders whose id (or 6+ char prefix), exact name or email is `text`."""
    rows = conn.execute(
        f"{_SELECT} WHERE s.account_id = :account AND (s.id = :text"
        " OR (length(:text) >= 6 AND s.id LIKE lower(:text) || '%')"
        " OR s.name = :text COLLATE NOCASE OR s.email = :text COLLATE NOCASE)"
        " ORDER BY s.name",
        {"account": account_id, "text": text, "today": today.isoformat()},
    ).fetchall()
    return [stakeholder_from_row(r) for r in rows]


def list_stakeholders(
    conn: sqlite3.Connection, account_id: str, today: date
) -> list[StakeholderRow]:
    rows = conn.execute(
        f"{_SELECT} WHERE s.account_id = :account ORDER BY s.name",
        {"account": account_id, "today": today.isoformat()},
    ).fetchall()
    return [stakeholder_from_row(r) for r in rows]


_INSERT_TOUCH = (
    "INSERT INTO touch (id, stakeholder_id, touched_on, channel, note, logged_by_id,"
    " created_at, crm_source, crm_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def touch_row(
    *,
    stakeholder_id: str,
    on: date,
    channel: Channel,
    note: str | None,
    logged_by_id: str | None,
    crm_source: str | None = None,
    crm_id: str | None = None,
    created_at: str | None = None,
    touch_id: str | None = None,
) -> tuple[str | None, ...]:
    """A new touch's stored row, its id first (for `insert_touches`): `touch_id` when
    given (a record moved from another database), else one derived from its CRM link
    (two laptops importing one export agree), else a new one."""
    if touch_id is None and crm_source is not None and crm_id is not None:
        touch_id = ids.crm_id_for("touch", crm_source, crm_id)
    return (
        touch_id or new_id(),
        stakeholder_id,
        on.isoformat(),
        channel.value,
        note,
        logged_by_id,
        created_at or now_text(),
        crm_source,
        crm_id,
    )


def insert_touch(
    conn: sqlite3.Connection,
    *,
    stakeholder_id: str,
    on: date,
    channel: Channel,
    note: str | None,
    logged_by_id: str | None,
    crm_source: str | None = None,
    crm_id: str | None = None,
    touch_id: str | None = None,
) -> str:
    row = touch_row(
        stakeholder_id=stakeholder_id,
        on=on,
        channel=channel,
        note=note,
        logged_by_id=logged_by_id,
        crm_source=crm_source,
        crm_id=crm_id,
        touch_id=touch_id,
    )
    conn.execute(_INSERT_TOUCH, row)
    return str(row[0])


def insert_touches(conn: sqlite3.Connection, rows: list[tuple[str | None, ...]]) -> None:
    """Many new touches at once (rows from `touch_row`)."""
    conn.executemany(_INSERT_TOUCH, rows)


def touch_exists(
    conn: sqlite3.Connection, stakeholder_id: str, on: date, channel: Channel, note: str | None
) -> bool:
    row = conn.execute(
        "SELECT 1 FROM touch WHERE stakeholder_id = ? AND touched_on = ? AND channel = ?"
        " AND coalesce(note, '') = coalesce(?, '') LIMIT 1",
        (stakeholder_id, on.isoformat(), channel.value, note),
    ).fetchone()
    return row is not None


def touches_of(conn: sqlite3.Connection, stakeholder_id: str, limit: int = 200) -> list[TouchRow]:
    rows = conn.execute(
        "SELECT id, stakeholder_id, touched_on, channel, note FROM touch"
        " WHERE stakeholder_id = ? ORDER BY touched_on DESC, created_at DESC, rowid DESC LIMIT ?",
        (stakeholder_id, limit),
    ).fetchall()
    return [TouchRow.from_row(r) for r in rows]


# Where a touch stands in an account's timeline: (date, created_at, rowid), newest first.
TimelineKey = tuple[str, str, int]
# A touch in the timeline: date, stakeholder's name, channel, note, and its key.
TimelineRow = tuple[date, str, str, str | None, TimelineKey]


def touches_of_account(
    conn: sqlite3.Connection, account_id: str, limit: int, after: TimelineKey | None = None
) -> list[TimelineRow]:
    """An account's touches, newest first, at most `limit`: from the newest, or from the
    one just after `after` (a page of the timeline; the ones before are not read again
    into Python, and a touch logged meanwhile does not shift the pages)."""
    later = "" if after is None else " AND (t.touched_on, t.created_at, t.rowid) < (?, ?, ?)"
    rows = conn.execute(
        "SELECT t.touched_on, s.name, t.channel, t.note, t.created_at, t.rowid FROM touch t"
        f" JOIN stakeholder s ON s.id = t.stakeholder_id WHERE s.account_id = ?{later}"
        " ORDER BY t.touched_on DESC, t.created_at DESC, t.rowid DESC LIMIT ?",
        (account_id, *(after or ()), limit),
    ).fetchall()
    return [(date.fromisoformat(r[0]), r[1], r[2], r[3], (r[0], r[4], r[5])) for r in rows]


def last_in_person_on(conn: sqlite3.Connection, account_id: str, today: date) -> date | None:
    """The account's latest in-person touch up to `today` (None: never met in person).

    Each stakeholder's touches are walked newest first along the index on
    touch(stakeholder_id, touched_on), and the walk stops at the first in-person one:
    the cost follows the stakeholders, not the years of touches behind them.
    """
    row = conn.execute(
        "SELECT max((SELECT t.touched_on FROM touch t WHERE t.stakeholder_id = s.id"
        " AND t.touched_on <= :today AND t.channel = 'in-person'"
        " ORDER BY t.touched_on DESC LIMIT 1)) FROM stakeholder s WHERE s.account_id = :account",
        {"account": account_id, "today": today.isoformat()},
    ).fetchone()
    return as_date(row[0])


def champions_left(conn: sqlite3.Connection, account_id: str, today: date) -> list[tuple[str, str]]:
    """(id, name) of the account's champions who left by `today`, by name (no touch read)."""
    rows = conn.execute(
        "SELECT id, name FROM stakeholder WHERE account_id = ? AND role = 'champion'"
        " AND left_on <= ? ORDER BY name",
        (account_id, today.isoformat()),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
