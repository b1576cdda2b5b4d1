"""The review command (fill slots, close, reopen) and the queue."""

import sys
from typing import TYPE_CHECKING

import typer

from accountreview.cli.app import command, fail, options, out, workspace
from accountreview.cli.render import Format, refuse_csv, write_csv, write_json

if TYPE_CHECKING:
    from accountreview.services.history import AccountHistory
    from accountreview.services.queue import QueueItem

SLOT_HELP = "Put a stakeholder in a slot: 3=jane@acme.com (name, email or id); 3= empties it."


def _parse_slots(texts: list[str]) -> list[tuple[int, str | None]]:
    """Every --slot as (position, stakeholder or None); all bad ones named in one error."""
    from accountreview.domain.settings import DEFAULT_SETTINGS  # what the CLI's workspaces use

    positions = {str(n) for n in DEFAULT_SETTINGS.slot_positions}
    last = DEFAULT_SETTINGS.slots_per_review
    slots: list[tuple[int, str | None]] = []
    bad: list[str] = []
    for text in texts:
        number, sep, who = text.partition("=")
        if not sep or number.strip() not in positions:
            bad.append(
                f"--slot: {text!r} is not valid; expected N=STAKEHOLDER with N from 1 to {last}"
            )
        else:
            slots.append((int(number), who.strip() or None))
    if bad:
        raise fail("\n".join([*bad, "Nothing was saved."]), 2)
    return slots


@command("review")
def review_command(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account id or exact name."),
    week: str | None = typer.Option(
        None, "--week", "-w", help="ISO week, e.g. 2026-W47 [default: this week]."
    ),
    slot: list[str] = typer.Option([], "--slot", "-s", help=SLOT_HELP, metavar="N=STAKEHOLDER"),
    confirm: list[int] = typer.Option([], "--confirm", help="Confirm slot N is still in role."),
    status: bool = typer.Option(
        False,
        "--status",
        help="Print the review and exit (without an action and on a"
        " terminal, the review opens in the full-screen app).",
    ),
    close: bool = typer.Option(
        False,
        "--close",
        help="Close the review (refused with every reason if the five are not complete).",
    ),
    reopen: bool = typer.Option(False, "--reopen", help="Reopen a closed review (needs --reason)."),
    reason: str | None = typer.Option(None, "--reason", help="Why the review is reopened."),
    history: bool = typer.Option(
        False,
        "--history",
        help="Print every close and reopen of the account's reviews (only --week's if"
        " given), in order, with who, when, why and each frozen five.",
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Look at, fill, close or reopen an account's review for a week.

    All the actions of one command are saved together or not at all: if any is refused
    (an unknown stakeholder, a duplicate, a closed review, the close rule), every reason
    is listed and nothing is saved, not even the slots before it.
    """
    from accountreview.cli.views import print_review
    from accountreview.domain.dates import IsoWeek
    from accountreview.services import reviews
    from accountreview.services.lookup import resolve_account
    from accountreview.services.review_edits import ReviewEdits, apply_review_edits

    refuse_csv(fmt, "review")
    if close and reopen:
        raise fail("--close and --reopen cannot be used together; nothing was saved", 2)
    if history:
        if reopen or close or slot or confirm:
            raise fail(
                "--history only reads: use it without --slot, --confirm, --close or"
                " --reopen; nothing was saved",
                2,
            )
        _print_history(ctx, account, week, fmt)
        return
    if reopen and not (reason and reason.strip()):
        raise fail("--reopen needs --reason: say why the closed review is reopened", 2)
    edits = ReviewEdits(
        reopen_reason=reason if reopen else None,
        slots=_parse_slots(slot),
        confirms=confirm,
        close=close,
    )
    if not edits.writes and not status and sys.stdout.isatty() and sys.stdin.isatty():
        from accountreview.cli.views import run_tui

        run_tui(options(ctx), account=account, week=week)
        return
    with workspace(ctx) as ws:
        iso_week = IsoWeek.parse(week) if week else IsoWeek.of(ws.today)
        row = resolve_account(ws, account)
        if edits.writes:
            view = apply_review_edits(ws, row, iso_week, edits)
        else:
            view = reviews.review_view(ws, row, iso_week)
    if fmt is Format.json:
        write_json(view.to_json())
    else:
        print_review(view)
    if close:
        typer.echo(f"Closed: {view.account_name} {view.week}", err=True)


def _print_history(ctx: typer.Context, account: str, week: str | None, fmt: Format) -> None:
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.history import account_history

    with workspace(ctx) as ws:
        past = account_history(ws, account, week=str(IsoWeek.parse(week)) if week else None)
    if fmt is Format.json:
        write_json({"account": past.account_name, "reviews": [r.to_json() for r in past.reviews]})
    else:
        _history_lines(past)


def _history_lines(past: "AccountHistory") -> None:
    out(f"{past.account_name}: history")
    if not past.reviews:
        out("  no reviews yet")
    for review in past.reviews:
        out(f"{review.week}  {review.status}")
        for event in review.events:
            why = f": {event.reason}" if event.reason else ""
            out(
                f"  {event.label} #{event.close_number}  {event.at or 'time not recorded'}"
                f"  by {event.by or '—'}{why}"
            )
            if not event.kept:
                out(
                    f"    (not the review's five: another laptop's close #{event.close_number}"
                    " reached the hub first; this one is kept as a fact)"
                )
            for e in event.five:
                last = e.last_contact_on.isoformat() if e.last_contact_on else "no contact"
                role = e.role.value if e.role else "no role"
                confirmed = "in role: " + ("confirmed" if e.confirmed_in_role else "not confirmed")
                out(f"    {e.position}. {e.name} ({role}), last contact {last}, {confirmed}")


@command("queue")
def queue_command(
    ctx: typer.Context,
    week: str | None = typer.Option(None, "--week", "-w", help="ISO week [default: this week]."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """This week's accounts to review for the current rep (--rep), needing attention first."""
    from accountreview.cli.views import print_queue
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.queue import queue_for
    from accountreview.services.reps import require_rep

    with workspace(ctx) as ws:
        rep = require_rep(ws, options(ctx).rep)
        iso_week = IsoWeek.parse(week) if week else IsoWeek.of(ws.today)
        queue = queue_for(ws, rep.id, iso_week)
    if fmt is Format.json:
        write_json(
            {
                "rep": rep.name,
                "week": str(queue.week),
                "closed": queue.closed,
                "total": len(queue.items),
                "items": [i.to_json() for i in queue.items],
            }
        )
    elif fmt is Format.csv:
        write_csv(QUEUE_CSV_HEADERS, [_queue_csv_row(i) for i in queue.items])
    else:
        print_queue(queue, rep.name)


QUEUE_CSV_HEADERS = ("status", "account", "current", "potential", "stage", "attention")


def _queue_csv_row(item: "QueueItem") -> tuple[object, ...]:
    a = item.facts.account
    attention = "; ".join(item.facts.flags) or item.reason
    return (item.status.value, a.name, a.current, a.potential, item.facts.stage.value, attention)
