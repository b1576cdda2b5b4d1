"""How the sync status and the conflicts screen look (SVG snapshots, on a real hub), at
80x24 and 160x48, dark and light; update with --snapshot-update and look at the PNGs."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.pilot import Pilot

from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.sync_worker import SyncTimings
from accountreview.tui.widgets.sync_status import SyncStatusLine
from conftest import TODAY
from sync.proxy import Proxy
from sync.team import Laptop, Team, import_account, person_name, setup_team

if TYPE_CHECKING:
    from postgres import PostgresServer

# The first sync only, then none for the snapshot's lifetime (no "syncing…" mid-frame).
ONCE = SyncTimings(quiet=3600.0, period=3600.0, tick=0.05)
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
THEMES = {"dark": "textual-dark", "light": "textual-light"}


@pytest.fixture
def team(hub_server: "PostgresServer", hub_url: str, tmp_path: Path) -> Team:
    """Mia (manager) with her reps Ann and Ben signed up on a fresh hub."""
    return setup_team(hub_server.port, hub_url, tmp_path)


def conflicted(team: Team) -> Laptop:
    """Ann's desktop, whose edits of two people's titles conflict with her laptop's."""
    laptop = team.laptop("ann")
    assert laptop.sync_cli()[0] == 0  # the new file gets Ann from the hub
    import_account(laptop, "Acme [red]EU")
    assert laptop.sync_cli()[0] == 0
    desktop = team.laptop("ann", "ann-desktop")
    assert desktop.sync_cli()[0] == 0
    for n, mine, theirs in ((1, "Chief Financial Officer", "CFO"), (2, "VP, IT", "Head of IT")):
        who = person_name("Acme [red]EU", n)
        for machine, title in ((desktop, mine), (laptop, theirs)):
            code, out, err = machine.cli(
                "stakeholder", "edit", "Acme [red]EU", who, "--title", title
            )
            assert code == 0, (out, err)
    assert laptop.sync_cli()[0] == 0
    return desktop


def app_for(laptop: Laptop, url: str, monkeypatch: pytest.MonkeyPatch) -> AccountReviewApp:
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", url)
    app = AccountReviewApp(open_workspace(laptop.path, TODAY, create=True), rep=laptop.person.email)
    app.sync_timings = ONCE
    return app


def after_sync(theme: str, *keys: str) -> Callable[[Pilot[None]], object]:
    """Wait for the sync on start to end, set `theme`, press `keys`."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        app.theme = theme
        for _ in range(400):
            await pilot.pause(0.05)
            lines = app.screen.query(SyncStatusLine)
            if lines and lines.first().text not in ("", "syncing…", "not synced yet"):
                break
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.fixture
def conflicted_app(team: Team, monkeypatch: pytest.MonkeyPatch) -> AccountReviewApp:
    """The app on Ann's desktop, whose first sync brings two conflicts."""
    desktop = conflicted(team)
    return app_for(desktop, desktop.url, monkeypatch)


@pytest.mark.parametrize("size", ["80x24", "160x48"])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_conflicts_screen(
    snap_compare: Callable[..., bool], conflicted_app: AccountReviewApp, size: str, theme: str
) -> None:
    keys = after_sync(THEMES[theme], "ctrl+r", "j")
    assert snap_compare(conflicted_app, run_before=keys, terminal_size=SIZES[size])


@pytest.mark.parametrize(("size", "theme"), [("80x24", "dark"), ("160x48", "light")])
def test_status_conflicts(
    snap_compare: Callable[..., bool], conflicted_app: AccountReviewApp, size: str, theme: str
) -> None:
    keys = after_sync(THEMES[theme])
    assert snap_compare(conflicted_app, run_before=keys, terminal_size=SIZES[size])


@pytest.mark.parametrize(("size", "theme"), [("80x24", "light"), ("160x48", "dark")])
def test_status_offline(
    snap_compare: Callable[..., bool],
    team: Team,
    monkeypatch: pytest.MonkeyPatch,
    size: str,
    theme: str,
) -> None:
    proxy = Proxy(team.port)
    laptop = team.laptop("ann", port=proxy.port)
    assert laptop.sync_cli()[0] == 0
    import_account(laptop, "Acme")
    assert laptop.sync_cli()[0] == 0
    proxy.stop()
    for n, title in ((1, "CFO"), (2, "CIO")):
        code, out, err = laptop.cli(
            "stakeholder", "edit", "Acme", person_name("Acme", n), "--title", title
        )
        assert code == 0, (out, err)
    app = app_for(laptop, laptop.url, monkeypatch)
    assert snap_compare(app, run_before=after_sync(THEMES[theme]), terminal_size=SIZES[size])
