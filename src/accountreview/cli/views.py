"""How the CLI prints a queue, an account and a review as text."""

import sys
from typing import TYPE_CHECKING

from accountreview.cli.app import Options, db_target, out
from accountreview.cli.render import Col, fit, money, output_width, pct, plural, table

if TYPE_CHECKING:
    from accountreview.domain.entities import Stakeholder
    from accountreview.services.facts import AccountFacts
    from accountreview.services.queue import Queue
    from accountreview.services.reviews import ReviewView


QUEUE_COLUMNS = (
    Col("status", 1, 11),
    Col("account", 1, 16),
    Col("current/pot.", 3, 13),
    Col("stage", 4, 8),
    Col("attention", 2, 16),
)
ACCOUNT_PEOPLE_COLUMNS = (
    Col("stakeholder", 1, 14),
    Col("title", 7, 8),
    Col("role", 2, 10),
    Col("level", 6, 10),
    Col("last contact", 3, 10),
    Col("next", 5, 10),
    Col("left", 4, 10),
)
REVIEW_COLUMNS = (
    Col("#", 1),
    Col("stakeholder", 1, 14),
    Col("role", 4, 10),
    Col("last contact", 3, 10),
    Col("staleness", 2, 8),
    Col("next", 6, 10),
    Col("in role", 5),
)


def queue_rows(queue: "Queue") -> list[tuple[object, ...]]:
    """The queue's rows, as the table and CSV print them."""
    return [
        (
            i.status.value,
            i.facts.account.name,
            f"{money(i.facts.account.current)} / {money(i.facts.account.potential)}",
            i.facts.stage.value,
            "; ".join(i.facts.flags) or i.reason,
        )
        for i in queue.items
    ]


def print_queue(queue: "Queue", rep_name: str) -> None:
    """The queue as text: a headline and a table that fits the terminal."""
    width = output_width()
    out(fit(f"{rep_name} — week {queue.week}: {queue.headline}", width))
    out(table(QUEUE_COLUMNS, queue_rows(queue), width=width))


def print_account(facts: "AccountFacts", people: "list[Stakeholder]") -> None:
    """One account as text: its facts, then its stakeholders as a table."""
    a = facts.account
    r = facts.renewal
    lines = [
        (a.name, f"rep {a.rep_name}{' · top account' if a.is_top else ''} · id {a.id}"),
        ("stage", facts.stage.value),
        (
            "size",
            f"current {money(a.current)} of potential {money(a.potential)}"
            f" · penetration {pct(None if facts.penetration is None else facts.penetration * 100)}"
            f" · whitespace {money(facts.whitespace)} · CS tier {facts.cs_tier}",
        ),
        ("rebate", _rebate_text(facts)),
        (
            "renewal",
            "—"
            if r is None
            else f"{money(r.renewal_price)} (+{r.uplift * 100:.2f}% list) · feels like "
            + ("—" if r.perceived_increase is None else f"+{r.perceived_increase * 100:.2f}%")
            + f" on {money(r.perceived_base)} paid"
            + (" · RENEWAL SHOCK" if r.shock else ""),
        ),
        (
            "contract",
            f"{a.contract.value if a.contract else '—'}"
            + ("" if facts.contract_year is None else f" · year {facts.contract_year}"),
        ),
        ("gates", "met" if facts.gates.met else "not met: " + "; ".join(facts.gates.missing())),
        (
            "coverage",
            "complete"
            if not facts.coverage.missing()
            else "missing " + ", ".join(facts.coverage.missing()),
        ),
        ("in person", f"last {facts.last_in_person or 'never'}"),
        ("follow-ups", ", ".join(d.isoformat() for d in facts.follow_ups) or "—"),
        ("flags", "; ".join(facts.flags) or "none"),
    ]
    cells = max(len(k) for k, _ in lines[1:])
    width = output_width()
    out(fit(f"{lines[0][0]}  ({lines[0][1]})", width))
    for key, value in lines[1:]:
        out(fit(f"  {key.ljust(cells)}  {value}", width))
    out()
    rows = [
        (
            p.name,
            p.title,
            p.role.label if p.role else None,
            p.level.label if p.level else None,
            p.last_contact_on,
            p.next_contact_on,
            p.left_on,
        )
        for p in people
    ]
    out(table(ACCOUNT_PEOPLE_COLUMNS, rows, width=width))


def _rebate_text(facts: "AccountFacts") -> str:
    if facts.rebate_deadline is None:
        return "—"
    left = facts.rebate_days_left
    if left is not None:
        missed = "missed: not live by then"
        state = f"{plural(left, 'day')} left to go live" if left >= 0 else missed
    else:
        state = "earned: live in time" if facts.rebate_earned else "not earned: live too late"
    return f"deadline {facts.rebate_deadline} · {state}"


def print_review(view: "ReviewView") -> None:
    """A review as text: its slots as a table, then what blocks, risks and changed."""
    width = output_width()
    out(fit(f"{view.account_name} — review {view.week}: {view.status.value}", width))
    rows = [
        (
            s.position,
            s.name,
            s.role.label if s.role else None,
            s.last_contact_on,
            s.staleness.value if s.staleness else None,
            s.next_contact_on,
            "yes" if s.confirmed_in_role else "carried over" if s.carried_from else "",
        )
        for s in view.slots
    ]
    out(table(REVIEW_COLUMNS, rows, width=width))
    for title, items in (
        ("Blocks closing", [b.text for b in view.blockers]),
        ("Risks", view.risks),
        ("Since last closed review", view.changes),
    ):
        if items:
            out()
            out(f"{title}:")
            for item in items:
                out(fit(f"  - {item}", width))


def run_tui(opts: Options, *, account: str | None = None, week: str | None = None) -> None:
    """Open the full-screen app (Textual is imported only here)."""
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.workspace import open_workspace
    from accountreview.tui import AccountReviewApp

    shown = IsoWeek.parse(week) if week else None  # refused before the database is opened
    ws = open_workspace(db_target(opts), opts.today, create=True)
    app = AccountReviewApp(ws, rep=opts.rep, account=account, week=shown)
    app.run()


def open_home(opts: Options) -> None:
    """Plain `accountreview`: the TUI on a terminal, the queue as text when piped."""
    if sys.stdout.isatty() and sys.stdin.isatty():
        run_tui(opts)
        return
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.queue import queue_for
    from accountreview.services.reps import current_rep, list_reps
    from accountreview.services.workspace import open_workspace

    ws = open_workspace(db_target(opts), opts.today)
    try:
        rep = current_rep(ws, opts.rep)
        if rep is None:
            names = ", ".join(r.name for r in list_reps(ws)) or "none yet (import data/reps.csv)"
            out(f"Which rep are you? Run again with --rep NAME. Reps: {names}")
            return
        print_queue(queue_for(ws, rep.id, IsoWeek.of(ws.today)), rep.name)
    finally:
        ws.close()
