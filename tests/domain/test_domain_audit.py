from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain.audit import (
    NOT_REVIEWED,
    STALE_CHAMPION,
    AccountAudit,
    AuditContact,
    AuditStatus,
    ContactCounts,
    ContactGap,
    GapCutoffs,
    Tally,
    as_of,
    attention_order,
    audit_account,
    audit_status,
    completion_pct,
    contact_gap,
    count_contacts,
    escalations,
    gap_cutoffs,
    record_cutoff,
    tally,
    trend,
    trend_weeks,
)
from accountreview.domain.contacts import Coverage
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Level, ReviewStatus, Role
from accountreview.domain.settings import Settings
from accountreview.text import sparkline

ON = date(2026, 11, 23)
WEEK = IsoWeek(2026, 48)


def ago(days: int) -> date:
    return ON - timedelta(days=days)


def test_a_past_week_is_judged_on_its_sunday_this_week_today() -> None:
    assert as_of(WEEK, ON) == ON
    assert as_of(WEEK.previous(), ON) == date(2026, 11, 22)
    assert as_of(WEEK.next(), ON) == ON


def test_completion_pct() -> None:
    assert completion_pct(1, 3) == 33.3
    assert completion_pct(3, 3) == 100.0
    assert completion_pct(0, 0) is None


@pytest.mark.parametrize(
    ("role", "days", "expected"),
    [(Role.CHAMPION, 14, None), (Role.CHAMPION, 15, ContactGap.OVERDUE),
     (Role.PROCUREMENT, 90, None), (Role.PROCUREMENT, 91, ContactGap.STALE),
     (Role.USER, 91, ContactGap.STALE), (None, 61, ContactGap.OVERDUE),
     (Role.FINANCE, None, ContactGap.OVERDUE)],
)  # fmt: skip
def test_stale_beats_overdue_and_never_is_overdue(
    role: Role | None, days: int | None, expected: ContactGap | None
) -> None:
    assert contact_gap(role, None if days is None else ago(days), ON) is expected


def gap_by_cutoffs(role: Role | None, last: date | None, cut: GapCutoffs) -> ContactGap | None:
    """The comparison `GapCutoffs` documents (and `db.audit` writes in SQL)."""
    if last is not None and last < cut.stale_before:
        return ContactGap.STALE
    overdue_before = cut.other_before if role is None else cut.overdue_before[role]
    if last is None or last < overdue_before:
        return ContactGap.OVERDUE
    return None


@given(
    role=st.none() | st.sampled_from(Role),
    days=st.none() | st.integers(0, 400),
    stale_after=st.integers(0, 200),
    cadence=st.dictionaries(st.sampled_from(Role), st.integers(0, 300)),
)
def test_cutoff_dates_give_the_same_gap_as_the_rule(
    role: Role | None, days: int | None, stale_after: int, cadence: dict[Role, int]
) -> None:
    settings = Settings(fresh_within_days=0, stale_after_days=stale_after, cadence_days=cadence)
    last = None if days is None else ago(days)
    expected = contact_gap(role, last, ON, settings)
    assert gap_by_cutoffs(role, last, gap_cutoffs(ON, settings)) is expected


def person(
    name: str,
    role: Role | None,
    days: int | None,
    *,
    level: Level = Level.MANAGER,
    left: int | None = None,
    met: int | None = None,
) -> AuditContact:
    return AuditContact(
        name,
        level,
        role,
        None if left is None else ago(left),
        None if days is None else ago(days),
        None if met is None else ago(met),
    )


def test_count_contacts_of_an_account() -> None:
    counts = count_contacts(
        [
            person("Eve", Role.ECONOMIC_BUYER, 20, met=200),
            person("Cam", Role.CHAMPION, 20),  # overdue (cadence 14)
            person("Uma", Role.USER, 100),  # stale
            person("Fin", Role.FINANCE, None),  # never: overdue
            person("Old", Role.CHAMPION, 5, left=30, met=10),  # left: not counted but met
            person("Gone", Role.USER, 200, left=0),  # left today
        ],
        ON,
    )
    assert (counts.stale_contacts, counts.overdue_contacts) == (1, 2)
    assert counts.coverage == Coverage(True, False, False, True)
    assert counts.champions_left == ("Old",)
    assert counts.last_in_person_on == ago(10)
    assert not counts.stale_champion


def test_a_champion_never_contacted_or_stale_is_a_stale_champion() -> None:
    assert count_contacts([person("C", Role.CHAMPION, None)], ON).stale_champion
    assert count_contacts([person("C", Role.CHAMPION, 91)], ON).stale_champion
    assert not count_contacts([person("C", Role.CHAMPION, 90)], ON).stale_champion
    assert not count_contacts([person("C", Role.CHAMPION, 200, left=1)], ON).stale_champion


def test_an_executive_by_level_counts_for_coverage() -> None:
    counts = count_contacts([person("E", Role.USER, 1, level=Level.EXECUTIVE)], ON)
    assert counts.coverage.executive


def test_escalation_reasons() -> None:
    assert escalations(reviewed_this_week=False, reviewed_last_week=False, champion_stale=True) == [
        NOT_REVIEWED,
        STALE_CHAMPION,
    ]
    assert (
        escalations(reviewed_this_week=False, reviewed_last_week=True, champion_stale=False) == []
    )
    assert (
        escalations(reviewed_this_week=True, reviewed_last_week=False, champion_stale=False) == []
    )


def audited(status: AuditStatus, **counts: object) -> AccountAudit:
    return audit_account(
        account_id="a",
        name="A",
        status=status,
        reviewed_last_week=False,
        contacts=ContactCounts(**counts),  # type: ignore[arg-type]
        on=ON,
    )


def test_audit_account_escalates_and_flags_in_person() -> None:
    open_one = audited(AuditStatus.OPEN, last_in_person_on=ago(181))
    assert open_one.escalations == (NOT_REVIEWED,)
    assert open_one.no_in_person
    closed = audited(AuditStatus.CLOSED, last_in_person_on=ago(180), stale_champion=True)
    assert closed.escalations == (STALE_CHAMPION,)
    assert not closed.no_in_person
    assert audited(AuditStatus.CLOSED).no_in_person  # never met in person


def test_tally_counts_accounts_and_adds_up() -> None:
    missing = Coverage(False, True, True, True)
    accounts = [
        audited(AuditStatus.CLOSED, stale_contacts=2, overdue_contacts=1, last_in_person_on=ON),
        audited(AuditStatus.OPEN, coverage=missing, champions_left=("X", "Y")),
        audited(AuditStatus.NOT_STARTED, stale_champion=True),
    ]
    t = tally(accounts)
    assert (t.top_accounts, t.closed, t.open, t.not_started) == (3, 1, 1, 1)
    assert (t.stale_contacts, t.overdue_contacts, t.missing_coverage) == (2, 1, 3)
    assert (t.champions_left, t.no_in_person, t.escalations) == (2, 2, 3)
    assert t.completion_pct == 33.3
    assert (t + t).closed == 2 and (t + Tally()) == t
    assert tally([]).completion_pct is None


def test_trend_weeks_and_points() -> None:
    weeks = trend_weeks(IsoWeek(2027, 2), 4)
    assert [str(w) for w in weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    points = trend(weeks, {"2026-W53": 2, "2027-W02": 4}, 4)
    assert [p.completion_pct for p in points] == [0.0, 50.0, 0.0, 100.0]
    assert [p.completion_pct for p in trend(weeks, {}, 0)] == [None] * 4


def test_attention_order_puts_escalations_then_the_least_done_first() -> None:
    reps = {
        "Zed": Tally(top_accounts=2, closed=2),
        "Amy": Tally(top_accounts=2, closed=1),
        "Bo": Tally(top_accounts=2, closed=2, escalations=1),
        "Cy": Tally(),
    }
    ordered = sorted(reps, key=lambda name: attention_order(reps[name], name))
    assert ordered == ["Bo", "Amy", "Zed", "Cy"]


def test_sparkline_on_a_fixed_scale() -> None:
    assert sparkline([0, 50, 100, None]) == "▁▅█·"
    assert sparkline([]) == ""


# --- a past week as it stood at the end of its Sunday ------------------------------------


def test_a_past_week_stops_at_the_end_of_its_sunday_in_utc() -> None:
    week = IsoWeek.parse("2026-W47")  # Monday 2026-11-16 to Sunday 2026-11-22
    assert record_cutoff(week, date(2026, 11, 23)) == datetime(2026, 11, 23, 0, 0)
    assert record_cutoff(week, date(2027, 3, 1)) == datetime(2026, 11, 23, 0, 0)
    # On its own Sunday (and before) the week is not over: everything logged counts.
    assert record_cutoff(week, date(2026, 11, 22)) is None
    assert record_cutoff(week, date(2026, 11, 16)) is None


@pytest.mark.parametrize(
    ("now", "opened", "closed_at_end", "expected"),
    [
        (ReviewStatus.CLOSED, True, True, AuditStatus.CLOSED),
        (ReviewStatus.CLOSED, True, False, AuditStatus.CLOSED_LATE),
        (ReviewStatus.CLOSED, False, False, AuditStatus.CLOSED_LATE),
        (ReviewStatus.OPEN, True, True, AuditStatus.CLOSED),  # reopened after the Sunday
        (ReviewStatus.OPEN, True, False, AuditStatus.OPEN),
        (ReviewStatus.OPEN, False, False, AuditStatus.NOT_STARTED),  # opened after it
        (ReviewStatus.NOT_STARTED, False, False, AuditStatus.NOT_STARTED),
    ],
)
def test_a_past_review_counts_as_it_stood(
    now: ReviewStatus, opened: bool, closed_at_end: bool, expected: AuditStatus
) -> None:
    assert (
        audit_status(now, week_over=True, opened_by_end=opened, closed_at_end=closed_at_end)
        is expected
    )


@pytest.mark.parametrize("now", list(ReviewStatus))
def test_this_weeks_review_counts_as_it_stands(now: ReviewStatus) -> None:
    assert audit_status(now, week_over=False).value == now.value


def test_closed_late_is_shown_and_not_completed() -> None:
    t = tally([audited(AuditStatus.CLOSED), audited(AuditStatus.CLOSED_LATE)])
    assert (t.top_accounts, t.closed, t.closed_late, t.completion_pct) == (2, 1, 1, 50.0)
    # A late close is not a review of its own week: two weeks without one escalate.
    late = audited(AuditStatus.CLOSED_LATE, last_in_person_on=ON)
    assert late.escalations == (NOT_REVIEWED,)
