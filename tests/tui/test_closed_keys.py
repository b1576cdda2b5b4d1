"""On a closed review the edit keys are hidden from the key bar, and pressing one says
why (reopen with o) instead of doing nothing: the review and the database stay as they
were."""

from pathlib import Path
from typing import Any

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import set_next_contact
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, Seeded, content_hash

WEEK = IsoWeek.of(TODAY)


def close_the_review(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    for position, key in enumerate(("ceo", "cio", "buyer", "champ", "user"), start=1):
        reviews.set_slot(ws, account, WEEK, position, seeded.people[key])
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    reviews.close_review(ws, account, WEEK)


async def test_edit_keys_on_a_closed_review_say_why(
    ws: Workspace, seeded: Seeded, db_path: Path
) -> None:
    close_the_review(ws, seeded)
    ws.close()
    before = content_hash(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    shown: list[str] = []
    notify = app.notify

    def spy(message: str, **options: Any) -> None:
        shown.append(message)
        notify(message, **options)

    app.notify = spy  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_review(seeded.account_id, WEEK)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.view is not None
        assert screen.view.status is ReviewStatus.CLOSED
        for key in ("t", "x", "c", "l", "n", "e", "ctrl+d"):
            shown.clear()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key  # no dialog opened
            assert any("closed" in m and "o to reopen" in m for m in shown), (key, shown)
    assert content_hash(db_path) == before
