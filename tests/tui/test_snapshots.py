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
    return AccountReviewApp(db=path, today=TODAY)


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
    return AccountReviewApp(db=path, today=TODAY)


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
