import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain.dates import IsoWeek, parse_date, parse_quick_date
from accountreview.domain.errors import InvalidValue

TODAY = date(2026, 11, 20)  # a Friday in 2026-W47
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


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
    assert parse_quick_date("36500d", TODAY) == TODAY - timedelta(days=36_500)
    with pytest.raises(InvalidValue):
        parse_quick_date("99999w", TODAY)


def test_quick_date_far_before_year_one_is_invalid_not_a_crash() -> None:
    with pytest.raises(InvalidValue):
        parse_quick_date("5000w", date(1, 3, 1))


@given(st.integers(min_value=0, max_value=36_500), DATES)
def test_n_days_means_n_days_ago(n: int, today: date) -> None:
    assert parse_quick_date(f"{n}d", today) == today - timedelta(days=n)
    assert parse_quick_date(f"{n} D", today) == today - timedelta(days=n)


@given(st.text(max_size=20), DATES)
def test_quick_date_never_returns_the_future_and_raises_only_invalid_value(
    text: str, today: date
) -> None:
    try:
        result = parse_quick_date(text, today)
    except InvalidValue:
        return
    assert result <= today


@given(st.text(), DATES)
def test_quick_date_with_future_raises_only_invalid_value(text: str, today: date) -> None:
    with contextlib.suppress(InvalidValue):
        parse_quick_date(text, today, allow_future=True)


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
