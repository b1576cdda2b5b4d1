"""`accountreview audit`: who completed their reviews in a week, as a table, CSV, JSON
or Markdown (for a meeting note)."""

from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from accountreview.cli.app import command, fail, options, out, workspace
from accountreview.cli.render import (
    Col,
    fit,
    output_width,
    pct,
    plural,
    table,
    write_csv,
    write_json,
)
from accountreview.text import sparkline

if TYPE_CHECKING:
    from accountreview.domain.audit import AccountAudit, Tally, TrendPoint
    from accountreview.services.audit import WeekAudit

AUDIT_HELP = """Who completed their reviews in a week, and where the account maps are weak.

Per rep: top accounts, reviews closed / closed late / open / not started,
completion (closed on time over top accounts), contacts
stale (over 90 days) or overdue for their role's cadence, accounts missing
coverage (executive, CIO office / IT, procurement or champion), champions who
left, accounts with no in-person meeting in 180 days, and escalations (a top
account not reviewed two weeks running, or with a stale champion), listed first.

A past week is judged as it stood at the end of its Sunday (UTC): a review closed
after that is "closed late" (shown, not counted as done), and touches or people
logged after it are not seen.

You audit as the current rep: the global --rep given before `audit`,
ACCOUNTREVIEW_REP, or the one remembered in the database. A manager sees the reps
who report to them; a rep sees only themselves. --rep after `audit` narrows the
audit to one of them and lists their accounts.

Exit codes: 0 ok, 2 bad input, 3 a rep you may not audit (or, with --strict,
anyone below 100%), 4 no such rep.
"""


class AuditFormat(StrEnum):
    """What `audit --format` prints."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


# Short column names for the text table; LEGEND spells them out below it.
COUNT_HEADERS = ("stale", "overdue", "uncovered", "champ. left", "no meeting", "escalated")
LEGEND = (
    "stale: contacts over 90 days · overdue: past their role's cadence or never contacted\n"
    "uncovered: accounts missing an executive, CIO office / IT, procurement or a champion\n"
    "champ. left: champions who left · no meeting: accounts with no in-person meeting"
    " in 180 days"
)


REP_COLUMNS = (
    Col("rep", 1, 12),
    Col("closed", 1),
    Col("late", 4),
    Col("open", 3),
    Col("not started", 5),
    Col("done", 2),
    Col("trend", 12, 8),
    # escalations matter most of the counts; the others in the legend's order
    *(Col(h, 3 if h == "escalated" else 6 + n) for n, h in enumerate(COUNT_HEADERS)),
)
ACCOUNT_COLUMNS = (
    Col("account", 1, 16),
    Col("status", 1, 11),
    Col("stale", 3),
    Col("overdue", 4),
    Col("missing", 5, 10),
    Col("attention", 2, 16),
)


@command("audit", help=AUDIT_HELP)
def audit_command(
    ctx: typer.Context,
    week: str | None = typer.Option(
        None, "--week", "-w", help="ISO week, e.g. 2026-W47 [default: this week]."
    ),
    rep: str | None = typer.Option(
        None, "--rep", "-r", help="Only this rep (name, email or id), with their accounts."
    ),
    weeks: int = typer.Option(8, "--weeks", "-n", help="Weeks in the completion trend (1-52)."),
    fmt: AuditFormat = typer.Option(
        AuditFormat.table, "--format", "-f", help="table, csv, json or md (Markdown)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Exit with 3 when any rep is below 100% (for scripts and cron)."
    ),
) -> None:
    """The audit command (its help is AUDIT_HELP)."""
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.audit import audit_week
    from accountreview.services.reps import require_rep

    with workspace(ctx) as ws:
        require_rep(ws, options(ctx).rep)
        iso_week = IsoWeek.parse(week) if week else IsoWeek.of(ws.today)
        audit = audit_week(ws, iso_week, rep=rep, weeks=weeks)
    if fmt is AuditFormat.json:
        write_json(audit.to_json())
    elif fmt is AuditFormat.csv:
        write_audit_csv(audit)
    elif fmt is AuditFormat.md:
        out(audit_markdown(audit))
    else:
        print_audit(audit, accounts=rep is not None)
    behind = audit.below_target
    if strict and behind:
        names = ", ".join(f"{r.rep.name} ({pct(r.tally.completion_pct)})" for r in behind)
        raise fail(f"{plural(len(behind), 'rep')} below 100% in {audit.week}: {names}", 3)


def _counts(t: "Tally") -> list[int]:
    return [
        t.stale_contacts,
        t.overdue_contacts,
        t.missing_coverage,
        t.champions_left,
        t.no_in_person,
        t.escalations,
    ]


def _spark(points: "list[TrendPoint]") -> str:
    return sparkline([p.completion_pct for p in points])


def _weeks(audit: "WeekAudit") -> str:
    first, last = audit.team_trend[0].week, audit.team_trend[-1].week
    return str(last) if first == last else f"{first} to {last}"


def _whose(audit: "WeekAudit") -> str:
    return audit.reps[0].rep.name if len(audit.reps) == 1 else f"{audit.viewer.name}'s team"


def _title(audit: "WeekAudit") -> str:
    return f"Audit {audit.week} (as of {audit.on.isoformat()}) · {_whose(audit)}"


def _team_line(audit: "WeekAudit") -> str:
    t = audit.team
    return (
        f"Team: {t.closed} of {t.top_accounts} reviews closed ({pct(t.completion_pct)})"
        f" · {t.closed_late} closed late · {t.open} open · {t.not_started} not started"
        f" · {plural(t.escalations, 'escalation')}\n"
        f"Trend {_weeks(audit)}: {_spark(audit.team_trend)}"
    )


def print_audit(audit: "WeekAudit", *, accounts: bool) -> None:
    """The audit as text: the team, the escalations, a row per rep, the reopened reviews;
    every line fits the terminal (see `output_width`)."""
    width = output_width()
    out(fit(_title(audit), width))
    if not audit.reps:
        out(fit(f"Nobody reports to {audit.viewer.name} yet.", width))
        return
    out(fit(_team_line(audit), width))
    if audit.escalations:
        out()
        out("Escalations:")
        for r, a, reason in audit.escalations:
            out(fit(f"  ! {r.rep.name} · {a.name}: {reason}", width))
    out()
    rows = [
        (
            r.rep.name,
            f"{r.tally.closed}/{r.tally.top_accounts}",
            r.tally.closed_late,
            r.tally.open,
            r.tally.not_started,
            pct(r.tally.completion_pct),
            _spark(r.trend),
            *_counts(r.tally),
        )
        for r in audit.reps
    ]
    out(table(REP_COLUMNS, rows, width=width))
    out(fit(LEGEND, width))
    if accounts:
        for r in audit.reps:
            out()
            out(table(ACCOUNT_COLUMNS, [_account_row(a) for a in r.accounts], width=width))
    if audit.reopened:
        out()
        out("Reopened this week:")
        for x in audit.reopened:
            line = f"  {x.account} ({x.rep}): {x.at[:10]} by {x.by or '—'}: {x.reason or '—'}"
            out(fit(line, width))


def _account_row(a: "AccountAudit") -> tuple[object, ...]:
    return (
        a.name,
        a.status.value,
        a.stale_contacts,
        a.overdue_contacts,
        ", ".join(a.coverage.missing()),
        "; ".join(_attention(a)),
    )


def _attention(a: "AccountAudit") -> list[str]:
    """What needs a word about one account: escalations, champions gone, no meeting."""
    notes = list(a.escalations)
    notes += [f"champion {name} left" for name in a.champions_left]
    if a.no_in_person:
        notes.append("no in-person in 180 days")
    return notes


def write_audit_csv(audit: "WeekAudit") -> None:
    """One row per rep, the team first; the trend as one column per week."""
    weeks = [str(p.week) for p in audit.team_trend]
    headers = [
        "rep",
        "top_accounts",
        "closed",
        "closed_late",
        "open",
        "not_started",
        "completion_pct",
        "stale_contacts",
        "overdue_contacts",
        "missing_coverage",
        "champions_left",
        "no_in_person",
        "escalations",
        *weeks,
    ]

    def row(name: str, t: "Tally", trend: list[float | None]) -> list[object]:
        counts = [t.top_accounts, t.closed, t.closed_late, t.open, t.not_started]
        return [name, *counts, t.completion_pct, *_counts(t), *trend]

    rows = [row("(team)", audit.team, [p.completion_pct for p in audit.team_trend])]
    rows += [row(r.rep.name, r.tally, [p.completion_pct for p in r.trend]) for r in audit.reps]
    write_csv(headers, rows)


def _md(text: object) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def audit_markdown(audit: "WeekAudit") -> str:
    """The audit as Markdown, to paste into a meeting note."""
    t = audit.team
    lines = [f"## Review audit {audit.week}: {_md(_whose(audit))}", ""]
    lines.append(
        f"**Team:** {t.closed} of {t.top_accounts} reviews closed ({pct(t.completion_pct)}),"
        f" {t.closed_late} closed late, {t.open} open, {t.not_started} not started"
        f" · trend `{_spark(audit.team_trend)}`"
    )
    if audit.escalations:
        lines += ["", "### Escalations", ""]
        lines += [
            f"- **{_md(a.name)}** ({_md(r.rep.name)}): {reason}"
            for r, a, reason in audit.escalations
        ]
    lines += [
        "",
        "| Rep | Closed | Closed late | Open | Not started | Done | Trend | Stale | Overdue |"
        " Missing coverage | Champions left | No in-person | Escalations |",
    ]
    lines.append("|---|" + "---:|" * 5 + "---|" + "---:|" * 6)
    for r in audit.reps:
        x = r.tally
        cells = [_md(r.rep.name), f"{x.closed}/{x.top_accounts}", x.closed_late, x.open]
        cells.append(x.not_started)
        cells += [pct(x.completion_pct), f"`{_spark(r.trend)}`", *_counts(x)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    if audit.reopened:
        lines += ["", "### Reopened", ""]
        lines += [
            f"- {_md(x.account)} ({_md(x.rep)}), {x.at[:10]} by {_md(x.by or '—')}:"
            f" {_md(x.reason or '—')}"
            for x in audit.reopened
        ]
    if not audit.reps:
        lines += ["", f"Nobody reports to {_md(audit.viewer.name)} yet."]
    return "\n".join(lines)
