"""The manager's audit of a week: the team on top, escalations first, a row per rep."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from accountreview.services.audit import RepAudit, WeekAudit, audit_week
from accountreview.services.errors import UserError
from accountreview.text import pct, sparkline
from accountreview.tui.context import app_of
from accountreview.tui.widgets.key_bar import KeyBar

SHOWN_ESCALATIONS = 3  # lines of escalations above the table; the rest are a drill away


def done(value: float | None) -> str:
    """A completion percentage in four cells: 67%, 100%, or a dash."""
    return "—" if value is None else f"{value:.0f}%"


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


class AuditScreen(Screen[None]):
    """Who completed their reviews this week: the team total, escalations, one row per rep."""

    PALETTE_SECTION = "Audit"
    BINDINGS = [
        Binding("escape", "back", "Back", id="audit.back", tooltip="Back to the queue"),
        Binding(
            "enter",
            "drill",
            "Rep's accounts",
            id="audit.drill",
            tooltip="The highlighted rep's top accounts, each one a key away from its review",
        ),
        Binding("left_square_bracket", "week(-1)", "Prev week", id="audit.prev", key_display="["),
        Binding("right_square_bracket", "week(1)", "Next week", id="audit.next", key_display="]"),
        Binding("f5", "refresh", "Refresh", id="audit.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.audit: WeekAudit | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="audit-title", classes="title-line")
        yield Static(id="audit-team", classes="audit-team")
        yield Static(id="audit-escalations", classes="audit-escalations")
        table: DataTable[str] = DataTable(id="audit-reps", cursor_type="row", zebra_stripes=True)
        for label, key, width in (
            ("Rep", "rep", 13),
            ("Closed", "closed", 6),
            ("Done", "done", 4),
            ("Trend", "trend", 8),
            ("Stale", "stale", 5),
            ("Ovrd", "overdue", 4),
            ("Uncov", "uncovered", 5),
            ("Left", "left", 4),
            ("NoMtg", "no_meeting", 5),
            ("Esc", "escalations", 3),
        ):
            table.add_column(label, key=key, width=width)
        yield table
        yield Static(id="audit-detail", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()  # a review may have been closed, or the week changed, in a drill-down

    def load(self) -> None:
        """Read the audit of the app's week and redraw, keeping the highlighted rep."""
        app = app_of(self)
        table = self.query_one(DataTable)
        keep = self.current_rep_id()
        try:
            self.audit = audit = audit_week(app.ws, app.week)
        except UserError as error:
            self.notify(str(error), severity="error", timeout=6)
            return
        whose = audit.reps[0].rep.name if len(audit.reps) == 1 else f"{audit.viewer.name}'s team"
        self.query_one("#audit-title", Static).update(f"Audit · week {audit.week} · {whose}")
        self._draw_team(audit)
        self._draw_escalations(audit)
        table.clear()
        for r in audit.reps:
            t = r.tally
            table.add_row(
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
                key=r.rep.id,
            )
        if keep is not None and keep in {r.rep.id for r in audit.reps}:
            table.move_cursor(row=table.get_row_index(keep))
        if not audit.reps:
            self.query_one("#audit-detail", Static).update(
                f"Nobody reports to {audit.viewer.name}. A rep's audit shows only themselves."
            )

    def _draw_team(self, audit: WeekAudit) -> None:
        t = audit.team
        trend = sparkline([p.completion_pct for p in audit.team_trend])
        self.query_one("#audit-team", Static).update(
            f"[b]Team[/b] {t.closed} of {t.top_accounts} closed ({pct(t.completion_pct)})"
            f" · {t.open} open · {t.not_started} not started · trend {trend}"
        )

    def _draw_escalations(self, audit: WeekAudit) -> None:
        escalations = audit.escalations
        lines = [
            f"[$error]! {_escape(r.rep.name)} · {_escape(a.name)}: {reason}[/]"
            for r, a, reason in escalations[:SHOWN_ESCALATIONS]
        ]
        if len(escalations) > SHOWN_ESCALATIONS:
            more = len(escalations) - SHOWN_ESCALATIONS
            lines[-1] = f"[$error]! … and {more + 1} more escalations: enter on a rep shows them[/]"
        if not lines:
            lines = ["[$success]No escalations this week.[/]"]
        self.query_one("#audit-escalations", Static).update("\n".join(lines))

    def current_rep_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def current_rep(self) -> RepAudit | None:
        rep_id = self.current_rep_id()
        return None if self.audit is None or rep_id is None else self.audit.rep(rep_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Spell the highlighted rep's counts out in words (the columns are short)."""
        r = self.current_rep()
        if r is None or self.audit is None:
            return
        t = r.tally
        lines = [
            f"{_escape(r.rep.name)}: {t.closed} closed, {t.open} open, {t.not_started} not"
            f" started of {t.top_accounts} · contacts {t.stale_contacts} stale,"
            f" {t.overdue_contacts} overdue · {t.missing_coverage} missing coverage ·"
            f" {t.champions_left} champion(s) left · {t.no_in_person} no in-person in 180 days"
        ]
        reopened = [x for x in self.audit.reopened if x.rep == r.rep.name]
        if reopened:
            lines.append(
                "Reopened: "
                + "; ".join(f"{_escape(x.account)} ({_escape(x.reason or '')})" for x in reopened)
            )
        self.query_one("#audit-detail", Static).update("\n".join(lines))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()

    def action_drill(self) -> None:
        from accountreview.tui.screens.audit_rep import RepAuditScreen

        r = self.current_rep()
        if r is not None:
            self.app.push_screen(RepAuditScreen(r.rep))

    def action_week(self, step: int) -> None:
        app_of(self).week = app_of(self).week.shift(step)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
