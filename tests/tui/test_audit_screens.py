"""The audit in the TUI, by keys only: a → weeks → a rep → an account's review and
history → back; the same numbers as the CLI."""

import json
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from typer.testing import CliRunner

from accountreview.cli import app as cli_app
from accountreview.db.stakeholders import StakeholderRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.audit_rep import RepAuditScreen
from accountreview.tui.screens.history import HistoryScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.row_list import RowList
from audit_team import EXPECTED, build_team
from conftest import TODAY, on_top

WEEK = IsoWeek.of(TODAY)


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    ws = open_workspace(path, TODAY, create=True)
    build_team(ws)  # remembers Mia Boss, the manager
    ws.close()
    return path


def rows(screen: object) -> list[list[str]]:
    """The rows of the screen's list as shown, cut into cells (two spaces apart or more)."""
    assert isinstance(screen, AuditScreen | RepAuditScreen)
    shown = screen.query_one(RowList)
    lines = [str(shown.get_option_at_index(n).prompt) for n in range(shown.option_count)]
    return [re.split(r"\s{2,}", line) for line in lines]


async def settle(app: AccountReviewApp, pilot: Pilot[None]) -> None:
    """Wait for the audit's worker to read, and for the screen to draw what it read."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def text(screen: object, selector: str) -> str:
    assert isinstance(screen, AuditScreen | RepAuditScreen)
    return str(screen.query_one(selector, Static).render())


async def test_walk_the_audit_by_keys(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("a")
        await settle(app, pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        assert [r[:3] for r in rows(audit)] == [
            ["Bob None", "0/2", "0%"],
            ["Cat Half", "1/2", "50%"],
            ["Ann Done", "2/2", "100%"],
        ]
        assert rows(audit)[1][4:] == ["1", "2", "1", "1", "1", "1"]
        assert "Team 3 of 6 closed (50.0%)" in text(audit, "#audit-team")
        assert "! Bob None · Bolt: not reviewed 2 weeks running" in text(
            audit, "#audit-escalations"
        )
        assert text(audit, "#audit-detail").startswith("Bob None: 0 closed, 0 open, 2 not started")

        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.week == WEEK.next()
        assert "week 2026-W49" in text(audit, "#audit-title")
        assert [r[1] for r in rows(audit)] == ["0/2", "0/2", "0/2"]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert "week 2026-W47" in text(audit, "#audit-title")
        done = {r[0]: r[2] for r in rows(audit)}
        assert done == {"Ann Done": "100%", "Bob None": "50%", "Cat Half": "0%"}
        await pilot.press("right_square_bracket")
        await settle(app, pilot)

        await pilot.press("down", "enter")  # Cat Half
        await settle(app, pilot)
        rep = app.screen
        assert isinstance(rep, RepAuditScreen) and rep.rep.name == "Cat Half"
        assert rows(rep) == [
            ["Coral", "open", "1", "2", "CIO proc", "2 wks, champ left, no mtg"],  # whole at 80
            ["Cedar", "closed", "0", "0"],
        ]
        assert "Coral: open · not reviewed 2 weeks running" in text(rep, "#rep-audit-detail")

        await pilot.press("down", "enter")  # Cedar, closed: read-only
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.view is not None and review.view.status is ReviewStatus.CLOSED
        assert review.check_action("pick", ()) is None  # editing keys are off
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is rep
        assert rep.current_account_id() == review.account_id  # the cursor stayed on Cedar

        await pilot.press("h")  # history straight from the rep's list
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "Cedar" in str(app.screen.query_one("#history-title", Static).render())
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert app.screen is audit
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_the_audit_follows_a_review_closed_in_a_drill_down(team_db: Path) -> None:
    from dataclasses import replace

    from accountreview.services.review_edits import ReviewEdits, apply_review_edits

    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await settle(app, pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        await pilot.press("enter")  # Bob None
        await settle(app, pilot)
        rep = app.screen
        assert isinstance(rep, RepAuditScreen)
        await pilot.press("down", "enter")  # Brick: its five are fresh, so it can close
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.account.name == "Brick"
        # Mia, the manager, reads Bob's review; Bob fills and closes it (beside the app).
        bob = replace(app.ws, actor_id=review.account.rep_id)
        people = {p.name: p.id for p in _stakeholders(app, review)}
        five = list(enumerate((people[name] for name in sorted(people)), start=1))
        edits = ReviewEdits(slots=five, confirms=range(1, 6), close=True)  # one command
        apply_review_edits(bob, review.account, WEEK, edits)
        review.refresh_view()
        assert review.view is not None and review.view.status.value == "closed"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is rep
        assert [r[:2] for r in rows(rep)] == [["Bolt", "not started"], ["Brick", "closed"]]
        await pilot.press("escape")
        await settle(app, pilot)
        assert on_top(app, audit)
        bob_row = next(r for r in rows(audit) if r[0] == "Bob None")
        assert bob_row[1:3] == ["1/2", "50%"]


def _stakeholders(app: AccountReviewApp, review: ReviewScreen) -> list[StakeholderRow]:
    from accountreview.services.stakeholders import stakeholders_of

    return stakeholders_of(app.ws, review.account)


async def test_next_account_follows_the_reps_list(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("enter")  # Bob None: Bolt, Brick (neither closed this week)
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.account.name == "Bolt"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert on_top(app, review)
        assert review.account.name == "Brick"
        await pilot.press("escape")
        await pilot.pause()
        rep = app.screen
        assert isinstance(rep, RepAuditScreen)
        assert rep.current_account_id() == review.account_id


async def test_a_rep_sees_only_themselves_and_the_palette_has_the_audit(team_db: Path) -> None:
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True), rep="Dan Other")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Queue: audit" in titles
        await pilot.press("a")
        await settle(app, pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        assert [r[0] for r in rows(audit)] == ["Dan Other"]
        titles = [c.title for c in app.get_system_commands(audit)]
        assert {"Audit: next week", "Audit: prev week", "Audit: rep's accounts"} <= set(titles)


async def test_the_tui_shows_the_numbers_the_cli_prints(team_db: Path) -> None:
    result = CliRunner().invoke(cli_app, ["--db", str(team_db), "audit", "--format", "json"])
    assert result.exit_code == 0
    cli = {r["rep"]: r for r in json.loads(result.stdout)["reps"]}
    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await settle(app, pilot)
        shown = rows(app.screen)
    assert [r[0] for r in shown] == list(cli) == list(EXPECTED)
    for r in shown:
        c = cli[r[0]]
        expected = [
            f"{c['closed']}/{c['top_accounts']}",
            f"{c['completion_pct']:.0f}%",
            *(
                str(c[k])
                for k in (
                    "stale_contacts",
                    "overdue_contacts",
                    "missing_coverage",
                    "champions_left",
                    "no_in_person",
                )
            ),
        ]
        escalations = [str(len(c["escalations"]))] if c["escalations"] else []
        assert [r[1], r[2], *r[4:]] == expected + escalations


async def test_help_lists_the_audit_keys(team_db: Path) -> None:
    from accountreview.tui.screens.help import HelpScreen

    app = AccountReviewApp(open_workspace(team_db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        keys = [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]
        assert ["]", "Next week"] in keys and ["[", "Prev week"] in keys
        assert any(k == "↵" and "top accounts" in action for k, action in keys)
