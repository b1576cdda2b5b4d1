"""`?`: every key of the screen underneath, with what it does."""

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable

from accountreview.tui.literal import cell
from accountreview.tui.widgets.key_bar import key_label
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyTable


class HelpScreen(ModalScreen[None]):
    """Lists the keys of `screen` and the app-wide keys."""

    PALETTE_SECTION = "Help"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", id="help.close2", key_display="?"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        section = getattr(self.target, "PALETTE_SECTION", "App")
        table: DataTable[Text] = KeyTable(id="keys", cursor_type="row", show_cursor=False)
        keymap = getattr(self.app, "keymap", {})
        focused = self.target.focused
        in_focus = [b for b in getattr(focused, "BINDINGS", []) if isinstance(b, Binding) and b.id]
        rows = [
            (key_label(binding, keymap), binding.tooltip or binding.description)
            for binding in [*in_focus, *self.target.BINDINGS, *self.app.BINDINGS]
            if isinstance(binding, Binding) and binding.description
        ]
        # What a key does wraps onto a second line rather than being cut (or scrolled
        # sideways): the dialog is 76 cells at most, its frame and padding take 4, the
        # cells' padding 4 and a scrollbar 2.
        keys = max(cell_len(k) for k, _ in [("Key", ""), *rows])
        table.add_column("Key", width=keys)
        table.add_column("Action", width=max(20, min(76, self.app.size.width) - 10 - keys))
        for key, words in rows:
            table.add_row(cell(key), cell(words), height=None)
        with Vertical(classes="dialog"):
            yield Line(f"{section} — keys", classes="dialog-title")
            yield table
            yield Line("escape or ? closes", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
