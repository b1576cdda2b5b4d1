"""One rep in the audit: their top accounts for the week, each a key away from its
review (read-only once closed) and its history."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList

from accountreview.domain.audit import AccountAudit, AuditStatus
from accountreview.domain.dates import IsoWeek
from accountreview.domain.entities import Rep
from accountreview.services.audit import RepAudit, audit_week
from accountreview.services.errors import UserError
from accountreview.services.workspace import Workspace
from accountreview.text import closed_late, pct, plural, sparkline
from accountreview.tui.context import FollowsPulls, OpenReview, WeekStepAsked
from accountreview.tui.widgets.columns import Cell, Column, Worded
from accountreview.tui.widgets.filter_input import FilterInput
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.row_list import RowList

# Names and flags grow with the screen; the counts go first on a narrow one. What is
# missing and what needs attention are said in words while there is room (`Worded`).
COLUMNS = (
    Column("Account", least=8, keep=20),
    Column("Status"),
    Column("Stale", rank=2),
    Column("Overdue", rank=3, short="Ovrd"),
    Column("Missing", rank=2),
    Column("Attention", least=9, keep=14),
)
CLOSED_NOW = (AuditStatus.CLOSED, AuditStatus.CLOSED_LATE)  # read-only: "next" skips them
_SHORT_ESCALATIONS = {"not reviewed 2 weeks running": "2 wks", "stale champion": "stale champ"}


def missing_cell(a: AccountAudit) -> Worded:
    """What the account's map lacks: in words, and short (exec CIO proc champ)."""
    return Worded(", ".join(a.coverage.missing()), missing_short(a))


def attention_cell(a: AccountAudit) -> Worded:
    """Escalations, a champion gone, no meeting in person: in words, and short."""
    words = list(a.escalations)
    if a.champions_left:
        words.append("champion left")
    if a.no_in_person:
        words.append("no meeting in person")
    return Worded(", ".join(words), attention_short(a))


def missing_short(a: AccountAudit) -> str:
    """What the account's map lacks, in short words: exec CIO proc champ."""
    c = a.coverage
    gaps = (
        (c.executive, "exec"),
        (c.cio_office, "CIO"),
        (c.procurement, "proc"),
        (c.champion, "champ"),
    )
    return " ".join(word for reached, word in gaps if not reached)


def attention_short(a: AccountAudit) -> str:
    """Escalations, then a champion gone and no meeting in person, in a few characters."""
    notes = [_SHORT_ESCALATIONS.get(reason, reason) for reason in a.escalations]
    if a.champions_left:
        notes.append("champ left")
    if a.no_in_person:
        notes.append("no mtg")
    return ", ".join(notes)


class RepAuditScreen(FollowsPulls):
    """A rep's top accounts in the audit of the week, escalated ones first."""

    PALETTE_SECTION = "Rep audit"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="rep_audit.back", tooltip="Back to the team"),
        Binding(
            "enter",
            "open",
            "Open review",
            id="rep_audit.open",
            tooltip="The account's review of the week (read-only once closed)",
        ),
        Binding(
            "h",
            "history",
            "History",
            id="rep_audit.history",
            tooltip="Past reviews and every touch with this account",
        ),
        Binding(
            "left_square_bracket", "week(-1)", "Prev week", id="rep_audit.prev", key_display="["
        ),
        Binding(
            "right_square_bracket", "week(1)", "Next week", id="rep_audit.next", key_display="]"
        ),
        Binding("slash", "filter", "Filter", id="rep_audit.filter", key_display="/"),
        Binding("f5", "refresh", "Refresh", id="rep_audit.refresh", show=False),
    ]

    def __init__(self, ws: Workspace, rep: Rep, week: IsoWeek, open_review: OpenReview) -> None:
        """`rep`'s accounts in the audit of `week` (then the app's week, watched), each
        opened with `open_review`."""
        super().__init__()
        self.ws = ws
        self.open_review = open_review
        self.rep = rep
        self.week = week
        self.audit: RepAudit | None = None
        self._left = False

    def compose(self) -> ComposeResult:
        yield Line(id="rep-audit-title", classes="title-line")
        yield Line(id="rep-audit-summary", classes="audit-team")
        header = Line(classes="row-header")
        yield header
        rows = RowList(COLUMNS, header=header, id="rep-accounts")
        yield rows
        yield FilterInput(rows)
        yield Line(id="rep-audit-detail", classes="hint")
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

    def show(self, rep: Rep) -> None:
        """Point the (reused) screen at another rep; it reads them when shown."""
        self.rep = rep

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Back from a drill-down: a review may have been closed, or the week changed.
        # (A screen also resumes when first shown: on_mount has just loaded it then.)
        if self._left:
            self._left = False
            self.load()

    def load(self, keep: str | None = None) -> None:
        """Read this rep's audit for the app's week and redraw, keeping the cursor."""
        self.pull_unseen = False  # what a sync pulled is read here too
        accounts = self.query_one(RowList)
        keep = keep or accounts.highlighted_id
        try:
            week_audit = audit_week(self.ws, self.week, rep=self.rep.id)
        except UserError as error:
            self.notify(str(error), severity="error", timeout=6)
            return
        self.audit = audit = week_audit.reps[0]
        t = audit.tally
        self.query_one("#rep-audit-title", Line).update(
            f"{self.rep.name} · audit {week_audit.week} · {t.closed} of {t.top_accounts}"
            f" closed ({pct(t.completion_pct)}){closed_late(t.closed_late)} · trend"
            f" {sparkline([p.completion_pct for p in audit.trend])}"
        )
        self.query_one("#rep-audit-summary", Line).update(
            f"{t.stale_contacts} stale, {t.overdue_contacts} overdue contacts ·"
            f" {t.missing_coverage} uncovered · {t.no_in_person} no meeting ·"
            f" {plural(t.champions_left, 'champion')} left"
        )
        accounts.show_rows([(a.account_id, _account_cells(a)) for a in audit.accounts], keep=keep)
        self._draw_detail()

    def current_account_id(self) -> str | None:
        return self.query_one(RowList).highlighted_id

    def current_account(self) -> AccountAudit | None:
        account_id = self.current_account_id()
        accounts = self.audit.accounts if self.audit else []
        return next((a for a in accounts if a.account_id == account_id), None)

    def move_to(self, account_id: str) -> None:
        self.query_one(RowList).highlight(account_id)

    def next_after(self, account_id: str) -> str | None:
        """The next of the rep's accounts after `account_id` whose review is not closed
        (the review screen's "next account" follows this list when opened from here)."""
        self.load(keep=account_id)
        accounts = self.audit.accounts if self.audit else []
        ids = [a.account_id for a in accounts]
        open_ids = {a.account_id for a in accounts if a.status not in CLOSED_NOW}
        start = ids.index(account_id) if account_id in ids else -1
        for candidate in ids[start + 1 :] + ids[: start + 1]:
            if candidate in open_ids:
                return candidate
        return None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._draw_detail()

    def _draw_detail(self) -> None:
        """Spell out the highlighted account (the columns are short)."""
        a = self.current_account()
        detail = self.query_one("#rep-audit-detail", Line)
        if a is None:
            detail.update("No top accounts." if self.audit and not self.audit.accounts else "")
            return
        parts = [f"{a.name}: {a.status.value}"]
        parts += list(a.escalations)
        missing = a.coverage.missing()
        parts.append("missing " + ", ".join(missing) if missing else "full coverage")
        parts += [f"champion {name} left" for name in a.champions_left]
        if a.no_in_person:
            parts.append("no in-person meeting in 180 days")
        detail.update(" · ".join(parts))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        account_id = self.current_account_id()
        if account_id is not None:
            self.open_review(account_id, self.week, source=self)

    def action_history(self) -> None:
        from accountreview.tui.screens.history import open_history

        account_id = self.current_account_id()
        if account_id is not None:
            open_history(self.app, self.ws, account_id)

    def action_week(self, step: int) -> None:
        self.post_message(WeekStepAsked(step))

    def action_filter(self) -> None:
        self.query_one(FilterInput).open()

    def on_input_changed(self, event: FilterInput.Changed) -> None:
        self._draw_detail()  # the highlighted row may have changed

    def action_refresh(self) -> None:
        self.load()

    def rows_pulled(self) -> None:
        """A sync pulled rows: read the week again (the highlight and the filter stay)."""
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def _account_cells(a: AccountAudit) -> list[Cell]:
    return [
        a.name,
        a.status.value,
        str(a.stale_contacts),
        str(a.overdue_contacts),
        missing_cell(a),
        attention_cell(a),
    ]
