"""Who am I, switching rep, history, the palette, and a first start on an empty database."""

import sqlite3
from pathlib import Path

from accountreview.db import reps as rep_queries
from accountreview.domain.enums import RepRole
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.history import HistoryScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.who import WhoScreen
from conftest import TODAY, seed


def two_reps(path: Path) -> None:
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    with ws.db.write() as conn:
        rep_queries.insert_rep(
            conn, name="Zoe Boss", email="zoe@example.com", role=RepRole.MANAGER, manager_id=None
        )
    ws.close()


def seeded_app(path: Path) -> AccountReviewApp:
    """The app on a new database holding the seed account (one rep: no who-am-I)."""
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True))


async def test_who_am_i_is_asked_once_and_remembered(db_path: Path) -> None:
    two_reps(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WhoScreen)
        await pilot.press("enter")  # first in the list: Ann Lee
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.rep.name == "Ann Lee"
    remembered = sqlite3.connect(db_path).execute(
        "SELECT r.name FROM app_meta m JOIN rep r ON r.id = m.value WHERE m.key = 'current_rep_id'"
    )
    assert remembered.fetchall() == [("Ann Lee",)]
    again = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, QueueScreen)


async def test_rep_option_overrides_and_w_switches(db_path: Path) -> None:
    two_reps(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="zoe@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.rep.name == "Zoe Boss"
        assert app.screen.queue is not None and not app.screen.queue.items
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # Ann Lee
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert [i.facts.account.name for i in app.screen.queue.items] == ["Acme Corp"]


async def test_history_shows_touches(db_path: Path) -> None:
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        from textual.widgets import OptionList

        touches = app.screen.query_one("#touches", OptionList)
        assert touches.option_count == 6
        assert str(touches.get_option_at_index(0).prompt).split()[:3] == [
            "2026-11-18",
            "Sam",
            "Okafor",
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReviewScreen"


async def test_palette_runs_a_screen_action(db_path: Path) -> None:
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"review: history")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_review_screen_follows_a_theme_changed_while_it_was_away(db_path: Path) -> None:
    """The review screen skips restyling when it comes back, unless the theme changed."""
    from textual.widgets import Static

    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        before = app.screen.query_one("#review-title", Static).styles.background
        await pilot.press("escape")
        await pilot.pause()
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        title = app.screen.query_one("#review-title", Static)
        assert title.styles.background != before


async def test_palette_backs_up_the_database(db_path: Path) -> None:
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"back up")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (copy,) = (db_path.parent / "backups").glob("review-*.db")
        assert sqlite3.connect(copy).execute("SELECT name FROM account").fetchall() == [
            ("Acme Corp",)
        ]
        assert any(str(copy) in str(n.message) for n in app._notifications)


async def test_review_notes_scroll_by_keys_when_they_do_not_fit(db_path: Path) -> None:
    from accountreview.tui.widgets.note_lines import NoteLines

    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        notes = app.screen.query_one("#notes", NoteLines)
        assert "Slot 5: no stakeholder named" in notes.plain
        assert notes.virtual_size.height > notes.scrollable_content_region.height
        assert notes.scroll_offset.y == 0
        notes.focus()
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert notes.scroll_offset.y == notes.max_scroll_y > 0
        # A slot edit shows new notes from the top again.
        await pilot.press("shift+tab")
        await pilot.press("enter", *"Sam Okafor", "enter")
        await pilot.pause()
        assert "Slot 1: no stakeholder named" not in notes.plain
        assert notes.scroll_offset.y == 0


async def test_picker_takes_what_is_typed_while_focus_stays_on_the_slots(db_path: Path) -> None:
    from textual.widgets import OptionList

    from accountreview.tui.widgets.stakeholder_picker import StakeholderPicker

    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter")  # the review, then the picker on slot 1
        await pilot.pause()
        picker = app.screen.query_one(StakeholderPicker)
        slots = app.screen.query_one("#slots", OptionList)
        people = picker.query_one("#people", OptionList)
        assert picker.display and app.focused is slots
        # Letters that are keys of the review screen (t, n, c, l, x, h, o) are text here.
        await pilot.press(*"tnclxho")
        await pilot.pause()
        assert picker.text == "tnclxho" and picker.display
        assert people.option_count == 1  # only "add a new stakeholder"
        await pilot.press("ctrl+u", *"pxa", "backspace", "backspace")
        await pilot.pause()
        assert picker.text == "p"
        await pilot.press("backspace", *"okafor")
        await pilot.pause()
        assert [str(o.prompt) for o in people._options][1].startswith("Sam Okafor")
        await pilot.press("escape")  # cancels: nothing saved, the screen stays
        await pilot.pause()
        assert not picker.display and type(app.screen).__name__ == "ReviewScreen"
        assert app.screen.view is not None and app.screen.view.slots[0].name is None
        await pilot.press("down", "enter", *"a", "down", "down", "up", "enter")
        await pilot.pause()
        # Slot 2, filtered by "a": Carla Diaz, then down twice and up once: the second match.
        view = app.screen.view
        assert view is not None and view.slots[1].name is not None
        assert app.focused is slots and slots.highlighted == 1
