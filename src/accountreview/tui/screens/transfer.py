"""Import… and Export… (from the palette): a dialog whose work runs in a worker thread.

The worker opens its own connection to the database (a SQLite connection stays
in the thread that made it), so the screen stays live and shows progress while
a long file is read. What each file was read as, and what it did, is listed in
the dialog when the work ends; the queue underneath reloads when it closes.
"""

import shlex
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, Select

from accountreview.domain.dates import IsoWeek
from accountreview.domain.errors import InvalidValue
from accountreview.services.errors import UserError
from accountreview.services.fields import path_field
from accountreview.services.workspace import Workspace, reopen_workspace
from accountreview.tui.widgets.line import Line

SOURCES = [("told by each file's header", ""), ("native", "native")]
SOURCES += [("Salesforce", "salesforce"), ("HubSpot", "hubspot")]
EXPORTS = [
    ("accounts", "accounts"),
    ("stakeholders", "stakeholders"),
    ("touches", "touches"),
    ("touches as Salesforce Tasks (Data Loader)", "salesforce-tasks"),
    ("reviews", "reviews"),
    ("next contacts (calendar)", "next-contacts"),
    ("lost small deals: follow-ups", "follow-ups"),
]
FORMATS = [("CSV", "csv"), ("JSON", "json"), ("iCalendar", "ics")]


class _TransferDialog(ModalScreen[bool]):
    """A dialog that runs one import or export in a worker; dismissed with whether it did."""

    PALETTE_SECTION = "Form"
    BINDINGS = [Binding("escape", "close", "Close", id="transfer.close")]

    done = False

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def worker_workspace(self) -> Workspace:
        """A workspace of its own for the worker thread (same database, day and actor)."""
        return reopen_workspace(self.ws)

    def show(self, message: str, *, error: bool = False) -> None:
        self.query_one("#transfer-error" if error else "#transfer-result", Line).update(message)
        if error:
            self.query_one("#transfer-result", Line).update("")

    def set_progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def action_close(self) -> None:
        if not self.workers or all(w.is_finished for w in self.workers):
            self.dismiss(self.done)


class ImportScreen(_TransferDialog):
    """Import CSV files: the app's own, or Salesforce and HubSpot exports."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line("Import CSV files", classes="dialog-title")
            yield Input(
                placeholder="file(s): data/reps.csv ~/Downloads/Account.csv",
                id="paths",
                compact=True,
            )
            yield Select(SOURCES, value="", allow_blank=False, id="source", compact=True)
            yield Input(
                placeholder="rep for CRM accounts without a known owner", id="rep", compact=True
            )
            yield Input(
                placeholder='potential from column, e.g. "Annual Revenue"',
                id="potential",
                compact=True,
            )
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Line("", id="transfer-error", classes="field-error")
            yield Line("", id="transfer-result", classes="transfer-result")
            yield Line("enter imports · tab next field · escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#paths", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            paths = [
                path_field(p, "files") for p in shlex.split(self.query_one("#paths", Input).value)
            ]
        except ValueError as error:
            self.show(f"files: {error}", error=True)
            return
        except UserError as error:
            self.show(str(error), error=True)
            return
        if not paths:
            self.show("files: give at least one CSV file", error=True)
            return
        source = self.query_one("#source", Select).value
        self.show("Importing…")
        self.run_import(
            paths,
            source=source if isinstance(source, str) and source else None,
            rep=self.query_one("#rep", Input).value.strip() or None,
            potential=self.query_one("#potential", Input).value.strip().strip('"') or None,
        )

    @work(thread=True, exclusive=True, group="transfer")
    def run_import(
        self, paths: list[Path], *, source: str | None, rep: str | None, potential: str | None
    ) -> None:
        from accountreview.services.importing import (
            ImportOptions,
            detect_file,
            import_file,
            in_import_order,
        )

        options = ImportOptions(source=source, rep=rep, potential_from=potential)
        lines: list[str] = []
        try:
            ws = self.worker_workspace()
        except UserError as error:
            self.app.call_from_thread(self.show, str(error), error=True)
            return
        try:
            found = in_import_order([detect_file(path, options) for path in paths])
            for detected in found:
                lines.append(f"Reading {detected.describe()}")
                self.app.call_from_thread(self.show, "\n".join(lines))
                report = import_file(
                    ws,
                    detected.path,
                    options=options,
                    progress=lambda _stage, done, total: self.app.call_from_thread(
                        self.set_progress, done, total
                    ),
                )
                lines.append(report.summary())
                self.done = True
            self.app.call_from_thread(self.show, "\n".join(lines))
        except (UserError, InvalidValue) as error:
            done = "\n".join(lines)
            self.app.call_from_thread(self.show, f"{done}\n{error}".strip(), error=True)
        finally:
            ws.close()


class ExportScreen(_TransferDialog):
    """Export accounts, stakeholders, touches, reviews, next contacts or follow-ups to a file."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line("Export to a file (private to you: 0600)", classes="dialog-title")
            yield Select(EXPORTS, value="accounts", allow_blank=False, id="kind", compact=True)
            yield Select(FORMATS, value="csv", allow_blank=False, id="format", compact=True)
            yield Input(placeholder="week (optional), e.g. 2026-W47", id="week", compact=True)
            yield Input(value="accountreview-accounts.csv", id="path", compact=True)
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Line("", id="transfer-error", classes="field-error")
            yield Line("", id="transfer-result", classes="transfer-result")
            yield Line("enter exports · tab next field · escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#kind", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Keep the file name's extension in step with what is chosen."""
        kind, fmt = self.query_one("#kind", Select).value, self.query_one("#format", Select).value
        if event.select.id == "kind" and kind == "next-contacts":
            self.query_one("#format", Select).value = fmt = "ics"
        elif event.select.id == "kind" and fmt == "ics":
            self.query_one("#format", Select).value = fmt = "csv"
        path = self.query_one("#path", Input)
        if path.value.startswith("accountreview-"):
            path.value = f"accountreview-{kind}.{fmt}"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from accountreview.services.exporting import ExportRequest, check_request

        kind = str(self.query_one("#kind", Select).value)
        fmt = str(self.query_one("#format", Select).value)
        week_text = self.query_one("#week", Input).value.strip()
        try:
            week = IsoWeek.parse(week_text) if week_text else None
            shape = "salesforce-tasks" if kind == "salesforce-tasks" else None
            request = ExportRequest(
                "touches" if shape else kind, None if shape else fmt, week, shape=shape
            )
            check_request(request)
        except (InvalidValue, UserError) as error:
            self.show(str(error), error=True)
            return
        try:
            path = path_field(self.query_one("#path", Input).value.strip() or "export", "file")
        except UserError as error:
            self.show(str(error), error=True)
            return
        self.show("Exporting…")
        self.run_export(request, path)

    @work(thread=True, exclusive=True, group="transfer")
    def run_export(self, request: object, path: Path) -> None:
        from accountreview.services.exporting import ExportRequest, export_to_file

        assert isinstance(request, ExportRequest)
        try:
            ws = self.worker_workspace()
        except UserError as error:
            self.app.call_from_thread(self.show, str(error), error=True)
            return
        try:
            report = export_to_file(ws, request, path)
            self.done = True
            self.app.call_from_thread(self.set_progress, 1, 1)
            self.app.call_from_thread(self.show, report.summary())
        except UserError as error:
            self.app.call_from_thread(self.show, str(error), error=True)
        finally:
            ws.close()
