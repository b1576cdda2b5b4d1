"""`accountreview hub …`: the hub owner's commands (set up the schema, add the team).

The hub (and psycopg) is imported inside the commands only: no other command pays for
it. A hub address is `--hub URL` or `ACCOUNTREVIEW_HUB`; its password is never printed
(only `redact(url)` is shown). Exit codes: 0 ok, 2 bad usage, 3 refused by the hub (sign-
in, permission, schema), 4 unreachable or someone not found.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from accountreview.cli.app import app, command, fail

HUB_ENV = "ACCOUNTREVIEW_HUB"
HUB_HELP = f"The hub: a PostgreSQL URL, e.g. postgresql://you@host/team (env {HUB_ENV})."

hub_app = typer.Typer(help="Set up the team's hub on PostgreSQL (its owner's commands).")
user_app = typer.Typer(help="The people who sign in to the hub.", no_args_is_help=True)
account_app = typer.Typer(help="The team's accounts on the hub.", no_args_is_help=True)
hub_app.add_typer(user_app, name="user")
hub_app.add_typer(account_app, name="account")
app.add_typer(hub_app, name="hub", no_args_is_help=True)


@contextmanager
def hub_errors() -> Iterator[None]:
    """Turn the hub's errors into a message and their exit code (3 refused, 4 unreachable)."""
    from accountreview.hub.connect import HubError

    try:
        yield
    except HubError as error:
        raise fail(str(error), error.exit_code) from None


def hub_url(given: str | None) -> str:
    """The hub address given, or a usage error (exit 2) saying how to give one."""
    if given is None or not given.strip():
        raise fail(f"no hub given: use --hub URL or set {HUB_ENV}", 2)
    return given.strip()


@command("init", group=hub_app)
def init_command(
    hub: str | None = typer.Option(None, "--hub", envvar=HUB_ENV, help=HUB_HELP),
) -> None:
    """Create the hub's schema (tables, triggers, row-level security), or upgrade it.

    Run by the hub's owner (the role that owns the database; it needs CREATEROLE to add
    people). Running it again changes nothing."""
    url = hub_url(hub)
    from accountreview.hub.admin import init_hub
    from accountreview.hub.connect import redact

    with hub_errors():
        outcome = init_hub(url)
    typer.echo(f"hub {redact(url)}: schema {outcome}")


def read_password(password_file: Path | None) -> str:
    """The password: the file's first line, else asked with no echo on a terminal."""
    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problem = getattr(error, "strerror", None) or "not UTF-8 text"
            raise fail(f"--password-file: cannot read {password_file}: {problem}", 2) from None
        password = text.splitlines()[0] if text.splitlines() else ""
        if not password:
            raise fail(f"--password-file: {password_file} is empty; expected the password", 2)
        return password
    if not sys.stdin.isatty():
        raise fail("no password: give --password-file FILE (there is no terminal to ask on)", 2)
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise fail("the password is empty", 2)
    return str(password)


@command("add", group=user_app)
def user_add_command(
    name: str = typer.Argument(..., help="The person's name."),
    email: str = typer.Option(..., "--email", help="Their email: the same rep everywhere."),
    role: str = typer.Option("rep", "--role", help="rep or manager."),
    manager: str | None = typer.Option(None, "--manager", help="Their manager's email."),
    password_file: Path | None = typer.Option(
        None,
        "--password-file",
        help="Their password: the file's first line (else asked; someone added before keeps"
        " theirs).",
    ),
    login: str | None = typer.Option(
        None, "--login", help="Their PostgreSQL role (default: the email, lower case)."
    ),
    hub: str | None = typer.Option(None, "--hub", envvar=HUB_ENV, help=HUB_HELP),
) -> None:
    """Add a person to the team: a sign-in role of their own and their rep row.

    Row-level security then lets a rep read and write their own accounts, and a manager
    also read their reps'. Run again to change a role or manager: their password stays
    unless you give a new one (--password-file, or typed when asked)."""
    url = hub_url(hub)
    if role not in ("rep", "manager"):
        raise fail(f"--role: {role!r}; expected rep or manager", 2)
    from accountreview.hub.admin import add_user, default_login, team_sign_in
    from accountreview.hub.connect import redact

    with hub_errors():
        known = password_file is None and team_sign_in(url, login or default_login(email))
        password = new_password() if known else read_password(password_file)
        added = add_user(url, name, email, role, manager, password, login)
    verb = "added" if added.created else "updated"
    kept = (
        "" if added.created else ("; new password set" if added.password_set else "; password kept")
    )
    typer.echo(
        f"{name.strip()} ({role}) {verb}: signs in as {sign_in(redact(url), added.login)}{kept}"
    )


def new_password() -> str | None:
    """A new password for someone the team has, typed twice with no echo; None (keep
    theirs) when they press enter, or when there is no terminal to ask on."""
    if not sys.stdin.isatty():
        return None
    first = typer.prompt(
        "New password (enter keeps theirs)", default="", show_default=False, hide_input=True
    )
    if not first:
        return None
    if typer.prompt("Repeat for confirmation", hide_input=True) != first:
        raise fail("the two passwords differ; nothing changed", 2)
    return str(first)


@command("move", group=account_app)
def account_move_command(
    account: str = typer.Argument(..., help="The account: its name, or its id."),
    to: str = typer.Option(..., "--to", help="The email of the rep it goes to."),
    hub: str | None = typer.Option(None, "--hub", envvar=HUB_ENV, help=HUB_HELP),
) -> None:
    """Give an account to another rep (the hub's owner only).

    Its whole history goes with it: the new rep and their manager get it at their next
    sync; the laptops of those who no longer see it drop it (what they changed on it
    meanwhile is kept as a conflict)."""
    url = hub_url(hub)
    from accountreview.hub.admin import move_account

    with hub_errors():
        moved = move_account(url, account, to)
    typer.echo(f"{moved.account}: moved from {moved.from_rep} to {moved.to_rep}")


def sign_in(url: str, login: str) -> str:
    """The hub's address as `login` signs in to it (the owner's name replaced)."""
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(login, safe='')}@{host}"))
