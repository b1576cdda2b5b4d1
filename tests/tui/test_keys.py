"""Keys people already know: j/k in every list, q to go back (and quit from the queue),
a click on a key of the key bar runs it."""

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from accountreview.domain.enums import RepRole
from accountreview.services.demo import build_demo
from accountreview.services.reps import list_reps, remember_first_rep
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.audit_rep import RepAuditScreen
from accountreview.tui.screens.help import HelpScreen
from accountreview.tui.screens.history import HistoryScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.key_bar import KeyBar
from conftest import TODAY


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The demo (a manager, three reps with five top accounts each), its first rep and
    its manager."""
    path = tmp_path_factory.mktemp("keys") / "demo.db"
    build_demo(path, TODAY)
    ws = open_workspace(path, TODAY)
    rep = remember_first_rep(ws)
    manager = next(r for r in list_reps(ws) if r.role is RepRole.MANAGER)
    ws.close()
    assert rep is not None
    return path, rep.name, manager.name


@pytest.fixture
def team_db(built_demo: tuple[Path, str, str], tmp_path: Path) -> Path:
    """A copy of the demo for one test, its first rep remembered."""
    path = tmp_path / "demo.db"
    shutil.copy(built_demo[0], path)
    return path


@pytest.fixture
def manager(built_demo: tuple[Path, str, str]) -> str:
    return built_demo[2]


async def settle(app: AccountReviewApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def cursor(app: AccountReviewApp) -> int | None:
    """Where the focused list's cursor is."""
    focused = app.focused
    if isinstance(focused, DataTable):
        return focused.cursor_row
    assert isinstance(focused, OptionList), focused
    return focused.highlighted


async def assert_j_k_move(app: AccountReviewApp, pilot: Pilot[None]) -> None:
    """j goes down one row and k back up, as ↓ and ↑ do."""
    start = cursor(app)
    await pilot.press("j")
    assert cursor(app) == (start or 0) + 1
    await pilot.press("down")
    moved = cursor(app)
    await pilot.press("k", "k")
    assert cursor(app) == (moved or 0) - 2
    for bar in app.screen.query(KeyBar):  # a dialog has none
        assert "j Down" in str(bar.render()) and "k Up" in str(bar.render())


async def test_j_k_move_in_every_list_and_q_goes_back(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        await assert_j_k_move(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)  # q is back, not quit
        await pilot.press("w")
        await pilot.pause()
        await assert_j_k_move(app, pilot)  # the who-are-you list
        await pilot.press("q")  # cancels the switch
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter", "h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("q")  # from the queue, q quits
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_j_k_in_the_manager_audit_and_a_reps_accounts(team_db: Path, manager: str) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True), rep=manager)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        await assert_j_k_move(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RepAuditScreen)
        await assert_j_k_move(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)


async def test_j_k_move_in_history_tables(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        lists = list(app.screen.query(OptionList))
        assert any(t.option_count > 2 for t in lists)
        options = next(t for t in lists if t.option_count > 2)
        options.focus()
        await pilot.pause()
        await assert_j_k_move(app, pilot)


async def test_j_and_q_type_into_a_field(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("j", "k", "q")
        from textual.widgets import Input

        assert app.screen.query_one("#paths", Input).value == "jkq"


async def test_help_lists_j_k_and_q_closes_it(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        keys = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
        assert {"j", "k", "q"} <= set(keys)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_a_click_on_a_key_of_the_key_bar_runs_it(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        bar = app.screen.query_one(KeyBar)
        line, start, _, _ = next(s for s in bar._spans if s[3] == "a")
        assert await pilot.click(bar, offset=(1 + start + 3, line))  # on "Audit" (padding 1)
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        bar = app.screen.query_one(KeyBar)
        line, start, _, _ = next(s for s in bar._spans if s[3] == "escape")
        assert await pilot.click(bar, offset=(1 + start, line))  # on "esc/q"
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        bar = app.screen.query_one(KeyBar)
        await pilot.click(bar, offset=(0, 0))  # the padding: nothing
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


def queue_names(app: AccountReviewApp) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(n)[1]) for n in range(table.row_count)]


def list_rows(app: AccountReviewApp) -> list[str]:
    shown = app.screen.query_one(OptionList)
    return [str(shown.get_option_at_index(n).prompt) for n in range(shown.option_count)]


async def test_slash_filters_the_queue_by_typing_and_escape_clears(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        everyone = queue_names(app)
        assert len(everyone) >= 5
        wanted = everyone[3]
        await pilot.press("slash", *wanted.split()[0].upper())
        await pilot.pause()
        narrowed = queue_names(app)
        assert wanted in narrowed and len(narrowed) < len(everyone)
        assert all(wanted.split()[0].casefold() in n.casefold() for n in narrowed)
        await pilot.press("enter")  # back to the list, the filter kept
        await pilot.pause()
        assert isinstance(app.focused, DataTable) and queue_names(app) == narrowed
        await pilot.press("enter")  # opens the filtered row
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert queue_names(app) == narrowed  # still filtered on the way back
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert queue_names(app) == everyone and isinstance(app.focused, DataTable)
        await pilot.press("slash", *"zzz nothing")
        await pilot.pause()
        assert queue_names(app) == []


async def test_slash_filters_the_audit_rows_and_a_reps_accounts(
    team_db: Path, manager: str
) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True), rep=manager)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        reps = list_rows(app)
        last = reps[-1].split()[0]
        await pilot.press("slash", *last)
        await pilot.pause()
        assert [r.split()[0] for r in list_rows(app)] == [last]
        await pilot.press("enter", "enter")  # leave the field, then drill into that rep
        await settle(app, pilot)
        assert isinstance(app.screen, RepAuditScreen) and app.screen.rep.name.startswith(last)
        accounts = list_rows(app)
        first = accounts[0].split()[0]
        await pilot.press("slash", *first)
        await pilot.pause()
        assert list_rows(app) and all(first in row for row in list_rows(app))
        assert len(list_rows(app)) < len(accounts)
        await pilot.press("escape")
        await pilot.pause()
        assert list_rows(app) == accounts
        await pilot.press("escape")  # now escape is back
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
