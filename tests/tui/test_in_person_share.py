"""The review's facts show the share of touches in person beside the last in-person
meeting ("get on more planes"): the figure the services compute, as a whole percent."""

from pathlib import Path

from accountreview.domain.dates import IsoWeek
from accountreview.services.facts import account_facts
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, Seeded


async def test_the_facts_show_the_in_person_share(
    ws: Workspace, seeded: Seeded, db_path: Path
) -> None:
    facts = account_facts(ws, resolve_account(ws, seeded.account_id))
    assert facts.in_person_share is not None and 0 < facts.in_person_share < 1
    expected = f"in person: {facts.last_in_person} ({facts.in_person_share:.0%} of touches)"
    ws.close()
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.open_review(seeded.account_id, IsoWeek.of(TODAY))
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        shown = str(app.screen.query_one("#facts").render())
        assert expected in shown.replace("\n", " "), shown
