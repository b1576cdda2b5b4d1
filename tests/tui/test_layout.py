"""Every screen fits every size: no horizontal scrollbar, nothing drawn past the
screen's edges, no list row wider than its list (a row that wraps is unreadable),
the key bar shows all its lines, and resizing lays the columns out again."""

from pathlib import Path

import pytest
from screens_at_sizes import SCREENS, app_on, reach
from textual.app import App
from textual.widget import Widget
from textual.widgets import DataTable, OptionList

from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.key_bar import KeyBar

SIZES = ((60, 20), (80, 24), (120, 40), (160, 48))
# The lists of rows in columns (a refusal's reasons are sentences: they may wrap).
TABLES = {"slots", "people", "audit-reps", "rep-accounts"}


def misfits(app: App[None]) -> list[str]:
    """What does not fit the screen: each widget shown that scrolls sideways, reaches
    past an edge, or holds a row (or key bar line) wider than itself."""
    screen = app.screen
    width, height = screen.size
    found: list[str] = []
    for widget in screen.walk_children(Widget):
        if not widget.display or not widget.region.area or not widget.visible:
            continue
        name = f"{type(widget).__name__}#{widget.id}"
        if widget.show_horizontal_scrollbar:
            found.append(f"{name} scrolls sideways")
        region = widget.region
        if region.right > width or region.bottom > height or region.x < 0 or region.y < 0:
            found.append(f"{name} at {region} is past the {width}x{height} screen")
        room = widget.scrollable_content_region.width
        if isinstance(widget, OptionList) and widget.id in TABLES:  # rows, not sentences
            lines = widget.virtual_size.height
            if lines != widget.option_count:
                found.append(f"{name}: {widget.option_count} rows take {lines} lines")
        if isinstance(widget, DataTable) and widget.virtual_size.width > room:
            found.append(f"{name} is {widget.virtual_size.width} wide in {room}")
        if isinstance(widget, KeyBar):
            shown = [line for line in widget._shown.split("\n") if line.strip()]
            if len(shown) > widget.content_region.height:
                found.append(f"key bar: {len(shown)} lines in {widget.content_region.height}")
    return found


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_every_screen_fits_every_size(
    tmp_path: Path, screen: str, size: tuple[int, int]
) -> None:
    kind, keys = SCREENS[screen]
    app = app_on(tmp_path / "layout.db", kind)
    async with app.run_test(size=size) as pilot:
        await reach(pilot, keys)
        assert misfits(app) == []
        if isinstance(app.screen, ReviewScreen):  # all five slots on screen, none wrapped
            slots = app.screen.query_one("#slots", OptionList)
            assert slots.option_count == 5 and slots.region.height == 5


def queue_headers(app: App[None]) -> list[str]:
    assert isinstance(app.screen, QueueScreen)
    table = app.screen.query_one(DataTable)
    return [str(column.label) for column in table.columns.values()]


async def test_resizing_lays_the_queue_out_again(tmp_path: Path) -> None:
    """Wide, every column is whole; narrowed, the stage and the size go (the names and
    flags stay); widened again, they come back. No sideways scrolling at any point."""
    app = app_on(tmp_path / "layout.db", "midweek")
    async with app.run_test(size=(160, 48)) as pilot:
        await reach(pilot, ())
        wide = ["Status", "Account", "Cur/Pot", "Stage", "Attention"]
        assert queue_headers(app) == wide
        await pilot.resize_terminal(40, 20)
        await pilot.pause()
        assert queue_headers(app) == ["Status", "Account", "Attention"]
        assert misfits(app) == []
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert queue_headers(app) == wide


async def test_resizing_lays_the_slots_out_again(tmp_path: Path) -> None:
    """The slots' heading and rows follow the width: at 50 columns the last contact's
    date goes (its age stays), at 120 it is back; no row wraps either way."""
    app = app_on(tmp_path / "layout.db", "midweek")
    async with app.run_test(size=(120, 40)) as pilot:
        await reach(pilot, ("enter",))
        header = app.screen.query_one("#slots-header")

        def heading() -> str:
            return str(header.render())

        assert "Last" in heading() and "Age" in heading()
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert "Last" not in heading() and "Age" in heading()
        assert misfits(app) == []
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert "Last" in heading()
