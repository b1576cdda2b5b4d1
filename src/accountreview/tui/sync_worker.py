"""Sync with the team's hub in the background, so that no key ever waits for the network.

When the file has a hub (remembered after its first sync, or `ACCOUNTREVIEW_HUB`), the
app syncs on start, a few seconds after the last edit, every minute, and when asked
(`^s`); never two at once. Each sync runs in a worker thread on a workspace of its own
(`reopen_workspace`: an SQLite connection stays in its thread), so the screen stays
live while it waits for the hub. The status sits in every screen's top-right corner
(`SyncStatusLine`); `^r` opens the conflicts, and shows in the key bar while there are
any. With no hub, nothing of this is mounted and nothing of psycopg is imported: the
engine loads the hub's modules only inside `sync_once`.

When a sync is due is a pure class (`SyncSchedule`, times passed in), tested alone.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from accountreview.services.errors import UserError
from accountreview.services.workspace import (
    Workspace,
    change_token,
    reopen_workspace,
    user_error,
)
from accountreview.tui.widgets.key_bar import key_label
from accountreview.tui.widgets.sync_status import SyncShown, SyncStatusLine, parse_sync_time

if TYPE_CHECKING:
    from accountreview.services.sync import SyncStatus

SYNC_BINDINGS: list[Binding] = [
    Binding(
        "ctrl+s",
        "sync_now",
        "Sync now",
        id="app.sync",
        show=False,
        tooltip="Sync with the team's hub now (it also syncs by itself)",
    ),
    Binding(
        "ctrl+r",
        "sync_conflicts",
        "Conflicts",
        id="app.conflicts",
        tooltip="Sync conflicts: for each field, keep mine or take theirs",
    ),
]


@dataclass(frozen=True)
class SyncTimings:
    """Seconds: `quiet` after the last edit, `period` between syncs, and how often the app
    looks for edits and redraws "2 min ago" (`tick`)."""

    quiet: float = 3.0
    period: float = 60.0
    tick: float = 1.0


@dataclass
class SyncSchedule:
    """When the next sync is due. Times are `time.monotonic()` seconds, passed in."""

    timings: SyncTimings
    running: bool = False
    asked: bool = True  # the first sync, on start
    edited_at: float | None = None
    finished_at: float | None = None

    def edited(self, now: float) -> None:
        """Something was written: sync once nothing more has been for `quiet` seconds."""
        self.edited_at = now

    def ask(self) -> None:
        """Sync as soon as none is running (`^s`, a conflict resolved)."""
        self.asked = True

    def due(self, now: float) -> bool:
        """True when a sync should start now: never while one runs."""
        if self.running:
            return False
        if self.asked:
            return True
        if self.edited_at is not None and now - self.edited_at >= self.timings.quiet:
            return True
        return self.finished_at is not None and now - self.finished_at >= self.timings.period

    def started(self) -> None:
        """A sync started: it carries every edit made so far."""
        self.running, self.asked, self.edited_at = True, False, None

    def finished(self, now: float) -> None:
        """The sync ended (whatever its outcome): the next is a `period` away, or sooner
        after an edit made meanwhile."""
        self.running, self.finished_at = False, now


@dataclass(frozen=True)
class SyncOutcome:
    """How one sync ended, read in its thread: the status after it, whether the hub could
    be reached or refused, and a message for the person when there is one."""

    status: "SyncStatus | None"
    pulled: int = 0
    offline: bool = False
    refused: bool = False
    message: str | None = None
    note: str | None = None  # something the sync did that the person should know


def run_sync(ws: Workspace, hub_url: str) -> SyncOutcome:
    """One sync on a workspace of its own (for a worker thread); never raises."""
    from accountreview.services.sync import HubOffline, sync_once, sync_status

    try:
        other = reopen_workspace(ws)
    except UserError as error:  # the file is busy or gone: the next sync tries again
        return SyncOutcome(None, refused=True, message=f"Sync: {error}")
    try:
        outcome = SyncOutcome(None)
        try:
            report = sync_once(other, hub_url)
            note = report.copy_note and f"Sync: {report.copy_note}"
            outcome = SyncOutcome(None, pulled=report.pulled, note=note)
        except HubOffline:
            outcome = SyncOutcome(None, offline=True)
        except Exception as error:  # a fault of the sync must never stop the app
            # what the CLI would say (`user_error`: refused by the hub, a hub record this
            # file cannot take, the file busy or full); only a bug is named by its class
            told = user_error(error, other.db.path)
            message = f"Sync: {told}" if told is not None else f"Sync failed: {error!r}"
            outcome = SyncOutcome(None, refused=True, message=message)
        return replace(outcome, status=sync_status(other))
    except UserError:
        return outcome  # the status could not be read: the header keeps what it showed
    finally:
        other.close()


class SyncingApp(App[None]):
    """An app that syncs its workspace with the team's hub when it has one."""

    BINDINGS: ClassVar[list[BindingType]] = [*SYNC_BINDINGS]  # keys; shown only with a hub
    sync_timings = SyncTimings()  # tests make them short
    ws: Workspace
    hub_url: str | None = None  # None: no hub, no sync
    sync_shown = SyncShown()
    pulls: reactive[int] = reactive(0, init=False)
    """How many syncs brought rows in: the screens that show rows watch it (through
    `context.FollowsPulls`) and read them again."""
    _schedule: SyncSchedule
    _edits: int = 0
    _sync_message: str | None = None
    _sync_timer: Timer | None = None
    syncs_started = 0  # how many syncs this app ran (for tests and the benchmark)

    def start_sync(self) -> None:
        """Start syncing in the background if the file has a hub (remembered or
        `ACCOUNTREVIEW_HUB`); else do nothing at all."""
        from accountreview.services.sync import sync_status
        from accountreview.services.sync.address import choose_hub

        try:
            status = sync_status(self.ws)
            address = choose_hub(None, status.hub)
        except UserError as error:  # a bad ACCOUNTREVIEW_HUB: say so, work offline
            self.notify(f"No sync: {error}", severity="error", timeout=15)
            return
        if address is None:
            return
        self.hub_url = address.url
        # The key bar and help list `app.BINDINGS`: with a hub (only), this app's list
        # gains the sync keys, which Textual already binds from this class.
        self.BINDINGS = [*type(self).BINDINGS, *SYNC_BINDINGS]  # type: ignore[misc]
        self._schedule = SyncSchedule(self.sync_timings)
        self._edits = change_token(self.ws)[0]
        self.sync_shown = shown_from(status, self.sync_shown)
        self.screen_change_signal.subscribe(self, self._sync_screen_changed)
        self._sync_screen_changed(self.screen)
        self._sync_timer = self.set_interval(self.sync_timings.tick, self._sync_tick)
        self._sync_tick()

    def on_unmount(self) -> None:
        """No tick after the app closed its database (Textual runs this handler and the
        subclass's own, in turn)."""
        if self._sync_timer is not None:
            self._sync_timer.stop()

    def _sync_tick(self) -> None:
        """Look for edits made through this app's connection, start a sync when one is
        due, and redraw the status ("2 min ago" ages)."""
        if not self.screen_stack:  # the app is closing (its database with it)
            return
        edits = change_token(self.ws)[0]  # rows this connection changed: the person's
        if edits != self._edits:
            self._edits = edits
            self._schedule.edited(monotonic())
            self._read_status()
        if self._schedule.running:
            self._read_first_pull()
        if self._schedule.due(monotonic()):
            self._schedule.started()
            self.syncs_started += 1
            self.sync_shown = replace(self.sync_shown, running=True)
            self.run_worker(self._sync_in_thread(), group="sync", exit_on_error=False)
        self._show_status()

    async def _sync_in_thread(self) -> None:
        """Run one sync in a thread and show how it ended (here, on the app's loop)."""
        assert self.hub_url is not None
        try:
            outcome = await asyncio.to_thread(run_sync, self.ws, self.hub_url)
        finally:
            self._schedule.finished(monotonic())
        if outcome.message and outcome.message != self._sync_message:  # once, not each minute
            self.notify(outcome.message, severity="error", timeout=10)
        self._sync_message = outcome.message
        if outcome.note:
            self.notify(outcome.note, timeout=10)
        if outcome.pulled:
            await self._show_pulled()
        self.sync_shown = replace(
            shown_from(outcome.status, self.sync_shown),
            running=False,
            first_pull=None,
            offline=outcome.offline,
            refused=outcome.refused,
        )
        self._show_status()
        self.refresh_bindings()  # the conflicts key shows while there are any

    async def _show_pulled(self) -> None:
        """Rows came in: a new file's welcome gives way to the person's queue (the first
        pull made them its current rep); every other screen reads them (`pulls`)."""
        from accountreview.tui.screens.welcome import READY, WelcomeScreen

        if not self.screen_stack:  # the app is closing
            return
        if isinstance(self.screen, WelcomeScreen):
            self.screen.dismiss(READY)
        else:
            self.pulls += 1

    def _read_first_pull(self) -> None:
        """How far a first pull running in the worker is (shown instead of "syncing…")."""
        from accountreview.services.sync.pull import first_pull_progress

        progress = first_pull_progress(self.ws.db.path)
        shown = None if progress is None else (progress.done, progress.total)
        self.sync_shown = replace(self.sync_shown, first_pull=shown)

    def _read_status(self) -> None:
        """Re-read the waiting count and conflicts from the file (cheap, local)."""
        from accountreview.services.sync import sync_status

        try:
            self.sync_shown = shown_from(sync_status(self.ws), self.sync_shown)
        except UserError:
            return  # the file is busy: the next tick reads it
        self.refresh_bindings()

    def _show_status(self) -> None:
        if not self.screen_stack:  # the app is closing: a last tick or sync has no screen
            return
        for line in self.screen.query(SyncStatusLine):
            line.show(self.sync_shown, datetime.now(UTC))

    def _sync_screen_changed(self, screen: Screen[object]) -> None:
        """Every full screen gets the status in its corner (a dialog shows the one below)."""
        if isinstance(screen, ModalScreen) or screen.query(SyncStatusLine):
            return
        line = SyncStatusLine(id="sync-status")
        screen.mount(line)
        line.show(self.sync_shown, datetime.now(UTC))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The sync keys work only with a hub; the conflicts key shows while there are any."""
        if action == "sync_now":
            return self.hub_url is not None
        if action == "sync_conflicts":  # not on the conflicts screen itself
            if self.hub_url is None or self.sync_shown.conflicts == 0:
                return False  # (the screen's module is not loaded for the question)
            from accountreview.tui.screens.conflicts import ConflictsScreen

            return not isinstance(self.screen, ConflictsScreen)
        return super().check_action(action, parameters)

    def action_sync_now(self) -> None:
        """Sync with the hub now (or right after the one running)."""
        if self.hub_url is not None:
            self._schedule.ask()
            self._sync_tick()

    def action_sync_conflicts(self) -> None:
        """Show the sync conflicts: mine and theirs per field, and choose."""
        from accountreview.tui.screens.conflicts import ConflictsScreen

        if self.hub_url is not None and not isinstance(self.screen, ConflictsScreen):
            self.push_screen(ConflictsScreen(self.ws), self._conflicts_closed)

    def _conflicts_closed(self, resolved: int | None) -> None:
        """After choosing, sync soon so the hub learns the choices."""
        self._read_status()
        if resolved:
            self.action_sync_now()

    def sync_commands(self) -> Iterator[SystemCommand]:
        """The palette's sync commands (only with a hub)."""
        if self.hub_url is None:
            return
        keys = {b.id: key_label(b, getattr(self, "keymap", {})) for b in SYNC_BINDINGS}
        yield SystemCommand(
            "Sync: sync now", f"key {keys['app.sync']} · with the team's hub", self.action_sync_now
        )
        if self.check_action("sync_conflicts", ()) is not True:
            return  # offered only while there are conflicts, as the key is
        yield SystemCommand(
            "Sync: conflicts",
            f"key {keys['app.conflicts']} · {self.sync_shown.conflicts} open",
            self.action_sync_conflicts,
        )


def shown_from(status: "SyncStatus | None", before: SyncShown) -> SyncShown:
    """What the header shows after reading `status` (None: keep what it showed)."""
    if status is None:
        return before
    return replace(
        before,
        last_sync_at=parse_sync_time(status.last_sync_at),
        waiting=status.waiting,
        conflicts=status.conflicts,
    )


def sync_binding_ids() -> Iterator[str]:
    """The ids of the sync keys, which a keymap may remap."""
    yield from (b.id for b in SYNC_BINDINGS if b.id)
