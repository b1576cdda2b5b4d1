"""The manager's audit of a week: per rep, who completed their reviews and where the
account maps are weak. One function, `audit_week`, feeds the CLI and the TUI alike.

Who sees what: everyone may audit themselves; a manager audits the people who
report to them (all of them by default, or one with `rep`). A rep asking for
someone else is refused.
"""

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from accountreview.db import audit as audit_queries
from accountreview.db import reps as rep_queries
from accountreview.db.reps import RepRow
from accountreview.domain.audit import (
    AccountAudit,
    AuditStatus,
    ContactCounts,
    Tally,
    TrendPoint,
    as_of,
    attention_order,
    audit_account,
    audit_status,
    gap_cutoffs,
    record_cutoff,
    tally,
    trend,
    trend_weeks,
)
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import RepRole, ReviewStatus
from accountreview.domain.timestamps import utc_timestamp
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.workspace import Workspace

MAX_TREND_WEEKS = 52
_STATUS_ORDER = {
    AuditStatus.NOT_STARTED: 0,
    AuditStatus.OPEN: 1,
    AuditStatus.CLOSED_LATE: 2,
    AuditStatus.CLOSED: 3,
}


def _trend_json(points: list[TrendPoint]) -> list[dict[str, Any]]:
    return [{"week": str(p.week), "completion_pct": p.completion_pct} for p in points]


def _tally_json(counts: Tally) -> dict[str, Any]:
    return {
        "top_accounts": counts.top_accounts,
        "closed": counts.closed,
        "closed_late": counts.closed_late,
        "open": counts.open,
        "not_started": counts.not_started,
        "completion_pct": counts.completion_pct,
        "stale_contacts": counts.stale_contacts,
        "overdue_contacts": counts.overdue_contacts,
        "missing_coverage": counts.missing_coverage,
        "champions_left": counts.champions_left,
        "no_in_person": counts.no_in_person,
    }


def _account_json(a: AccountAudit) -> dict[str, Any]:
    return {
        "account": a.name,
        "account_id": a.account_id,
        "status": a.status.value,
        "stale_contacts": a.stale_contacts,
        "overdue_contacts": a.overdue_contacts,
        "missing_coverage": a.coverage.missing(),
        "champions_left": list(a.champions_left),
        "no_in_person": a.no_in_person,
        "stale_champion": a.stale_champion,
        "escalations": list(a.escalations),
    }


@dataclass(frozen=True)
class RepAudit:
    """One rep's week: the counts, each top account (escalated first) and the trend."""

    rep: RepRow
    tally: Tally
    accounts: list[AccountAudit]
    trend: list[TrendPoint]

    @property
    def escalations(self) -> list[tuple[AccountAudit, str]]:
        """Each escalated account with one reason, in the accounts' order."""
        return [(a, reason) for a in self.accounts for reason in a.escalations]

    def to_json(self) -> dict[str, Any]:
        return {
            "rep": self.rep.name,
            "rep_id": self.rep.id,
            **_tally_json(self.tally),
            "escalations": [{"account": a.name, "reason": r} for a, r in self.escalations],
            "trend": _trend_json(self.trend),
            "accounts": [_account_json(a) for a in self.accounts],
        }


@dataclass(frozen=True)
class ReopenedReview:
    """A review of the week that was reopened, by whom, when and why."""

    account_id: str
    account: str
    rep: str
    at: str
    by: str | None
    reason: str | None

    def to_json(self, week: IsoWeek) -> dict[str, Any]:
        return {
            "account": self.account,
            "rep": self.rep,
            "week": str(week),
            "at": utc_timestamp(self.at),
            "by": self.by,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class WeekAudit:
    """The audit of one week as `viewer` may see it: the team's total, then each rep."""

    week: IsoWeek
    on: date
    cutoff: datetime | None
    viewer: RepRow
    reps: list[RepAudit]
    team: Tally
    team_trend: list[TrendPoint]
    reopened: list[ReopenedReview]

    @property
    def escalations(self) -> list[tuple[RepAudit, AccountAudit, str]]:
        """Every escalation of the team, the reps needing most attention first."""
        return [(r, a, reason) for r in self.reps for a, reason in r.escalations]

    @property
    def below_target(self) -> list[RepAudit]:
        """Reps with top accounts whose reviews are not all closed."""
        return [r for r in self.reps if r.tally.closed < r.tally.top_accounts]

    def rep(self, rep_id: str) -> RepAudit | None:
        return next((r for r in self.reps if r.rep.id == rep_id), None)

    def to_json(self) -> dict[str, Any]:
        """A stable JSON object (documented in README)."""
        return {
            "week": str(self.week),
            "as_of": self.on.isoformat(),
            "logged_before": None if self.cutoff is None else f"{self.cutoff.isoformat()}Z",
            "viewer": self.viewer.name,
            "team": {
                **_tally_json(self.team),
                "escalations": self.team.escalations,
                "trend": _trend_json(self.team_trend),
            },
            "reps": [r.to_json() for r in self.reps],
            "reopened": [r.to_json(self.week) for r in self.reopened],
        }


def audit_scope(ws: Workspace, viewer: RepRow, rep: str | None = None) -> list[RepRow]:
    """Whom `viewer` audits: a manager their reports, anyone else themselves; `rep`
    (a name, email or id) narrows that to one person, who must be in it or the viewer."""
    if viewer.role is RepRole.MANAGER:
        team = rep_queries.reports_of(ws.db.conn, viewer.id)
    else:
        team = [viewer]
    if rep is None:
        return team
    from accountreview.services.lookup import resolve_rep

    wanted = resolve_rep(ws, rep)
    if wanted.id == viewer.id or any(r.id == wanted.id for r in team):
        return [wanted]
    if viewer.role is RepRole.MANAGER:
        names = ", ".join(r.name for r in team) or "nobody yet"
        raise Refused(
            f"--rep: {wanted.name} does not report to {viewer.name};"
            f" {viewer.name} can audit: {names}"
        )
    raise Refused(
        f"--rep: {viewer.name} is a rep and can audit only their own reviews;"
        f" {wanted.name}'s are for their manager"
    )


def _viewer(ws: Workspace) -> RepRow:
    viewer = None if ws.actor_id is None else rep_queries.get_rep(ws.db.conn, ws.actor_id)
    if viewer is None:
        raise InvalidInput("--rep: say who you are (a manager sees their reps; a rep, themselves)")
    return viewer


@dataclass(frozen=True)
class WeekReview:
    """A top account's review as its week counts it (`week_reviews`)."""

    account_id: str
    name: str
    rep_id: str
    status: AuditStatus
    reviewed_last_week: bool


def _status(stored: str | None) -> ReviewStatus:
    return ReviewStatus(stored or ReviewStatus.NOT_STARTED.value)


def week_reviews(
    conn: sqlite3.Connection, rep_ids: Sequence[str], week: IsoWeek, today: date
) -> list[WeekReview]:
    """The reviews `week` counts: the one definition the queue and the audit share.

    One per top account of the reps (a lost account whose follow-up is due is in the
    queue, but is not a top account: it is listed, not counted), each as it stood at
    the end of its week (`domain.audit.audit_status`; this week: as it stands).
    Last week's review counts as done if it stood closed at the same moment.
    """
    cut = record_cutoff(week, today)
    over = cut is not None
    rows = audit_queries.top_accounts(conn, rep_ids, str(week), str(week.previous()), cut)
    return [
        WeekReview(
            account_id=a.id,
            name=a.name,
            rep_id=a.rep_id,
            status=audit_status(
                _status(a.status),
                week_over=over,
                opened_by_end=bool(a.opened_by_end),
                closed_at_end=bool(a.closed_at_end),
            ),
            reviewed_last_week=audit_status(
                _status(a.last_week_status),
                week_over=over,
                closed_at_end=bool(a.last_week_closed_at_end),
            )
            is AuditStatus.CLOSED,
        )
        for a in rows
    ]


def closed_by_week(
    conn: sqlite3.Connection, rep_ids: Sequence[str], weeks: Sequence[IsoWeek], today: date
) -> dict[str, Counter[str]]:
    """Per rep, per week: the reviews that count as closed there (`week_reviews`'s rule:
    closed by the end of their week), for the trend."""
    cuts = {str(w): record_cutoff(w, today) for w in weeks}
    result: dict[str, Counter[str]] = defaultdict(Counter)
    for c in audit_queries.closed_per_week(conn, rep_ids, cuts):
        status = audit_status(
            ReviewStatus(c.status),
            week_over=cuts[c.week] is not None,
            closed_at_end=bool(c.closed_at_end),
        )
        if status is AuditStatus.CLOSED:
            result[c.rep_id][c.week] += c.reviews
    return result


def audit_week(
    ws: Workspace, week: IsoWeek, *, rep: str | None = None, weeks: int = 8
) -> WeekAudit:
    """The audit of `week` for the acting rep (`ws.actor_id`), with a completion trend
    over the `weeks` weeks that end with it (`rep` narrows it to one person).

    A past week is judged as it stood at the end of its Sunday (UTC): contacts as of
    that day, and only what was logged by then (`domain.audit.record_cutoff`); a
    review closed after it counts as closed late. This week: as of today.
    """
    if not 1 <= weeks <= MAX_TREND_WEEKS:
        raise InvalidInput(f"--weeks: {weeks} is not valid; expected 1 to {MAX_TREND_WEEKS}")
    on, cut = as_of(week, ws.today), record_cutoff(week, ws.today)
    shown = trend_weeks(week, weeks)
    with ws.db.read() as conn:
        viewer = _viewer(ws)
        reps = audit_scope(ws, viewer, rep)
        ids = [r.id for r in reps]
        reviews = week_reviews(conn, ids, week, ws.today)
        closed = closed_by_week(conn, ids, shown, ws.today)
        contacts = audit_queries.contact_counts(
            conn, ids, on, gap_cutoffs(on, ws.settings), ws.settings.in_person_window_days, cut
        )
        reopened = audit_queries.reopened(conn, ids, str(week))
    by_rep: dict[str, list[AccountAudit]] = defaultdict(list)
    nobody = ContactCounts()
    for a in reviews:
        by_rep[a.rep_id].append(
            audit_account(
                account_id=a.account_id,
                name=a.name,
                status=a.status,
                reviewed_last_week=a.reviewed_last_week,
                contacts=contacts.get(a.account_id, nobody),
                on=on,
                settings=ws.settings,
            )
        )
    rep_audits, team_trend = _by_rep(reps, by_rep, closed, shown)
    return WeekAudit(
        week=week,
        on=on,
        cutoff=cut,
        viewer=viewer,
        reps=rep_audits,
        team=sum((r.tally for r in rep_audits), Tally()),
        team_trend=team_trend,
        reopened=[
            ReopenedReview(x.account_id, x.account, x.rep, x.at, x.actor, x.reason)
            for x in reopened
        ],
    )


def _by_rep(
    reps: list[RepRow],
    accounts: dict[str, list[AccountAudit]],
    closed_by_rep: dict[str, Counter[str]],
    weeks: list[IsoWeek],
) -> tuple[list[RepAudit], list[TrendPoint]]:
    """Each rep's audit, those needing attention first, and the team's trend."""
    team_closed: Counter[str] = Counter()
    for counts in closed_by_rep.values():
        team_closed.update(counts)
    result = []
    for r in reps:
        mine = sorted(accounts[r.id], key=_account_order)
        result.append(RepAudit(r, tally(mine), mine, trend(weeks, closed_by_rep[r.id], len(mine))))
    result.sort(key=lambda r: attention_order(r.tally, r.rep.name))
    top = sum(r.tally.top_accounts for r in result)
    return result, trend(weeks, team_closed, top)


def _account_order(a: AccountAudit) -> tuple[bool, int, str]:
    """Escalated accounts first, then not started, open, closed; by name within."""
    return (not a.escalations, _STATUS_ORDER[a.status], a.name.casefold())
