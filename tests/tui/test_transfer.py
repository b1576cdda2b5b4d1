"""Import… and Export… in the TUI: from the palette or their keys, run in a worker."""

import os
import stat
from pathlib import Path

import icalendar
from textual.widgets import Input, ProgressBar, Select, Static

from accountreview.db import crm as crm_queries
from accountreview.services.importing import import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.reps import current_rep
from accountreview.services.stakeholders import set_next_contact
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.transfer import ExportScreen, ImportScreen
from conftest import TODAY

DATA = Path(__file__).resolve().parent.parent.parent / "data"
SF = DATA / "samples" / "salesforce"


def native(path: Path) -> None:
    ws = open_workspace(path, TODAY, create=True)
    try:
        for kind in ("reps", "accounts", "stakeholders", "touches"):
            import_file(ws, DATA / f"{kind}.csv")
        current_rep(ws, "Ann Lee")  # Ann plans her next contact
        sam = resolve_stakeholder(ws, resolve_account(ws, "Acme Logistics"), "Sam Okafor")
        set_next_contact(ws, sam, TODAY.replace(day=30))
    finally:
        ws.close()


def text_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_palette_offers_import_and_export_with_their_keys(db_path: Path) -> None:
    native(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="Ann Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["App: import…"].startswith("key ^g")
        assert commands["App: export…"].startswith("key ^e")


async def test_import_runs_in_a_worker_and_shows_what_each_file_did(db_path: Path) -> None:
    native(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="Ann Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        files = f"{SF / 'Contact.csv'} {SF / 'User.csv'} {SF / 'Account.csv'}"
        screen.query_one("#paths", Input).value = files
        screen.query_one("#rep", Input).value = "Ann Lee"
        screen.query_one("#potential", Input).value = '"Potential ARR"'
        screen.query_one("#paths", Input).focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = text_of(screen, "#transfer-result")
        lines = result.splitlines()
        assert lines[0].startswith("Reading User.csv: Salesforce users")
        assert "Account.csv: 6 rows — 4 new, 2 updated" in result
        assert "Contact.csv: 18 rows — 13 new" in result
        assert text_of(screen, "#transfer-error") == ""
        bar = screen.query_one(ProgressBar)
        assert bar.total is not None and bar.progress == bar.total
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        acme = resolve_account(app.ws, "Acme Logistics")
        assert crm_queries.crm_of(app.ws.db.conn, "account", acme.id) is not None


async def test_import_problem_is_shown_and_changes_nothing(db_path: Path) -> None:
    native(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="Ann Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#paths", Input).value = f"{SF / 'User.csv'} {SF / 'Account.csv'}"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "User.csv: 4 rows" in text_of(screen, "#transfer-error")
        assert "Account.csv, row 7, column 'OwnerId'" in text_of(screen, "#transfer-error")
        assert resolve_account(app.ws, "Acme Logistics") is not None
        names = {r[0] for r in app.ws.db.conn.execute("SELECT name FROM account")}
        assert "Wayne Enterprises" not in names


async def test_export_writes_a_private_calendar(db_path: Path, tmp_path: Path) -> None:
    native(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="Ann Lee")
    target = tmp_path / "next.ics"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#kind", Select).value = "next-contacts"
        await pilot.pause()
        assert screen.query_one("#format", Select).value == "ics"
        path = screen.query_one("#path", Input)
        assert path.value == "accountreview-next-contacts.ics"
        path.value = str(target)
        path.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(screen, "#transfer-result").startswith("Wrote 1 next-contact (ics)")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    (event,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Contact Sam Okafor (Acme Logistics)"


async def test_unusable_paths_are_refused_at_the_field(db_path: Path) -> None:
    """An unknown ~user or a name too long for the disk is a message, not a crash."""
    native(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="Ann Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#paths", Input).value = "~nosuchuser_here/accounts.csv"
        await pilot.press("enter")
        await pilot.pause()
        assert "no home folder" in text_of(screen, "#transfer-error")
        screen.query_one("#paths", Input).value = "x" * 300 + ".csv"
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot use" in text_of(screen, "#transfer-error")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#path", Input).value = "~nosuchuser_here/out.csv"
        screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "no home folder" in text_of(screen, "#transfer-error")
        assert app.is_running
