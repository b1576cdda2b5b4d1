"""Signing in to the hub, and the two errors a person can cause by it.

libpq finds the password as it always does: in the URL, PGPASSWORD, PGPASSFILE or
~/.pgpass. A password in the URL is used to connect and never printed or stored:
`redact` is the only form of a URL this package shows or keeps. Connecting gives up
after `CONNECT_TIMEOUT` seconds, so an unreachable hub costs a sync a few seconds, not
minutes.

- `HubUnreachable` (exit 4): the server cannot be reached (refused, timed out, unknown
  host, down). Nothing was changed; try again later.
- `HubRefused` (exit 3): the server answered no: bad password, no such role or database,
  a permission or row-level-security refusal, or a schema that is missing or older than
  this version ("run accountreview hub init").
"""

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import conninfo

CONNECT_TIMEOUT = 5
SCHEMA_HEAD = "0010"  # the hub schema this version needs (a test checks it is Alembic's head)
SCHEMA_HINT = "run `accountreview hub init --hub URL` as the hub's owner"
# SQLSTATE classes that mean "the server is not there for us" (as opposed to "it said no"):
# connection exceptions, operator intervention (shut down, terminated), out of resources.
# A deadlock or serialization failure (40) rolled everything back: try again, as for those.
_UNREACHABLE_CLASSES = ("08", "57", "53", "40")


class HubError(Exception):
    """A problem with the hub a person can cause or fix; `exit_code` is the CLI's code
    (2, bad input, unless a subclass or the raiser says otherwise)."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class HubUnreachable(HubError):
    """The hub cannot be reached; nothing was changed."""

    exit_code = 4


class HubRefused(HubError):
    """The hub answered no (sign-in, permission, schema)."""

    exit_code = 3


def redact(url: str) -> str:
    """`url` without its password (the form shown in messages and remembered locally)."""
    if "://" not in url:  # a key=value conninfo string
        try:
            params = conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            return "(an unreadable hub address)"
        params.pop("password", None)
        return conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    if parts.password is None and len(query) == len(parse_qsl(parts.query, True)):
        return url
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0] + at
    netloc = user + hostport
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="@:/"), ""))


def _without_secrets(text: str, url: str) -> str:
    """A server or libpq message with the URL's password taken out, if it was quoted."""
    secrets = [urlsplit(url).password] if "://" in url else []
    if "://" in url:
        secrets += [v for k, v in parse_qsl(urlsplit(url).query) if k == "password"]
    for secret in filter(None, secrets):
        text = text.replace(secret, "***")
    return text


def classify(error: psycopg.Error, url: str) -> HubError:
    """The user-facing error for a failure to connect to (or use) the hub at `url`."""
    where = redact(url)
    state = getattr(error, "sqlstate", None) or ""
    message = _without_secrets(str(error).strip().splitlines()[0] if str(error) else "", url)
    if _sounds_refused(message) or (state and state[:2] not in _UNREACHABLE_CLASSES):
        hint = next((h for words, h in _PASSWORD_HINTS if words in message.lower()), "")
        return HubRefused(f"the hub at {where} refused: {message}{hint}")
    return HubUnreachable(f"the hub at {where} cannot be reached: {message}; nothing changed")


# Where a sign-in's password comes from, said when it is missing or wrong (libpq's own
# words alone do not say where to put it).
_PASSWORD_HINTS = (
    ("no password supplied", "; give it in ~/.pgpass (or the file PGPASSFILE names, or"
     " PGPASSWORD): the app never asks for it or stores it"),
    ("password authentication failed", "; check the password in ~/.pgpass (or PGPASSFILE,"
     " PGPASSWORD) or in the URL"),
)  # fmt: skip


def _sounds_refused(message: str) -> bool:
    # Sign-in failures come back before any SQLSTATE exists (connection phase).
    lowered = message.lower()
    return any(
        words in lowered
        for words in (
            "password authentication failed",
            "no password supplied",
            "does not exist",
            "no pg_hba.conf entry",
            "permission denied",
            "authentication failed",
        )
    )


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the hub at `url` (not in autocommit: the caller commits)."""
    if not url.strip():
        raise HubRefused("no hub address given: use --hub URL or ACCOUNTREVIEW_HUB")
    try:
        return psycopg.connect(
            url, connect_timeout=CONNECT_TIMEOUT, application_name="accountreview"
        )
    except psycopg.ProgrammingError as error:  # a URL libpq cannot read
        raise HubRefused(f"not a hub address libpq understands: {redact(url)}") from error
    except psycopg.Error as error:
        raise classify(error, url) from error


def describe(conn: psycopg.Connection[Any]) -> str:
    """The address of an open connection, as a URL with no password (for messages)."""
    info = conn.info
    return f"postgresql://{quote(info.user, safe='')}@{info.host}:{info.port}/{info.dbname}"


def require_idle(conn: psycopg.Connection[Any]) -> None:
    """Refuse a connection inside a transaction: a push or pull batch would become a
    savepoint of it and not be committed on its own (a caller's bug, not a person's)."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise RuntimeError("push and pull need a hub connection with no transaction open")


def check_schema(conn: psycopg.Connection[tuple[object, ...]], url: str, head: str) -> None:
    """Refuse a hub whose schema is missing or not at `head` (this version's)."""
    try:
        row = conn.execute(
            "SELECT version_num FROM accountreview_hub_version"
            " WHERE to_regclass('accountreview_hub_version') IS NOT NULL"
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        conn.rollback()
        row = None
    if row is None:
        raise HubRefused(f"the hub at {redact(url)} has no accountreview schema: {SCHEMA_HINT}")
    if row[0] != head:
        raise HubRefused(
            f"the hub at {redact(url)} has schema {row[0]}, this version needs {head}: "
            + SCHEMA_HINT
        )


def open_hub(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """`connect`, then refuse a hub whose schema is missing or not this version's (what a
    sync opens: its push and pull need this version's tables and functions)."""
    conn = connect(url)
    try:
        check_schema(conn, url, SCHEMA_HEAD)
        conn.rollback()
    except BaseException:
        conn.close()
        raise
    return conn
