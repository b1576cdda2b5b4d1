"""The manager's audit of a week: what counts as done, gone cold, uncovered or escalated.

Pure rules over plain values. They reuse the contact rules (staleness, cadence,
coverage, in person) rather than restating them; the audit decides how to count
them over a rep's top accounts and when an account must be escalated.
`count_contacts` defines the per-account counts; `db.audit` computes the same in
SQL (with the cut-off dates of `gap_cutoffs`) and a test holds the two to agreement.

A past week is judged as it stood at the end of its Sunday (`record_cutoff`): what
was logged later is not seen, and `audit_status` says how each review counts then.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from accountreview.domain.contacts import (
    Coverage,
    cadence_days,
    coverage_of,
    needs_in_person,
    stale_champion,
    staleness,
)
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Level, ReviewStatus, Role, Staleness
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings

NOT_REVIEWED = "not reviewed 2 weeks running"
STALE_CHAMPION = "stale champion"
_NO_COVERAGE = Coverage(executive=False, cio_office=False, procurement=False, champion=False)


def as_of(week: IsoWeek, today: date) -> date:
    """The day a week's contacts are measured on: its Sunday once it is over, else
    today. (What was logged after the Sunday is left out by `record_cutoff`.)"""
    return min(today, week.sunday)


def record_cutoff(week: IsoWeek, today: date) -> datetime | None:
    """Where a past week's record stops: the end of its Sunday in UTC (the app stores
    UTC and knows no time zone), as the first instant after it, Monday 00:00 UTC.

    Only what was logged before it counts in that week's audit (closes, touches,
    stakeholders). None for this week or a later one: all logged so far counts.
    """
    if week.sunday >= today:
        return None
    return datetime.combine(week.sunday + timedelta(days=1), time())


class AuditStatus(StrEnum):
    """A review as the audit counts it: as it stood at the end of its week."""

    NOT_STARTED = ReviewStatus.NOT_STARTED.value
    OPEN = ReviewStatus.OPEN.value
    CLOSED = ReviewStatus.CLOSED.value
    CLOSED_LATE = "closed late"


def audit_status(
    status: ReviewStatus,
    *,
    week_over: bool,
    opened_by_end: bool = True,
    closed_at_end: bool = False,
) -> AuditStatus:
    """How the audit counts a review now in `status`.

    This week (not over): as it stands. A past week: CLOSED if it stood closed at the
    end of its Sunday (`closed_at_end`: its last close or reopen before then was a
    close, so a review closed, reopened after the Sunday and closed again counts, and
    one reopened on the Sunday and closed after it does not); CLOSED_LATE if it is
    closed now but was not then; otherwise OPEN or NOT_STARTED as it stood then.
    """
    if not week_over:
        return AuditStatus(status.value)
    if closed_at_end:
        return AuditStatus.CLOSED
    if status is ReviewStatus.CLOSED:
        return AuditStatus.CLOSED_LATE
    return AuditStatus.OPEN if opened_by_end else AuditStatus.NOT_STARTED


def completion_pct(closed: int, total: int) -> float | None:
    """Reviews closed (on time) as a percentage of top accounts (one decimal); None
    without any. A review closed late does not count."""
    return None if total == 0 else round(100 * closed / total, 1)


class ContactGap(StrEnum):
    """Why a stakeholder needs a call: stale beats overdue, so each is counted once."""

    STALE = "stale"
    OVERDUE = "overdue"


def contact_gap(
    role: Role | None, last_contact_on: date | None, on: date, settings: Settings = DEFAULT_SETTINGS
) -> ContactGap | None:
    """STALE when the last contact is over ``stale_after_days`` old; OVERDUE when it is
    past the role's cadence or there was none; None when the contact is in cadence."""
    state = staleness(last_contact_on, on, settings, role=role)
    if state is Staleness.STALE:
        return ContactGap.STALE
    if state in (Staleness.OVERDUE, Staleness.NEVER):
        return ContactGap.OVERDUE
    return None


@dataclass(frozen=True)
class GapCutoffs:
    """`contact_gap` as dates, for a query to compare with: a last contact before
    ``stale_before`` is STALE; otherwise none, or one before the role's
    ``overdue_before``, is OVERDUE. Roles missing from the mapping use ``other_before``."""

    stale_before: date
    overdue_before: Mapping[Role, date]
    other_before: date


def gap_cutoffs(on: date, settings: Settings = DEFAULT_SETTINGS) -> GapCutoffs:
    """The cut-off dates that make a date comparison give `contact_gap` on day ``on``."""

    def before(days: int) -> date:
        return on - timedelta(days=days)

    return GapCutoffs(
        stale_before=before(settings.stale_after_days),
        overdue_before={role: before(cadence_days(role, settings)) for role in Role},
        other_before=before(cadence_days(None, settings)),
    )


class AuditContact(NamedTuple):
    """A stakeholder of a top account as the audit sees it on a given day."""

    name: str
    level: Level | None
    role: Role | None
    left_on: date | None
    last_contact_on: date | None
    last_in_person_on: date | None = None


@dataclass(frozen=True)
class ContactCounts:
    """What the audit needs from a top account's stakeholders on a given day."""

    stale_contacts: int = 0
    overdue_contacts: int = 0
    coverage: Coverage = _NO_COVERAGE
    stale_champion: bool = False
    champions_left: tuple[str, ...] = ()
    last_in_person_on: date | None = None


def count_contacts(
    people: Iterable[AuditContact], on: date, settings: Settings = DEFAULT_SETTINGS
) -> ContactCounts:
    """Count an account's stakeholders on day ``on``: gaps and coverage among those
    still there, champions who left by then (by name), the latest meeting in person.

    This is the definition; `db.audit` computes the same in SQL for speed, and a
    test holds the two to agreement.
    """
    stale = overdue = 0
    reached: list[tuple[Level | None, Role | None]] = []
    champion_contacts: list[date | None] = []
    left: list[str] = []
    met: date | None = None
    for person in people:
        if person.last_in_person_on is not None and (met is None or person.last_in_person_on > met):
            met = person.last_in_person_on
        if person.left_on is not None and person.left_on <= on:
            if person.role is Role.CHAMPION:
                left.append(person.name)
            continue
        reached.append((person.level, person.role))
        if person.role is Role.CHAMPION:
            champion_contacts.append(person.last_contact_on)
        gap = contact_gap(person.role, person.last_contact_on, on, settings)
        stale += gap is ContactGap.STALE
        overdue += gap is ContactGap.OVERDUE
    return ContactCounts(
        stale_contacts=stale,
        overdue_contacts=overdue,
        coverage=coverage_of(reached),
        stale_champion=stale_champion(champion_contacts, on, settings),
        champions_left=tuple(sorted(left)),
        last_in_person_on=met,
    )


def escalations(
    *, reviewed_this_week: bool, reviewed_last_week: bool, champion_stale: bool
) -> list[str]:
    """Why a top account goes to the top of the manager's audit (empty: it does not).

    "Reviewed" means a closed review: an open one left unfinished does not count,
    nor, for its own week, one closed late.
    """
    reasons = []
    if not reviewed_this_week and not reviewed_last_week:
        reasons.append(NOT_REVIEWED)
    if champion_stale:
        reasons.append(STALE_CHAMPION)
    return reasons


@dataclass(frozen=True)
class AccountAudit:
    """One top account in the audit of a week."""

    account_id: str
    name: str
    status: AuditStatus
    stale_contacts: int
    overdue_contacts: int
    coverage: Coverage
    champions_left: tuple[str, ...]
    no_in_person: bool
    stale_champion: bool
    escalations: tuple[str, ...]


def audit_account(
    *,
    account_id: str,
    name: str,
    status: AuditStatus,
    reviewed_last_week: bool,
    contacts: ContactCounts,
    on: date,
    settings: Settings = DEFAULT_SETTINGS,
) -> AccountAudit:
    """Audit one top account on day ``on`` from its review status and its contacts."""
    return AccountAudit(
        account_id=account_id,
        name=name,
        status=status,
        stale_contacts=contacts.stale_contacts,
        overdue_contacts=contacts.overdue_contacts,
        coverage=contacts.coverage,
        champions_left=contacts.champions_left,
        no_in_person=needs_in_person(contacts.last_in_person_on, on, settings),
        stale_champion=contacts.stale_champion,
        escalations=tuple(
            escalations(
                reviewed_this_week=status is AuditStatus.CLOSED,
                reviewed_last_week=reviewed_last_week,
                champion_stale=contacts.stale_champion,
            )
        ),
    )


@dataclass(frozen=True)
class Tally:
    """The audit's counts over a set of top accounts: one rep's, or the team's."""

    top_accounts: int = 0
    closed: int = 0
    closed_late: int = 0
    open: int = 0
    not_started: int = 0
    stale_contacts: int = 0
    overdue_contacts: int = 0
    missing_coverage: int = 0
    champions_left: int = 0
    no_in_person: int = 0
    escalations: int = 0

    @property
    def completion_pct(self) -> float | None:
        return completion_pct(self.closed, self.top_accounts)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def tally(accounts: Iterable[AccountAudit]) -> Tally:
    """Count a set of audited accounts (accounts missing coverage, not gaps)."""
    counts = dict.fromkeys((f.name for f in fields(Tally)), 0)
    for a in accounts:
        counts["top_accounts"] += 1
        counts["closed"] += a.status is AuditStatus.CLOSED
        counts["closed_late"] += a.status is AuditStatus.CLOSED_LATE
        counts["open"] += a.status is AuditStatus.OPEN
        counts["not_started"] += a.status is AuditStatus.NOT_STARTED
        counts["stale_contacts"] += a.stale_contacts
        counts["overdue_contacts"] += a.overdue_contacts
        counts["missing_coverage"] += bool(a.coverage.missing())
        counts["champions_left"] += len(a.champions_left)
        counts["no_in_person"] += a.no_in_person
        counts["escalations"] += len(a.escalations)
    return Tally(**counts)


class TrendPoint(NamedTuple):
    """Completion of one week."""

    week: IsoWeek
    closed: int
    top_accounts: int

    @property
    def completion_pct(self) -> float | None:
        return completion_pct(self.closed, self.top_accounts)


def trend_weeks(week: IsoWeek, count: int) -> list[IsoWeek]:
    """The ``count`` weeks ending with ``week``, oldest first."""
    return [week.shift(n) for n in range(1 - count, 1)]


def trend(
    weeks: Sequence[IsoWeek], closed_by_week: Mapping[str, int], top_accounts: int
) -> list[TrendPoint]:
    """Completion per week, from the number of reviews closed in each.

    Every week is judged against today's top accounts (which accounts were top in
    the past is not recorded).
    """
    return [TrendPoint(w, closed_by_week.get(str(w), 0), top_accounts) for w in weeks]


def attention_order(tally_of: Tally, name: str) -> tuple[int, float, str]:
    """Sort key: reps with escalations first, then the least complete, then by name."""
    pct = tally_of.completion_pct
    return (-tally_of.escalations, 101.0 if pct is None else pct, name.casefold())
