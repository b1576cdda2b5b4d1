"""The app shell: given a workspace, picks the rep, shows the queue, navigates.

The app owns three things: the workspace (handed to it, as harlequin's App is handed
its adapter, and given on to each screen it opens), the week shown (a reactive that
only `step_week` moves; the screens watch it) and the navigation (screens post the
messages of `tui.context` and `ReviewScreen.Closed` / `Skipped`; none walks the
screen stack or imports this module). Start-up is `on_mount` → `_start`.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from accountreview.domain.dates import FIRST_WEEK, IsoWeek
from accountreview.domain.entities import Rep
from accountreview.domain.errors import InvalidValue
from accountreview.services.errors import UserError
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui.commands import screen_commands
from accountreview.tui.context import (
    AccountList,
    WeekStepAsked,
    forget_reused_screens,
    reused_screen,
)
from accountreview.tui.literal import printable
from accountreview.tui.sync_worker import SyncingApp, sync_binding_ids
from accountreview.tui.widgets.key_bar import key_label

if TYPE_CHECKING:
    from accountreview.tui.screens.audit import AuditScreen
    from accountreview.tui.screens.queue import QueueScreen
    from accountreview.tui.screens.review import ReviewScreen
    from accountreview.tui.screens.welcome import WelcomeScreen


class AccountReviewApp(SyncingApp):
    """Walk a rep through the weekly review of each top account."""

    TITLE = "accountreview"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    BINDINGS = [
        Binding(
            "ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit (all is saved)"
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help",
            key_display="?",
            tooltip="This list of keys",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="app.palette",
            show=False,
            tooltip="Command palette: every action by name",
        ),
        Binding(
            "ctrl+g",
            "import_data",
            "Import…",
            id="app.import",
            show=False,
            tooltip="Import… CSV files: the app's own, Salesforce or HubSpot exports",
        ),
        Binding(
            "ctrl+e",
            "export_data",
            "Export…",
            id="app.export",
            show=False,
            tooltip="Export… CSV, JSON, a calendar of next contacts, Salesforce Tasks",
        ),
    ]

    week: reactive[IsoWeek] = reactive(FIRST_WEEK, repaint=False, init=False)
    """The week shown. One owner: only `step_week` moves it (the constructor sets the
    first); the queue and the audit screens watch it."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        rep: str | None = None,
        account: str | None = None,
        week: IsoWeek | None = None,
        demo_db: Path | None = None,
        config: Path | None = None,
        signed_in: bool = False,
    ) -> None:
        """Run on `workspace`, which the app owns from now on (it closes it on exit).

        `rep` is who uses the app (else the one remembered, or asked), `account` a
        review to open at once, `week` the week shown first (else today's)."""
        super().__init__()
        # Signed in as `rep` (a browser session of `serve`): the app never acts as anyone
        # else; `w` only reads the queues that rep may read.
        self.signed_in = signed_in
        from accountreview.paths import config_dir, default_demo_db

        self.config = config or config_dir()  # keymap.toml and settings.json

        self.keymap: dict[str, str] = {}  # the user's remapped keys, by binding id
        self.demo_db = demo_db or default_demo_db()  # what the welcome screen's "demo" opens
        self.ws = workspace
        self.rep_override = rep
        self.start_account = account
        self.set_reactive(AccountReviewApp.week, week or IsoWeek.of(workspace.today))
        self._review_source: AccountList | None = None  # the list "next account" follows

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a notification, always as literal text whatever `markup` says: a message
        quotes names, notes and file names, which must never be read as markup."""
        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_mount(self) -> None:
        from accountreview.tui.preferences import apply_preferences

        self.keymap = apply_preferences(self, self.config, binding_ids())
        self._start()
        self.start_sync()  # in the background, only when the file has a hub

    def _start(self) -> None:
        """The queue of the rep using the app; who they are first if not known, and the
        welcome screen on a database with nobody in it."""
        from accountreview.services.reps import current_rep, list_reps
        from accountreview.tui.screens.welcome import WelcomeScreen
        from accountreview.tui.screens.who import WhoScreen

        try:
            rep = current_rep(self.ws, self.rep_override)
        except UserError as error:
            self.notify(str(error), severity="error")
            rep = None
        if rep is not None:
            self._open_queue(rep)
            return
        reps = list_reps(self.ws)
        if not reps:
            self.push_screen(WelcomeScreen(self.ws), self._welcomed)
        else:
            self.push_screen(WhoScreen(reps), self._rep_chosen)

    def _open_queue(self, rep: Rep) -> None:
        """The rep's queue (home), then the review asked for on the command line, if any."""
        from accountreview.tui.screens.queue import QueueScreen

        self.push_screen(
            QueueScreen(self.ws, rep, self.week, self.open_review, signed_in=self.signed_in)
        )
        if self.start_account:
            self._open_start_account()

    def _welcomed(self, result: str | None) -> None:
        from accountreview.tui.screens.welcome import DEMO

        if result == DEMO:
            self.notify("Opening the demo…", timeout=3)
            self.run_worker(self._find_demo, thread=True, exclusive=True, group="demo")
        else:
            self._start()

    def _find_demo(self) -> None:
        """Reopen the demo database, or build it the first time (in a worker thread)."""
        from accountreview.services.demo import build_demo, existing_demo
        from accountreview.services.setup import clear_demo_target

        try:
            found = existing_demo(self.demo_db)
            built = found is None or not found.finished
            if built:
                clear_demo_target(self.demo_db)  # a build that was interrupted
                build_demo(self.demo_db, self.ws.today)
        except UserError as error:
            self.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            self.call_from_thread(self._start)
            return
        self.call_from_thread(self._switch_to_demo, built)

    def _switch_to_demo(self, built: bool) -> None:
        """Work in the demo database from now on (its first rep signed in when just built).
        The screens kept for reuse were given the old workspace: they go with it."""
        from accountreview.services.reps import remember_first_rep

        today = self.ws.today
        self.ws.close()
        self.ws = open_workspace(self.demo_db, today)
        forget_reused_screens(self)
        if built:
            remember_first_rep(self.ws)
        self._start()

    def _rep_chosen(self, rep_id: str | None) -> None:
        from accountreview.services.lookup import resolve_rep
        from accountreview.services.reps import remember_rep

        if rep_id is None:
            self.exit()
            return
        rep = resolve_rep(self.ws, rep_id)
        remember_rep(self.ws, rep)
        self._open_queue(rep)

    def _open_start_account(self) -> None:
        from accountreview.services.lookup import resolve_account

        try:
            account = resolve_account(self.ws, self.start_account or "")
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.open_review(account.id, self.week)

    # --- the week and the navigation: what the screens' messages ask for ------------

    def step_week(self, step: int) -> bool:
        """Move the week shown by `step` weeks (`[` / `]`); past the accepted weeks
        (1970-W01 to 2100-W52) the week stays and a message says so (False)."""
        try:
            self.week = self.week.step(step)
        except InvalidValue as error:
            self.notify(str(error), severity="error")
            return False
        return True

    def on_week_step_asked(self, message: WeekStepAsked) -> None:
        message.stop()
        self.step_week(message.step)

    def open_review(
        self, account_id: str, week: IsoWeek, *, source: AccountList | None = None
    ) -> None:
        """Show the review screen for an account and week; its "next account" follows
        `source` (by default the screen shown now, if it lists accounts).

        One review screen is made once and reused: pushing a screen that is already
        built costs a fraction of building a new one, which keeps `enter` instant.
        """
        from accountreview.tui.screens.review import ReviewScreen

        shown = self.screen
        self._review_source = source or (shown if isinstance(shown, AccountList) else None)
        screen = reused_screen(
            self, "review", ReviewScreen, lambda: ReviewScreen(self.ws, account_id, week)
        )
        screen.show(account_id, week)
        self.push_screen(screen)

    def on_review_screen_closed(self, message: "ReviewScreen.Closed") -> None:
        message.stop()
        self._next_review(message.review, message.account_id, after_close=True)

    def on_review_screen_skipped(self, message: "ReviewScreen.Skipped") -> None:
        message.stop()
        self._next_review(message.review, message.account_id, after_close=False)

    def _next_review(self, review: "ReviewScreen", account_id: str, *, after_close: bool) -> None:
        """Show the next account not closed yet of the list the review was opened from
        (the queue, or a rep's accounts in the audit); back to the list when none is."""
        source = self._review_source
        next_id = source.next_after(account_id) if source is not None else None
        if source is None or next_id is None or next_id == account_id:
            if after_close:
                self.notify("Every review of this list is closed. Well done.")
            if self.screen is review:
                self.pop_screen()
            return
        source.move_to(next_id)
        review.show(next_id, review.week)

    def on_queue_screen_audit_asked(self, message: "QueueScreen.AuditAsked") -> None:
        """Show the audit of the week (built once and reused: the weeks it read stay)."""
        from accountreview.tui.screens.audit import AuditScreen

        message.stop()
        self.push_screen(
            reused_screen(self, "audit", AuditScreen, lambda: AuditScreen(self.ws, self.week))
        )

    def on_audit_screen_rep_chosen(self, message: "AuditScreen.RepChosen") -> None:
        """Show one rep's accounts in the audit (one screen, reused like the review's)."""
        from accountreview.tui.screens.audit_rep import RepAuditScreen

        message.stop()
        screen = reused_screen(
            self,
            "rep-audit",
            RepAuditScreen,
            lambda: RepAuditScreen(self.ws, message.rep, self.week, self.open_review),
        )
        screen.show(message.rep)
        self.push_screen(screen)

    def on_welcome_screen_import_asked(self, message: "WelcomeScreen.ImportAsked") -> None:
        message.stop()
        self.action_import_data()

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from accountreview.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_import_data(self) -> None:
        """Import CSV files (in a worker, with progress)."""
        from accountreview.tui.screens.transfer import ImportScreen

        if not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen(self.ws))

    def action_export_data(self) -> None:
        """Export data to a file (in a worker)."""
        from accountreview.tui.screens.transfer import ExportScreen

        if not isinstance(self.screen, ExportScreen):
            self.push_screen(ExportScreen(self.ws))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers every key of the current screen, titled "Screen: action",
        then the app's own commands."""
        yield from screen_commands(screen, self.keymap)
        yield SystemCommand("App: help", f"key {self.key_of('app.help')}", self.action_help)
        yield SystemCommand(
            "App: import…",
            f"key {self.key_of('app.import')} · the app's own CSV, Salesforce, HubSpot",
            self.action_import_data,
        )
        yield SystemCommand(
            "App: export…",
            f"key {self.key_of('app.export')} · CSV, JSON, calendar, Salesforce Tasks",
            self.action_export_data,
        )
        yield SystemCommand("App: quit", f"key {self.key_of('app.quit')}", self.action_quit)
        yield SystemCommand("App: change theme", "light or dark", self.action_change_theme)
        yield SystemCommand(
            "App: back up the database", "a private copy in backups/", self.action_backup
        )
        yield from self.sync_commands()

    def key_of(self, binding_id: str) -> str:
        """An app key as the key bar writes it (`key_label`), found by its binding id."""
        return next(
            key_label(b) for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id
        )

    def action_backup(self) -> None:
        """Back up the database in a worker thread; the app stays usable meanwhile."""
        self.notify("Backing up…", timeout=2)
        self.run_worker(self._backup, thread=True, exclusive=True, group="backup")

    def _backup(self) -> None:
        from accountreview.services.recovery import backup_database

        try:
            done = backup_database(self.ws.db.path)
        except UserError as error:
            self.call_from_thread(self.notify, str(error), severity="error", timeout=10)
        else:
            self.call_from_thread(self.notify, f"Backed up to {done.copy}", timeout=8)

    def on_unmount(self) -> None:
        self.ws.close()


def binding_ids() -> Iterator[str]:
    """The id of every key of the app, its screens, dialogs and lists: what a keymap may remap."""
    from accountreview.tui.preferences import screen_binding_ids

    yield from screen_binding_ids()
    yield from (b.id for b in AccountReviewApp.BINDINGS if isinstance(b, Binding) and b.id)
    yield from sync_binding_ids()
