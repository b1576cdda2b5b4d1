"""A five-account queue walked by keys in the week after a closed one: each review opens
with last week's five carried over (↻), the close is refused until each is confirmed
(`c`) or replaced, and a person who left is not carried."""

import time
from datetime import date
from pathlib import Path

from textual.widgets import OptionList

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.review_edits import ReviewEdits, apply_review_edits
from accountreview.services.reviews import review_view
from accountreview.services.stakeholders import mark_left
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.refusal import RefusalScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.note_lines import NoteLines
from carry_five import ACCOUNTS, W47, W48, build_queue, name

ROLES = ("Exec", "Cio", "Buyer", "Champ", "User")


def last_week_closed(path: Path) -> None:
    """2026-W47's five closed for every account; then Alder's buyer leaves."""
    ws = open_workspace(path, W47, create=True)
    try:
        build_queue(ws)
        for account in ACCOUNTS:
            five = [(n, name(role, account)) for n, role in enumerate(ROLES, start=1)]
            row = resolve_account(ws, account)
            apply_review_edits(ws, row, IsoWeek.of(W47), ReviewEdits(slots=five, close=True))
        alder = resolve_account(ws, "Alder")
        mark_left(ws, resolve_stakeholder(ws, alder, "Buyer Alder"), date(2026, 11, 20))
    finally:
        ws.close()


async def test_walk_a_queue_of_carried_fives_by_keys(db_path: Path) -> None:
    last_week_closed(db_path)
    app = AccountReviewApp(open_workspace(db_path, W48, create=True))
    keys = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        started = time.monotonic()
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        closed: list[str] = []
        for _ in ACCOUNTS:
            view = review.view
            assert view is not None and view.status is ReviewStatus.NOT_STARTED
            account = view.account_name
            gone = account == "Alder"
            assert [s.awaits_confirmation for s in view.slots] == [True, True, not gone, True, True]
            rows = review.query_one("#slots", OptionList)
            marks = [str(rows.get_option_at_index(n).prompt).endswith("↻") for n in range(5)]
            assert marks == [True, True, not gone, True, True]
            carried = f"↻ carried over from 2026-W47 ({4 if gone else 5}): c confirms each"
            assert carried in review.query_one("#notes", NoteLines).plain
            await pilot.press("ctrl+d")  # refused: every carried slot listed
            await pilot.pause()
            assert isinstance(app.screen, RefusalScreen)
            texts = [b.text for b in app.screen.blockers]
            assert sum("carried over from 2026-W47" in t for t in texts) == (4 if gone else 5)
            if gone:
                reason = "Slot 3: no stakeholder named (Buyer Alder left the company on 2026-11-20)"
                assert reason in texts
            await pilot.press("escape")
            await pilot.pause()
            for _ in range(4 if gone else 5):  # c confirms and moves to the next carried slot
                await pilot.press("c")
            keys += 1 + 1 + (4 if gone else 5)
            if gone:
                review.focus_slot(3)
                await pilot.press("enter", *"Spare", "enter")
                keys += 7
                await pilot.pause()
            assert review.view is not None and review.view.blockers == [], review.view.blockers
            await pilot.press("ctrl+d")
            keys += 1
            await pilot.pause()
            closed.append(account)
        seconds = time.monotonic() - started
        assert sorted(closed) == sorted(ACCOUNTS)
        assert isinstance(app.screen, QueueScreen)  # every review of the queue is closed
        print(f"\nqueue of 5 carried fives: {keys} keys, {seconds:.2f}s")
    ws = open_workspace(db_path, W48)
    try:
        for account in ACCOUNTS:
            row = resolve_account(ws, account)
            view = review_view(ws, row, IsoWeek.of(W48))
            assert view.status.value == "closed"
            expected = [name(r, account) for r in ROLES]
            if account == "Alder":
                expected[2] = "Spare Alder"
                assert "Buyer Alder left the company on 2026-11-20" in view.changes
            assert [s.name for s in view.slots] == expected
            confirmed = [s.confirmed_in_role for s in view.slots]
            assert confirmed == [True, True, account != "Alder", True, True]  # replaced: new
    finally:
        ws.close()
