"""People can be edited in the app: `e` on a slot of the review, `f2` on the highlighted
person of the picker, and text typed in the picker becomes a new person's name. By keys,
on a real SQLite file; the key is in the key bar at 80×24, the help and the palette."""

import sqlite3
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from accountreview.domain.enums import Role
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.forms import EditStakeholderForm, NewStakeholderForm
from accountreview.tui.screens.help import HelpScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.stakeholder_picker import StakeholderPicker
from conftest import TODAY, on_top, seed


def one_account(path: Path) -> None:
    ws = open_workspace(path, TODAY, create=True)
    try:
        seed(ws)
    finally:
        ws.close()


def row(path: Path, name: str) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(
            "SELECT name, title, role, email FROM stakeholder WHERE name = ?", (name,)
        ).fetchone()
        return () if found is None else tuple(found)
    finally:
        conn.close()


async def open_review(pilot: Pilot[None]) -> ReviewScreen:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    review = pilot.app.screen
    assert isinstance(review, ReviewScreen)
    return review


async def clear_and_type(pilot: Pilot[None], text: str) -> None:
    """Replace what the focused field holds with `text`."""
    await pilot.press("home", "ctrl+k", *text)


async def test_e_edits_the_person_of_the_slot(db_path: Path) -> None:
    one_account(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await pilot.press("enter", *"Carla", "enter")  # slot 1: Carla Diaz
        await pilot.pause()
        assert review.view is not None and review.view.slots[0].name == "Carla Diaz"
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EditStakeholderForm)
        assert form.query_one("#name", Input).value == "Carla Diaz"  # filled in as she is
        assert form.query_one("#role", Select).value == Role.EXECUTIVE_SPONSOR.value
        await clear_and_type(pilot, "Carla [b]Díaz[/b]")  # user text, never markup
        await pilot.press("tab", *"CEO")
        form.query_one("#role", Select).value = Role.CHAMPION.value
        await pilot.press("tab", "tab", "tab")
        await clear_and_type(pilot, "not-an-email")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # refused at the field, what was typed kept
        assert "email" in str(form.query_one(".field-error").render())
        assert row(db_path, "Carla Diaz")[0] == "Carla Diaz"  # nothing saved
        await clear_and_type(pilot, "carla@acme.example")
        await pilot.press("enter")
        await pilot.pause()
        assert on_top(app, review)
        assert row(db_path, "Carla [b]Díaz[/b]") == (
            "Carla [b]Díaz[/b]",
            "CEO",
            "champion",
            "carla@acme.example",
        )
        assert review.view is not None and review.view.slots[0].name == "Carla [b]Díaz[/b]"


async def test_f2_in_the_picker_edits_the_highlighted_person(db_path: Path) -> None:
    one_account(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await pilot.press("enter", *"Nina")
        picker = review.query_one(StakeholderPicker)
        person = picker.highlighted_person()
        assert person is not None and person.name == "Nina Park"
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, EditStakeholderForm)
        await pilot.press("tab", *"Head of Finance", "enter")
        await pilot.pause()
        assert on_top(app, review) and picker.display  # back in the picker, filter kept
        assert picker.text == "Nina"
        assert row(db_path, "Nina Park")[1] == "Head of Finance"
        assert person.id in [p.id for p in picker.people if p.title == "Head of Finance"]
        await pilot.press("enter")  # and picks her
        await pilot.pause()
        assert review.view is not None and review.view.slots[0].name == "Nina Park"


async def test_text_typed_in_the_picker_becomes_the_new_name(db_path: Path) -> None:
    one_account(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        await pilot.press("enter", *"Zoë Quinn", "enter")  # nobody matches: "+ Add a new…"
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewStakeholderForm)
        assert form.query_one("#name", Input).value == "Zoë Quinn"


async def test_the_edit_key_is_shown_in_the_key_bar_the_help_and_the_palette(
    db_path: Path,
) -> None:
    one_account(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await pilot.press("enter", *"Carla", "enter")
        await pilot.pause()
        shown = review.query_one(KeyBar)._shown.split("\n")
        assert any("e Edit person" in line for line in shown), shown
        # 3 lines since the panel keys (f s b r w); all five slots still fit 80×24
        assert len([line for line in shown if line.strip()]) == 3
        assert all(len(line) <= 78 for line in shown)
        titles = [c.title for c in app.get_system_commands(review)]
        assert "Review: edit person" in titles
        assert "Review: edit highlighted" not in titles  # the picker's key: only while open
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one("#keys", DataTable)
        rows = [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]
        assert ["e", "Edit this slot's person: name, title, level, role, email"] in rows
        assert ["f2", "In the picker: edit the highlighted person"] not in rows  # picker shut
