"""Commands that keep the data safe: backup, restore, check."""

import sys
from pathlib import Path

import typer

from accountreview.cli.app import command, db_target, fail, options, out
from accountreview.cli.render import Format, refuse_csv, write_json
from accountreview.text import plural


@command("backup")
def backup_command(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None,
        help="Where to write the copy (a new file, or a folder) "
        "[default: backups/NAME-DATE-TIME.db beside the database].",
    ),
) -> None:
    """Copy the database to a new private file (mode 0600). Safe while the app is open."""
    from accountreview.services.recovery import backup_database

    out(backup_database(db_target(options(ctx)), file).summary())


@command("restore")
def restore_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A backup made by `accountreview backup`."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Replace the database with a backup. The backup is checked first, and the current
    database is copied beside it (NAME.before-restore-DATE.bak) before it is replaced."""
    from accountreview.services.recovery import has_database, restore_database

    target = db_target(options(ctx))
    if not yes and has_database(target):  # with nothing there yet, nothing is replaced
        if not sys.stdin.isatty():
            raise fail("restore: add --yes to replace the database without being asked", 2)
        if not typer.confirm(f"Replace {target} with {file}? (a copy of it is kept)"):
            raise fail("restore: cancelled; nothing was changed", 1)
    out(restore_database(target, file).summary())


@command("check")
def check_command(
    ctx: typer.Context,
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Check the database: integrity, foreign keys, schema (tables, indexes, triggers), the
    hash chains of the audit log and the frozen reviews.
    Exit 0 when sound, 3 when a problem is found (each one is listed)."""
    from accountreview.services.recovery import check_database

    refuse_csv(fmt, "check")
    health = check_database(db_target(options(ctx)))
    if fmt is Format.json:
        write_json(
            {"path": str(health.path), "schema": health.schema, "ok": health.ok,
             "tables": health.tables, "problems": health.problems, "notes": health.notes}
        )  # fmt: skip
        if not health.ok:
            raise fail(f"{plural(len(health.problems), 'problem')} found", 3)
        return
    out(f"{health.path}: schema {health.schema or '?'}")
    for table, count in health.tables.items():
        out(f"  {table:<16} {plural(count, 'row'):>15}")
    for note in health.notes:
        out(f"note: {note}")
    if health.ok:
        out(
            "ok: integrity, foreign keys, the schema (tables, indexes, triggers)"
            " and the record's hash chains checked; closed reviews frozen"
        )
        return
    for problem in health.problems:
        typer.echo(f"problem: {problem}", err=True)
    found = plural(len(health.problems), "problem")
    raise fail(f"{found} found; restore a backup if you have one", 3)
