"""`/`: a one-line field under a list that filters its rows as you type."""

from collections.abc import Sequence
from typing import Protocol

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


def matches(query: str, cells: Sequence[str]) -> bool:
    """Whether a row shows every word of `query` somewhere in its cells (any case)."""
    shown = " ".join(cells).casefold()
    return all(word in shown for word in query.casefold().split())


class Filterable(Protocol):
    """A list that shows only the rows matching a text (RowList)."""

    def filter_rows(self, text: str) -> None:
        """Show the rows with every word of `text` (all of them when empty)."""

    def focus(self, scroll_visible: bool = True) -> object:
        """Take the keys."""


class FilterInput(Input):
    """Hidden until `open`; each keystroke posts Input.Changed; escape clears and hides it,
    enter keeps the filter and goes back to the list (FilterInput.Left either way)."""

    DEFAULT_CSS = """
    FilterInput {
        display: none;
        height: 1;
    }
    """
    BINDINGS = [Binding("escape", "clear", "Clear filter", id="filter.clear")]

    class Left(Message):
        """The user left the field (enter or escape): the list takes the keys again."""

    def __init__(self, rows: Filterable | None = None, *, id: str | None = None) -> None:
        """`rows`: the list to filter as the text changes (else the screen handles
        Input.Changed and FilterInput.Left itself)."""
        super().__init__(placeholder="filter: type a name, a status, a flag", id=id, compact=True)
        self.rows = rows

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.rows is not None:
            self.rows.filter_rows(event.value)

    def on_filter_input_left(self, event: "FilterInput.Left") -> None:
        if self.rows is not None:
            event.stop()
            self.rows.focus()

    def open(self) -> None:
        """Show the field and type into it."""
        self.display = True
        self.focus()

    def action_clear(self) -> None:
        """Escape: no filter any more."""
        self.value = ""
        self.display = False
        self.post_message(self.Left())

    async def action_submit(self) -> None:
        """Enter: keep the filter (shown while it is on), back to the list."""
        self.display = bool(self.value)
        self.post_message(self.Left())
