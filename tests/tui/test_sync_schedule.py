"""When the app syncs (a pure schedule): on start, a few seconds after the last edit,
every minute, when asked; never two at once."""

from accountreview.tui.sync_worker import SyncSchedule, SyncTimings

TIMINGS = SyncTimings(quiet=3.0, period=60.0, tick=1.0)


def started_at(schedule: SyncSchedule, now: float) -> None:
    assert schedule.due(now)
    schedule.started()


def test_syncs_on_start_then_every_minute() -> None:
    schedule = SyncSchedule(TIMINGS)
    started_at(schedule, 0.0)
    schedule.finished(2.0)
    assert not schedule.due(61.9)
    assert schedule.due(62.0)  # a minute after the last one ended


def test_an_edit_syncs_once_nothing_more_is_written_for_a_few_seconds() -> None:
    schedule = SyncSchedule(TIMINGS)
    started_at(schedule, 0.0)
    schedule.finished(1.0)
    schedule.edited(10.0)
    assert not schedule.due(12.9)
    schedule.edited(12.9)  # typing on: the quiet time starts again
    assert not schedule.due(15.8)
    assert schedule.due(15.9)
    schedule.started()
    assert not schedule.due(15.9)  # the sync carries the edits: nothing else is due


def test_never_two_at_once_and_an_edit_made_meanwhile_is_not_lost() -> None:
    schedule = SyncSchedule(TIMINGS)
    started_at(schedule, 0.0)
    schedule.edited(1.0)
    schedule.ask()
    assert not schedule.due(500.0)  # still running: neither the edit, the ask nor the minute
    schedule.finished(500.0)
    assert schedule.due(500.0)  # asked while it ran: right after it
    schedule.started()
    schedule.finished(501.0)
    assert not schedule.due(503.0)


def test_an_edit_during_a_sync_is_synced_after_it() -> None:
    schedule = SyncSchedule(TIMINGS)
    started_at(schedule, 0.0)
    schedule.edited(0.5)  # made after the sync had read the outbox
    schedule.finished(1.0)
    assert not schedule.due(3.4)
    assert schedule.due(3.5)


def test_sync_now_is_due_at_once() -> None:
    schedule = SyncSchedule(TIMINGS)
    started_at(schedule, 0.0)
    schedule.finished(1.0)
    assert not schedule.due(2.0)
    schedule.ask()
    assert schedule.due(2.0)
