"""The sync status words (a pure function): every state, plurals, ages."""

from datetime import UTC, datetime, timedelta

import pytest

from accountreview.tui.widgets.sync_status import (
    SyncShown,
    parse_sync_time,
    since,
    status_text,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("shown", "words"),
    [
        (SyncShown(last_sync_at=NOW - timedelta(minutes=2)), "synced 2 min ago"),
        (SyncShown(last_sync_at=NOW - timedelta(seconds=20)), "synced just now"),
        (
            SyncShown(last_sync_at=NOW - timedelta(minutes=5), waiting=1),
            "synced 5 min ago · 1 change waiting",
        ),
        (SyncShown(offline=True, waiting=3), "offline · 3 changes waiting"),
        (SyncShown(offline=True, waiting=1), "offline · 1 change waiting"),
        (SyncShown(offline=True), "offline"),
        (
            SyncShown(offline=True, waiting=2, conflicts=1),
            "offline · 2 changes waiting · 1 conflict",
        ),
        (SyncShown(last_sync_at=NOW, conflicts=2), "2 conflicts"),
        (SyncShown(conflicts=1), "1 conflict"),
        (SyncShown(running=True, offline=True, waiting=4, conflicts=2), "syncing…"),
        (SyncShown(), "not synced yet"),
        (SyncShown(waiting=1_200), "not synced yet · 1,200 changes waiting"),
        (SyncShown(refused=True, waiting=2), "sync refused · 2 changes waiting"),
        (SyncShown(refused=True), "sync refused"),
    ],
)
def test_status_words(shown: SyncShown, words: str) -> None:
    assert status_text(shown, NOW) == words


@pytest.mark.parametrize(
    ("ago", "words"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 min ago"),
        (timedelta(minutes=59, seconds=59), "59 min ago"),
        (timedelta(hours=1), "1 h ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
        (timedelta(days=3), "on 2026-11-28"),
        (timedelta(minutes=-30), "just now"),  # a clock set back: never a negative age
    ],
)
def test_since_reads_as_an_age(ago: timedelta, words: str) -> None:
    assert since(NOW - ago, NOW) == words


@pytest.mark.parametrize(
    ("stored", "moment"),
    [
        ("2026-12-01T11:58:00Z", datetime(2026, 12, 1, 11, 58, tzinfo=UTC)),
        ("2026-12-01T12:58:00+01:00", datetime(2026, 12, 1, 11, 58, tzinfo=UTC)),
        ("2026-12-01 11:58:00.123456", datetime(2026, 12, 1, 11, 58, 0, 123456, tzinfo=UTC)),
        (None, None),
        ("", None),
        ("yesterday-ish", None),
    ],
)
def test_stored_sync_times_are_read_as_utc(stored: str | None, moment: datetime | None) -> None:
    assert parse_sync_time(stored) == moment
