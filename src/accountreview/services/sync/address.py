"""The hub's address: which URL a sync uses, checked, and shown without its password.

`--hub URL` wins, then `ACCOUNTREVIEW_HUB`, then the URL this file remembered after its
first successful sync. A password written in the URL is passed to libpq for the
connection only: it is never printed, never stored (the remembered URL is the
redacted one, and libpq finds the password in ~/.pgpass, PGPASSFILE or PGPASSWORD).

Pure string handling, so the TUI can show the hub without importing psycopg.
"""

import os
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from accountreview.services.errors import InvalidInput

HUB_ENV = "ACCOUNTREVIEW_HUB"
SCHEMES = ("postgresql", "postgres")
MAX_URL_LENGTH = 2048
# Query parameters that carry a secret: dropped from what is shown and remembered.
SECRET_PARAMS = frozenset({"password", "sslpassword"})


@dataclass(frozen=True)
class HubAddress:
    """A hub URL as given (`url`, for libpq only) and as shown (`shown`, no password)."""

    url: str
    shown: str
    source: str  # "--hub", ACCOUNTREVIEW_HUB, or "remembered"


def redact(url: str) -> str:
    """`url` without a password (in the user part or a `password=` parameter)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    user, at, host = netloc.rpartition("@")
    if at:
        name = user.partition(":")[0]
        netloc = f"{name}@{host}" if name else host
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if k.lower() not in SECRET_PARAMS]
    text = urlencode(kept, quote_via=quote) if len(kept) != len(query) else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, text, parts.fragment))


def parse_hub_url(text: str, source: str) -> HubAddress:
    """The hub address in `text`, or InvalidInput (exit 2) naming `source` and the problem.

    The message shows the URL redacted: a mistyped URL with a password in it is not
    echoed to the terminal."""
    url = text.strip()
    if not url:
        raise InvalidInput(f"{source}: the hub URL is empty (postgresql://user@host:port/db)")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(f"{source}: the hub URL is {len(url):,} characters; at most 2,048")
    if any(ord(c) < 32 or c == "\x7f" for c in url):
        raise InvalidInput(f"{source}: the hub URL contains a control character")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise InvalidInput(f"{source}: not a URL ({error}); expected postgresql://…") from None
    shown = redact(url)
    if parts.scheme.lower() not in SCHEMES:
        raise InvalidInput(
            f"{source}: {shown!r} is not a PostgreSQL URL; expected"
            " postgresql://user@host:port/dbname"
        )
    if not parts.path.strip("/"):
        raise InvalidInput(f"{source}: {shown!r} names no database (…/dbname at the end)")
    return HubAddress(url=url, shown=shown, source=source)


def choose_hub(given: str | None, remembered: str | None) -> HubAddress | None:
    """The address a sync uses: `given` (--hub), else ACCOUNTREVIEW_HUB, else `remembered`;
    None when there is none. An empty `--hub ''` is a usage error, never "no hub"."""
    if given is not None:
        return parse_hub_url(given, "--hub")
    env = os.environ.get(HUB_ENV)
    if env:
        return parse_hub_url(env, HUB_ENV)
    if remembered:
        return parse_hub_url(remembered, "the remembered hub")
    return None
