"""`accountreview serve`: the app in a browser. textual-serve (and aiohttp) are imported
only when the command runs, so the other commands start as fast as before."""

import re
from pathlib import Path

import typer

from accountreview.cli.app import Options, command, db_target, fail, options

DURATION = re.compile(r"(\d{1,6})\s*([smh]?)")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "": 60}


def parse_idle(text: str) -> float:
    """`--idle-timeout`: `90s`, `30m`, `2h` (a bare number is minutes), 1 s to 24 h."""
    match = DURATION.fullmatch(text.strip())
    if match is None:
        raise fail(f"serve: --idle-timeout {text[:40]!r} is not a duration: say 90s, 30m or 2h", 2)
    seconds = int(match[1]) * UNIT_SECONDS[match[2]]
    if not 1 <= seconds <= 24 * 3600:
        raise fail(f"serve: --idle-timeout {text!r} is out of range: from 1s to 24h", 2)
    return float(seconds)


@command("serve")
def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    password_file: Path | None = typer.Option(
        None,
        "--password-file",
        help="Sign in with a password instead of a token: one line (shared), or one "
        "REP<TAB>PASSWORD line per person. Required for any --host but localhost.",
    ),
    public_url: str | None = typer.Option(
        None,
        "--public-url",
        help="The address browsers use, when behind a reverse proxy (e.g. https://review.corp).",
    ),
    max_sessions: int = typer.Option(
        8, "--max-sessions", min=1, max=64, help="Browser tabs that may run the app at once."
    ),
    idle_timeout: str = typer.Option(
        "30m", "--idle-timeout", help="End a tab's app after this long without a key (90s, 2h)."
    ),
) -> None:
    """Serve the app to a browser (textual-serve), signed in by a token or a password."""
    from accountreview.serve.signin import SignInProblem, is_loopback

    opts = options(ctx)
    idle = parse_idle(idle_timeout)
    if not is_loopback(host) and password_file is None:
        raise fail(
            f"serve: --host {host} would open the app to other machines: give --password-file",
            2,
        )
    if public_url is not None and not re.fullmatch(r"https?://[^/\s?#]+/?", public_url):
        raise fail(f"serve: --public-url {public_url[:80]!r} is not http(s)://HOST[:PORT]", 2)
    try:
        _serve(opts, host, port, password_file, public_url, max_sessions, idle)
    except SignInProblem as problem:
        raise fail(f"serve: --password-file {problem}", 2) from None


def _serve(
    opts: Options,
    host: str,
    port: int,
    password_file: Path | None,
    public_url: str | None,
    max_sessions: int,
    idle: float,
) -> None:
    from accountreview.serve.run import prepare, run

    server = prepare(
        db_target(opts),
        opts.today,
        opts.rep,
        host=host,
        port=port,
        password_file=password_file,
        public_url=public_url,
        max_sessions=max_sessions,
        idle_timeout=idle,
    )
    try:
        run(server)
    except OSError as error:
        raise fail(
            f"serve: cannot listen on {host}:{port} ({error.strerror or error})", 5
        ) from None
