"""A refused pick says what the close rule would say: the service, the CLI and the TUI
all word it with `domain.close_rule` (`placement_problems`, `position_problem`,
`slot_text`), so a message is written once."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app as cli_app
from accountreview.domain.close_rule import (
    SlotFacts,
    placement_problems,
    position_problem,
    slot_text,
)
from accountreview.domain.dates import IsoWeek
from accountreview.services import reviews
from accountreview.services.errors import InvalidInput
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import mark_left
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, Seeded, seed

WEEK = IsoWeek.of(TODAY)
SLOT_ARGS = ["--slot", "1=Carla Diaz", "--slot", "2=Carla Diaz", "--slot", "3=Gary Old"]


def domain_text(position: int, name: str, *, left: bool = False, elsewhere: int = 0) -> str:
    """The refusal the domain words for a person `left`, or in slot `elsewhere`."""
    slot = SlotFacts(position, "p", name=name, left_on=TODAY if left else None)
    problems = placement_problems(slot, TODAY, {"p": elsewhere} if elsewhere else {})
    assert len(problems) == 1
    return slot_text(position, problems[0])


def test_the_service_refuses_in_the_domain_words(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    refusals = {
        domain_text(1, "Gary Old", left=True): (1, seeded.people["gone"]),
        domain_text(2, "Carla Diaz", elsewhere=1): (2, seeded.people["ceo"]),
        str(position_problem(6)): (6, seeded.people["cio"]),
    }
    reviews.set_slot(ws, account, WEEK, 1, seeded.people["ceo"])
    for text, (position, person) in refusals.items():
        with pytest.raises(InvalidInput) as refused:
            reviews.set_slot(ws, account, WEEK, position, person)
        assert str(refused.value) == text
    other = SlotFacts(3, "x", belongs_to_account=False)
    with pytest.raises(InvalidInput) as refused:
        reviews.set_slot(ws, account, WEEK, 3, "x" * 32)  # nobody of this account
    assert str(refused.value) == slot_text(3, placement_problems(other, TODAY, {})[0])
    assert [s.stakeholder_id for s in reviews.review_view(ws, account, WEEK).slots] == [
        seeded.people["ceo"],
        None,
        None,
        None,
        None,
    ]


def test_the_cli_refuses_in_the_domain_words(db_path: Path) -> None:
    ws = open_workspace(db_path, TODAY, create=True)
    seed(ws)
    ws.close()
    result = CliRunner().invoke(
        cli_app,
        ["--db", str(db_path), "review", "Acme Corp", *SLOT_ARGS],
    )
    assert result.exit_code == 2, result.output
    for text in (
        domain_text(2, "Carla Diaz", elsewhere=1),
        domain_text(3, "Gary Old", left=True),
    ):
        assert text in result.stderr, result.stderr


async def test_the_tui_refuses_in_the_domain_words(db_path: Path) -> None:
    """A pick the picker offered, refused because another writer moved first (the
    person was put in slot 1, or left, while the picker was open)."""
    ws = open_workspace(db_path, TODAY, create=True)
    seeded = seed(ws)
    account = resolve_account(ws, seeded.account_id)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the review of Acme Corp
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("down", "enter")  # the picker, on slot 2
        await pilot.pause()
        reviews.set_slot(ws, account, WEEK, 1, seeded.people["ceo"])
        await pilot.press(*"carla", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # the picker, on slot 3
        await pilot.pause()
        mark_left(ws, resolve_stakeholder(ws, account, "Ivan Petrov"))
        await pilot.press(*"ivan", "enter")
        await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert app.screen.view is not None
        assert [s.stakeholder_id for s in app.screen.view.slots][1:3] == [None, None]
    ws.close()
    assert domain_text(2, "Carla Diaz", elsewhere=1) in shown
    assert domain_text(3, "Ivan Petrov", left=True) in shown
