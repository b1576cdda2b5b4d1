"""The small things of issue 14: plurals, the channel's wording, the progress line, one
word for a contact's staleness, queue/review/account show --format csv, the reopen
dialog that keeps its text, and one style of key names in the palette."""

import csv
import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from textual.binding import Binding
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.cli.data import _Bar
from accountreview.domain.close_rule import SlotFacts, review_risks
from accountreview.domain.contacts import cadence_days, staleness
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, Role, Staleness
from accountreview.services import reviews
from accountreview.services.exporting.request import EXPORT_KINDS, ExportReport
from accountreview.services.lookup import resolve_account
from accountreview.services.stakeholders import add_stakeholder, log_touch
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.text import plural
from accountreview.tui import AccountReviewApp
from accountreview.tui.widgets.key_bar import key_label
from conftest import TODAY, Seeded, content_hash
from test_db import closed_review

runner = CliRunner()
WEEK = IsoWeek.of(TODAY)


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --- plurals and wording -----------------------------------------------------------------


def test_plural_agrees_with_the_count() -> None:
    assert plural(1, "touch") == "1 touch"
    assert plural(2, "touch") == "2 touches"
    assert plural(0, "account") == "0 accounts"
    assert plural(1_000, "rep") == "1,000 reps"
    assert plural(1, "column") == "1 column"


@pytest.mark.parametrize("kind", EXPORT_KINDS)
def test_an_export_of_one_record_says_one(kind: str) -> None:
    one = ExportReport(kind=kind, format="csv", rows=1).summary()
    two = ExportReport(kind=kind, format="csv", rows=2).summary()
    assert not one.split(" (")[0].endswith("s"), one  # "Wrote 1 touch", not "1 touches"
    assert two.split(" (")[0] == f"Wrote 2 {kind}", two


def test_counts_in_cli_output_agree(db_path: Path, seeded: Seeded) -> None:
    _, stdout, _ = run(db_path, "accounts")
    assert stdout.rstrip().endswith("\n1 account")
    code, _, stderr = run(db_path, "audit", "--strict")
    assert code == 3 and "1 rep below 100%" in stderr


@pytest.mark.parametrize("channel", list(Channel))
def test_a_logged_touch_names_its_channel_in_plain_words(
    db_path: Path, seeded: Seeded, channel: Channel
) -> None:
    code, stdout, _ = run(
        db_path, "touch", "Acme Corp", "Sam Okafor", "--on", "today", "--channel", channel.value
    )
    assert code == 0
    assert f"on {TODAY} ({channel.label});" in stdout
    assert " by " not in stdout  # not "by in person", "by event"


# --- the progress line -------------------------------------------------------------------


def screen_line(written: str) -> str:
    """What a terminal shows after `written`: each \\r returns to the line's start and
    the text after it overwrites, leaving what it does not reach."""
    shown = ""
    for part in written.split("\r"):
        shown = part + shown[len(part) :]
    return shown.rstrip()


def test_a_shorter_progress_line_leaves_nothing_of_the_longer_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    bar = _Bar()
    bar.enabled = True  # as on a terminal
    bar("accounts", 50_000, 100_000)
    bar("accounts", 100_000, 100_000)
    bar("indexes", 1, 1)
    assert screen_line(err.getvalue()).endswith("] 1/1")
    assert screen_line(err.getvalue()).startswith("indexes")


# --- one word for a contact's staleness ----------------------------------------------------


@pytest.mark.parametrize("role", [*Role, None])
def test_the_slot_word_and_the_risks_agree_for_every_role_and_age(role: Role | None) -> None:
    for days in range(0, 200):
        last = TODAY - timedelta(days=days)
        state = staleness(last, TODAY, role=role)
        slot = SlotFacts(1, "s1", "Ann", role=role, last_contact_on=last, confirmed_in_role=True)
        risks = " ".join(review_risks([slot], today=TODAY, last_in_person_on=TODAY))
        assert (state is Staleness.OVERDUE) == ("is overdue" in risks), (role, days, risks)
        assert (state is Staleness.STALE) == ("is stale" in risks), (role, days, risks)
        assert state is not Staleness.FRESH or days <= cadence_days(role)


def test_a_champion_past_their_cadence_is_overdue_in_the_row_and_the_risks(
    ws: Workspace, seeded: Seeded
) -> None:
    account = resolve_account(ws, seeded.account_id)
    person = add_stakeholder(ws, account, name="Cara Late", role=Role.CHAMPION)
    log_touch(ws, person, on=TODAY - timedelta(days=20), channel=Channel.VIDEO)  # cadence 14
    view = reviews.set_slot(ws, account, WEEK, 1, person.id)
    assert view.slots[0].staleness is Staleness.OVERDUE
    assert any("Cara Late is overdue" in r for r in view.risks)


# --- --format csv ---------------------------------------------------------------------------


def test_queue_prints_csv_with_the_formula_guard(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    ws.db.conn.execute("UPDATE account SET name = '=HYPERLINK(\"http://x\")'")
    ws.db.conn.commit()
    code, stdout, _ = run(db_path, "queue", "--format", "csv")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(stdout)))
    assert header == ["status", "account", "current", "potential", "stage", "attention"]
    assert rows == [["not started", "'=HYPERLINK(\"http://x\")", "40000", "2000000", "customer",
                     rows[0][5]]]  # fmt: skip
    assert rows[0][5]


@pytest.mark.parametrize(
    "args",
    [
        ("review", "Acme Corp", "--format", "csv"),
        ("review", "Acme Corp", "--slot", "1=Sam Okafor", "--format", "csv"),
        ("account", "show", "Acme Corp", "--format", "csv"),
    ],
)
def test_review_and_account_show_refuse_csv_naming_the_formats(
    db_path: Path, seeded: Seeded, args: tuple[str, ...]
) -> None:
    before = content_hash(db_path)
    code, stdout, stderr = run(db_path, *args)
    assert code == 2
    assert "--format csv" in stderr and "table or json" in stderr
    assert stdout == ""
    assert content_hash(db_path) == before


# --- the TUI: the reopen dialog and the palette -----------------------------------------------


async def test_a_reopen_reason_over_the_limit_keeps_the_dialog_and_the_text(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    from textual.widgets import Input, Static

    from accountreview.tui.screens.forms import ReasonForm

    closed_review(ws, seeded)
    before = content_hash(ws)
    app_ = AccountReviewApp(open_workspace(db_path, TODAY, create=True), account="Acme Corp")
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app_.screen, ReasonForm)
        long_reason = "the champion moved to another team " * 20  # 700 characters
        app_.screen.query_one("#reason", Input).value = long_reason
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app_.screen, ReasonForm)  # still open
        assert app_.screen.query_one("#reason", Input).value == long_reason  # text kept
        error = str(app_.screen.query_one(".field-error", Static).render())
        assert "at most 500 characters" in error
        assert content_hash(db_path) == before
        app_.screen.query_one("#reason", Input).value = "the champion moved"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app_.screen, ReasonForm)
    status = [tuple(r) for r in ws.db.conn.execute("SELECT status FROM review")]
    assert status == [("open",)]


async def test_every_palette_entry_writes_keys_as_the_key_bar_does(
    db_path: Path, seeded: Seeded
) -> None:
    app_ = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screens = [app_.screen]
        await pilot.press("enter")
        await pilot.pause()
        screens.append(app_.screen)
        for screen in screens:
            # The keys in force: the app's, the screen's and its focused widgets' (j/k).
            active = [b.binding for b in screen.active_bindings.values()]
            bindings = [*app_.BINDINGS, *screen.BINDINGS, *active]
            assert all(isinstance(b, Binding) for b in bindings)
            labels = {key_label(b) for b in bindings if isinstance(b, Binding)}
            keyed = [c for c in app_.get_system_commands(screen) if c.help.startswith("key ")]
            assert len(keyed) >= 4
            for command in keyed:
                key = command.help.removeprefix("key ").split(" · ")[0]
                assert key in labels, (command.title, command.help)
                assert "ctrl+" not in command.help, command.help


def test_check_counts_rows_with_the_plural_helper(db_path: Path, seeded: Seeded) -> None:
    code, stdout, _ = run(db_path, "check")
    assert code == 0
    counts = {line.split()[0]: line.split()[1:] for line in stdout.splitlines()[1:-1]}
    assert counts["rep"] == ["1", "row"]  # one rep: "1 row", not "1 rows"
    assert counts["stakeholder"] == ["7", "rows"]


def test_the_cli_does_not_import_textual_or_rich_to_print_a_table() -> None:
    import subprocess

    code = (
        "import sys, accountreview.cli.render, accountreview.cli.views, accountreview.cli.width;"
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
