"""`/`: a one-line field under a list that filters its rows as you type."""

from collections.abc import Sequence

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


def matches(query: str, cells: Sequence[str]) -> bool:
    """Whether a row shows every word of `query` somewhere in its cells (any case)."""
    shown = " ".join(cells).casefold()
    return all(word in shown for word in query.casefold().split())


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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter: type a name, a status, a flag", id=id, compact=True)

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
