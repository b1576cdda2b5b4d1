"""The app shell: opens the workspace, picks the rep, shows the queue.

Screens ask the services for everything; none of them touches the database.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from os import PathLike
from pathlib import Path

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from accountreview.db.reps import RepRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.errors import InvalidValue
from accountreview.services.errors import UserError
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui.literal import printable
from accountreview.tui.sync_worker import SyncingApp, sync_binding_ids
from accountreview.tui.widgets.key_bar import key_label


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

    def __init__(
        self,
        db: str | PathLike[str],
        today: date,
        rep: str | None = None,
        *,
        account: str | None = None,
        week: IsoWeek | None = None,
        workspace: Workspace | None = None,
        demo_db: Path | None = None,
        config: Path | None = None,
        signed_in: bool = False,
    ) -> None:
        super().__init__()
        # Signed in as `rep` (a browser session of `serve`): the app never acts as anyone
        # else; `w` only reads the queues that rep may read.
        self.signed_in = signed_in
        from accountreview.paths import config_dir, default_demo_db

        self.config = config or config_dir()  # keymap.toml and settings.json

        self.keymap: dict[str, str] = {}  # the user's remapped keys, by binding id
        self.demo_db = demo_db or default_demo_db()  # what the welcome screen's "demo" opens
        self.ws = workspace or open_workspace(db, today, create=True)
        self.rep_override = rep
        self.start_account = account
        self.week = week or IsoWeek.of(today)

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
        self._load_preferences()
        self._start()
        self.start_sync()  # in the background, only when the file has a hub

    def _load_preferences(self) -> None:
        """The user's keymap and last theme; a keymap that cannot be used is a message and
        the app keeps its own keys."""
        from accountreview.tui.preferences import PreferenceProblem, read_keymap, read_theme

        self._saved_theme = read_theme(self.config)
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme
        try:
            self.keymap = read_keymap(
                self.config, binding_ids()
            )  # screens imported only if a file is there
        except PreferenceProblem as error:
            self.notify(f"{error}. The usual keys are used.", severity="error", timeout=15)
        else:
            self.set_keymap(self.keymap)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """Remember the theme chosen (in the palette) for the next start."""
        from accountreview.tui.preferences import PreferenceProblem, save_theme

        if theme.name == self._saved_theme:
            return
        try:
            save_theme(self.config, theme.name)
            self._saved_theme = theme.name
        except PreferenceProblem as error:
            self.notify(str(error), severity="warning", timeout=8)

    def _start(self) -> None:
        """The queue of the rep using the app; who they are first if not known, and the
        welcome screen on a database with nobody in it."""
        from accountreview.services.reps import current_rep, list_reps
        from accountreview.tui.screens.queue import QueueScreen
        from accountreview.tui.screens.welcome import WelcomeScreen
        from accountreview.tui.screens.who import WhoScreen

        try:
            rep = current_rep(self.ws, self.rep_override)
        except UserError as error:
            self.notify(str(error), severity="error")
            rep = None
        if rep is None:
            reps = list_reps(self.ws)
            if not reps:
                self.push_screen(WelcomeScreen(), self._welcomed)
            else:
                self.push_screen(WhoScreen(reps), self._rep_chosen)
            return
        self.push_screen(QueueScreen(rep))
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
        """Work in the demo database from now on (its first rep signed in when just built)."""
        from accountreview.services.reps import remember_first_rep

        today = self.ws.today
        self.ws.close()
        self.ws = open_workspace(self.demo_db, today)
        if built:
            remember_first_rep(self.ws)
        self._start()

    def _rep_chosen(self, rep_id: str | None) -> None:
        from accountreview.services.lookup import resolve_rep
        from accountreview.services.reps import remember_rep
        from accountreview.tui.screens.queue import QueueScreen

        if rep_id is None:
            self.exit()
            return
        rep = resolve_rep(self.ws, rep_id)
        remember_rep(self.ws, rep)
        self.push_screen(QueueScreen(rep))
        if self.start_account:
            self._open_start_account()

    def _open_start_account(self) -> None:
        from accountreview.services.lookup import resolve_account

        try:
            account = resolve_account(self.ws, self.start_account or "")
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.open_review(account.id, self.week)

    def step_week(self, step: int) -> bool:
        """Move the app's week by `step` weeks (`[` / `]`); past the accepted weeks
        (1970-W01 to 2100-W52) the week stays and a message says so (False)."""
        try:
            self.week = self.week.step(step)
        except InvalidValue as error:
            self.notify(str(error), severity="error")
            return False
        return True

    def weeks_beside(self) -> list[IsoWeek]:
        """The weeks before and after the one shown, those a user may step to (read ahead)."""
        beside = []
        for step in (-1, 1):
            try:
                beside.append(self.week.step(step))
            except InvalidValue:
                continue
        return beside

    def open_review(self, account_id: str, week: IsoWeek) -> None:
        """Show the review screen for an account and week.

        One review screen is made once and reused: pushing a screen that is already
        built costs a fraction of building a new one, which keeps `enter` instant.
        """
        from accountreview.tui.screens.review import ReviewScreen

        if not self.is_screen_installed("review"):
            self.install_screen(ReviewScreen(account_id, week), "review")
        screen = self.get_screen("review")
        assert isinstance(screen, ReviewScreen)
        screen.show(account_id, week)
        self.push_screen(screen)

    def open_audit(self) -> None:
        """Show the audit of the week (built once and reused: the weeks it read stay)."""
        from accountreview.tui.screens.audit import AuditScreen

        if not self.is_screen_installed("audit"):
            self.install_screen(AuditScreen(), "audit")
        self.push_screen("audit")

    def open_rep_audit(self, rep: RepRow) -> None:
        """Show one rep's accounts in the audit (one screen, reused like the review's)."""
        from accountreview.tui.screens.audit_rep import RepAuditScreen

        if not self.is_screen_installed("rep-audit"):
            self.install_screen(RepAuditScreen(rep), "rep-audit")
        screen = self.get_screen("rep-audit")
        assert isinstance(screen, RepAuditScreen)
        screen.show(rep)
        self.push_screen(screen)

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from accountreview.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_import_data(self) -> None:
        """Import CSV files (in a worker, with progress)."""
        from accountreview.tui.screens.transfer import ImportScreen

        if not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen())

    def action_export_data(self) -> None:
        """Export data to a file (in a worker)."""
        from accountreview.tui.screens.transfer import ExportScreen

        if not isinstance(self.screen, ExportScreen):
            self.push_screen(ExportScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every key of the current screen, titled "Screen: action"."""
        section = getattr(screen, "PALETTE_SECTION", "App")
        focused = screen.focused
        for binding in getattr(focused, "BINDINGS", []):  # j / k of the list in focus
            if isinstance(binding, Binding) and binding.id and focused is not None:
                yield SystemCommand(
                    f"{section}: {binding.description.lower()}",
                    f"key {key_label(binding, self.keymap)}",
                    partial(focused.run_action, binding.action),
                )
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(
                    f"{section}: {binding.description.lower()}",
                    f"key {key_label(binding, self.keymap)}",
                    partial(screen.run_action, binding.action),
                )
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
    from importlib import import_module

    for name in (*_SCREEN_MODULES, "accountreview.tui.widgets.list_keys"):
        for holder in vars(import_module(name)).values():
            for binding in getattr(holder, "BINDINGS", []) if isinstance(holder, type) else []:
                if isinstance(binding, Binding) and binding.id:
                    yield binding.id
    yield from (b.id for b in AccountReviewApp.BINDINGS if isinstance(b, Binding) and b.id)
    yield from sync_binding_ids()


_SCREEN_MODULES = tuple(
    f"accountreview.tui.screens.{name}"
    for name in (
        "audit",
        "audit_rep",
        "conflicts",
        "forms",
        "help",
        "history",
        "queue",
        "refusal",
        "review",
        "transfer",
        "welcome",
        "who",
    )
)
