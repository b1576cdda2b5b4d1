"""How the main screens look at 80x24 (SVG snapshots; update with --snapshot-update)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from conftest import TODAY, seed

SIZE = (80, 24)


@pytest.fixture
def app(tmp_path: Path) -> AccountReviewApp:
    path = tmp_path / "snap.db"
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True))


def test_queue(snap_compare: Callable[..., bool], app: AccountReviewApp) -> None:
    assert snap_compare(app, terminal_size=SIZE)


def test_review(snap_compare: Callable[..., bool], app: AccountReviewApp) -> None:
    assert snap_compare(app, press=["enter"], terminal_size=SIZE)


def test_refusal(snap_compare: Callable[..., bool], app: AccountReviewApp) -> None:
    assert snap_compare(app, press=["enter", "ctrl+d"], terminal_size=SIZE)


def test_help(snap_compare: Callable[..., bool], app: AccountReviewApp) -> None:
    assert snap_compare(app, press=["enter", "question_mark"], terminal_size=SIZE)


@pytest.fixture
def team_app(tmp_path: Path) -> AccountReviewApp:
    from audit_team import build_team

    path = tmp_path / "team.db"
    ws = open_workspace(path, TODAY, create=True)
    build_team(ws)
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True))


async def _open_audit(pilot: Pilot[None]) -> None:
    await pilot.press("a")
    await pilot.app.workers.wait_for_complete()  # the audit is read in a worker
    await pilot.pause()


def test_audit(snap_compare: Callable[..., bool], team_app: AccountReviewApp) -> None:
    assert snap_compare(team_app, run_before=_open_audit, terminal_size=SIZE)


def test_audit_rep(snap_compare: Callable[..., bool], team_app: AccountReviewApp) -> None:
    assert snap_compare(
        team_app, run_before=_open_audit, press=["down", "enter"], terminal_size=SIZE
    )


@pytest.fixture
def hostile_app(tmp_path: Path) -> AccountReviewApp:
    """The seed account renamed to markup, with stakeholders named in markup, emoji,
    right-to-left text and combining marks; two of them in slots 1 and 2."""
    from accountreview.db import accounts as account_queries
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.lookup import resolve_account
    from accountreview.services.reviews import set_slot
    from accountreview.services.stakeholders import add_stakeholder

    path = tmp_path / "hostile.db"
    ws = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    ws.actor_id = seeded.rep_id
    with ws.db.write() as conn:
        account_queries.update_account(conn, seeded.account_id, {"name": "Acme [/] EU [b]x[/b]"})
    account = resolve_account(ws, seeded.account_id)
    names = ["[link=http://x]y[/link]", "🇪🇺 [$error] שלום", "Zoë Ñandú e\u0301"]
    people = [add_stakeholder(ws, account, name=n, title="[i]CTO[/i]") for n in names]
    for position, person in enumerate(people[:2], start=1):
        set_slot(ws, account, IsoWeek.of(TODAY), position, person.id)
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True))


def test_queue_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, terminal_size=SIZE)


def test_review_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, press=["enter"], terminal_size=SIZE)


def test_review_hostile_wide(
    snap_compare: Callable[..., bool], hostile_app: AccountReviewApp
) -> None:
    assert snap_compare(hostile_app, press=["enter"], terminal_size=(140, 36))


def test_picker_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, press=["enter", "enter"], terminal_size=SIZE)


def test_refusal_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, press=["enter", "ctrl+d"], terminal_size=SIZE)
