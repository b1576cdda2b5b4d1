"""The review's slots: one plain line per position, the cursor on one of them.

A list of plain lines is far cheaper to draw than a table of 35 cells, and the
review redraws it on every edit. How many positions there are is given (the
workspace's `Settings.slots_per_review`), never assumed.
"""

from collections.abc import Sequence

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from accountreview.tui.literal import literal


class SlotList(OptionList):
    """`count` slot lines; `enter` on one posts `SlotList.Picked` with its position."""

    class Picked(Message):
        """A slot was chosen (`enter`, or a click): who fills `position` is to be picked."""

        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(*[Option(literal(""), id=str(n)) for n in range(1, count + 1)], id=id)
        self.count = count

    @property
    def position(self) -> int:
        """The highlighted slot's position, from 1."""
        return (self.highlighted or 0) + 1

    def show(self, lines: Sequence[str]) -> None:
        """Draw one line per slot (drawn literally), the cursor kept on its position."""
        row = self.highlighted or 0
        self.set_options(
            [Option(literal(line), id=str(n)) for n, line in enumerate(lines, start=1)]
        )
        self.highlighted = max(0, min(row, len(lines) - 1))

    def move_to(self, position: int) -> None:
        """Put the cursor on slot `position` (from 1)."""
        self.highlighted = position - 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(self.position))
