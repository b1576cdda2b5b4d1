"""`accountreview sync`: push and pull with the team's hub; list and resolve conflicts."""

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from accountreview.cli.app import (
    app,
    command,
    db_target,
    fail,
    options,
    out,
    user_errors,
    workspace,
)
from accountreview.cli.render import Col, output_width, plural, table, write_json

if TYPE_CHECKING:
    from accountreview.services.sync import ConflictView, SyncReport

sync_app = typer.Typer(
    help=(
        "Push this file's changes to the team's hub and pull what you may see. Offline, the"
        " changes wait (exit 4, nothing lost); a change the hub refuses is listed (exit 3);"
        " two people changing one field make a conflict, listed, both values kept (exit 0)."
    ),
    invoke_without_command=True,
)
app.add_typer(sync_app, name="sync")


class SyncFormat(StrEnum):
    """How sync commands print."""

    text = "text"
    json = "json"


FORMAT = typer.Option(SyncFormat.text, "--format", "-f", help="text or json.")
CONFLICT_COLUMNS = (
    Col("id", 1, 8),
    Col("what", 2, 12),
    Col("mine", 3, 8),
    Col("theirs", 3, 8),
    Col("reason", 4, 10),
)


@sync_app.callback()
def sync_command(
    ctx: typer.Context,
    hub: str | None = typer.Option(
        None,
        "--hub",
        metavar="URL",
        help="postgresql://user@host:port/dbname [default: ACCOUNTREVIEW_HUB, else the hub"
        " this file remembered after its first sync]. The password comes from ~/.pgpass,"
        " PGPASSFILE or PGPASSWORD; it is never printed or stored.",
    ),
    fmt: SyncFormat = FORMAT,
) -> None:
    """Sync now: push the changes waiting here, pull the hub's. Into a new --db file it
    brings a rep their accounts and a manager their team."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        from accountreview.services.sync import sync_file

        opts = options(ctx)
        report = sync_file(db_target(opts), opts.today, hub)
        _print_report(report, fmt)
        if report.refused:
            raise fail(f"the hub refused {plural(len(report.refused), 'change')}", 3)


def _print_report(report: "SyncReport", fmt: SyncFormat) -> None:
    if fmt is SyncFormat.json:
        write_json(report.to_dict())
        return
    out(report.summary())
    if report.conflicts:
        out("Conflicts (the field keeps the hub's value until you choose):")
        out(_conflict_table(report.conflicts))
        out("Resolve each with: accountreview sync resolve ID mine|theirs")
    for told in report.overruled:
        out(str(told))
    for refused in report.refused:
        typer.echo(f"refused: {refused}", err=True)


@command("conflicts", group=sync_app)
def conflicts_command(
    ctx: typer.Context,
    every: bool = typer.Option(False, "--all", help="Also the resolved ones."),
    fmt: SyncFormat = FORMAT,
) -> None:
    """List the conflicts of this file: mine and theirs per field (no network)."""
    from accountreview.services.sync import list_conflicts

    with workspace(ctx, acting=False) as ws:
        found = list_conflicts(ws, open_only=not every)
    if fmt is SyncFormat.json:
        write_json([c.to_dict() for c in found])
        return
    if not found:
        out("no conflicts" if every else "no open conflicts")
        return
    out(_conflict_table(found))


@command("resolve", group=sync_app)
def resolve_command(
    ctx: typer.Context,
    conflict: str = typer.Argument(..., help="The conflict's id (or its first 6+ characters)."),
    choice: str = typer.Argument(..., metavar="mine|theirs", help="Which value to keep."),
) -> None:
    """Settle a conflict: keep mine (pushed at the next sync) or theirs (the hub's)."""
    from accountreview.services.sync import resolve_conflict

    with workspace(ctx, acting=False) as ws:
        done = resolve_conflict(ws, conflict, choice.strip().lower())
    kept = done.mine if choice.strip().lower() == "mine" else done.theirs
    out(f"resolved {done.id[:8]}: {_what(done)} keeps {_value(kept)} ({choice.lower()})")


@command("status", group=sync_app)
def status_command(ctx: typer.Context, fmt: SyncFormat = FORMAT) -> None:
    """Where this file stands: its hub, last sync, changes waiting, open conflicts."""
    from accountreview.services.sync import sync_status

    with workspace(ctx, acting=False) as ws:
        status = sync_status(ws)
    if fmt is SyncFormat.json:
        write_json(status.to_dict())
        return
    out(f"hub: {status.hub or 'none (never synced)'}")
    out(f"last sync: {status.last_sync_at or 'never'}")
    out(f"waiting: {plural(status.waiting, 'change')}")
    out(f"conflicts: {status.conflicts} open")
    if status.last_error:
        out(f"last error: {status.last_error}")


def _conflict_table(conflicts: "list[ConflictView]") -> str:
    rows = [[c.id[:8], _what(c), _value(c.mine), _value(c.theirs), c.reason] for c in conflicts]
    return table(CONFLICT_COLUMNS, rows, width=output_width())


def _what(conflict: "ConflictView") -> str:
    return f"{conflict.table}.{conflict.field or 'row'} {conflict.row_id[:8]}"


def _value(value: Any) -> str:
    return "(empty)" if value is None else json.dumps(value, ensure_ascii=False)
