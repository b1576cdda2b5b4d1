"""The sync status in the top-right corner: "synced 2 min ago", "offline · 3 changes
waiting", "2 conflicts", "syncing…", "first sync · 40,000 of 220,000 rows".

`status_text` is a pure function of what the app knows (`SyncShown`) and the time now,
so every wording is tested without a hub, a clock or a screen. The widget is mounted
only when the app has a hub to sync with: without one, no screen changes at all.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from accountreview.text import plural
from accountreview.tui.widgets.line import Line


@dataclass(frozen=True)
class SyncShown:
    """What the header shows: the last completed sync (None: never), the changes waiting
    to be pushed, the open conflicts, and how the last attempt ended."""

    last_sync_at: datetime | None = None
    waiting: int = 0
    conflicts: int = 0
    running: bool = False
    offline: bool = False  # the last attempt could not reach the hub
    refused: bool = False  # the hub refused the sign-in or the schema
    # A first pull under way: rows done, and of how many (None while read from the hub).
    first_pull: tuple[int, int | None] | None = None


def status_text(shown: SyncShown, now: datetime) -> str:
    """The header's words for `shown` at `now`: one state, the most useful first."""
    if shown.running and shown.first_pull is not None:
        done, total = shown.first_pull
        if total is None:
            return f"first sync · {done:,} rows read"
        return f"first sync · {done:,} of {total:,} rows"
    if shown.running:
        return "syncing…"
    waiting = plural(shown.waiting, "change") + " waiting"
    conflicts = plural(shown.conflicts, "conflict")
    if shown.offline:
        parts = ["offline", waiting] if shown.waiting else ["offline"]
        return " · ".join([*parts, conflicts] if shown.conflicts else parts)
    if shown.refused:
        return "sync refused" + (f" · {waiting}" if shown.waiting else "")
    if shown.conflicts:
        return conflicts
    if shown.last_sync_at is None:
        return "not synced yet" + (f" · {waiting}" if shown.waiting else "")
    synced = "synced " + since(shown.last_sync_at, now)
    return synced + (f" · {waiting}" if shown.waiting else "")


def since(moment: datetime, now: datetime) -> str:
    """How long ago `moment` was, in the words of a status line: "just now", "1 min ago",
    "3 h ago", "on 2026-11-28" (a clock set back shows "just now", never a negative age)."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"on {moment.date().isoformat()}"


def parse_sync_time(stored: str | None) -> datetime | None:
    """The stored time of the last sync (ISO 8601, `Z` or an offset; naive means UTC)."""
    if not stored:
        return None
    try:
        moment = datetime.fromisoformat(stored.replace("Z", "+00:00"))
    except ValueError:
        return None  # an unreadable time reads as "not synced yet", never a crash
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SyncStatusLine(Line):
    """The status, docked at the top right of a screen over its title line; its colour
    says the state (a warning when offline or refused, an error for conflicts)."""

    DEFAULT_CSS = """
    SyncStatusLine {
        dock: right;
        layer: overlay;
        width: auto;
        max-width: 48;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    SyncStatusLine.-offline, SyncStatusLine.-refused {
        color: $text-warning;
        text-style: bold;
    }
    SyncStatusLine.-conflicts {
        color: $text-error;
        text-style: bold;
    }
    """

    text = ""

    def show(self, shown: SyncShown, now: datetime) -> None:
        """Draw `shown` as it reads at `now`."""
        self.set_class(shown.offline and not shown.running, "-offline")
        self.set_class(shown.refused and not shown.running, "-refused")
        self.set_class(bool(shown.conflicts) and not shown.running, "-conflicts")
        text = status_text(shown, now)
        if text != self.text:  # an unchanged status costs no redraw
            self.text = text
            self.update(text)
