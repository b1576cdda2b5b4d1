"""Account history: past reviews (frozen snapshots) and each stakeholder's touches.

Only what the screen shows is built: both lists start with about a screenful of rows
(`page_rows`), and the next page is added when the highlight comes near the last row
shown (the touches read a page at a time, `services.history.touch_page`), so an account
with years of reviews and touches opens as fast as a new one, and scrolling down still
reaches every row. The lists are OptionLists of padded rows (`padded_line`: nothing is
cut, a long five or note wraps, so nothing needs a sideways scroll), not DataTables
(which measure every cell of every row), and the screen is built once and reused
(`open_history`).
"""

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from accountreview.services.history import (
    TOUCH_PAGE,
    PastReview,
    TouchLine,
    account_history,
    touch_page,
)
from accountreview.services.workspace import Workspace
from accountreview.tui.context import reused_screen
from accountreview.tui.literal import literal
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyList

PAST_COLUMNS = ("Week", "What, when, who", "The five frozen, or why")
PAST_WIDTHS = (8, 44, 0)
TOUCH_COLUMNS = ("Date", "Stakeholder", "Channel", "Note")
TOUCH_WIDTHS = (10, 24, 10, 0)
MORE_WITHIN = 10  # rows from the last one shown at which the next page is read


def padded_line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """Cells padded to their widths, two spaces apart, and never cut: the history shows
    every name, five and note whole (a longer cell pushes the rest right, and a line too
    long for the screen wraps)."""
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def past_rows(reviews: list[PastReview]) -> list[tuple[str, str, str]]:
    """(week, what-when-who, detail) for every close and reopen, a row for a review
    with none."""
    rows = []
    for review in reviews:
        if not review.events:
            rows.append((review.week, review.status, "—"))
        for event in review.events:  # every close and reopen, in order
            what = f"{event.label} #{event.close_number} {event.at or '?'} {event.by or '—'}"
            detail = ", ".join(e.name or "" for e in event.five) or event.reason or "—"
            if not event.kept:  # a double close: the other laptop's reached the hub first
                detail += " (not the review's five: another laptop's close came first)"
            rows.append((review.week, what, detail))
    return rows


def touch_row(touch: TouchLine) -> tuple[str, str, str, str]:
    """The cells of one touch of the timeline."""
    return (touch.on.isoformat(), touch.name, touch.channel, touch.note or "")


class HistoryScreen(Screen[None]):
    """Two lists: past reviews with their five, then the touch timeline."""

    PALETTE_SECTION = "History"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="history.back"),
        Binding("tab", "app.focus_next", "Switch table", id="history.switch"),
    ]

    def __init__(self, ws: Workspace, account_id: str) -> None:
        super().__init__()
        self.ws = ws
        self.account_id = account_id
        self._past: list[tuple[str, str, str]] = []  # every row of the past reviews
        self._last: TouchLine | None = None  # the last touch shown
        self._more = True  # whether the timeline may go on past it (`_touch_options`)

    def compose(self) -> ComposeResult:
        yield Line(id="history-title", classes="title-line")
        yield Line(padded_line(PAST_COLUMNS, PAST_WIDTHS), classes="row-header")
        yield KeyList(id="past", classes="history-list", compact=True)
        yield Line("Touches, newest first", classes="title-line")
        yield Line(padded_line(TOUCH_COLUMNS, TOUCH_WIDTHS), classes="row-header")
        yield KeyList(id="touches", classes="history-list", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self._load()

    def show(self, account_id: str) -> None:
        """Point the screen at an account (the screen is reused, not rebuilt)."""
        self.account_id = account_id
        if self.is_mounted:
            self._load()

    @property
    def page_rows(self) -> int:
        """Rows drawn at first in each list: what half the screen shows, and the margin
        at which the next page is added, at most `TOUCH_PAGE`."""
        return min(TOUCH_PAGE, self.app.size.height // 2 + MORE_WITHIN)

    def _load(self) -> None:
        """Read the account's history afresh: its reviews, the first page of touches."""
        rows = self.page_rows
        history = account_history(self.ws, self.account_id, touch_limit=rows)
        self.query_one("#history-title", Line).update(f"{history.account_name} · history")
        self._past = past_rows(history.reviews)
        past = self.query_one("#past", OptionList)
        past.set_options(self._past_options(0, rows))
        touches = self.query_one("#touches", OptionList)
        touches.set_options(self._touch_options(history.touches, rows))
        for options in (past, touches):
            options.highlighted = 0 if options.option_count else None

    def _past_options(self, start: int, count: int) -> list[Option]:
        return [Option(literal(padded_line(r, PAST_WIDTHS))) for r in self._past[start:][:count]]

    def _touch_options(self, page: list[TouchLine], asked: int) -> list[Option]:
        """The rows of a page of touches (`asked` were asked for); notes where the
        timeline stands after it."""
        self._last = page[-1] if page else self._last
        self._more = len(page) >= asked
        return [Option(literal(padded_line(touch_row(t), TOUCH_WIDTHS))) for t in page]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Near the end of the rows shown, add the next page of them."""
        options = event.option_list
        shown = options.option_count
        if event.option_index < shown - MORE_WITHIN:
            return
        if options.id == "past" and shown < len(self._past):
            options.add_options(self._past_options(shown, TOUCH_PAGE))
        elif options.id == "touches" and self._more and self._last is not None:
            page = touch_page(self.ws, self.account_id, self._last.key)
            options.add_options(self._touch_options(page, TOUCH_PAGE))

    def action_back(self) -> None:
        self.app.pop_screen()


def open_history(app: App[object], ws: Workspace, account_id: str) -> None:
    """Show an account's history. One history screen is made once and reused (as the
    review's): pushing a built screen skips composing, styling and laying it out."""
    screen = reused_screen(app, "history", HistoryScreen, lambda: HistoryScreen(ws, account_id))
    screen.show(account_id)
    app.push_screen(screen)
