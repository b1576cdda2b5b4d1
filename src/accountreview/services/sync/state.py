"""This file's side of the hub relationship, kept in `sync_state`: the remembered hub,
the cursor, the last success or error, and who the file belongs to after a first pull."""

from datetime import UTC, datetime

from accountreview.db import reps as rep_queries
from accountreview.db.sync import get_state, set_state
from accountreview.services.reps import CURRENT_REP_KEY
from accountreview.services.workspace import Workspace

HUB_KEY = "hub"
CURSOR_KEY = "cursor"
LAST_SYNC_KEY = "last_sync_at"
LAST_ERROR_KEY = "last_error"


def remembered_hub(ws: Workspace) -> str | None:
    """The hub this file synced with (without its password), if it ever did."""
    return get_state(ws.db.conn, HUB_KEY)


def cursor(ws: Workspace) -> int:
    """The hub sequence number this file has pulled up to (0: never pulled)."""
    return int(get_state(ws.db.conn, CURSOR_KEY) or 0)


def start_outbox(ws: Workspace, hub: str) -> bool:
    """Remember `hub` (the redacted URL), which turns the outbox on; True when this file
    never completed a pull, so every row it has is pushed first.

    Called once the hub accepted the sign-in: the outbox is on before the rows are read,
    so an edit made while they are pushed is in the outbox, never in neither."""
    with ws.db.write() as conn:
        if get_state(conn, HUB_KEY) is None:
            set_state(conn, HUB_KEY, hub)
        return get_state(conn, CURSOR_KEY) is None


def record_success(ws: Workspace) -> None:
    """A sync completed now: the header says "synced … ago"."""
    with ws.db.write() as conn:
        set_state(conn, LAST_SYNC_KEY, _now())
        set_state(conn, LAST_ERROR_KEY, None)


def record_failure(ws: Workspace, message: str) -> None:
    """A sync failed with `message` (offline, refused): for the header; no data changes."""
    with ws.db.write() as conn:
        set_state(conn, LAST_ERROR_KEY, message)


def adopt_signed_in(ws: Workspace, rep_id: str) -> None:
    """The person signed in to the hub becomes this file's current rep when it has none
    yet (a new file filled by its first pull)."""
    conn = ws.db.conn
    if rep_queries.get_meta(conn, CURRENT_REP_KEY) or rep_queries.get_rep(conn, rep_id) is None:
        return
    with ws.db.write() as conn:
        rep_queries.set_meta(conn, CURRENT_REP_KEY, rep_id)
    ws.actor_id = rep_id


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
