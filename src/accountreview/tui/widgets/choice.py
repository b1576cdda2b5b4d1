"""A one-line drop-down whose list opens inside its dialog, never over the key bar.

Textual's Select opens a list of up to 12 lines below itself, on top of the whole
screen: in a dialog at 80x24 it spills past the dialog's frame and over the key
bar. A Choice is a compact Select whose list is as tall as the room left in the
dialog below it (it scrolls when the options are more).
"""

from textual.widget import Widget
from textual.widgets import Select

FEWEST_SHOWN = 3  # a list shorter than this scrolls too much to be of use


class Choice(Select[str]):
    """A Select (give it `compact=True`) whose open list stays inside the nearest
    `.dialog`."""

    def watch_expanded(self, expanded: bool) -> None:
        """Fit the open list in the dialog's room below this field."""
        if not expanded:
            return
        dialog = next(
            (a for a in self.ancestors if isinstance(a, Widget) and a.has_class("dialog")), None
        )
        bottom = dialog.content_region.bottom if dialog is not None else self.screen.size.height
        room = bottom - self.region.bottom
        self.query_one("SelectOverlay").styles.max_height = max(FEWEST_SHOWN + 2, room)
