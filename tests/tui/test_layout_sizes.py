"""The whole screen at any size (issue 14): the picker takes the width there is, the
help lays its columns out again on a resize, the review's key bar keeps to 2 lines
under 80 columns with every panel key in it, and the slot list is as high as the
workspace has slots."""

from pathlib import Path

from screens_at_sizes import app_on, build, reach
from test_layout import misfits
from textual.widgets import DataTable, OptionList

from accountreview.domain.settings import Settings
from accountreview.services.lookup import resolve_account
from accountreview.services.stakeholders import add_stakeholder
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.help import HelpScreen
from accountreview.tui.screens.review import PANEL_KEYS, ReviewScreen
from accountreview.tui.widgets.columns import Column, fit_columns
from accountreview.tui.widgets.key_bar import KeyBar
from conftest import TODAY, seed

LONG_NAME = "Maximiliana Oyelaran-Castellanos"  # 32 cells
LONG_TITLE = "Senior Vice President, Global Procurement"  # 41 cells


def picker_app(tmp_path: Path) -> AccountReviewApp:
    """The mid-week review's app, its account with one person of a long name and title."""
    path = build(tmp_path / "picker.db", "midweek")
    ws = open_workspace(path, TODAY)
    account = resolve_account(ws, "Acme Corp")
    ws.actor_id = account.rep_id  # the account's own rep adds the person
    add_stakeholder(ws, account, name=LONG_NAME, title=LONG_TITLE)
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY))


async def test_the_picker_takes_the_width_there_is(tmp_path: Path) -> None:
    """At 160 columns the picker spans the screen (2 cells each side) and the long name
    and title are whole; at 80 they are cut to fit, and no row is wider than the list."""
    app = picker_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await reach(pilot, ("enter", "enter"))
        picker = app.screen.query_one("#picker")
        assert picker.region.width == 156
        rows = [str(o.prompt) for o in app.screen.query_one("#people", OptionList).options]
        assert any(LONG_NAME in row and LONG_TITLE in row for row in rows)
        assert misfits(app) == []
        await pilot.resize_terminal(60, 20)  # the hint keeps to one line
        await pilot.pause()
        assert app.screen.query_one("#picker .hint").region.height == 1
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert picker.region.width == 76
        assert app.screen.query_one("#picker .hint").region.height == 1
        rows = [str(o.prompt) for o in app.screen.query_one("#people", OptionList).options]
        assert not any(LONG_TITLE in row for row in rows)
        assert misfits(app) == []


async def test_the_help_lays_its_columns_out_again_on_a_resize(tmp_path: Path) -> None:
    """Opened at 160x48 the help shows every key without scrolling; narrowed to 60x20
    its table fits its dialog (no sideways scrolling) and the screen; widened again,
    its columns grow back."""
    app = app_on(tmp_path / "help.db", "midweek")
    async with app.run_test(size=(160, 48)) as pilot:
        await reach(pilot, ("enter", "question_mark"))
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#keys", DataTable)
        wide = [column.width for column in table.ordered_columns]
        assert table.region.height == table.virtual_size.height  # every key, no scrolling
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        narrow = [column.width for column in table.ordered_columns]
        assert narrow[1] < wide[1]
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert misfits(app) == []
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert [column.width for column in table.ordered_columns] == wide


async def test_the_review_key_bar_keeps_to_two_lines_under_80_columns(tmp_path: Path) -> None:
    """At 60x20 the review's key bar takes 2 lines and still shows every panel key and
    `?`; the keys it leaves out are in the help; the notes keep 6 lines. At 80 columns
    those keys are back in the bar."""
    app = app_on(tmp_path / "bar.db", "midweek")
    async with app.run_test(size=(60, 20)) as pilot:
        await reach(pilot, ("enter",))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        bar = review.query_one(KeyBar)
        assert bar.outer_size.height == 2
        for key, _, words, _ in PANEL_KEYS:
            assert f"{key} {words}" in bar._shown
        assert "? Help" in bar._shown and "l Left" not in bar._shown
        assert review.query_one("#notes").region.height >= 6
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one("#keys", DataTable)
        keys = {str(table.get_row_at(n)[0]) for n in range(table.row_count)}
        assert {"l", "x", "^n", "h", "e", "^q", "^p"} <= keys
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "l Left" in bar._shown and "^p Commands" in bar._shown


async def test_the_slot_list_is_as_high_as_there_are_slots(tmp_path: Path) -> None:
    """A workspace with 3 slots a review draws 3 slot lines, the notes right below them."""
    path = tmp_path / "three.db"
    seed(open_workspace(path, TODAY, create=True))
    app = AccountReviewApp(open_workspace(path, TODAY, settings=Settings(slots_per_review=3)))
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot, ("enter",))
        slots = app.screen.query_one("#slots", OptionList)
        assert slots.option_count == 3 and slots.region.height == 3
        assert app.screen.query_one("#notes").region.y == slots.region.bottom
        assert misfits(app) == []


def test_a_list_without_headings_gives_them_no_room() -> None:
    """The picker draws no headings: a column of dashes is one cell, not "Title"'s five."""
    columns = (Column("Name"), Column("Title", rank=3), Column("Role"))
    rows = [("Carla Diaz", "—", "executive sponsor"), ("Uma Reyes", "—", "user")]
    assert fit_columns(columns, rows, 80) == [10, 5, 17]
    assert fit_columns(columns, rows, 80, headed=False) == [10, 1, 17]
