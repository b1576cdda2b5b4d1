"""The app syncing with a real hub (the suite's PostgreSQL): an edit reaches the hub, an
unreachable hub shows offline with the waiting count while keys still answer, and a
conflict made on another laptop is resolved on the conflicts screen and reaches the hub."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.conflicts import ConflictsScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.sync_worker import SyncTimings
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.sync_status import SyncStatusLine
from conftest import TODAY
from sync.proxy import Proxy
from sync.team import Laptop, Team, import_account, outbox_count, person_name, setup_team

if TYPE_CHECKING:
    from postgres import PostgresServer

FAST = SyncTimings(quiet=0.2, period=60.0, tick=0.05)


@pytest.fixture
def team(hub_server: "PostgresServer", hub_url: str, tmp_path: Path) -> Team:
    """Mia (manager) with her reps Ann and Ben signed up on a fresh hub."""
    return setup_team(hub_server.port, hub_url, tmp_path)


def synced_laptop(team: Team, name: str = "ann", port: int | None = None) -> Laptop:
    """Ann's laptop with her account Acme imported and synced once (the hub remembered)."""
    laptop = team.laptop("ann", name, port=port)
    assert laptop.sync_cli()[0] == 0  # the new file gets Ann from the hub
    import_account(laptop, "Acme")
    assert laptop.sync_cli()[0] == 0
    return laptop


def app_on(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> AccountReviewApp:
    """The app on `laptop`'s file, its hub given as ACCOUNTREVIEW_HUB, syncing fast."""
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", laptop.url)
    app = AccountReviewApp(open_workspace(laptop.path, TODAY, create=True), rep=laptop.person.email)
    app.sync_timings = FAST
    return app


def status(app: AccountReviewApp) -> str:
    lines = app.screen.query(SyncStatusLine)
    return lines.first().text if lines else ""


async def until(pilot: Pilot[None], check: Callable[[], bool], what: str) -> None:
    """Let the app run until `check()` holds (the sync runs on its own clock)."""
    for _ in range(400):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{what}: still not so after 20 s; status {status(pilot.app)!r}")  # type: ignore[arg-type]


async def fill_slot_one(pilot: Pilot[None], name: str) -> None:
    """From the queue: open the review, pick `name` for slot 1, back to the queue."""
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("enter", *name, "enter")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


def hub_slot_person(team: Team, position: int) -> str | None:
    """Who fills slot `position` of Ann's review this week, as the hub has it (read as Ann)."""
    with team.hub_as("ann") as conn:
        row = conn.execute(
            "SELECT s.name FROM review_slot sl JOIN review r ON r.id = sl.review_id"
            " LEFT JOIN stakeholder s ON s.id = sl.stakeholder_id"
            " WHERE sl.position = %s",
            (position,),
        ).fetchone()
    return None if row is None else row[0]


async def test_an_edit_in_the_app_reaches_the_hub(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = synced_laptop(team)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        assert isinstance(app.screen, QueueScreen)
        await fill_slot_one(pilot, person_name("Acme", 1))
        await until(pilot, lambda: outbox_count(laptop.path) == 0, "the edit pushed")
        await until(pilot, lambda: status(app) == "synced just now", "the sync after the edit")
    assert hub_slot_person(team, 1) == person_name("Acme", 1)


async def test_offline_says_what_waits_and_keys_still_answer(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = Proxy(team.port)
    laptop = synced_laptop(team, port=proxy.port)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        proxy.stop()  # the laptop goes offline; the server keeps running
        await fill_slot_one(pilot, person_name("Acme", 1))
        await until(pilot, lambda: status(app).startswith("offline"), "offline shown")
        waiting = outbox_count(laptop.path)
        assert waiting > 0
        assert status(app) == f"offline · {waiting} change{'s' if waiting > 1 else ''} waiting"
        await pilot.press("enter")  # keys answer while offline
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
    assert hub_slot_person(team, 1) is None  # nothing reached the hub, nothing was lost
    assert outbox_count(laptop.path) == waiting


async def test_a_conflict_from_another_laptop_is_chosen_on_screen_and_reaches_the_hub(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = synced_laptop(team)
    second = team.laptop("ann", "ann-desktop")
    assert second.sync_cli()[0] == 0  # Ann's second machine pulls her work
    who = person_name("Acme", 2)
    for laptop, title in ((first, "CFO"), (second, "Chief Financial Officer")):
        code, out, err = laptop.cli("stakeholder", "edit", "Acme", who, "--title", title)
        assert code == 0, (out, err)
    assert first.sync_cli()[0] == 0  # the hub has CFO; the second laptop's edit will conflict
    app = app_on(second, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "1 conflict", "the conflict shown")
        await pilot.pause()  # the key bar redraws after the status
        bar = app.screen.query_one(KeyBar)
        assert "Conflicts" in str(bar.content)
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        [line] = screen.lines
        assert (line.account, line.mine, line.theirs) == ("Acme", "Chief Financial Officer", "CFO")
        assert line.what == f"{who} · title"
        table = screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)] == [
            "Acme",
            f"{who} · title",
            "Chief Financial Officer",
            "CFO",
        ]
        # at 100 columns every cell is whole (the columns fit their text, as every list's)
        for column, text in zip(table.columns.values(), table.get_row_at(0), strict=True):
            assert column.width >= len(str(text)), (column.label, column.width, str(text))
        assert "Conflicts" not in str(screen.query_one(KeyBar).content)  # ^r: here already
        await pilot.press("m")  # keep mine
        await pilot.pause()
        assert screen.lines == []
        await pilot.press("escape")  # back: syncs at once
        await until(pilot, lambda: outbox_count(second.path) == 0, "the choice pushed")
        await until(pilot, lambda: status(app) == "synced just now", "no conflict left")
    with team.hub_as("ann") as conn:
        row = conn.execute("SELECT title FROM stakeholder WHERE name = %s", (who,)).fetchone()
    assert row == ("Chief Financial Officer",)
    assert first.sync_cli()[0] == 0
    assert [r["title"] for r in first.rows("stakeholder") if r["name"] == who] == [
        "Chief Financial Officer"
    ]


async def test_a_new_file_opens_on_the_queue_the_hub_gives_and_pulls_refresh_it(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = synced_laptop(team)  # Ann's work is on the hub
    desktop = team.laptop("ann", "new-desktop")  # a file that does not exist yet
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", desktop.url)
    app = AccountReviewApp(open_workspace(desktop.path, TODAY, create=True))
    app.sync_timings = FAST
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue shown")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.queue is not None
        assert screen.rep.name == "Ann Lee"
        assert [i.facts.account.name for i in screen.queue.items] == ["Acme"]
        await until(pilot, lambda: status(app) == "synced just now", "the status on the queue")
        import_account(laptop, "Beta")  # meanwhile, on Ann's laptop
        assert laptop.sync_cli()[0] == 0
        await pilot.press("ctrl+s")

        def beta_shown() -> bool:
            queue = screen.queue
            return queue is not None and "Beta" in [i.facts.account.name for i in queue.items]

        await until(pilot, beta_shown, "the pulled account in the queue")
