"""The queue (home): this week's accounts for the rep, those needing attention first."""

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from accountreview.domain.dates import IsoWeek
from accountreview.domain.entities import Rep
from accountreview.services.badges import badges, loud_badge
from accountreview.services.queue import Queue, queue_for
from accountreview.services.workspace import Workspace
from accountreview.text import money
from accountreview.tui.context import FollowsPulls, OpenReview, WeekStepAsked
from accountreview.tui.literal import cell
from accountreview.tui.widgets.columns import Column, fit_columns
from accountreview.tui.widgets.filter_input import FilterInput, matches
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyTable

# Names and flags grow with the screen; the stage, then the size, go first on a narrow one.
QUEUE_COLUMNS = (
    Column("Status", least=7),
    Column("Account", least=10, keep=20),
    Column("Cur/Pot", rank=2),
    Column("Stage", rank=3),
    Column("Attention", least=9, keep=16),
)
QUEUE_KEYS = ("status", "account", "size", "stage", "badges")


class QueueScreen(FollowsPulls):
    """Top accounts plus due follow-ups, one row each."""

    PALETTE_SECTION = "Queue"
    BINDINGS = [
        Binding("enter", "open", "Open review", id="queue.open"),
        Binding("left_square_bracket", "week(-1)", "Prev week", id="queue.prev", key_display="["),
        Binding("right_square_bracket", "week(1)", "Next week", id="queue.next", key_display="]"),
        Binding("w", "switch_rep", "Switch rep", id="queue.rep"),
        Binding(
            "a",
            "audit",
            "Audit",
            id="queue.audit",
            tooltip="Who completed their reviews this week (a manager sees their reps)",
        ),
        Binding("slash", "filter", "Filter", id="queue.filter", key_display="/"),
        Binding("q", "app.quit", "Quit", id="queue.quit", tooltip="Quit (all is saved)"),
        Binding("f5", "refresh", "Refresh", id="queue.refresh", show=False),
    ]

    class AuditAsked(Message):
        """`a` was pressed: show the audit of the week."""

    def __init__(
        self, ws: Workspace, rep: Rep, week: IsoWeek, open_review: OpenReview, *, signed_in: bool
    ) -> None:
        """The queue of `rep` for `week` (then the app's week, watched), its accounts
        opened with `open_review`; `signed_in`: a browser session, which reads others'
        queues but never acts as them."""
        super().__init__()
        self.ws = ws
        self.open_review = open_review
        self.rep = rep
        self.week = week
        self.signed_in = signed_in
        self.queue: Queue | None = None
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield Line(id="queue-title", classes="title-line")
        yield KeyTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield FilterInput()
        yield Line(id="queue-detail", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.watch(self.app, "week", self._week_moved, init=False)
        self.load()

    def _week_moved(self, week: IsoWeek) -> None:
        """Follow the app's week; read it now only if on top (else when shown again:
        `is_current` is also true of a screen seen under another)."""
        self.week = week
        if self.app.screen is self:
            self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self, keep: str | None = None) -> None:
        """(Re)read the queue from the services and redraw it, keeping the cursor."""
        current = keep or self.current_account_id()
        self.pull_unseen = False  # what a sync pulled is read here too
        self.queue = queue_for(self.ws, self.rep.id, self.week)
        self.draw(current)

    def draw(self, current: str | None) -> None:
        """Show the queue's rows that match the filter (`/`), the cursor on `current`."""
        assert self.queue is not None
        table = self.query_one(DataTable)
        risk = f"bold {self.app.theme_variables.get('error', 'red')}"  # $error: the loudest risk
        rows: list[tuple[str, list[str], int]] = []  # account id, cells, cells in red
        for item in self.queue.items:
            a = item.facts.account
            cells = [
                item.status.value,
                a.name,
                f"{money(a.current)}/{money(a.potential)}",
                item.facts.stage.value,
                ", ".join(badges(item.facts)),
            ]
            if matches(self.filter_text, cells):
                rows.append((a.id, cells, len(loud_badge(item.facts) or "")))
        widths = self._widths([cells for _, cells, _ in rows])
        table.clear(columns=True)
        for column, key, width in zip(QUEUE_COLUMNS, QUEUE_KEYS, widths, strict=True):
            if width:
                table.add_column(column.header, key=key, width=width)
        for account_id, cells, loud in rows:
            texts = [text for text, width in zip(cells, widths, strict=True) if width]
            table.add_row(
                *map(cell, texts[:-1]), cell(texts[-1], risk if loud else "", loud), key=account_id
            )
        reading = "" if self.ws.actor_id == self.rep.id else " (read only)"
        title = self.query_one("#queue-title", Line)
        title.update(
            f"{self.rep.name}{reading} · week {self.queue.week} · {self.queue.headline}"
            if self.queue.items
            else f"{self.rep.name}{reading} · week {self.queue.week} · no top accounts this week"
        )
        if current is not None:
            self.move_to(current)

    def _widths(self, rows: list[list[str]]) -> list[int]:
        """The columns' widths at the table's width, the screen's (0: dropped), a cell's
        padding of 1 on each side, a scrollbar's width kept free when the rows are taller."""
        table = self.query_one(DataTable)
        width = self.size.width or self.app.size.width
        if len(rows) + 1 > (table.size.height or self.app.size.height):
            width -= table.styles.scrollbar_size_vertical
        return fit_columns(QUEUE_COLUMNS, rows, width - 2, gap=2)

    def on_resize(self, event: events.Resize) -> None:
        """Lay the columns out again for the new width."""
        if self.queue is not None:
            self.draw(self.current_account_id())

    def current_account_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def move_to(self, account_id: str) -> None:
        table = self.query_one(DataTable)
        try:
            index = table.get_row_index(account_id)
        except Exception:  # the account left the queue
            return
        table.move_cursor(row=index)

    def next_after(self, account_id: str) -> str | None:
        """The next account of the queue after `account_id` that is not closed yet."""
        self.load(keep=account_id)
        assert self.queue is not None
        ids = [i.facts.account.id for i in self.queue.items]
        open_ids = [i.facts.account.id for i in self.queue.items if i.status.value != "closed"]
        if not open_ids:
            return None
        if account_id in ids:
            start = ids.index(account_id)
            for candidate in ids[start + 1 :] + ids[:start]:
                if candidate in open_ids:
                    return candidate
        return open_ids[0]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Spell out the highlighted account's flags below the table (the column is narrow)."""
        detail = self.query_one("#queue-detail", Line)
        item = next(
            (
                i
                for i in (self.queue.items if self.queue else [])
                if i.facts.account.id == event.row_key.value
            ),
            None,
        )
        if item is None:
            detail.update("")
            return
        flags = "; ".join(item.facts.flags) or "no flags"
        detail.update(f"{item.facts.account.name} ({item.reason}): {flags}")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        account_id = self.current_account_id()
        if account_id is not None:
            self.open_review(account_id, self.week, source=self)

    def action_week(self, step: int) -> None:
        self.post_message(WeekStepAsked(step))

    def action_filter(self) -> None:
        self.query_one(FilterInput).open()

    def on_input_changed(self, event: FilterInput.Changed) -> None:
        if isinstance(event.input, FilterInput) and self.queue is not None:
            self.filter_text = event.value
            self.draw(self.current_account_id())

    def on_filter_input_left(self, event: FilterInput.Left) -> None:
        self.query_one(DataTable).focus()

    def action_refresh(self) -> None:
        self.load()

    def rows_pulled(self) -> None:
        """A sync pulled rows: read the queue again (the cursor and the filter stay)."""
        self.load()

    def action_audit(self) -> None:
        self.post_message(self.AuditAsked())

    def action_switch_rep(self) -> None:
        from accountreview.services.reps import list_reps, readable_reps
        from accountreview.tui.screens.who import WhoScreen

        def chosen(rep_id: str | None) -> None:
            if rep_id is None:
                return
            from accountreview.services.lookup import resolve_rep
            from accountreview.services.reps import switch_to

            rep = resolve_rep(self.ws, rep_id)
            if not self.signed_in:  # signed in, the app reads others' queues, never acts as them
                switch_to(self.ws, rep)  # a manager reads a report's queue as themselves
            self.rep = rep
            self.load()

        reps = readable_reps(self.ws) if self.signed_in else list_reps(self.ws)
        self.app.push_screen(WhoScreen(reps, cancellable=True), chosen)
