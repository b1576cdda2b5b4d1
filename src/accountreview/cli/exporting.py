"""`accountreview export`: accounts, stakeholders, touches, reviews, next contacts, follow-ups."""

import sys
from pathlib import Path

import typer

from accountreview.cli.app import command, fail, out, output_closed, workspace


@command("export")
def export_command(
    ctx: typer.Context,
    kind: str = typer.Argument(
        ...,
        metavar="KIND",
        help="accounts, stakeholders, touches, reviews, next-contacts or follow-ups.",
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="csv|json|ics",
        help="csv or json (ics: next-contacts only) [default: csv; ics for next-contacts].",
    ),
    week: str | None = typer.Option(
        None,
        "--week",
        "-w",
        help="Only this ISO week, e.g. 2026-W47 (reviews, touches, next-contacts).",
    ),
    rep: str | None = typer.Option(None, "--rep", "-r", help="Only this rep's accounts."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file (created private: 0600) [default: stdout]."
    ),
    shape: str | None = typer.Option(
        None,
        "--as",
        metavar="salesforce-tasks",
        help="touches only: a Task insert file for Salesforce Data Loader.",
    ),
) -> None:
    """Export data as CSV (opens in Excel; re-imports unchanged), JSON or iCalendar.

    CSV is UTF-8 with a byte-order mark, and a cell a spreadsheet would run as a
    formula is neutralised. See the README for each file's columns and keys.
    """
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.exporting import ExportRequest, export_data, export_to_file

    try:
        chosen_week = None if week is None else IsoWeek.parse(week)
    except ValueError as error:
        raise fail(f"--week: {error}", 2) from None
    request = ExportRequest(
        kind=kind.strip().casefold(),
        format=None if fmt is None else fmt.strip().casefold(),
        week=chosen_week,
        rep=rep,
        shape=None if shape is None else shape.strip().casefold(),
    )
    with workspace(ctx) as ws:
        if output is not None:
            report = export_to_file(ws, request, output)
            out(report.summary())
            return
        try:
            report = export_data(ws, request, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (`| head`): exit 141, quietly
            raise output_closed() from None
    if report.skipped:
        typer.echo(report.summary(), err=True)
