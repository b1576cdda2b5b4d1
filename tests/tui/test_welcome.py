"""The first start: an empty database opens on the welcome screen, and each offer works."""

from pathlib import Path

from textual.widgets import Input, OptionList

from accountreview.services.reps import current_rep
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.transfer import ImportScreen
from accountreview.tui.screens.welcome import RepForm, WelcomeScreen
from conftest import TODAY

DATA = Path(__file__).parents[2] / "data"


def empty_app(tmp_path: Path) -> AccountReviewApp:
    return AccountReviewApp(
        open_workspace(tmp_path / "new.db", TODAY, create=True), demo_db=tmp_path / "demo.db"
    )


async def test_empty_database_opens_on_the_welcome_screen(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        offers = app.screen.query_one(OptionList)
        text = " ".join(str(offers.get_option_at_index(i).prompt) for i in range(3))
        for offer in ("Import your data", "Open the demo", "Add yourself"):
            assert offer in text
    assert (tmp_path / "new.db").stat().st_mode & 0o777 == 0o600  # created, private


async def test_add_yourself_signs_you_in_on_your_queue(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RepForm)
        await pilot.press(*"Ann [b]Lee[/b]", "tab", *"not-an-email", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RepForm)  # refused at the field, text kept
        assert "email" in str(app.screen.query_one(".field-error").render())
        email = app.screen.query_one("#email", Input)
        email.value = "ann@example.com"
        email.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.rep.name == "Ann [b]Lee[/b]"
    ws = open_workspace(tmp_path / "new.db", TODAY)
    rep = current_rep(ws)
    ws.close()
    assert rep is not None and rep.email == "ann@example.com"  # remembered


async def test_import_from_the_welcome_screen_then_who_are_you(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one("#paths", Input).value = str(DATA / "reps.csv")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "WhoScreen"  # several reps now: who are you?


async def test_the_demo_from_the_welcome_screen_is_built_then_reopened(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.queue is not None and app.screen.queue.items
        assert app.ws.db.path == tmp_path / "demo.db"
        first = app.screen.rep.name
    again = empty_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")  # the demo is there now: reopened, not rebuilt
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(again.screen, QueueScreen) and again.screen.rep.name == first
