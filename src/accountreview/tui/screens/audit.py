"""The manager's audit of a week: the team on top, escalations first, a row per rep.

At the large scale a team's audit takes tens of milliseconds, so it is read in a
worker thread on a connection of its own: a key answers at once (the new week's
title), and the numbers follow. Each week read is kept until the data changes, and
the weeks either side are read ahead, so `[` / `]` and coming back are instant.
"""

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from accountreview.domain.dates import IsoWeek
from accountreview.domain.entities import Rep
from accountreview.domain.errors import InvalidValue
from accountreview.services.audit import RepAudit, WeekAudit, audit_week
from accountreview.services.errors import UserError
from accountreview.services.workspace import Workspace, change_token, reopen_workspace
from accountreview.text import closed_late, pct, plural, sparkline
from accountreview.tui.context import FollowsPulls, WeekStepAsked
from accountreview.tui.literal import styled
from accountreview.tui.widgets.columns import Column
from accountreview.tui.widgets.filter_input import FilterInput
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.row_list import RowList

SHOWN_ESCALATIONS = 3  # lines of escalations above the table; the rest are a drill away
# The least important columns go first on a narrow screen (rank 4, then 3, then 2).
COLUMNS = (
    Column("Rep", least=8, keep=14),
    Column("Closed"),
    Column("Done", rank=2),
    Column("Trend", rank=3),
    Column("Stale", rank=2),
    Column("Ovrd", rank=3),
    Column("Uncov", rank=3),
    Column("Left", rank=4),
    Column("NoMtg", rank=4),
    Column("Esc"),
)

Key = tuple[str | None, IsoWeek]  # whose audit (the acting rep) and which week


def weeks_beside(week: IsoWeek) -> list[IsoWeek]:
    """The weeks before and after `week` that a user may step to (read ahead)."""
    beside = []
    for step in (-1, 1):
        try:
            beside.append(week.step(step))
        except InvalidValue:
            continue
    return beside


def done(value: float | None) -> str:
    """A completion percentage in four cells: 67%, 100%, or a dash."""
    return "—" if value is None else f"{value:.0f}%"


class AuditScreen(FollowsPulls):
    """Who completed their reviews this week: the team total, escalations, one row per rep."""

    PALETTE_SECTION = "Audit"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="audit.back", tooltip="Back to the queue"),
        Binding(
            "enter",
            "drill",
            "Rep's accounts",
            id="audit.drill",
            tooltip="The highlighted rep's top accounts, each one a key away from its review",
        ),
        Binding("left_square_bracket", "week(-1)", "Prev week", id="audit.prev", key_display="["),
        Binding("right_square_bracket", "week(1)", "Next week", id="audit.next", key_display="]"),
        Binding("slash", "filter", "Filter", id="audit.filter", key_display="/"),
        Binding("f5", "refresh", "Refresh", id="audit.refresh", show=False),
    ]

    class RepChosen(Message):
        """A rep's row was chosen (`enter`): show that rep's accounts."""

        def __init__(self, rep: Rep) -> None:
            super().__init__()
            self.rep = rep

    def __init__(self, ws: Workspace, week: IsoWeek) -> None:
        """The audit of `week` (then the app's week, watched) for the rep acting in `ws`."""
        super().__init__()
        self.ws = ws
        self.week = week
        self.audit: WeekAudit | None = None
        self._left = False
        # Audits read, by (viewer, week), with the change token they were read under.
        self._read: dict[Key, tuple[tuple[int, int], WeekAudit]] = {}

    def compose(self) -> ComposeResult:
        yield Line(id="audit-title", classes="title-line")
        yield Line(id="audit-team", classes="audit-team")
        yield Line(id="audit-escalations", classes="audit-escalations")
        header = Line(classes="row-header")
        yield header
        rows = RowList(COLUMNS, header=header, id="audit-reps")
        yield rows
        yield FilterInput(rows)
        yield Line(id="audit-detail", classes="hint")
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

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Back from a drill-down: a review may have been closed, or the week changed.
        # (A screen also resumes when first shown: on_mount has just loaded it then.)
        if self._left:
            self._left = False
            self.load()

    def load(self) -> None:
        """Show the audit of the app's week: at once if it was read since the last
        change, else after a worker has read it (the weeks either side are read too)."""
        self.pull_unseen = False  # what a sync pulled is read here too
        token = change_token(self.ws)
        key: Key = (self.ws.actor_id, self.week)
        fresh = {k for k, (t, _) in self._read.items() if t == token}
        if key in fresh:
            self.show(self._read[key][1])
        else:
            self._draw_reading(self.week)
        ahead = (self.week, *weeks_beside(self.week))
        todo = [w for w in ahead if (self.ws.actor_id, w) not in fresh]
        if todo:
            self.read_weeks(todo, token)

    @work(thread=True, exclusive=True, group="audit")
    def read_weeks(self, weeks: list[IsoWeek], token: tuple[int, int]) -> None:
        """Read the audits of `weeks` in a thread, first one first, on its own connection."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        ws = reopen_workspace(self.ws)
        try:
            for week in weeks:
                if worker.is_cancelled:
                    return
                try:
                    audit = audit_week(ws, week)
                except UserError as error:
                    self._post(self.notify, str(error), severity="error")
                    return
                if not self._post(self._arrived, audit, token):
                    return
        finally:
            ws.close()

    def _post(self, callback: Callable[..., object], *args: object, **kwargs: object) -> bool:
        """Run `callback` on the app's thread; False when the app has closed meanwhile."""
        try:
            self.app.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:  # the app is no longer running
            return False
        return True

    def _arrived(self, audit: WeekAudit, token: tuple[int, int]) -> None:
        """Keep an audit read by the worker; show it if it is the week on screen."""
        key: Key = (audit.viewer.id, audit.week)
        self._read[key] = (token, audit)
        if key == (self.ws.actor_id, self.week) and self.is_current:
            self.show(audit)

    def _draw_reading(self, week: IsoWeek) -> None:
        """While the worker reads: the week's title; another week's numbers go."""
        self.query_one("#audit-title", Line).update(f"Audit · week {week} · reading…")
        if self.audit is not None and self.audit.week == week:
            return  # the same week, changed: its numbers stay until the new ones come
        self.audit = None
        self.query_one("#audit-team", Line).update(f"Reading the audit of {week}…")
        self.query_one("#audit-escalations", Line).update("")
        self.query_one(RowList).show_rows([])
        self._draw_detail()

    def show(self, audit: WeekAudit) -> None:
        """Draw an audit, keeping the highlighted rep."""
        self.audit = audit
        whose = audit.reps[0].rep.name if len(audit.reps) == 1 else f"{audit.viewer.name}'s team"
        self.query_one("#audit-title", Line).update(f"Audit · week {audit.week} · {whose}")
        self._draw_team(audit)
        self._draw_escalations(audit)
        reps = self.query_one(RowList)
        reps.show_rows([(r.rep.id, _rep_cells(r)) for r in audit.reps], keep=reps.highlighted_id)
        self._draw_detail()

    def _draw_team(self, audit: WeekAudit) -> None:
        t = audit.team
        trend = sparkline([p.completion_pct for p in audit.team_trend])
        self.query_one("#audit-team", Line).update(
            styled(
                "[b]Team[/b] $counts",
                counts=f"{t.closed} of {t.top_accounts} closed ({pct(t.completion_pct)})"
                f"{closed_late(t.closed_late)} · {t.open} open · {t.not_started} not started"
                f" · trend {trend}",
            )
        )

    def _draw_escalations(self, audit: WeekAudit) -> None:
        escalations = audit.escalations
        lines = [
            styled("[$error]! $what[/]", what=f"{r.rep.name} · {a.name}: {reason}")
            for r, a, reason in escalations[:SHOWN_ESCALATIONS]
        ]
        if len(escalations) > SHOWN_ESCALATIONS:
            more = len(escalations) - SHOWN_ESCALATIONS
            lines[-1] = styled(
                "[$error]! … and $more more escalations: enter on a rep shows them[/]",
                more=str(more + 1),
            )
        if not lines:
            lines = [styled("[$success]No escalations this week.[/]")]
        self.query_one("#audit-escalations", Line).update(Content("\n").join(lines))

    def current_rep(self) -> RepAudit | None:
        rep_id = self.query_one(RowList).highlighted_id
        return None if self.audit is None or rep_id is None else self.audit.rep(rep_id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._draw_detail()

    def _draw_detail(self) -> None:
        """Spell the highlighted rep's counts out in words (the columns are short)."""
        detail = self.query_one("#audit-detail", Line)
        r = self.current_rep()
        if self.audit is not None and not self.audit.reps:
            detail.update(
                f"Nobody reports to {self.audit.viewer.name}. A rep's audit shows only themselves."
            )
            return
        if r is None or self.audit is None:
            detail.update("")
            return
        t = r.tally
        lines = [
            f"{r.rep.name}: {t.closed} closed{closed_late(t.closed_late)}, {t.open} open,"
            f" {t.not_started} not started of {t.top_accounts} · contacts {t.stale_contacts} stale,"
            f" {t.overdue_contacts} overdue · {t.missing_coverage} missing coverage ·"
            f" {plural(t.champions_left, 'champion')} left ·"
            f" {t.no_in_person} no in-person in 180 days"
        ]
        reopened = [x for x in self.audit.reopened if x.rep == r.rep.name]
        if reopened:
            lines.append(
                "Reopened: " + "; ".join(f"{x.account} ({x.reason or ''})" for x in reopened)
            )
        detail.update("\n".join(lines))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_drill()

    def action_drill(self) -> None:
        r = self.current_rep()
        if r is not None:
            self.post_message(self.RepChosen(r.rep))

    def action_week(self, step: int) -> None:
        self.post_message(WeekStepAsked(step))

    def action_filter(self) -> None:
        self.query_one(FilterInput).open()

    def on_input_changed(self, event: FilterInput.Changed) -> None:
        self._draw_detail()  # the highlighted row may have changed

    def action_refresh(self) -> None:
        self._read.clear()
        self.load()

    def rows_pulled(self) -> None:
        """A sync pulled rows: read the week again (the highlight and the filter stay)."""
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def _rep_cells(r: RepAudit) -> list[str]:
    t = r.tally
    return [
        r.rep.name,
        f"{t.closed}/{t.top_accounts}",
        done(t.completion_pct),
        sparkline([p.completion_pct for p in r.trend]),
        str(t.stale_contacts),
        str(t.overdue_contacts),
        str(t.missing_coverage),
        str(t.champions_left),
        str(t.no_in_person),
        str(t.escalations) if t.escalations else "",
    ]
