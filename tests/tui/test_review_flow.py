"""The whole review walk-through, by keys only, on a real SQLite file."""

from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from accountreview.domain.dates import IsoWeek
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.refusal import RefusalScreen
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, db_rows, seed, two_accounts

WEEK = str(IsoWeek.of(TODAY))


async def pick(pilot: Pilot[None], text: str) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


async def test_walk_a_review_by_keys(db_path: Path) -> None:
    two_accounts(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.queue is not None
        assert app.screen.queue.headline == "0 of 2 closed"
        first = app.screen.queue.items[0].facts.account.name
        assert first == "Acme Corp"  # more flags: needs attention first

        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)

        # Slot 1 and 2 by typing to filter; Nina was never contacted, so the touch form opens.
        await pick(pilot, "carla")
        await pilot.press("down")
        await pick(pilot, "nina")
        await pilot.press("enter")  # touch form: "today", video
        await pilot.pause()
        assert review.view is not None
        assert [s.name for s in review.view.slots[:2]] == ["Carla Diaz", "Nina Park"]
        assert review.view.slots[1].last_contact_on == TODAY
        assert db_rows(db_path, "SELECT count(*) FROM touch WHERE touched_on = '2026-11-23'") == [
            (1,)
        ]

        # Close now: refused, and every missing slot is listed at once.
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, RefusalScreen)
        texts = [b.text for b in app.screen.blockers]
        assert texts == [
            "Slot 3: no stakeholder named",
            "Slot 4: no stakeholder named",
            "Slot 5: no stakeholder named",
        ]
        await pilot.press("down", "enter")  # jump to slot 4
        await pilot.pause()
        assert app.screen is review
        assert review.query_one("#slots", OptionList).highlighted == 3
        assert db_rows(db_path, "SELECT status FROM review") == [("open",)]

        await pilot.press("up")
        await pick(pilot, "paula")
        await pilot.press("down")
        await pick(pilot, "sam")
        await pilot.press("down")
        await pick(pilot, "uma")  # stale: the app asks for a planned next contact at once
        assert type(app.screen).__name__ == "NextContactForm"
        await pilot.press("escape")  # skip it for now
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, RefusalScreen)
        assert len(app.screen.blockers) == 1
        assert "Uma Reyes was last contacted 120 days ago" in app.screen.blockers[0].text
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"+1w", "enter")
        await pilot.pause()

        await pilot.press("ctrl+d")
        await pilot.pause()
        # Accepted: frozen in the database, and the next account of the queue opens.
        assert db_rows(db_path, "SELECT status, close_count FROM review") == [("closed", 1)]
        assert db_rows(db_path, "SELECT count(*) FROM review_snapshot") == [(5,)]
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.account.name == "Beta Ltd"
        assert app.screen.view is not None and app.screen.view.status.value == "not started"

        # Back to the queue: one closed; open Acme again and reopen it with a reason.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.queue is not None
        assert app.screen.queue.headline == "1 of 2 closed"
        acme_row = [i.facts.account.name for i in app.screen.queue.items].index("Acme Corp")
        app.screen.query_one("#queue", DataTable).move_cursor(row=acme_row)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")  # closed: edits are refused, nothing changes
        await pilot.pause()
        assert db_rows(
            db_path, "SELECT count(*) FROM review_slot WHERE stakeholder_id IS NULL"
        ) == [(0,)]
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("enter")  # empty reason: refused at the field
        await pilot.pause()
        assert db_rows(db_path, "SELECT status FROM review") == [("closed",)]
        await pilot.press(*"wrong champion", "enter")
        await pilot.pause()
        assert db_rows(db_path, "SELECT status FROM review") == [("open",)]
        assert db_rows(
            db_path, "SELECT action, reason FROM audit_log WHERE action = 'review.reopened'"
        ) == [("review.reopened", "wrong champion")]
        # Who, when and why: the rep at the keyboard, a timestamp, the reason typed.
        ((who, at),) = db_rows(
            db_path,
            "SELECT r.name, a.at FROM audit_log a JOIN rep r ON r.id = a.actor_id"
            " WHERE a.action = 'review.reopened'",
        )
        assert who == "Ann Lee"
        assert datetime.fromisoformat(at).year >= 2026


async def test_bad_date_is_shown_at_the_field_and_kept(db_path: Path) -> None:
    two_accounts(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pick(pilot, "nina")
        # The touch form is open; type a future date.
        from textual.widgets import Input, Static

        when = app.screen.query_one("#when", Input)
        when.value = "2099-01-01"
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one(".field-error", Static)
        assert "future" in str(error.render())
        assert app.screen.query_one("#when", Input).value == "2099-01-01"
        assert db_rows(
            db_path,
            "SELECT count(*) FROM touch WHERE stakeholder_id IN "
            "(SELECT id FROM stakeholder WHERE name = 'Nina Park')",
        ) == [(0,)]


async def test_help_and_palette_list_the_screen_keys(ws: Workspace, db_path: Path) -> None:
    seed(ws)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Review: close", "Review: pick", "Review: touch", "Review: history"):
            assert title in titles
        await pilot.press("question_mark")
        await pilot.pause()
        from textual.widgets import DataTable

        keys = app.screen.query_one("#keys", DataTable)
        rows = [[str(c) for c in keys.get_row_at(i)] for i in range(keys.row_count)]
        assert ["^d", "Close the review (done); lists every reason if it cannot close yet"] in rows
        assert ["?", "This list of keys"] in rows
