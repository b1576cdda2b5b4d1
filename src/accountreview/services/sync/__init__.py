"""Offline sync with the team's hub (PostgreSQL): the engine and what it reports.

Where each part lives: `engine` (`sync_once`: push the outbox, then pull, each step
crash-safe; `sync_file` for a file that may not exist yet), `conflicts`
(`sync_status`, `list_conflicts`, `resolve_conflict`: local, no network, what the TUI
header and conflicts screen show), `state` (this file's remembered hub, cursor, last
success or error), `address` (which hub URL a sync uses and how it is shown without its
password), `report` (the report, status, conflict and error types), `checkpoint`
(named moments a crash test may stop a sync at).

Only `engine` imports the hub (psycopg), and only when a sync runs: the status and
conflicts can be read at start-up for free.
"""

from accountreview.services.sync.conflicts import list_conflicts, resolve_conflict, sync_status
from accountreview.services.sync.engine import sync_file, sync_once
from accountreview.services.sync.report import (
    ConflictView,
    HubOffline,
    HubRefusedSync,
    RefusedChange,
    SyncReport,
    SyncStatus,
)

__all__ = [
    "ConflictView",
    "HubOffline",
    "HubRefusedSync",
    "RefusedChange",
    "SyncReport",
    "SyncStatus",
    "list_conflicts",
    "resolve_conflict",
    "sync_file",
    "sync_once",
    "sync_status",
]
