"""`?`: every key that works on the screen underneath now, with what it does."""

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable

from accountreview.tui.literal import cell
from accountreview.tui.widgets.key_bar import key_label, usable_keys
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyTable

WIDTH = 100  # the help's width at most (`.dialog.help` in app.tcss): a line a key


class HelpScreen(ModalScreen[None]):
    """Lists the keys that work on `screen` in its state now, its own and the app's."""

    PALETTE_SECTION = "Help"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", id="help.close2", key_display="?"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.target = screen
        self.rows: list[tuple[str, str]] = []  # (key, what it does)

    def compose(self) -> ComposeResult:
        section = getattr(self.target, "PALETTE_SECTION", "App")
        keymap = getattr(self.app, "keymap", {})
        self.rows = [  # the keys that work there now, as the key bar and palette have them
            (key_label(binding, keymap), binding.tooltip or binding.description)
            for binding, _ in usable_keys(self.target)
            if binding.description
        ]
        table: DataTable[Text] = KeyTable(id="keys", cursor_type="row", show_cursor=False)
        self._fill(table, self.app.size)
        with Vertical(classes="dialog help"):
            yield Line(f"{section} — keys", classes="dialog-title")
            yield table
            yield Line("escape or ? closes", classes="hint")

    def _fill(self, table: DataTable[Text], size: Size) -> None:
        """The keys in two columns for a screen of `size`, the table as high as the
        screen leaves (its frame, title and hint take 4 lines). What a key does
        wraps onto a second line rather than being cut (or scrolled sideways): the
        dialog is `WIDTH` cells at most, its frame and padding take 4, the cells'
        padding 4 and a scrollbar 2."""
        table.styles.max_height = max(3, size.height - 4)
        keys = max(cell_len(k) for k, _ in [("Key", ""), *self.rows])
        action = max(20, min(WIDTH, size.width) - 10 - keys)
        if table.columns and table.ordered_columns[-1].width == action:
            return
        table.clear(columns=True)
        table.add_column("Key", width=keys)
        table.add_column("Action", width=action)
        for key, words in self.rows:
            table.add_row(cell(key), cell(words), height=None)

    def on_resize(self, event: events.Resize) -> None:
        """Lay the two columns out again for the new width."""
        self._fill(self.query_one("#keys", DataTable), event.size)

    def action_close(self) -> None:
        self.dismiss(None)
