"""The app's first sync of a new file with a hub (tui/sync_worker.py, a real hub): while
the first pull runs in the worker, the status says how far it is ("first sync · 12 rows
read", then "first sync · 21 of 70 rows"), keys answer, and an edit typed meanwhile
(adding yourself on the welcome screen) lands at once, not after the pull; the pull then
completes and the queue shows what it brought."""

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_sync_hub import FAST, status, until

from accountreview.services.sync import pull
from accountreview.services.workspace import open_workspace
from accountreview.text import plural
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.welcome import RepForm, WelcomeScreen
from conftest import TODAY
from sync.team import Team, setup_team
from sync.test_first_pull import busy_history

if TYPE_CHECKING:
    from postgres import PostgresServer


@pytest.fixture
def team(hub_server: "PostgresServer", hub_url: str, tmp_path: Path) -> Team:
    """Mia (manager) with her reps Ann and Ben signed up on a fresh hub."""
    return setup_team(hub_server.port, hub_url, tmp_path)


class Gate:
    """Holds the pull's thread at chosen checkpoints until the test lets it go."""

    def __init__(self, stops: dict[str, int]) -> None:
        self.stops = stops  # point -> at which passage (1 = the first) to stop
        self.passed: dict[str, int] = {}
        self.reached = threading.Event()
        self.go = threading.Event()

    def __call__(self, name: str) -> None:
        self.passed[name] = self.passed.get(name, 0) + 1
        if self.stops.get(name) == self.passed[name]:
            self.go.clear()
            self.reached.set()
            assert self.go.wait(20), f"the test never let the pull go on at {name}"

    def release(self) -> None:
        self.reached.clear()
        self.go.set()


def reps_named(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM rep WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


async def test_an_edit_typed_during_a_first_pull_lands_and_the_status_counts_rows(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_history(team)  # Ann's two accounts and their record are on the hub
    desktop = team.laptop("ann", "new-desktop")
    gate = Gate({"pull-fetched": 1, "first-pull-copied": 3})
    monkeypatch.setattr(pull, "checkpoint", gate)
    monkeypatch.setenv("ACCOUNTREVIEW_SYNC_BATCH", "7")
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", desktop.url)
    app = AccountReviewApp(open_workspace(desktop.path, TODAY, create=True))
    app.sync_timings = FAST
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, gate.reached.is_set, "the first pull reading the hub")
        await until(pilot, lambda: status(app).startswith("first sync · "), "the progress")
        assert status(app).endswith(" rows read"), status(app)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RepForm)
        await pilot.press(*"Ann Lee", "tab", *"ann@team.example", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, RepForm), "the form is still open"
        assert reps_named(desktop.path, "Ann Lee") == 1  # saved while the pull is held
        gate.release()
        await until(pilot, gate.reached.is_set, "the first pull copying")
        await until(pilot, lambda: " of " in status(app), "the progress of the copy")
        done, total = status(app).removeprefix("first sync · ").removesuffix(" rows").split(" of ")
        assert 0 < int(done.replace(",", "")) < int(total.replace(",", "")), status(app)
        await pilot.press("ctrl+p")  # keys answer while the pull is held
        await pilot.pause()
        await pilot.press("escape")
        gate.release()
        # the record busy_history made holds conflicts of Ann's other laptops, still open:
        # they are hers, so they reach her new desktop with its first sync (shared)
        with team.hub_as("ann") as hub:
            found = hub.execute("SELECT count(*) FROM hub_conflict WHERE resolved_at IS NULL")
            row = found.fetchone()
        assert row is not None and row[0] > 0
        done_status = plural(int(row[0]), "conflict")
        await until(pilot, lambda: status(app) == done_status, "the first sync done")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue shown")
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.queue is not None
        assert sorted(i.facts.account.name for i in screen.queue.items) == ["Acme", "Globex"]
    assert reps_named(desktop.path, "Ann Lee") == 1
    assert not Path(f"{desktop.path}.first-pull").exists()


def test_the_status_words_of_a_first_pull() -> None:
    from datetime import UTC, datetime

    from accountreview.tui.widgets.sync_status import SyncShown, status_text

    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    reading = SyncShown(running=True, first_pull=(40_000, None))
    copying = SyncShown(running=True, first_pull=(40_000, 220_000), waiting=2)
    assert status_text(reading, now) == "first sync · 40,000 rows read"
    assert status_text(copying, now) == "first sync · 40,000 of 220,000 rows"
    assert status_text(SyncShown(running=True), now) == "syncing…"  # any other sync
    done = SyncShown(first_pull=(40_000, 220_000), last_sync_at=now)
    assert status_text(done, now) == "synced just now"  # not running: no progress shown


async def test_a_first_pull_the_file_cannot_take_is_said_as_the_cli_says_it(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub row that breaks one of the file's rules (an old row, see
    tests/sync/test_first_pull_checks.py): the app says "sync refused" and the message the
    CLI gives, never the exception's class (it showed `Sync failed:
    HubRecordRefused("…")`, seen in tmux); the file keeps nothing of the pull."""
    from sync.test_first_pull_checks import break_on_hub

    busy_history(team)
    break_on_hub(team, "touch_channel")
    laptop = team.laptop("ann", "ann-refused")
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", laptop.url)
    app = AccountReviewApp(open_workspace(laptop.path, TODAY, create=True))
    app.sync_timings = FAST
    async with app.run_test(size=(80, 24)) as pilot:
        # the header may say so first: it reads the file's recorded error on its own
        # clock, while the sync's thread is still ending and has not told its message
        await until(
            pilot,
            lambda: (
                status(app) == "sync refused"
                and any("cannot take" in str(n.message) for n in app._notifications)
            ),
            "the refused first sync, and its message",
        )
        messages = [str(n.message) for n in app._notifications]
    [told] = [m for m in messages if "cannot take" in m]
    assert told.startswith("Sync: the hub sent a record this file cannot take: touch row"), told
    assert "touch_channel" in told and "ask the hub's owner" in told, told
    assert "HubRecordRefused" not in told and "Sync failed" not in told, told
    assert reps_named(laptop.path, "Ann Lee") == 0  # nothing of the pull kept


async def test_a_copy_that_becomes_a_device_of_its_own_is_told_so_in_the_app(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copied file whose twin reached the hub first (tests/sync/test_copied_file.py):
    the app's sync makes it a device of its own, and says so once."""
    from sync.test_copied_file import twins

    _, copy = twins(team)
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", copy.url)
    app = AccountReviewApp(open_workspace(copy.path, TODAY))
    app.sync_timings = FAST
    async with app.run_test(size=(80, 24)) as pilot:
        for count in (1, 2):
            await until(
                pilot,
                lambda: app.syncs_started >= count and not app.sync_shown.running,  # noqa: B023
                f"sync {count}",
            )
            await pilot.press("ctrl+s")  # and again: said once
        # the second close of the review: its five kept, its slots conflicts (as two
        # laptops' closes of one review offline)
        assert status(app) == "5 conflicts"
        messages = [str(n.message) for n in app._notifications]
    told = [m for m in messages if "a device of its own" in m]
    assert len(told) == 1 and told[0].startswith("Sync: this file was a copy"), messages
