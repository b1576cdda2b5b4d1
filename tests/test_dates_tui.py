"""The app's date fields and week keys keep to the accepted dates, by keys only.

The touch and next-contact forms read dates with the same parser as the CLI
(`parse_quick_date`): a date out of range is refused at the field, the form
stays open and nothing is saved. `[` / `]` stop at 1970-W01 and 2100-W52 with
a message, on the queue, the audit and a rep's audit. Dates stored out of range
by an older version are drawn on every screen without an error.
"""

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from accountreview.domain.dates import EARLIEST, FIRST_WEEK, LAST_WEEK, LATEST, latest_planned
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.audit_rep import RepAuditScreen
from accountreview.tui.screens.history import HistoryScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, Seeded, seed
from test_dates_stored import OUT_OF_RANGE, store_raw

PLANNED_END = latest_planned(TODAY)


def count(path: Path, sql: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


async def settle(app: AccountReviewApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_form(app: AccountReviewApp, pilot: Pilot[None], key: str) -> None:
    """From the queue: open Acme's review, put Nina Park in slot 1, open a form on her."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter", *"nina", "enter")  # never contacted: the touch form opens
    await pilot.pause()
    if key != "t":
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()


async def submit(app: AccountReviewApp, pilot: Pilot[None], text: str) -> str:
    """Type `text` as the form's date, press enter; the field's error ("" if none)."""
    app.screen.query_one("#when", Input).value = text
    await pilot.press("enter")
    await pilot.pause()
    errors = app.screen.query(".field-error")
    return str(errors.first(Static).render()) if errors else ""


NINA_TOUCHES = (
    "SELECT count(*) FROM touch WHERE stakeholder_id IN "
    "(SELECT id FROM stakeholder WHERE name = 'Nina Park')"
)


@pytest.mark.parametrize("text", ["1969-12-31", "0001-01-01", "9999-12-31", "2101-01-01"])
async def test_touch_form_refuses_dates_out_of_range(
    db_path: Path, seeded: Seeded, text: str
) -> None:
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_form(app, pilot, "t")
        error = await submit(app, pilot, text)
        assert f"date: '{text}' is out of range; expected a date from 1970-01-01" in error
        assert app.screen.query_one("#when", Input).value == text  # kept to be corrected
        assert count(db_path, NINA_TOUCHES) == 0
        assert await submit(app, pilot, "1970-01-01") == ""
        assert count(db_path, NINA_TOUCHES) == 1


async def test_next_contact_form_takes_up_to_five_years_ahead(
    db_path: Path, seeded: Seeded
) -> None:
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    planned = "SELECT next_contact_on FROM stakeholder WHERE name = 'Nina Park'"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_form(app, pilot, "n")
        assert type(app.screen).__name__ == "NextContactForm"
        for text in [(PLANNED_END + timedelta(days=1)).isoformat(), "+99999d", "9999-12-31"]:
            error = await submit(app, pilot, text)
            assert "is not valid" in error or "out of range" in error, (text, error)
            assert count(db_path, planned) is None
        error = await submit(app, pilot, (PLANNED_END + timedelta(days=1)).isoformat())
        assert f"to {PLANNED_END.isoformat()} (5 years after today)" in error
        assert await submit(app, pilot, PLANNED_END.isoformat()) == ""
        assert count(db_path, planned) == PLANNED_END.isoformat()


def messages(app: AccountReviewApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize(
    ("today", "key", "edge"),
    [(LATEST, "right_square_bracket", LAST_WEEK), (EARLIEST, "left_square_bracket", FIRST_WEEK)],
)
async def test_week_keys_stop_at_the_accepted_weeks(
    db_path: Path, seeded: Seeded, today: date, key: str, edge: object
) -> None:
    app = AccountReviewApp(open_workspace(db_path, today, create=True))
    refusal = "is out of range; expected a week from 1970-W01 to 2100-W52"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen) and app.week == edge
        await pilot.press(key)
        await settle(app, pilot)
        assert app.week == edge
        assert any(refusal in m for m in messages(app))
        back = "left_square_bracket" if key == "right_square_bracket" else "right_square_bracket"
        await pilot.press(back)
        await settle(app, pilot)
        assert app.week == edge.step(-1 if edge == LAST_WEEK else 1)
        await pilot.press(key)
        await settle(app, pilot)
        assert app.week == edge

        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        shown = len(messages(app))
        await pilot.press(key)
        await settle(app, pilot)
        assert app.week == edge and len(messages(app)) == shown + 1

        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RepAuditScreen)
        await pilot.press(key)
        await settle(app, pilot)
        assert app.week == edge and len(messages(app)) == shown + 2


def stored_out_of_range(path: Path, value: str) -> None:
    ws: Workspace = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    ws.close()
    store_raw(path, value, seeded.people)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
async def test_every_screen_draws_dates_stored_out_of_range(db_path: Path, value: str) -> None:
    stored_out_of_range(db_path, value)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.view is not None
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RepAuditScreen)
