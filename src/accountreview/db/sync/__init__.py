"""The local side of sync with the team hub: what the engine (`services.sync`) calls.

- `tables`: the synced tables, parents first, and the columns whose changes travel.
- `state`: `sync_state` (device, hub, cursor, last sync, last error, applying).
- `outbox`: the changes waiting to be pushed (written by the 0004 triggers only), and
  every row of a file that was never synced.
- `apply`: rows pulled from the hub, upserted in one of the caller's transactions.
- `conflicts`: changes the hub did not take as they were, until the person chooses.
- `departures`: an account that left this person's sight on the hub, removed whole; a
  change the hub refused, kept as a conflict.

Plain dataclasses and the standard library only, as the rest of `db`.
"""

from accountreview.db.sync.apply import ApplyReport, apply_pulled
from accountreview.db.sync.conflicts import (
    Conflict,
    list_conflicts,
    record_conflicts,
    resolve_conflict,
)
from accountreview.db.sync.departures import keep_refused
from accountreview.db.sync.outbox import (
    OutboxChange,
    all_rows,
    forget_pushed,
    outbox_batch,
    waiting_count,
)
from accountreview.db.sync.state import get_state, set_state
from accountreview.db.sync.tables import MUTABLE, SYNCED_TABLES

__all__ = [
    "MUTABLE",
    "SYNCED_TABLES",
    "ApplyReport",
    "Conflict",
    "OutboxChange",
    "all_rows",
    "apply_pulled",
    "forget_pushed",
    "get_state",
    "keep_refused",
    "list_conflicts",
    "outbox_batch",
    "record_conflicts",
    "resolve_conflict",
    "set_state",
    "waiting_count",
]
