"""Commands that create, fill and upgrade databases: init, demo, import, db upgrade."""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from accountreview.cli.app import app, command, db_target, fail, options, out, workspace

if TYPE_CHECKING:
    from accountreview.services.workspace import Workspace

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@command("init")
def init_command(ctx: typer.Context) -> None:
    """Create the database (private to you: mode 0600), or upgrade an existing one."""
    from accountreview.services.setup import init_database

    path, created = init_database(db_target(options(ctx)))
    if created:
        out(f"Created {path}")
        out("Next: add yourself with `accountreview rep add NAME --email you@company.com --me`,")
        out("or import your data: `accountreview import data/reps.csv` (see README).")
    else:
        out(f"{path} already exists and is up to date")


@command("upgrade", group=db_app)
def db_upgrade(ctx: typer.Context) -> None:
    """Upgrade the database to this version's schema (a copy is saved beside it first)."""
    from accountreview.services.setup import upgrade_database

    path, before, now = upgrade_database(db_target(options(ctx)))
    if before == now:
        out(f"{path} is up to date (schema {now})")
    else:
        out(f"{path} upgraded from schema {before} to {now}; the old file was copied beside it")


class _Bar:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0 or (done >= total and not self.last):
            return  # a file done before its first report (a few thousand rows) shows no bar
        filled = int(30 * min(done, total) / total)
        line = f"\r{stage:<14} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}"
        if line != self.last:
            # \r only moves back: blank what a longer previous line leaves behind
            sys.stderr.write(line + " " * (len(self.last) - len(line)))
            sys.stderr.flush()
            self.last = line

    def done(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\n")


@command("demo")
def demo_command(
    ctx: typer.Context,
    no_open: bool = typer.Option(False, "--no-open", help="Build (or find) the demo and exit."),
    fresh: bool = typer.Option(
        False, "--fresh", help="Rebuild the demo from scratch: what you did in it is lost."
    ),
    scale: str | None = typer.Option(
        None, "--scale", help="demo (~40 accounts) or large (100k) [default: demo]."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed: same seed, same data [7]."),
) -> None:
    """Open the demo database (in your data folder unless --db), building it the first time.

    Your work in the demo stays from one run to the next; --fresh rebuilds it.
    """
    from accountreview.cli.views import open_home
    from accountreview.services.demo import existing_demo

    if scale is not None and scale not in {"demo", "large"}:
        raise fail(f"--scale: {scale!r} is not valid; expected demo or large", 2)
    opts = options(ctx)
    path = _demo_path(opts.db)
    found = existing_demo(path)
    if found is not None and not found.finished:
        out(f"The demo at {path} was never finished building (interrupted): rebuilding it.")
    if found is not None and found.finished and not fresh:
        wrong = found.differs(scale, seed)
        if wrong:
            raise fail(
                f"{path} is a demo built otherwise: {'; '.join(wrong)}."
                " Add --fresh to rebuild it (what you did in it is lost), or leave the option out.",
                3,
            )
        out(f"Reopened the demo at {path}: your changes in it are kept (--fresh rebuilds it).")
    else:
        _build_demo(ctx, path, scale or "demo", 7 if seed is None else seed)
    opts.db = str(path)
    if not no_open:
        out()
        open_home(opts)


def _demo_path(given: str | None) -> Path:
    """Where the demo lives: --db (a path or sqlite URL) or the data folder's demo.db."""
    from accountreview.paths import default_demo_db

    if not given:
        return default_demo_db()
    if "://" in given:
        from accountreview.services.setup import database_path

        return database_path(given)
    return Path(given)


def _build_demo(ctx: typer.Context, path: Path, scale: str, seed: int) -> None:
    """Build a new demo at `path` (replacing an older demo there) and sign in its first rep."""
    from accountreview.services.demo import build_demo
    from accountreview.services.reps import remember_first_rep
    from accountreview.services.setup import clear_demo_target

    opts = options(ctx)
    clear_demo_target(path)
    bar = _Bar()
    summary = build_demo(path, opts.today, scale=scale, seed=seed, progress=bar)
    bar.done()
    out(summary.summary())
    opts.db = str(path)
    with workspace(ctx) as ws:
        if opts.rep is None:
            remember_first_rep(ws)  # the demo opens straight on a populated queue


@command("import")
def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(
        ...,
        help="CSV file(s): the app's own (reps, accounts, stakeholders, touches) or CRM exports"
        " (Salesforce, HubSpot); the header tells which.",
    ),
    source: str | None = typer.Option(
        None,
        "--from",
        metavar="native|salesforce|hubspot",
        help="Read the files as this source's exports [default: told by each header].",
    ),
    rep: str | None = typer.Option(
        None,
        "--rep",
        "-r",
        help="Give new CRM accounts whose owner is not a known rep to this rep.",
    ),
    potential_from: str | None = typer.Option(
        None,
        "--potential-from",
        metavar="COLUMN",
        help='Take CRM accounts\' potential size from this column (e.g. "Annual Revenue").',
    ),
    top: bool = typer.Option(
        False, "--top", help="Mark the accounts of CRM files as top accounts (reviewed weekly)."
    ),
    day_first: bool = typer.Option(
        False, "--day-first", help="Read CRM dates like 03/04/2026 as 3 April (not March 4)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file(s); save nothing."),
) -> None:
    """Import CSV files: the app's own format, or Salesforce and HubSpot exports.

    All-or-nothing per file: a bad row changes nothing. Files are imported in the
    order their kinds need (reps, accounts, contacts, contact roles, activities);
    each file is one transaction, so an earlier good file stays imported.
    --dry-run checks the files as that run would (each sees the ones before it)
    and saves none of them.
    """
    from accountreview.services.importing import (
        ImportOptions,
        detect_file,
        import_file,
        import_session,
        in_import_order,
    )

    if source is not None and source.casefold() not in {"native", "salesforce", "hubspot"}:
        raise fail(f"--from: {source!r} is not valid; expected native, salesforce or hubspot", 2)
    options = ImportOptions(
        source=None if source is None else source.casefold(),
        rep=rep,
        potential_from=potential_from,
        top=top,
        day_first=day_first,
    )
    with _import_workspace(ctx, dry_run=dry_run) as ws, import_session(ws, dry_run=dry_run):
        found = in_import_order([detect_file(path, options) for path in files])
        for detected in found:
            out(f"Reading {detected.describe()}")
            bar = _Bar()
            try:
                report = import_file(
                    ws, detected.path, dry_run=dry_run, progress=bar, options=options
                )
            finally:
                bar.done()
            out(report.summary())


def _no_database_yet(target: str) -> bool:
    """Whether `target` names a path where nothing exists yet, in a folder that does."""
    from accountreview.services.errors import UserError
    from accountreview.services.setup import database_path

    try:
        path = database_path(target)
    except UserError:
        return False  # refused as the real run refuses it
    return not os.path.lexists(path) and path.parent.is_dir()


@contextmanager
def _import_workspace(ctx: typer.Context, *, dry_run: bool) -> "Iterator[Workspace]":
    """The database an import works in.

    A dry run must leave no trace, and opening a database that does not exist yet
    creates it: a dry run into one checks the files against an empty private
    database in a temporary folder instead, removed afterwards.
    """
    opts = options(ctx)
    if not dry_run or not _no_database_yet(db_target(opts)):
        with workspace(ctx, create=True) as ws:
            yield ws
        return
    given = opts.db
    with tempfile.TemporaryDirectory(prefix="accountreview-dry-run-") as folder:
        opts.db = str(Path(folder) / "dry-run.db")
        try:
            with workspace(ctx, create=True) as ws:
                yield ws
        finally:
            opts.db = given
