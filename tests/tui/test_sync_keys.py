"""With a hub set, the sync keys are in the key bar, the help and the palette, and a hub
that cannot be reached shows offline; no server is needed (a closed port)."""

from pathlib import Path

import pytest
from textual.widgets import DataTable

from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.help import HelpScreen
from accountreview.tui.sync_worker import SyncTimings
from accountreview.tui.widgets.sync_status import SyncStatusLine
from conftest import TODAY, seed
from postgres import free_port


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AccountReviewApp:
    path = tmp_path / "keys.db"
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()
    monkeypatch.setenv("ACCOUNTREVIEW_HUB", f"postgresql://ann@127.0.0.1:{free_port()}/hub")
    made = AccountReviewApp(open_workspace(path, TODAY, create=True))
    made.sync_timings = SyncTimings(quiet=0.1, period=3600.0, tick=0.05)
    return made


def status(app: AccountReviewApp) -> str:
    return app.screen.query_one(SyncStatusLine).text


async def test_an_unreachable_hub_reads_offline_and_sync_now_tries_again(
    app: AccountReviewApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (status(app), app.syncs_started) == ("offline", 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (status(app), app.syncs_started) == ("offline", 2)
        await pilot.press("enter")  # the review opens; its corner says the same
        await pilot.pause()
        assert status(app) == "offline"


async def test_the_sync_keys_are_in_help_and_palette(app: AccountReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        titles = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert titles["Sync: sync now"] == "key ^s · with the team's hub"
        assert "Sync: conflicts" not in titles  # none open: offered only while there are
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(n)) for n in range(table.row_count)]
        assert "^s Sync with the team's hub now (it also syncs by itself)" in rows
        assert not [r for r in rows if r.startswith("^r ")]  # as in the palette


async def test_an_edit_syncs_once_the_quiet_time_is_over_and_reading_does_not(
    app: AccountReviewApp,
) -> None:
    from accountreview.services.lookup import resolve_account
    from accountreview.services.reviews import set_slot

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.syncs_started == 1
        for key in ("enter", "j", "k", "escape", "down"):  # reading writes nothing
            await pilot.press(key)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        assert app.syncs_started == 1
        account = resolve_account(app.ws, "Acme Corp")
        person = app.ws.db.conn.execute(
            "SELECT id FROM stakeholder WHERE left_on IS NULL ORDER BY name LIMIT 1"
        ).fetchone()[0]
        set_slot(app.ws, account, app.week, 1, person)  # as the review screen saves it
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        assert app.syncs_started == 2
