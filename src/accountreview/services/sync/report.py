"""What a sync tells its caller: the report of one run, the status, a conflict, and the
errors a sync can end with (each with the exit code the CLI gives it)."""

from dataclasses import asdict, dataclass, field
from typing import Any

from accountreview.services.errors import Refused, UserError
from accountreview.text import plural


class HubOffline(UserError):
    """The hub cannot be reached (refused connection, timeout, unknown host, server down).
    Nothing changed locally: the changes wait for the next sync."""

    exit_code = 4


class HubRefusedSync(Refused):
    """The hub refused the sign-in or the schema (bad password, no such role or database,
    no `hub init` yet); the message says which. Nothing changed locally."""


class CopiedFile(Refused):
    """This file shares its device id with another file that reached the hub first (a
    copy of a laptop's file): what it recorded since cannot join that device's record."""

    def __init__(self, path: object, kept: int | None = None) -> None:
        what = (
            f"{kept} of its closes, reopens and frozen fives since then cannot go to the hub"
            " (kept here: `accountreview sync conflicts` lists them)"
            if kept
            else "the hub's record of that device cannot be pulled into it"
        )
        super().__init__(
            f"{path} is a copy of another laptop's file (both sync as one device) and that"
            f" one reached the hub first: {what}. Work on in a file of this laptop's own:"
            " `accountreview --db NEW.db sync` pulls all the hub has; this file stays as it is"
        )


@dataclass(frozen=True)
class ConflictView:
    """One field two people changed: `mine` (this laptop's value) and `theirs` (the hub's),
    both kept; the field holds `theirs` until the person chooses."""

    id: str
    table: str
    row_id: str
    field: str | None
    mine: Any
    theirs: Any
    reason: str
    made_at: str
    resolved_at: str | None = None
    resolution: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The conflict as JSON-ready data (`sync conflicts --format json`)."""
        return asdict(self)


@dataclass(frozen=True)
class RefusedChange:
    """A change the hub refused (row-level security: not this person's to write)."""

    table: str
    row_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} {self.row_id}: {self.reason}"


@dataclass(frozen=True)
class OverruledView:
    """A resolution this laptop made that reached the hub second: `kept` (the first one's
    choice) stands everywhere; `chosen` (this one's) was not applied."""

    id: str
    chosen: str
    kept: str

    def __str__(self) -> str:
        return (
            f"conflict {self.id[:8]} was resolved {self.kept!r} elsewhere first;"
            f" your {self.chosen!r} was not applied (both values stay in the conflict)"
        )


@dataclass
class SyncReport:
    """What one sync did: rows and changes pushed, rows the pull changed here (added,
    changed or removed: this laptop's own pushes coming back change nothing), conflicts
    recorded this run, changes the hub refused; `first_pull` when the file had never
    pulled before."""

    hub: str
    pushed: int = 0
    already: int = 0
    pulled: int = 0
    conflicts: list[ConflictView] = field(default_factory=list)
    refused: list[RefusedChange] = field(default_factory=list)
    # resolutions made here that reached the hub after another one (which stands)
    overruled: list[OverruledView] = field(default_factory=list)
    first_pull: bool = False
    signed_in_as: str | None = None
    # this file was a copy of another laptop's file: the device id it records as now
    new_device: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (`sync --format json`)."""
        data = asdict(self)
        data["refused"] = [asdict(r) for r in self.refused]
        data["overruled"] = [asdict(o) for o in self.overruled]
        return data

    def summary(self) -> str:
        """One line a person reads: what went each way."""
        parts = [f"pushed {self.pushed}", f"pulled {self.pulled}"]
        parts.append(plural(len(self.conflicts), "conflict"))
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        if self.overruled:
            parts.append(f"{len(self.overruled)} resolved elsewhere first")
        who = f" as {self.signed_in_as}" if self.signed_in_as else ""
        line = f"synced with {self.hub}{who}: " + ", ".join(parts)
        return f"{line}; {self.copy_note}" if self.copy_note else line

    @property
    def copy_note(self) -> str | None:
        """What to tell when this sync made the file a device of its own (None if not)."""
        if not self.new_device:
            return None
        return (
            "this file was a copy of another laptop's file, whose entries reached the hub"
            " first: it records as a device of its own now, and its closes went as another"
            " laptop's"
        )


@dataclass(frozen=True)
class SyncStatus:
    """Where this file stands with its hub, read locally (no network): for the header."""

    hub: str | None
    last_sync_at: str | None
    waiting: int
    conflicts: int
    last_error: str | None

    def to_dict(self) -> dict[str, Any]:
        """The status as JSON-ready data (`sync status --format json`)."""
        return asdict(self)
