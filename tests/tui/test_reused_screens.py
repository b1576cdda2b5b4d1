"""Screens built once and reused go when the app changes workspace (the demo from the
welcome screen): none may keep the closed one."""

from pathlib import Path

import pytest

from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.context import REUSED_SCREENS, forget_reused_screens, reused_screen
from accountreview.tui.screens.history import HistoryScreen
from conftest import TODAY, seed


async def test_every_reused_screen_goes_with_the_workspace(db_path: Path) -> None:
    ws = open_workspace(db_path, TODAY, create=True)
    seeded = seed(ws)
    ws.close()
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "h")  # the review, then its history: both reused
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape", "escape", "a")  # the team's audit
        await app.workers.wait_for_complete()
        await pilot.pause()
        built = [name for name in REUSED_SCREENS if app.is_screen_installed(name)]
        assert {"review", "history", "audit"} <= set(built)
        await pilot.press("escape")
        await pilot.pause()
        forget_reused_screens(app)
        assert not any(app.is_screen_installed(name) for name in REUSED_SCREENS)
        with pytest.raises(ValueError, match="not listed in REUSED_SCREENS"):
            reused_screen(
                app, "other", HistoryScreen, lambda: HistoryScreen(app.ws, seeded.account_id)
            )
