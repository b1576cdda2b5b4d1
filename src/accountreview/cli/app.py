"""The Typer application, its global options and the error handling every command shares.

Only Typer and the standard library are imported at module level: services (and
SQLite) are imported inside the commands, Textual only when a command opens the
TUI, so `accountreview --version` and the read commands start fast.
"""

import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from accountreview import __version__
from accountreview.paths import DB_ENV, REP_ENV, TODAY_ENV

if TYPE_CHECKING:
    from accountreview.services.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

# The exit codes scripts can rely on; README.md has the same table (a test compares them).
EXIT_CODES = {
    0: "ok",
    1: "an unexpected error (a bug: please report it), or answered no",
    2: "bad usage or input; nothing saved",
    3: "refused by a rule, or a damaged database/backup (each problem listed)",
    4: "not found; for sync and hub: the hub cannot be reached (nothing lost)",
    5: "the database is busy (another program is writing); nothing saved",
    6: "cannot write: disk full, read-only, permission denied; nothing saved",
    141: "the output pipe was closed (`queue | head -1`); ends quietly",
}
EXIT_CODES_HELP = "\b\nExit codes:\n" + "\n".join(f"  {c:<4} {m}" for c, m in EXIT_CODES.items())
PIPE_CLOSED = 141

app = typer.Typer(
    name="accountreview",
    help=(
        "The weekly review of your top accounts: name five stakeholders and when you last "
        "spoke to each, or the review does not close.\n\n"
        "Every command is all-or-nothing: a refused command changes nothing.\n\n" + EXIT_CODES_HELP
    ),
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Options:
    """Global options, shared by every command through the Typer context."""

    db: str | None
    today: date
    rep: str | None


def fail(message: str, code: int) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise."""
    typer.echo(f"accountreview: {message}", err=True)
    return typer.Exit(code)


def output_closed() -> typer.Exit:
    """The Exit for a closed stdout: 141, as a tool killed by SIGPIPE, and quietly.

    Stdout is pointed at /dev/null so that flushing what is still buffered (now or
    when the interpreter exits) cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (a test runner): nothing to flush
        pass
    return typer.Exit(PIPE_CLOSED)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn every error into a message and an exit code; never a traceback."""
    from accountreview.domain.errors import InvalidValue
    from accountreview.services.errors import UserError

    try:
        yield
    except BrokenPipeError:  # the reader stopped early (`| head -1`): not an error
        raise output_closed() from None
    except UserError as error:
        raise fail(str(error), error.exit_code) from None
    except InvalidValue as error:
        raise fail(str(error), 2) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as error:  # the last line of defence: a message, not a traceback
        from accountreview.services.workspace import user_error

        known = user_error(error)  # busy, disk full, read-only, a damaged database file
        if known is not None:
            raise fail(str(known), known.exit_code) from None
        if os.environ.get("ACCOUNTREVIEW_DEBUG"):
            traceback.print_exc()
        raise fail(
            f"unexpected error: {type(error).__name__}: {error}"
            " (run again with ACCOUNTREVIEW_DEBUG=1 for details)",
            1,
        ) from None


def command(*args: Any, group: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """`app.command` (or `group.command`), with the shared error handling around it."""

    def register(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*a: Any, **kw: Any) -> Any:
            with user_errors():
                return func(*a, **kw)

        (group or app).command(*args, **kwargs)(wrapper)
        return func

    return register


def _parse_today(value: str | None, ctx: typer.Context) -> date:
    """``--today`` (or ACCOUNTREVIEW_TODAY, or the clock) as a date in the accepted range;
    anything else is a usage error (exit 2) naming where the date came from."""
    from accountreview.domain.dates import check_date, parse_date
    from accountreview.domain.errors import InvalidValue

    # Typer bundles its own Click, so its ParameterSource is known by name only.
    from_env = getattr(ctx.get_parameter_source("today"), "name", None) == "ENVIRONMENT"
    hint = TODAY_ENV if from_env else "--today"
    try:
        if not value:
            hint = "today (the system clock)"
            return check_date(date.today(), hint)
        return parse_date(value, hint)
    except InvalidValue as error:
        shown = error.value if len(error.value) <= 60 else error.value[:60] + "…"
        message = f"{shown!r} {error.problem}; expected {error.expected}"
        raise typer.BadParameter(message, param_hint=hint) from None


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"accountreview {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        envvar=DB_ENV,
        metavar="PATH_OR_URL",
        help="Database file or sqlite:/// URL [default: accountreview.db in your data folder].",
    ),
    today: str | None = typer.Option(
        None,
        "--today",
        envvar=TODAY_ENV,
        metavar="YYYY-MM-DD",
        help="Pretend today is this date (review a past week; deterministic scripts).",
    ),
    rep: str | None = typer.Option(
        None, "--rep", envvar=REP_ENV, help="Act as this rep (name, email or id)."
    ),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_show_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Global options."""
    ctx.obj = Options(db=db, today=_parse_today(today, ctx), rep=rep)
    if ctx.invoked_subcommand is None:
        from accountreview.cli.views import open_home

        with user_errors():
            open_home(ctx.obj)


def options(ctx: typer.Context) -> Options:
    """The global options of this invocation."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj


def db_target(opts: Options) -> str:
    """The database the user means: --db, ACCOUNTREVIEW_DB, or the default file.

    An empty --db (or ACCOUNTREVIEW_DB set to '') is passed on, to be refused as a
    usage error: it never means the default database.
    """
    if opts.db is not None:
        return opts.db
    if os.environ.get(DB_ENV) == "":
        return ""
    from accountreview.paths import default_db

    return str(default_db())


@contextmanager
def workspace(
    ctx: typer.Context, *, create: bool = False, acting: bool = True
) -> "Iterator[Workspace]":
    """Open the workspace for a command and close it afterwards.

    `acting` commands (those that write) learn who is acting (--rep, or the rep
    remembered in the database); read-only commands skip that unless --rep is given.
    """
    from accountreview.services.workspace import open_workspace

    opts = options(ctx)
    ws = open_workspace(db_target(opts), opts.today, create=create)
    try:
        if acting or opts.rep:
            from accountreview.services.reps import current_rep

            current_rep(ws, opts.rep)
        yield ws
    finally:
        ws.close()


# A single write larger than a pipe can take may end without an error when the reader
# goes away (what did not fit is dropped); writes of at most this size each fail with
# BrokenPipeError instead, so `| head -1` ends the command with 141, as promised.
WRITE_CHUNK = 64 * 1024


def write_out(text: str) -> None:
    """Write `text` to stdout in pieces a pipe takes whole."""
    for start in range(0, len(text), WRITE_CHUNK):
        sys.stdout.write(text[start : start + WRITE_CHUNK])


def out(text: str = "") -> None:
    """Write a line to stdout."""
    write_out(text + "\n")
