"""`j` / `k` in every list: the tables and lists of rows the app shows.

The keys are bindings of the list widgets themselves (not of the app), so they
work in dialogs too (a modal screen hides the app's bindings) and never reach a
text field, where `j` is a letter. One id per key for every list: a keymap that
remaps `list.down` remaps it everywhere.
"""

from textual.binding import Binding, BindingType
from textual.widgets import DataTable, OptionList
from textual.widgets.data_table import CellType

LIST_BINDINGS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", id="list.down", tooltip="Down the list (as ↓)"),
    Binding("k", "cursor_up", "Up", id="list.up", tooltip="Up the list (as ↑)"),
]


class KeyList(OptionList):
    """An OptionList that also moves with `j` / `k`."""

    BINDINGS = LIST_BINDINGS


class KeyTable(DataTable[CellType]):
    """A DataTable that also moves with `j` / `k`."""

    BINDINGS = LIST_BINDINGS
