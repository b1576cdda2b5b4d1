"""Put `serve` together: check the database and the people first, then listen."""

import socket
from datetime import date
from pathlib import Path

from accountreview.serve.server import Limits, ReviewServer
from accountreview.serve.session import AppCommand
from accountreview.serve.signin import SignIn, from_password_file, is_loopback, with_token


def prepare(
    db: str,
    today: date,
    rep: str | None,
    *,
    host: str,
    port: int,
    password_file: Path | None,
    public_url: str | None,
    max_sessions: int,
    idle_timeout: float,
) -> ReviewServer:
    """The server, once the database opens and every person it signs in as exists.

    Raises the services' UserError (a bad database, an unknown rep) before anything
    listens, so a mistake is a message and an exit code, not a broken page."""
    token = None
    if password_file is None:
        signin, token = with_token(rep)
    else:
        signin = from_password_file(password_file, rep)
    _check_people(db, today, signin)
    if public_url is None and not is_loopback(host):
        public_url = f"http://{socket.getfqdn()}:{port}"
    server = ReviewServer(
        AppCommand(db, today),
        signin,
        host=host,
        port=port,
        public_url=public_url,
        limits=Limits(max_sessions=max_sessions, idle_timeout=idle_timeout),
    )
    address = server.public_url.rstrip("/") + "/"
    opened = f"{address}?token={token}" if token else address
    server.start_message = f"accountreview: serving {db} (press ctrl+c to stop)\nOpen {opened}" + (
        "" if token else " and sign in with your password"
    )
    return server


def _check_people(db: str, today: date, signin: SignIn) -> None:
    """Open the database as the app would, and find each rep a password signs in as."""
    from accountreview.services.lookup import resolve_rep
    from accountreview.services.reps import current_rep
    from accountreview.services.workspace import open_workspace

    ws = open_workspace(db, today, create=True)
    try:
        for rep in set(signin.passwords.values()):
            if rep is None:
                continue
            resolve_rep(ws, rep)
            current_rep(ws, rep)
    finally:
        ws.close()


def run(server: ReviewServer) -> None:
    """Listen until ctrl+c (or SIGTERM); every session's app is ended on the way out."""
    server.serve()
