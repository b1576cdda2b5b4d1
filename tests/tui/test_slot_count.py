"""How many slots a review has comes from one place, `Settings.slots_per_review`: a
workspace with 3 slots opens, shows and fills a review of 3, in the services and in
the app, and refuses a 4th.

It cannot close one: the record's trigger (migration 0003) logs a close only with
exactly 5 slots frozen, and the schema's CHECK on `slot.position` holds 1 to 5, so
neither 3 nor 6 can go end to end without a migration. The close is refused with a
message and nothing saved; the last test checks that the schema, its trigger, the
settings and the CLI all agree with the one constant, `MAX_SLOTS_PER_REVIEW`."""

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from typer.testing import CliRunner

from accountreview.cli import app as cli_app
from accountreview.domain.dates import IsoWeek
from accountreview.domain.errors import InvalidValue
from accountreview.domain.settings import MAX_SLOTS_PER_REVIEW, Settings
from accountreview.services import reviews
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.slot_list import SlotList
from conftest import TODAY, db_rows, seed

WEEK = IsoWeek.of(TODAY)
THREE = Settings(slots_per_review=3)


def three_slot_workspace(db_path: Path) -> Workspace:
    """The seeded account (Ann Lee's Acme Corp) in a workspace whose reviews have 3 slots."""
    seed(open_workspace(db_path, TODAY, create=True))
    ws = open_workspace(db_path, TODAY, settings=THREE)
    ws.actor_id = str(db_rows(db_path, "SELECT id FROM rep")[0][0])
    return ws


def test_three_slots_drive_a_review_end_to_end_in_the_services(db_path: Path) -> None:
    ws = three_slot_workspace(db_path)
    account = resolve_account(ws, "Acme Corp")
    people: dict[str, str] = {
        str(email): str(id_) for email, id_ in db_rows(db_path, "SELECT email, id FROM stakeholder")
    }

    view = reviews.open_review(ws, account, WEEK)
    assert [s.position for s in view.slots] == [1, 2, 3]
    with pytest.raises(InvalidInput, match="slot: 4 is not a slot; expected 1 to 3"):
        reviews.set_slot(ws, account, WEEK, 4, str(people["ceo@acme.example"]))
    for position, email in enumerate(("ceo", "buyer", "champ"), start=1):
        view = reviews.set_slot(ws, account, WEEK, position, str(people[f"{email}@acme.example"]))
    assert [s.name for s in view.slots] == ["Carla Diaz", "Paula Moss", "Sam Okafor"]
    assert reviews.review_view(ws, account, WEEK).blockers == []  # the rule reads 3 too

    with pytest.raises(Refused, match="five frozen"):  # the record's trigger counts 5
        reviews.close_review(ws, account, WEEK)
    assert db_rows(db_path, "SELECT status FROM review") == [("open",)]
    assert db_rows(db_path, "SELECT count(*) FROM review_snapshot") == [(0,)]
    ws.close()


async def _pick(pilot: Pilot[None], text: str) -> None:
    await pilot.press("enter", *text, "enter")
    await pilot.pause()


async def test_three_slots_drive_a_review_end_to_end_in_the_app(db_path: Path) -> None:
    app = AccountReviewApp(three_slot_workspace(db_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        slots = review.query_one(SlotList)
        assert slots.option_count == 3
        await pilot.press("down", "down")
        assert slots.position == 3  # the last of three
        await pilot.press("up", "up")
        await _pick(pilot, "carla")
        await pilot.press("down")
        await _pick(pilot, "paula")
        await pilot.press("down")
        await _pick(pilot, "sam")
        assert review.view is not None
        assert [s.name for s in review.view.slots] == ["Carla Diaz", "Paula Moss", "Sam Okafor"]

        assert db_rows(
            db_path,
            "SELECT position FROM review_slot WHERE stakeholder_id IS NOT NULL ORDER BY position",
        ) == [
            (1,),
            (2,),
            (3,),
        ]

        await pilot.press("ctrl+d")  # refused by the record (see the module's docstring)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # a message, no crash, still open
        assert db_rows(db_path, "SELECT status FROM review") == [("open",)]


def test_the_schema_the_settings_and_the_cli_read_one_slot_limit(db_path: Path) -> None:
    seed(open_workspace(db_path, TODAY, create=True))
    conn = sqlite3.connect(db_path)
    (table_sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'review_slot'"
    ).fetchone()
    (close_rule,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_log_close_rules'"
    ).fetchone()
    conn.close()
    assert f"position BETWEEN 1 AND {MAX_SLOTS_PER_REVIEW}" in table_sql
    assert f") != {MAX_SLOTS_PER_REVIEW}" in close_rule
    assert Settings().slots_per_review == MAX_SLOTS_PER_REVIEW

    with pytest.raises(InvalidValue, match=f"1 to {MAX_SLOTS_PER_REVIEW}"):
        Settings(slots_per_review=MAX_SLOTS_PER_REVIEW + 1)

    beyond = MAX_SLOTS_PER_REVIEW + 1
    result = CliRunner().invoke(
        cli_app, ["--db", str(db_path), "review", "Acme Corp", "--slot", f"{beyond}=Carla"]
    )
    assert result.exit_code == 2
    assert f"N from 1 to {MAX_SLOTS_PER_REVIEW}" in result.stderr
