"""Account history: past reviews (frozen snapshots) and each stakeholder's touches.

The touches are read a page at a time (`services.history.touch_page`): the next page
is added when the cursor comes near the last row shown, so an account with years of
touches opens as fast as a new one, and scrolling down still reaches every touch.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

from accountreview.services.history import TOUCH_PAGE, TouchLine, account_history, touch_page
from accountreview.services.workspace import Workspace
from accountreview.tui.literal import cell
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyTable


class HistoryScreen(Screen[None]):
    """Two tables: past reviews with their five, then the touch timeline."""

    PALETTE_SECTION = "History"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="history.back"),
        Binding("tab", "app.focus_next", "Switch table", id="history.switch"),
    ]

    def __init__(self, ws: Workspace, account_id: str) -> None:
        super().__init__()
        self.ws = ws
        self.account_id = account_id
        self._last: TouchLine | None = None  # the last touch shown
        self._more = True  # whether the timeline may go on past it

    def compose(self) -> ComposeResult:
        yield Line(id="history-title", classes="title-line")
        reviews: DataTable[Text] = KeyTable(id="past", cursor_type="row")
        reviews.add_columns("Week", "What, when, who", "The five frozen, or why")
        yield reviews
        yield Line("Touches, newest first", classes="title-line")
        touches: DataTable[Text] = KeyTable(id="touches", cursor_type="row")
        touches.add_columns("Date", "Stakeholder", "Channel", "Note")
        yield touches
        yield KeyBar()

    def on_mount(self) -> None:
        history = account_history(self.ws, self.account_id)
        self.query_one("#history-title", Line).update(f"{history.account_name} · history")
        past = self.query_one("#past", DataTable)
        for review in history.reviews:
            if not review.events:
                past.add_row(cell(review.week), cell(review.status), cell("—"))
            for event in review.events:  # every close and reopen, in order
                what = f"{event.label} #{event.close_number} {event.at or '?'} {event.by or '—'}"
                detail = ", ".join(e.name or "" for e in event.five) or event.reason or "—"
                past.add_row(cell(review.week), cell(what), cell(detail))
        self._add_touches(history.touches)

    def _add_touches(self, page: list[TouchLine]) -> None:
        touches = self.query_one("#touches", DataTable)
        for touch in page:
            touches.add_row(
                cell(touch.on.isoformat()),
                cell(touch.name),
                cell(touch.channel),
                cell(touch.note or ""),
            )
        self._last = page[-1] if page else self._last
        self._more = len(page) >= TOUCH_PAGE

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Near the end of the touches shown, add the next page of them."""
        table = event.data_table
        if table.id != "touches" or not self._more or self._last is None:
            return
        if event.cursor_row >= table.row_count - 10:
            self._add_touches(touch_page(self.ws, self.account_id, self._last.key))

    def action_back(self) -> None:
        self.app.pop_screen()
