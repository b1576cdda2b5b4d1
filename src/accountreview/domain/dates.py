"""Dates typed fast by a rep, strict dates from files, and ISO weeks."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Self

from accountreview.domain.errors import InvalidValue

MAX_RELATIVE = 36_500  # about a century: anything larger is a typo
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_RELATIVE = re.compile(r"(\+?)\s*([0-9]{1,9})\s*([dw])")
_ISO_WEEK = re.compile(r"([0-9]{4})-?w([0-9]{1,2})", re.IGNORECASE)
_PAST_FORMS = "YYYY-MM-DD, today, yesterday, 3d or 2w"
_ANY_FORMS = "YYYY-MM-DD, today, yesterday, tomorrow, 3d, 2w, +3d or +2w"
_NAMED_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1}


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

    With ``allow_future`` also ``tomorrow``, ``+3d`` and ``+2w``. Without it, a date
    after ``today`` is refused.
    """
    forms = _ANY_FORMS if allow_future else _PAST_FORMS
    folded = text.strip().casefold()
    result = _iso_date(folded)
    if result is None:
        offset = _offset_days(folded, allow_future)
        if offset is None:
            raise InvalidValue(what, text, forms)
        try:
            result = today + timedelta(days=offset)
        except OverflowError:
            raise InvalidValue(what, text, forms) from None
    if result > today and not allow_future:
        raise InvalidValue(what, text, f"a date not in the future (today is {today.isoformat()})")
    return result


def parse_date(text: str, what: str = "date") -> date:
    """Read a strict ISO ``YYYY-MM-DD`` date, as files hold them."""
    result = _iso_date(text.strip())
    if result is None:
        raise InvalidValue(what, text, "a date as YYYY-MM-DD")
    return result


def weeks_in_year(year: int) -> int:
    """52 or 53: the number of ISO weeks of an ISO year (28 December is always in the last)."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week such as ``2026-W47``, Monday to Sunday."""

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
        """Read ``2026-W47`` (also ``2026W47``, ``2026-w47``)."""
        match = _ISO_WEEK.fullmatch(text.strip())
        if match is None:
            raise InvalidValue("week", text, "an ISO week like 2026-W47")
        try:
            return cls(int(match[1]), int(match[2]))
        except InvalidValue as error:
            raise InvalidValue("week", text, error.expected) from None

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

    def previous(self) -> "IsoWeek":
        """The week before."""
        return self.shift(-1)

    def next(self) -> "IsoWeek":
        """The week after."""
        return self.shift(1)

    def contains(self, d: date) -> bool:
        """Whether ``d`` falls in this week."""
        return self.monday <= d <= self.sunday
