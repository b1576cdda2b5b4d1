"""The audit's reads: a team's top accounts, their reviews over recent weeks, their
stakeholders' last contacts, and the reopened reviews of a week.

Every query starts from `ix_account_rep_top` (rep, top) and reaches touches through
`ix_touch_stakeholder_on`, so the cost follows the team's size, not the database's.
"""

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from accountreview.db.batches import id_batches, named_id_batches
from accountreview.domain.audit import ContactCounts, GapCutoffs
from accountreview.domain.contacts import Coverage
from accountreview.domain.enums import Role


class TopAccount(NamedTuple):
    """A top account with its review this week and last (status None: no review).

    `opened_by_end` and `closed_at_end` say how the review stood at the cut-off (None
    without one): opened before it, and closed then (its last close or reopen before
    it was a close); `last_week_closed_at_end` is last week's review at the same cut-off.
    """

    id: str
    name: str
    rep_id: str
    status: str | None
    opened_by_end: bool | None
    closed_at_end: bool | None
    last_week_status: str | None
    last_week_closed_at_end: bool | None


class ClosedCount(NamedTuple):
    """How many of a rep's reviews of `week` are in `status` and stood closed at that
    week's cut-off (None: no cut-off, or never closed before it)."""

    rep_id: str
    week: str
    status: str
    closed_at_end: bool | None
    reviews: int


class Reopened(NamedTuple):
    at: str
    account_id: str
    account: str
    rep: str
    actor: str | None
    reason: str | None


def _closed_at(review_id: str, cut: str) -> str:
    """SQL: whether the review stood closed at the cut-off (NULL when there is none):
    its last close or reopen logged before the cut-off was a close."""
    return (
        f"CASE WHEN {cut} IS NULL THEN NULL ELSE (SELECT l.action = 'review.closed'"
        f" FROM audit_log l WHERE l.review_id = {review_id}"
        " AND l.action IN ('review.closed', 'review.reopened')"
        f" AND l.at < {cut} ORDER BY l.at DESC, l.rowid DESC LIMIT 1) END"
    )


def _stamp(cut: datetime | None) -> str | None:
    """A cut-off in the stored form of timestamps, which compare as text."""
    return None if cut is None else cut.isoformat(" ", "microseconds")


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)


def top_accounts(
    conn: sqlite3.Connection,
    rep_ids: Sequence[str],
    week: str,
    last_week: str,
    cut: datetime | None,
) -> list[TopAccount]:
    """The reps' top accounts, each with its review in `week` and `last_week`, and how
    both stood at the cut-off `cut` (UTC; None: none)."""
    rows: list[TopAccount] = []
    for marks, reps in named_id_batches(rep_ids, "rep"):
        cursor = conn.execute(
            "SELECT a.id, a.name, a.rep_id, r.status, r.opened_at < :cut,"
            f" {_closed_at('r.id', ':cut')}, p.status, {_closed_at('p.id', ':cut')}"
            " FROM account a"
            " LEFT JOIN review r ON r.account_id = a.id AND r.week = :week"
            " LEFT JOIN review p ON p.account_id = a.id AND p.week = :last_week"
            f" WHERE a.rep_id IN ({marks}) AND a.is_top = 1",
            {"week": week, "last_week": last_week, "cut": _stamp(cut), **reps},
        )
        rows.extend(
            TopAccount(r[0], r[1], r[2], r[3], _flag(r[4]), _flag(r[5]), r[6], _flag(r[7]))
            for r in cursor
        )
    return rows


def closed_per_week(
    conn: sqlite3.Connection, rep_ids: Sequence[str], cuts: Mapping[str, datetime | None]
) -> list[ClosedCount]:
    """The reviews of the reps' top accounts in the weeks of `cuts` (week -> its
    cut-off), counted per rep, week, status and whether each stood closed then."""
    weeks = sorted(cuts)
    cut = " ".join(f"WHEN :week{n} THEN :cut{n}" for n in range(len(weeks)))
    params: dict[str, object] = {"first": weeks[0], "last": weeks[-1]}
    for n, week in enumerate(weeks):
        params[f"week{n}"], params[f"cut{n}"] = week, _stamp(cuts[week])
    rows: list[ClosedCount] = []
    for marks, reps in named_id_batches(rep_ids, "rep"):
        cursor = conn.execute(
            f"SELECT rep_id, week, status, {_closed_at('rid', 'cut')}, count(*) FROM"
            f" (SELECT a.rep_id, r.id AS rid, r.week, r.status, CASE r.week {cut} END AS cut"
            " FROM account a CROSS JOIN review r ON r.account_id = a.id"
            f" AND r.week BETWEEN :first AND :last WHERE a.rep_id IN ({marks}) AND a.is_top = 1)"
            " GROUP BY 1, 2, 3, 4",
            {**params, **reps},
        )
        rows.extend(ClosedCount(r[0], r[1], r[2], _flag(r[3]), r[4]) for r in cursor)
    return rows


def _contact_sql(marks: str, cut: bool) -> str:
    """Per top account: `count_contacts` (domain.audit) in SQL. Each stakeholder is read
    with two index seeks: their last contact up to :on, and their latest in-person
    touch in the window before it (a meeting before the window would not count).
    With `cut`, only stakeholders added and touches logged before :cut count."""
    logged = " AND t.created_at < :cut" if cut else ""
    cutoff = " ".join(f"WHEN :role{n} THEN :cut{n}" for n in range(len(Role)))
    executive = "s.level = 'executive' OR s.role IN ('executive-sponsor', 'economic-buyer')"
    # MATERIALIZED: inlined, the two seeks would run again for every use of their column.
    return (
        "WITH person AS MATERIALIZED (SELECT s.account_id, s.name, s.role,"
        "  (s.left_on IS NULL OR s.left_on > :on) AS present,"
        f"  ({executive}) AS executive,"
        f"  CASE s.role {cutoff} ELSE :other END AS cutoff,"
        "  (SELECT max(t.touched_on) FROM touch t"
        f"   WHERE t.stakeholder_id = s.id AND t.touched_on <= :on{logged}) AS last,"
        "  (SELECT max(t.touched_on) FROM touch t WHERE t.stakeholder_id = s.id"
        "   AND t.touched_on BETWEEN :since AND :on AND t.channel = 'in-person'"
        f"{logged}) AS met"
        "  FROM account a JOIN stakeholder s ON s.account_id = a.id"
        f"  WHERE a.rep_id IN ({marks}) AND a.is_top = 1"
        f"{' AND s.created_at < :cut' if cut else ''})"
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
    cut: datetime | None = None,
) -> dict[str, ContactCounts]:
    """`count_contacts` for each top account of the reps on day `on` (accounts without
    stakeholders are absent), from what was logged before `cut` (UTC; None: all)."""
    params: dict[str, object] = {
        "cut": _stamp(cut),
        "on": on.isoformat(),
        "since": (on - timedelta(days=in_person_days)).isoformat(),
        "stale": cutoffs.stale_before.isoformat(),
        "other": cutoffs.other_before.isoformat(),
    }
    for n, role in enumerate(Role):
        params[f"role{n}"] = role.value
        params[f"cut{n}"] = cutoffs.overdue_before.get(role, cutoffs.other_before).isoformat()
    result: dict[str, ContactCounts] = {}
    for marks, reps in named_id_batches(rep_ids, "rep"):
        for row in conn.execute(_contact_sql(marks, cut is not None), {**params, **reps}):
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
    for marks, chunk in id_batches(rep_ids):
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
