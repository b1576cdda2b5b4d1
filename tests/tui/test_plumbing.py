"""The app's plumbing: it is given its workspace, owns the week shown (the screens
watch it), and navigates on the screens' messages instead of their reaching around."""

from pathlib import Path

from textual.widgets import DataTable

from accountreview.domain.dates import IsoWeek
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.line import Line
from conftest import TODAY, two_accounts

WEEK = IsoWeek.of(TODAY)


def title(screen: QueueScreen | AuditScreen, selector: str) -> str:
    return str(screen.query_one(selector, Line).render())


async def test_the_week_moves_in_one_place_and_each_screen_showing_one_follows(
    db_path: Path,
) -> None:
    two_accounts(db_path)
    ws = open_workspace(db_path, TODAY, create=True)
    app = AccountReviewApp(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.ws is ws  # the workspace given, not one of its own
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.ws is ws
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.week == queue.week == WEEK.next()
        assert f"week {WEEK.next()}" in title(queue, "#queue-title")

        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        audit = app.screen
        assert isinstance(audit, AuditScreen) and audit.ws is ws
        assert audit.week == WEEK.next()
        read = queue.queue
        await pilot.press("left_square_bracket", "left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.week == audit.week == WEEK.previous()
        assert queue.week == WEEK.previous()  # watched while hidden,
        assert queue.queue is read  # and read only when shown again

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen) and app.screen.week == queue.week
        assert f"week {WEEK.previous()}" in title(queue, "#queue-title")


async def test_next_account_follows_the_list_the_review_was_opened_from(db_path: Path) -> None:
    two_accounts(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.queue is not None
        names = [i.facts.account.name for i in queue.queue.items]
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.account.name == names[0]

        await pilot.press("ctrl+n")  # ReviewScreen.Skipped: the app asks the queue
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # the same screen, reused
        assert review.account.name == names[1]
        table = queue.query_one(DataTable)
        assert table.cursor_row == 1  # the queue's cursor went along

        await pilot.press("ctrl+n")  # back to the first: the list wraps round
        await pilot.pause()
        assert review.account.name == names[0]
