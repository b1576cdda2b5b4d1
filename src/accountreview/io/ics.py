"""Writing an iCalendar file (RFC 5545) of all-day events, each with a reminder.

Calendars import a ``VEVENT`` (they ignore a ``VTODO``), so a planned contact
is an all-day event: ``DTSTART;VALUE=DATE`` and ``DTEND`` the next day, with a
``VALARM`` that shows a reminder at 09:00 that day. Each event's ``UID`` is
given by the caller and must stay the same from one export to the next, so
that importing a newer file updates the events instead of adding copies.

Each event's day must lie in the accepted dates (1970-01-01 to 2100-12-31,
`accountreview.domain.dates`): the day after it is always a date then. The
caller leaves out, and counts, a day stored outside them.

Text is escaped (``\\``, ``;``, ``,`` and line breaks), lines end with CRLF and
are folded at 75 octets without splitting a character.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

PRODID = "-//accountreview//next contacts//EN"
ALARM_AT = "PT9H"  # 09:00 on the day (relative to the all-day event's start)


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    on: date
    summary: str
    description: str


def escape_text(text: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 says."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), CRLF-ended."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts) + "\r\n"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def write_calendar(stream: TextIO, events: Iterable[AllDayEvent], *, name: str, stamp: date) -> int:
    """Write a calendar of `events` (streamed); `stamp` is the DTSTAMP day. Returns the count."""
    dtstamp = f"{_day(stamp)}T000000Z"
    for line in (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ):
        stream.write(fold(line))
    count = 0
    for event in events:
        summary = escape_text(event.summary)
        for line in (
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{_day(event.on)}",
            f"DTEND;VALUE=DATE:{_day(event.on + timedelta(days=1))}",
            f"SUMMARY:{summary}",
            f"DESCRIPTION:{escape_text(event.description)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{summary}",
            f"TRIGGER:{ALARM_AT}",
            "END:VALARM",
            "END:VEVENT",
        ):
            stream.write(fold(line))
        count += 1
    stream.write(fold("END:VCALENDAR"))
    return count
