"""Dates typed fast by a rep, strict dates from files, ISO weeks, and the dates accepted.

Accepted dates
    Every date the app takes, anywhere (a command's option, ``--today``, a
    ``--week``, an import cell, a field of the app), lies from `EARLIEST`
    (1970-01-01) to `LATEST` (2100-12-31); a week from `FIRST_WEEK` (1970-W01)
    to `LAST_WEEK` (2100-W52). A planned next contact is also at most
    `PLANNED_YEARS_AHEAD` (5) years after today. Every parser here checks it
    and raises `DateOutOfRange` (an `InvalidValue`) for a well-formed date
    outside it, so a date far from today is refused where it is typed, and
    the dates derived from it (a rebate deadline, follow-ups a year after a
    loss, a week later) stay far inside what Python can hold.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Self

from accountreview.domain.errors import InvalidValue

EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)
PLANNED_YEARS_AHEAD = 5
MAX_RELATIVE = 36_500  # about a century: anything larger is a typo
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_RELATIVE = re.compile(r"(\+?)\s*([0-9]{1,9})\s*([dw])")
_ISO_WEEK = re.compile(r"([0-9]{4})-?w([0-9]{1,2})", re.IGNORECASE)
_PAST_FORMS = "YYYY-MM-DD, today, yesterday, 3d or 2w"
_ANY_FORMS = "YYYY-MM-DD, today, yesterday, tomorrow, 3d, 2w, +3d or +2w"
_NAMED_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1}


class DateOutOfRange(InvalidValue):
    """A well-formed date (or week) outside the dates the app accepts."""

    problem = "is out of range"


def date_range_text(latest: date = LATEST) -> str:
    """What a date must be, as a refusal says it: ``a date from 1970-01-01 to 2100-12-31``."""
    return f"a date from {EARLIEST.isoformat()} to {latest.isoformat()}"


def check_date(
    day: date, what: str, text: str | None = None, *, latest: date = LATEST, why: str = ""
) -> date:
    """`day` itself when it lies from `EARLIEST` to `latest` (at most `LATEST`).

    Otherwise `DateOutOfRange` naming `what`, the value as typed (`text`), the range
    and `why` the end is earlier than `LATEST`.
    """
    latest = min(latest, LATEST)
    if EARLIEST <= day <= latest:
        return day
    shown = day.isoformat() if text is None else text
    raise DateOutOfRange(what, shown, date_range_text(latest) + why)


def latest_planned(today: date) -> date:
    """The last day a next contact may be planned for: 5 years after `today`, at most `LATEST`.

    From 29 February, five years later is 28 February.
    """
    year = today.year + PLANNED_YEARS_AHEAD
    if year > LATEST.year:
        return LATEST
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February, and the year five later is not a leap year
        return today.replace(year=year, day=28)


def days_after(day: date, days: int) -> date:
    """`day` plus `days` (before it when negative), held at the ends of Python's calendar.

    Dates taken in the accepted range never come near those ends; a date stored
    before the range was checked (an older database's ``9999-12-31``) gives a
    derived date of 9999-12-31 rather than an `OverflowError`.
    """
    ordinal = day.toordinal() + days
    return date.fromordinal(min(max(ordinal, date.min.toordinal()), date.max.toordinal()))


def _iso_date(text: str) -> date | None:
    """The date of a strict ``YYYY-MM-DD`` text, or None when it is not one."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _offset_days(text: str, allow_future: bool) -> int | None:
    """Days from today that a quick form means (negative = past), or None."""
    if text in _NAMED_OFFSETS:
        offset = _NAMED_OFFSETS[text]
        return None if offset > 0 and not allow_future else offset
    match = _RELATIVE.fullmatch(text)
    if match is None or (match[1] and not allow_future):
        return None
    count = int(match[2])
    if count > MAX_RELATIVE:
        return None
    days = count * 7 if match[3] == "w" else count
    return days if match[1] else -days


def parse_quick_date(
    text: str, today: date, *, what: str = "date", allow_future: bool = False
) -> date:
    """Read a date typed fast: ``2026-11-20``, ``today``, ``yesterday``, ``3d``, ``2w``.

    With ``allow_future`` (a planned date) also ``tomorrow``, ``+3d`` and ``+2w``, up to
    `latest_planned` (5 years after ``today``). Without it, a date after ``today`` is
    refused. Either way the date lies in the accepted range (`check_date`).
    """
    forms = _ANY_FORMS if allow_future else _PAST_FORMS
    folded = text.strip().casefold()
    result = _iso_date(folded)
    if result is None:
        offset = _offset_days(folded, allow_future)
        if offset is None:
            raise InvalidValue(what, text, forms)
        result = days_after(today, offset)
    if allow_future:
        latest = latest_planned(today)
        why = f" ({PLANNED_YEARS_AHEAD} years after today)" if latest < LATEST else ""
        return check_date(result, what, text, latest=latest, why=why)
    check_date(result, what, text)
    if result > today:
        raise InvalidValue(what, text, f"a date not in the future (today is {today.isoformat()})")
    return result


def parse_date(text: str, what: str = "date") -> date:
    """Read a strict ISO ``YYYY-MM-DD`` date, as files hold them, in the accepted range."""
    result = _iso_date(text.strip())
    if result is None:
        raise InvalidValue(what, text, "a date as YYYY-MM-DD")
    return check_date(result, what, text)


def weeks_in_year(year: int) -> int:
    """52 or 53: the number of ISO weeks of an ISO year (28 December is always in the last)."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week such as ``2026-W47``, Monday to Sunday.

    Any week of Python's calendar can be made (a week derived from another, such as
    the one before 1970-W01 in an audit's trend); a week a user gives, by `parse`
    or by stepping with `step`, is one from `FIRST_WEEK` to `LAST_WEEK`.
    """

    year: int
    week: int

    def __post_init__(self) -> None:
        shown = f"{self.year}-W{self.week}"
        expected = "an ISO week like 2026-W47"
        if not 1 <= self.year <= 9999:
            raise InvalidValue("week", shown, expected)
        if not 1 <= self.week <= weeks_in_year(self.year):
            last = weeks_in_year(self.year)
            raise InvalidValue("week", shown, f"a week from 1 to {last} of {self.year}")
        try:
            date.fromisocalendar(self.year, self.week, 7)
        except ValueError:  # the last week of year 9999 ends after date.max
            raise InvalidValue("week", shown, expected) from None

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read ``2026-W47`` (also ``2026W47``, ``2026-w47``), a week from 1970-W01 to 2100-W52."""
        match = _ISO_WEEK.fullmatch(text.strip())
        if match is None:
            raise InvalidValue("week", text, "an ISO week like 2026-W47")
        year = int(match[1])
        if not EARLIEST.year <= year <= LATEST.year:
            raise DateOutOfRange("week", text, _WEEKS_EXPECTED)
        try:
            week = cls(year, int(match[2]))
        except InvalidValue as error:
            raise InvalidValue("week", text, error.expected) from None
        if not FIRST_WEEK <= week <= LAST_WEEK:
            raise DateOutOfRange("week", text, _WEEKS_EXPECTED)
        return week

    @classmethod
    def of(cls, d: date) -> Self:
        """The ISO week that contains ``d``."""
        iso = d.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def monday(self) -> date:
        """The first day of the week."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        """The last day of the week."""
        return date.fromisocalendar(self.year, self.week, 7)

    def shift(self, n: int) -> "IsoWeek":
        """The week ``n`` weeks later (earlier when ``n`` is negative)."""
        return IsoWeek.of(self.monday + timedelta(weeks=n))

    def step(self, n: int) -> "IsoWeek":
        """The week ``n`` weeks away, as a user steps to it (``[`` / ``]``): a week past
        `FIRST_WEEK` or `LAST_WEEK` is refused with `DateOutOfRange`."""
        try:
            target: IsoWeek | None = self.shift(n)
        except (OverflowError, InvalidValue):  # past the ends of Python's calendar
            target = None
        if target is None or not FIRST_WEEK <= target <= LAST_WEEK:
            shown = f"{self} {n:+d} weeks" if target is None else str(target)
            raise DateOutOfRange("week", shown, _WEEKS_EXPECTED)
        return target

    def previous(self) -> "IsoWeek":
        """The week before."""
        return self.shift(-1)

    def next(self) -> "IsoWeek":
        """The week after."""
        return self.shift(1)

    def contains(self, d: date) -> bool:
        """Whether ``d`` falls in this week."""
        return self.monday <= d <= self.sunday


FIRST_WEEK = IsoWeek.of(EARLIEST)
LAST_WEEK = IsoWeek.of(LATEST)
_WEEKS_EXPECTED = f"a week from {FIRST_WEEK} to {LAST_WEEK}"
