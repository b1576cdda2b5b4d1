"""A column said two ways (`Worded` cells, `Column.short` headings) is in full words
while every column fits whole, and short only when it must: the column that saves the
most goes short first. The rep audit's Missing and Attention read so on screen."""

from pathlib import Path

import pytest
from screens_at_sizes import SCREENS, app_on, reach
from textual.widgets import OptionList

from accountreview.tui.widgets.columns import Cell, Column, Worded, fit_worded

COLUMNS = (Column("Name"), Column("Overdue", short="Ovrd"), Column("Missing"))
ROWS: list[list[Cell]] = [["Coral", "2", Worded("CIO office / IT, procurement", "CIO proc")]]


def test_full_words_when_every_column_fits_whole() -> None:
    heads, cells, widths = fit_worded(COLUMNS, ROWS, 60)
    assert [h.header for h in heads] == ["Name", "Overdue", "Missing"]
    assert cells == [["Coral", "2", "CIO office / IT, procurement"]]
    assert widths == [5, 7, 28]


def test_the_column_that_saves_most_goes_short_first_and_only_as_needed() -> None:
    heads, cells, widths = fit_worded(COLUMNS, ROWS, 30)  # 5+7+28+4 = 44: 14 too many
    assert [h.header for h in heads] == ["Name", "Overdue", "Missing"]  # heading kept
    assert cells == [["Coral", "2", "CIO proc"]]  # the words saved 20
    assert widths == [5, 7, 8]
    heads, cells, widths = fit_worded(COLUMNS, ROWS, 22)  # 5+7+8+4 = 24: the heading too
    assert [h.header for h in heads] == ["Name", "Ovrd", "Missing"]
    assert cells == [["Coral", "2", "CIO proc"]]


@pytest.mark.parametrize(
    ("size", "words"),
    [
        ((160, 48), ("CIO office / IT, procurement", "not reviewed 2 weeks running")),
        ((80, 24), ("CIO proc", "2 wks, champ left, no mtg")),
    ],
)
async def test_the_rep_audit_says_missing_and_attention_in_words_when_there_is_room(
    tmp_path: Path, size: tuple[int, int], words: tuple[str, str]
) -> None:
    kind, keys = SCREENS["audit_rep"]
    app = app_on(tmp_path / "audit.db", kind)
    async with app.run_test(size=size) as pilot:
        await reach(pilot, keys)
        accounts = app.screen.query_one("#rep-accounts", OptionList)
        first = str(accounts.get_option_at_index(0).prompt)
        assert all(w in first for w in words), first
        assert len(first) <= size[0]
