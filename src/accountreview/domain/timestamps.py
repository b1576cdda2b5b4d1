"""The one form of every timestamp the app prints or exports: ISO 8601 UTC to the
second, ``2026-12-01T07:53:00Z`` (stored as ``2026-12-01 07:53:00.123456``, UTC)."""

from datetime import UTC, datetime


def utc_timestamp(stored: str | None) -> str | None:
    """A stored UTC time (``2026-12-01 07:53:00.123456``) as the app prints and exports
    every timestamp: ISO 8601 UTC to the second, ``2026-12-01T07:53:00Z``."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat("T") + "Z"
