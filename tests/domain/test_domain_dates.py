import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain.dates import (
    EARLIEST,
    FIRST_WEEK,
    LAST_WEEK,
    LATEST,
    DateOutOfRange,
    IsoWeek,
    check_date,
    days_after,
    latest_planned,
    parse_date,
    parse_quick_date,
)
from accountreview.domain.errors import InvalidValue

TODAY = date(2026, 11, 20)  # a Friday in 2026-W47
DATES = st.dates(min_value=EARLIEST, max_value=LATEST)  # every date the app accepts
ANY_DATES = st.dates()  # every date Python holds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02", date(2026, 11, 2)),
        ("today", TODAY),
        (" Yesterday ", date(2026, 11, 19)),
        ("3d", date(2026, 11, 17)),
        ("3 D", date(2026, 11, 17)),
        ("0d", TODAY),
        ("2w", date(2026, 11, 6)),
        ("2 w", date(2026, 11, 6)),
    ],
)
def test_quick_date_forms(text: str, expected: date) -> None:
    assert parse_quick_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", date(2026, 11, 21)),
        ("+3d", date(2026, 11, 23)),
        ("+2W", date(2026, 12, 4)),
        ("2026-12-24", date(2026, 12, 24)),
        ("3d", date(2026, 11, 17)),
    ],
)
def test_quick_date_future_forms_when_allowed(text: str, expected: date) -> None:
    assert parse_quick_date(text, TODAY, allow_future=True) == expected


@pytest.mark.parametrize("text", ["tomorrow", "+3d", "2026-11-21"])
def test_quick_date_refuses_the_future_by_default(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_quick_date(text, TODAY)


def test_future_refusal_says_so() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_quick_date("2027-01-01", TODAY, what="last contact")
    assert caught.value.what == "last contact"
    assert caught.value.expected.startswith("a date not in the future")


@pytest.mark.parametrize(
    "text", ["", "soon", "2026-02-30", "2026-1-5", "20261120", "-3d", "3x", "36501d", "d", "1e3d"]
)
def test_quick_date_error_lists_the_forms(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_quick_date(text, TODAY)
    assert caught.value.expected == "YYYY-MM-DD, today, yesterday, 3d or 2w"


def test_quick_date_accepts_a_century_but_not_more() -> None:
    assert parse_quick_date("36500d", LATEST) == LATEST - timedelta(days=36_500)
    with pytest.raises(InvalidValue) as caught:
        parse_quick_date("99999w", TODAY)
    assert caught.value.expected == "YYYY-MM-DD, today, yesterday, 3d or 2w"


def test_quick_date_far_before_year_one_is_invalid_not_a_crash() -> None:
    with pytest.raises(InvalidValue):
        parse_quick_date("5000w", date(1, 3, 1))


@given(st.integers(min_value=0, max_value=36_500), DATES)
def test_n_days_means_n_days_ago(n: int, today: date) -> None:
    expected = today - timedelta(days=n)
    if expected < EARLIEST:
        with pytest.raises(DateOutOfRange):
            parse_quick_date(f"{n}d", today)
        return
    assert parse_quick_date(f"{n}d", today) == expected
    assert parse_quick_date(f"{n} D", today) == expected


@given(st.text(max_size=20), ANY_DATES)
def test_quick_date_never_returns_the_future_and_raises_only_invalid_value(
    text: str, today: date
) -> None:
    try:
        result = parse_quick_date(text, today)
    except InvalidValue:
        return
    assert EARLIEST <= result <= today


@given(st.text(), ANY_DATES)
def test_quick_date_with_future_raises_only_invalid_value(text: str, today: date) -> None:
    with contextlib.suppress(InvalidValue):
        result = parse_quick_date(text, today, allow_future=True)
        assert EARLIEST <= result <= latest_planned(today)


def test_parse_date_is_strict_iso() -> None:
    assert parse_date("2026-11-20") == date(2026, 11, 20)
    assert parse_date(" 2026-11-20 ") == date(2026, 11, 20)
    for text in ["today", "20/11/2026", "2026-11-31", "2026-11-20T10:00", ""]:
        with pytest.raises(InvalidValue):
            parse_date(text, "signed on")


@given(st.text())
def test_parse_date_raises_only_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        parse_date(text)


@given(DATES)
def test_parse_date_reads_what_isoformat_writes(d: date) -> None:
    assert parse_date(d.isoformat()) == d


# --- ISO weeks ------------------------------------------------------------------


def test_week_prints_and_parses_as_iso() -> None:
    assert str(IsoWeek(2026, 47)) == "2026-W47"
    assert str(IsoWeek(2026, 3)) == "2026-W03"
    for text in ["2026-W47", "2026W47", "2026-w47", "  2026-W47 "]:
        assert IsoWeek.parse(text) == IsoWeek(2026, 47)


def test_week_runs_monday_to_sunday() -> None:
    week = IsoWeek.of(TODAY)
    assert week == IsoWeek(2026, 47)
    assert (week.monday, week.sunday) == (date(2026, 11, 16), date(2026, 11, 22))


def test_week_53_exists_only_in_long_years() -> None:
    assert IsoWeek(2026, 53).monday == date(2026, 12, 28)
    with pytest.raises(InvalidValue):
        IsoWeek(2027, 53)


def test_weeks_cross_year_boundaries() -> None:
    assert IsoWeek(2026, 53).next() == IsoWeek(2027, 1)
    assert IsoWeek(2027, 1).previous() == IsoWeek(2026, 53)
    assert IsoWeek.of(date(2027, 1, 1)) == IsoWeek(2026, 53)


def test_weeks_order_chronologically() -> None:
    assert IsoWeek(2026, 52) < IsoWeek(2026, 53) < IsoWeek(2027, 1)


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54", "2027-W53", "W47", "2026-47", "", "x"])
def test_bad_week_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        IsoWeek.parse(text)
    assert caught.value.what == "week"
    assert caught.value.value == text


@given(st.text())
def test_week_parse_raises_only_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        IsoWeek.parse(text)


@given(DATES)
def test_week_of_a_date_contains_it_and_round_trips_through_text(d: date) -> None:
    week = IsoWeek.of(d)
    assert week.contains(d)
    assert IsoWeek.parse(str(week)) == week


@given(DATES)
def test_a_week_is_seven_days_from_a_monday(d: date) -> None:
    week = IsoWeek.of(d)
    assert week.monday.isoweekday() == 1
    assert week.sunday - week.monday == timedelta(days=6)
    assert week.next().monday - week.monday == timedelta(days=7)
    assert not week.contains(week.monday - timedelta(days=1))
    assert not week.contains(week.sunday + timedelta(days=1))


@given(DATES, st.integers(min_value=-2000, max_value=2000))
def test_shifting_back_undoes_shifting_forward(d: date, n: int) -> None:
    week = IsoWeek.of(d)
    shifted = week.shift(n)
    assert shifted.shift(-n) == week
    assert shifted.monday - week.monday == timedelta(weeks=n)


# --- the accepted range -----------------------------------------------------------

EDGES = [
    ("1969-12-31", False),
    ("1970-01-01", True),
    ("2100-12-31", True),
    ("2101-01-01", False),
    ("0001-01-01", False),
    ("9999-12-31", False),
]


@pytest.mark.parametrize(("text", "accepted"), EDGES)
def test_file_dates_outside_1970_to_2100_are_out_of_range(text: str, accepted: bool) -> None:
    if accepted:
        assert parse_date(text, "signed_on") == date.fromisoformat(text)
        return
    with pytest.raises(DateOutOfRange) as caught:
        parse_date(text, "signed_on")
    assert str(caught.value) == (
        f"signed_on: {text!r} is out of range; expected a date from 1970-01-01 to 2100-12-31"
    )


@pytest.mark.parametrize(("text", "accepted"), EDGES)
def test_typed_past_dates_outside_the_range_are_out_of_range(text: str, accepted: bool) -> None:
    today = LATEST
    if accepted:
        assert parse_quick_date(text, today, what="--on") == date.fromisoformat(text)
    else:
        with pytest.raises(DateOutOfRange, match="expected a date from 1970-01-01 to 2100-12-31"):
            parse_quick_date(text, today, what="--on")


def test_a_relative_date_before_1970_is_out_of_range_not_a_wrong_form() -> None:
    with pytest.raises(DateOutOfRange) as caught:
        parse_quick_date("2w", date(1970, 1, 10), what="last contact")
    assert caught.value.what == "last contact"
    assert caught.value.value == "2w"


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (date(2026, 11, 20), date(2031, 11, 20)),
        (date(2028, 2, 29), date(2033, 2, 28)),
        (date(2096, 6, 1), LATEST),
        (LATEST, LATEST),
    ],
)
def test_a_planned_contact_is_at_most_five_years_ahead(today: date, latest: date) -> None:
    assert latest_planned(today) == latest
    assert parse_quick_date(latest.isoformat(), today, allow_future=True) == latest
    day_after = (latest + timedelta(days=1)).isoformat()
    with pytest.raises(DateOutOfRange) as caught:
        parse_quick_date(day_after, today, what="next contact", allow_future=True)
    assert caught.value.expected.startswith(f"a date from 1970-01-01 to {latest.isoformat()}")
    if latest < LATEST:
        assert caught.value.expected.endswith("(5 years after today)")


@pytest.mark.parametrize("text", ["+99999d", "+5000w", "1969-12-31", "9999-12-31"])
def test_far_planned_dates_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_quick_date(text, TODAY, what="next contact", allow_future=True)


@given(ANY_DATES)
def test_check_date_accepts_exactly_the_range(day: date) -> None:
    if EARLIEST <= day <= LATEST:
        assert check_date(day, "on") == day
    else:
        with pytest.raises(DateOutOfRange):
            check_date(day, "on")
        with pytest.raises(DateOutOfRange):
            parse_date(day.isoformat(), "on")


@given(ANY_DATES, st.integers(min_value=-(10**7), max_value=10**7))
def test_derived_dates_never_overflow(day: date, days: int) -> None:
    derived = days_after(day, days)
    ordinal = day.toordinal() + days
    if date.min.toordinal() <= ordinal <= date.max.toordinal():
        assert derived == day + timedelta(days=days)
    else:
        assert derived == (date.max if days > 0 else date.min)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("1970-W01", True),
        ("1969-W52", False),
        ("2100-W52", True),
        ("2101-W01", False),
        ("0001-W01", False),
        ("9999-W52", False),
        ("0000-W01", False),
    ],
)
def test_weeks_outside_1970_w01_to_2100_w52_are_out_of_range(text: str, accepted: bool) -> None:
    if accepted:
        assert str(IsoWeek.parse(text)) == text
        return
    with pytest.raises(DateOutOfRange) as caught:
        IsoWeek.parse(text)
    assert str(caught.value) == (
        f"week: {text!r} is out of range; expected a week from 1970-W01 to 2100-W52"
    )


def test_the_accepted_weeks_hold_every_accepted_date() -> None:
    assert str(FIRST_WEEK) == "1970-W01"
    assert str(LAST_WEEK) == "2100-W52"
    assert FIRST_WEEK.contains(EARLIEST)
    assert LAST_WEEK.contains(LATEST)


def test_stepping_past_the_accepted_weeks_is_refused() -> None:
    assert FIRST_WEEK.step(1) == IsoWeek(1970, 2)
    assert LAST_WEEK.step(-1) == IsoWeek(2100, 51)
    edges = [(FIRST_WEEK, -1), (LAST_WEEK, 1), (LAST_WEEK, 10**6), (FIRST_WEEK, -(10**6))]
    for week, step in edges:
        with pytest.raises(DateOutOfRange, match="a week from 1970-W01 to 2100-W52"):
            week.step(step)


@given(DATES, st.integers(min_value=-10_000, max_value=10_000))
def test_a_step_lands_in_the_accepted_weeks_or_is_refused(d: date, n: int) -> None:
    week = IsoWeek.of(d)
    try:
        stepped = week.step(n)
    except DateOutOfRange:
        assert not FIRST_WEEK.monday <= week.monday + timedelta(weeks=n) <= LAST_WEEK.monday
        return
    assert FIRST_WEEK <= stepped <= LAST_WEEK
    assert stepped == week.shift(n)
