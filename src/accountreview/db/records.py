"""Stored forms: new ids, timestamps and dates as the database keeps them."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

# None: stamps are the real time. The small demo builds past weeks as if they
# happened then (and tests set a moment), so stamps can be set for a while.
_CLOCK: ContextVar[datetime | None] = ContextVar("accountreview_clock", default=None)


def new_id() -> str:
    """A new random (version 4) UUID in the stored form (32 hex characters)."""
    raw = bytearray(os.urandom(16))  # what uuid.uuid4() does, at a third of the cost
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    return raw.hex()


def now_text() -> str:
    """The current UTC time in the stored form (``2026-11-23 09:14:02.123456``)."""
    moment = _CLOCK.get() or datetime.now(UTC).replace(tzinfo=None)
    # isoformat is several times faster than strftime; an import calls this per row.
    return moment.isoformat(" ", "microseconds")


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Stamp what is written inside with `moment` (naive UTC) instead of the real time.

    For the demo, which writes past weeks as they would have happened, and tests;
    no command offers it, so nobody can backdate their work.
    """
    token = _CLOCK.set(moment)
    try:
        yield
    finally:
        _CLOCK.reset(token)


def as_date(value: object) -> date | None:
    """A stored ISO date (or NULL) as a date."""
    return None if value is None else date.fromisoformat(str(value)[:10])


def date_text(value: date | None) -> str | None:
    """A date in the stored form."""
    return None if value is None else value.isoformat()
