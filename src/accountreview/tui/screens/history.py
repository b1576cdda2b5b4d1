"""Account history: past reviews (frozen snapshots) and each stakeholder's touches.

Only what the screen shows is built: both lists start with about a screenful of rows
(`page_rows`), and the next page is added when the highlight, or a scroll of the list
(the mouse wheel), comes near the last row shown (the touches read a page at a time,
`services.history.touch_page`), so an account with years of reviews and touches opens
as fast as a new one, and scrolling down still reaches every row. The lists are
OptionLists of padded rows (`padded_line`: nothing is cut, a long five or note wraps,
so nothing needs a sideways scroll), not DataTables (which measure every cell of every
row), and the screen is built once and reused
(`open_history`).
"""

from collections.abc import Callable, Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
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
from accountreview.tui.context import FollowsPulls, reused_screen
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


class HistoryScreen(FollowsPulls):
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
        for name in ("past", "touches"):  # a mouse wheel scrolls without moving the highlight
            options = self.query_one(f"#{name}", OptionList)
            self.watch(options, "scroll_y", self._when_scrolled(options), init=False)

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
        self.pull_unseen = False  # a sync's rows are read here too
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

    def rows_pulled(self) -> None:
        """A sync pulled rows: read the history again, each list's highlight kept on
        its row number (the pages down to it read again)."""
        lists = [self.query_one(f"#{name}", OptionList) for name in ("past", "touches")]
        kept = [options.highlighted for options in lists]
        self._load()
        for options, row in zip(lists, kept, strict=True):
            while row is not None and row >= options.option_count and self._more_rows(options):
                self._add_page(options)
            if row is not None and options.option_count:
                options.highlighted = min(row, options.option_count - 1)

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
        if event.option_index >= options.option_count - MORE_WITHIN and self._more_rows(options):
            self._add_page(options)

    def _when_scrolled(self, options: OptionList) -> Callable[[float], None]:
        """What to do when `options` scrolls: near its end, add the next page."""

        def scrolled(_y: float) -> None:
            near_end = options.max_scroll_y - options.scroll_y <= MORE_WITHIN
            if near_end and self._more_rows(options):
                self._add_page(options)

        return scrolled

    def _more_rows(self, options: OptionList) -> bool:
        """Whether the list has rows past those it shows."""
        if options.id == "past":
            return options.option_count < len(self._past)
        return self._more and self._last is not None

    def _add_page(self, options: OptionList) -> None:
        """Add the next page of rows to the list (the touches read from the file)."""
        if options.id == "past":
            options.add_options(self._past_options(options.option_count, TOUCH_PAGE))
        elif self._last is not None:
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
