"""The review's panels are each a key away (f s b r w), shown in the key bar, the help
and the palette; the picker's list moves with ^j/^k while every letter, j and k
included, goes to its filter; and the column fitter every list uses."""

from pathlib import Path

import pytest
from screens_at_sizes import app_on, reach
from textual.widgets import DataTable, OptionList

from accountreview.tui.screens.help import HelpScreen
from accountreview.tui.screens.review import PANEL_KEYS, ReviewScreen
from accountreview.tui.widgets.columns import Column, fit_columns, fitted_line
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.note_lines import NoteLines
from accountreview.tui.widgets.stakeholder_picker import StakeholderPicker


@pytest.mark.parametrize(("key", "heading"), [("w", "Since last closed review:"), ("r", "Risks:")])
async def test_a_panel_key_focuses_the_notes_and_scrolls_its_part_to_the_top(
    tmp_path: Path, key: str, heading: str
) -> None:
    app = app_on(tmp_path / "keys.db", "midweek")
    async with app.run_test(size=(60, 20)) as pilot:  # small: the notes must scroll
        await reach(pilot, ("enter",))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        notes = review.query_one("#notes", NoteLines)
        assert notes.scroll_offset.y == 0 and app.focused is review.query_one("#slots")
        await pilot.press(key)
        await pilot.pause()
        assert app.focused is notes
        assert notes.scroll_offset.y > 0, "the part was below the fold: the notes scrolled"
        shown = [notes.render_line(y).text for y in range(notes.scrollable_content_region.height)]
        assert any(line.startswith(heading) for line in shown), shown
        await pilot.press("s")  # and back to the slots
        await pilot.pause()
        assert app.focused is review.query_one("#slots")


async def test_panel_keys_are_in_the_key_bar_the_help_and_the_palette(tmp_path: Path) -> None:
    app = app_on(tmp_path / "keys.db", "midweek")
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot, ("enter",))
        review = app.screen
        bar = review.query_one(KeyBar)._shown
        palette = [c.title for c in app.get_system_commands(review)]
        for key, _, words, _ in PANEL_KEYS:
            assert f"{key} {words}" in bar
            assert f"Review: {words.lower()}" in palette
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        keys = {str(table.get_row_at(n)[0]) for n in range(table.row_count)}
        assert {key for key, *_ in PANEL_KEYS} <= keys


async def test_a_part_that_is_not_there_says_so_and_keeps_the_focus(tmp_path: Path) -> None:
    app = app_on(tmp_path / "keys.db", "seed")  # no closed review yet: nothing changed
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot, ("enter",))
        app.notify = lambda message, **_: shown.append(message)  # type: ignore[method-assign]
        await pilot.press("w")
        await pilot.pause()
        assert shown and shown[-1].startswith("Nothing changed since the last closed review")
        assert app.focused is app.screen.query_one("#slots")


async def test_the_picker_moves_with_ctrl_j_k_and_types_j_and_k(tmp_path: Path) -> None:
    app = app_on(tmp_path / "keys.db", "midweek")
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot, ("enter", "enter"))
        picker = app.screen.query_one(StakeholderPicker)
        people = picker.query_one("#people", OptionList)
        assert picker.display and people.highlighted == 0
        bar = app.screen.query_one(KeyBar)._shown
        assert "^j/↓ Down" in bar and "^k/↑ Up" in bar
        # Carla (1) is slot 1's own; Gary left; Ivan, Nina, Paula and Sam are in other slots
        # (greyed out, skipped); Uma (7) is the last.
        await pilot.press("ctrl+j")
        assert people.highlighted == 1
        await pilot.press("ctrl+j")
        assert people.highlighted == 7
        await pilot.press("ctrl+k")
        assert people.highlighted == 1
        await pilot.press("j", "k")  # letters filter (no one is called "jk")
        assert picker.text == "jk" and people.option_count == 1


def test_columns_fit_the_width_least_important_first() -> None:
    columns = [Column("Name", least=6, keep=10), Column("Size", rank=2), Column("Stage", rank=3)]
    rows = [["Prairie Utilities Services", "30,000/900k", "customer"]]
    assert fit_columns(columns, rows, 200) == [26, 11, 8]  # whole
    assert fit_columns(columns, rows, 40) == [17, 11, 8]  # names cut before a column goes
    assert fit_columns(columns, rows, 30) == [17, 11, 0]  # the stage went first
    assert fit_columns(columns, rows, 20) == [20, 0, 0]  # then the size
    assert fit_columns(columns, rows, 3) == [3, 0, 0]  # never wider than the list
    for width in range(1, 80):
        line = fitted_line(rows[0], fit_columns(columns, rows, width))
        assert len(line) <= width, (width, line)
