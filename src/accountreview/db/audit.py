"""The audit's reads: a team's top accounts, their reviews over recent weeks, their
stakeholders' last contacts, and the reopened reviews of a week.

Every query starts from `ix_account_rep_top` (rep, top) and reaches touches through
`ix_touch_stakeholder_on`, so the cost follows the team's size, not the database's.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from accountreview.domain.audit import ContactCounts, GapCutoffs
from accountreview.domain.contacts import Coverage
from accountreview.domain.enums import Role

_CHUNK = 500  # reps per query: well under SQLite's limit on bound values


class TopAccount(NamedTuple):
    """A top account with the status of its review this week and last (None: none)."""

    id: str
    name: str
    rep_id: str
    status: str | None
    last_week_status: str | None


class ClosedCount(NamedTuple):
    rep_id: str
    week: str
    closed: int


class Reopened(NamedTuple):
    at: str
    account_id: str
    account: str
    rep: str
    actor: str | None
    reason: str | None


def _chunks(rep_ids: Sequence[str]) -> Iterator[tuple[str, Sequence[str]]]:
    """Placeholders and values for the reps, a chunk at a time."""
    for start in range(0, len(rep_ids), _CHUNK):
        chunk = rep_ids[start : start + _CHUNK]
        yield ", ".join("?" for _ in chunk), chunk


def top_accounts(
    conn: sqlite3.Connection, rep_ids: Sequence[str], week: str, last_week: str
) -> list[TopAccount]:
    """The reps' top accounts, each with its review status in `week` and `last_week`."""
    rows: list[TopAccount] = []
    for marks, chunk in _chunks(rep_ids):
        cursor = conn.execute(
            "SELECT a.id, a.name, a.rep_id,"
            " (SELECT status FROM review WHERE account_id = a.id AND week = ?),"
            " (SELECT status FROM review WHERE account_id = a.id AND week = ?)"
            f" FROM account a WHERE a.rep_id IN ({marks}) AND a.is_top = 1",
            (week, last_week, *chunk),
        )
        rows.extend(TopAccount(*r) for r in cursor)
    return rows


def closed_per_week(
    conn: sqlite3.Connection, rep_ids: Sequence[str], first_week: str, last_week: str
) -> list[ClosedCount]:
    """How many of each rep's top accounts had a closed review, per week in the range."""
    rows: list[ClosedCount] = []
    for marks, chunk in _chunks(rep_ids):
        cursor = conn.execute(
            "SELECT a.rep_id, r.week, count(*) FROM account a"
            " JOIN review r ON r.account_id = a.id AND r.week BETWEEN ? AND ?"
            f" AND r.status = 'closed' WHERE a.rep_id IN ({marks}) AND a.is_top = 1"
            " GROUP BY a.rep_id, r.week",
            (first_week, last_week, *chunk),
        )
        rows.extend(ClosedCount(*r) for r in cursor)
    return rows


def _contact_sql(marks: str) -> str:
    """Per top account: `count_contacts` (domain.audit) in SQL. Each stakeholder is read
    with two index seeks: their last contact up to :on, and their latest in-person
    touch in the window before it (a meeting before the window would not count)."""
    cutoff = " ".join(f"WHEN :role{n} THEN :cut{n}" for n in range(len(Role)))
    executive = "s.level = 'executive' OR s.role IN ('executive-sponsor', 'economic-buyer')"
    # MATERIALIZED: inlined, the two seeks would run again for every use of their column.
    return (
        "WITH person AS MATERIALIZED (SELECT s.account_id, s.name, s.role,"
        "  (s.left_on IS NULL OR s.left_on > :on) AS present,"
        f"  ({executive}) AS executive,"
        f"  CASE s.role {cutoff} ELSE :other END AS cutoff,"
        "  (SELECT max(t.touched_on) FROM touch t"
        "   WHERE t.stakeholder_id = s.id AND t.touched_on <= :on) AS last,"
        "  (SELECT max(t.touched_on) FROM touch t WHERE t.stakeholder_id = s.id"
        "   AND t.touched_on BETWEEN :since AND :on AND t.channel = 'in-person') AS met"
        "  FROM account a JOIN stakeholder s ON s.account_id = a.id"
        f"  WHERE a.rep_id IN ({marks}) AND a.is_top = 1)"
        " SELECT account_id,"
        " sum(present AND last < :stale),"
        " sum(present AND (last IS NULL OR (last >= :stale AND last < cutoff))),"
        " max(present AND executive), max(present AND role = 'cio-office'),"
        " max(present AND role = 'procurement'), max(present AND role = 'champion'),"
        " max(present AND role = 'champion' AND (last IS NULL OR last < :stale)),"
        " group_concat(CASE WHEN NOT present AND role = 'champion' THEN name END, char(31)),"
        " max(met)"
        " FROM person GROUP BY account_id"
    )


def contact_counts(
    conn: sqlite3.Connection,
    rep_ids: Sequence[str],
    on: date,
    cutoffs: GapCutoffs,
    in_person_days: int,
) -> dict[str, ContactCounts]:
    """`count_contacts` for each top account of the reps on day `on` (accounts without
    stakeholders are absent)."""
    params: dict[str, object] = {
        "on": on.isoformat(),
        "since": (on - timedelta(days=in_person_days)).isoformat(),
        "stale": cutoffs.stale_before.isoformat(),
        "other": cutoffs.other_before.isoformat(),
    }
    for n, role in enumerate(Role):
        params[f"role{n}"] = role.value
        params[f"cut{n}"] = cutoffs.overdue_before.get(role, cutoffs.other_before).isoformat()
    result: dict[str, ContactCounts] = {}
    for start in range(0, len(rep_ids), _CHUNK):
        chunk = rep_ids[start : start + _CHUNK]
        marks = ", ".join(f":rep{n}" for n in range(len(chunk)))
        reps = {f"rep{n}": rep_id for n, rep_id in enumerate(chunk)}
        for row in conn.execute(_contact_sql(marks), {**params, **reps}):
            result[row[0]] = ContactCounts(
                stale_contacts=row[1] or 0,
                overdue_contacts=row[2] or 0,
                coverage=Coverage(bool(row[3]), bool(row[4]), bool(row[5]), bool(row[6])),
                stale_champion=bool(row[7]),
                champions_left=tuple(sorted(row[8].split("\x1f"))) if row[8] else (),
                last_in_person_on=None if row[9] is None else date.fromisoformat(row[9]),
            )
    return result


def reopened(conn: sqlite3.Connection, rep_ids: Sequence[str], week: str) -> list[Reopened]:
    """The reps' reviews of `week` that were reopened, with who did it and why."""
    rows: list[Reopened] = []
    for marks, chunk in _chunks(rep_ids):
        cursor = conn.execute(
            "SELECT l.at, a.id, a.name, owner.name, actor.name, l.reason FROM account a"
            " JOIN rep owner ON owner.id = a.rep_id"
            " CROSS JOIN review r ON r.account_id = a.id AND r.week = ?"
            " JOIN audit_log l ON l.review_id = r.id AND l.action = 'review.reopened'"
            " LEFT JOIN rep actor ON actor.id = l.actor_id"
            f" WHERE a.rep_id IN ({marks}) AND a.is_top = 1",
            (week, *chunk),
        )
        rows.extend(Reopened(*r) for r in cursor)
    rows.sort()
    return rows
