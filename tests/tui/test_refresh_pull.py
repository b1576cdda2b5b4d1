"""What a sync pulls shows on every screen of the stack: the visible one at once, the
others when next shown, with the cursor, an open form and what it holds kept. Ann's
desktop (a second laptop of hers, driven through the CLI) changes her review of Acme
on the hub; the app on her laptop pulls it with `^s`."""

from datetime import timedelta

import pytest
from test_sync_hub import app_on, status, synced_laptop, team, until
from textual.widgets import Input, OptionList

from accountreview.domain.enums import ReviewStatus
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.audit_rep import RepAuditScreen
from accountreview.tui.screens.forms import EditStakeholderForm
from accountreview.tui.screens.history import HistoryScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.slot_list import SlotList
from conftest import TODAY
from sync.team import Laptop, Team, person_name

__all__ = ["team"]  # the fixture, shared with test_sync_hub

FIVE = [f"--slot={n}={person_name('Acme', n)}" for n in range(1, 6)]


def two_laptops(team: Team) -> tuple[Laptop, Laptop]:
    """Ann's laptop (slot 1 of this week's Acme filled, synced) and her desktop, which
    has pulled it."""
    laptop = synced_laptop(team)
    code, out, err = laptop.cli("review", "Acme", FIVE[0])
    assert code == 0, (out, err)
    assert laptop.sync_cli()[0] == 0
    desktop = team.laptop("ann", "ann-desktop")
    assert desktop.sync_cli()[0] == 0
    return laptop, desktop


def on_desktop(desktop: Laptop, *args: str) -> None:
    """Run a command on the desktop and push it to the hub."""
    code, out, err = desktop.cli(*args)
    assert code == 0, (out, err)
    assert desktop.sync_cli()[0] == 0


def slot_names(review: ReviewScreen) -> list[str | None]:
    assert review.view is not None
    return [s.name for s in review.view.slots]


def status_of(review: ReviewScreen) -> ReviewStatus | None:
    return None if review.view is None else review.view.status


def top(app: AccountReviewApp) -> object:
    """The screen on top (as an object: an identity check then narrows nothing)."""
    return app.screen


def notes(app: AccountReviewApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_pulled_slot_shows_on_the_open_review_and_under_the_history(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = two_laptops(team)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        await pilot.press("enter", "down", "down")  # the review, on slot 3
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert slot_names(review)[0] == person_name("Acme", 1)
        on_desktop(desktop, "review", "Acme", f"--slot=1={person_name('Acme', 6)}")
        pulls = app.pulls
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.pulls > pulls, "the pull")
        await pilot.pause()
        assert top(app) is review  # nothing closed or opened
        assert slot_names(review)[0] == person_name("Acme", 6)  # at once, on screen
        assert person_name("Acme", 6) in str(
            review.query_one(SlotList).get_option_at_index(0).prompt
        )
        assert review.query_one(SlotList).position == 3  # the cursor stayed

        await pilot.press("h")  # the history over the review, then a pull under it
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        touches = history.query_one("#touches", OptionList)
        before = touches.option_count
        on_desktop(desktop, "review", "Acme", f"--slot=2={person_name('Acme', 1)}")
        on_desktop(desktop, "touch", "Acme", person_name("Acme", 3), "--on", "today", "-c",
                   "phone", "-n", "pulled note")  # fmt: skip
        pulls = app.pulls
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.pulls > pulls, "the second pull")
        await pilot.pause()
        assert touches.option_count == before + 1  # the history on top: at once
        assert any("pulled note" in str(o.prompt) for o in touches.options)
        assert review.pull_unseen  # the review under it: when shown again, not now
        assert slot_names(review)[1] is None
        await pilot.press("escape")
        await pilot.pause()
        assert top(app) is review
        assert slot_names(review)[:2] == [person_name("Acme", 6), person_name("Acme", 1)]
        assert review.query_one(SlotList).position == 3


async def test_a_close_pulled_while_the_review_is_open_shows_it_closed_on_every_screen(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = two_laptops(team)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        await pilot.press("a")  # the audit, Ann's accounts, Acme's review
        await until(pilot, lambda: isinstance(app.screen, AuditScreen), "the audit")
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        await until(pilot, lambda: audit.audit is not None, "the audit read")
        await pilot.press("enter")
        await pilot.pause()
        rep_audit = app.screen
        assert isinstance(rep_audit, RepAuditScreen)
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert status_of(review) is ReviewStatus.OPEN
        assert review.check_action("touch", ()) is True

        on_desktop(desktop, "review", "Acme", *FIVE, "--close")
        pulls = app.pulls
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.pulls > pulls, "the pull")
        await pilot.pause()
        assert top(app) is review
        assert status_of(review) is ReviewStatus.CLOSED  # shown closed, read-only
        assert review.check_action("touch", ()) is None
        assert review.check_action("reopen", ()) is True
        week = review.week
        assert f"Acme {week} was closed elsewhere; it is read-only now (o reopens it)" in notes(app)
        await pilot.press("t")  # an edit key says why not, and changes nothing
        await pilot.pause()
        assert top(app) is review
        assert "This review is closed and read-only. Press o to reopen it." in notes(app)

        await pilot.press("escape")  # the screens under it read the close when shown
        await pilot.pause()
        assert top(app) is rep_audit
        assert rep_audit.audit is not None
        assert [a.status.value for a in rep_audit.audit.accounts] == ["closed"]
        await pilot.press("escape")
        await until(
            pilot,
            lambda: audit.audit is not None and audit.audit.team.closed == 1,
            "the audit read the close",
        )
        await pilot.press("escape")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.queue is not None
        assert [i.status.value for i in queue.queue.items] == ["closed"]


async def test_a_pull_while_a_form_is_open_keeps_what_is_typed_and_says_what_changed(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = two_laptops(team)
    who = person_name("Acme", 1)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        await pilot.press("enter", "e", "tab", *"VP Sales")  # slot 1's person: the title
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EditStakeholderForm)
        review = app.screen_stack[-2]
        assert isinstance(review, ReviewScreen)

        on_desktop(
            desktop,
            "stakeholder",
            "edit",
            "Acme",
            who,
            "--title",
            "CFO",
            "--email",
            "cfo@x.example",
        )
        on_desktop(desktop, "review", "Acme", f"--slot=2={person_name('Acme', 6)}")
        pulls = app.pulls
        app.action_sync_now()  # as the minute's sync would: ^s is the form's to ignore
        await until(pilot, lambda: app.pulls > pulls, "the pull")
        await pilot.pause()
        assert top(app) is form  # the dialog stays open, with what was typed
        assert form.query_one("#title", Input).value == "VP Sales"
        assert form.query_one("#email", Input).value == "cfo@x.example"  # not typed over: shown
        assert slot_names(review)[1] == person_name("Acme", 6)  # the review under it: at once

        await pilot.press("enter")  # the title was changed meanwhile: said, not saved
        await pilot.pause()
        assert top(app) is form
        error = str(form.query_one(".field-error", Line).render())
        assert (
            error
            == "Changed meanwhile by a sync: title is now 'CFO'. Press enter again to save yours."
        )
        assert [r["title"] for r in laptop.rows("stakeholder") if r["name"] == who] == ["CFO"]

        await pilot.press("enter")  # again: saved over it, the email the sync brought kept
        await pilot.pause()
        assert top(app) is review
    [person] = [r for r in laptop.rows("stakeholder") if r["name"] == who]
    assert (person["title"], person["email"]) == ("VP Sales", "cfo@x.example")


def next_contact(laptop: Laptop, who: str) -> str | None:
    [person] = [r for r in laptop.rows("stakeholder") if r["name"] == who]
    found = person["next_contact_on"]
    return None if found is None else str(found)


@pytest.mark.parametrize("typed", [True, False])
async def test_the_next_contact_form_says_when_a_sync_changed_the_date_meanwhile(
    team: Team, monkeypatch: pytest.MonkeyPatch, typed: bool
) -> None:
    """As the person form: a date typed over is saved over a sync's change only at the
    second enter, once the dialog has said what the person now holds; a date not typed
    over shows the sync's at once (and enter keeps it)."""
    from accountreview.tui.screens.forms import NextContactForm

    laptop, desktop = two_laptops(team)
    who = person_name("Acme", 1)
    theirs, mine = TODAY + timedelta(days=10), TODAY + timedelta(days=3)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        await pilot.press("enter", "n")  # slot 1's person: plan the next contact
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NextContactForm)
        if typed:
            await pilot.press("ctrl+u", *"+3d")
        on_desktop(desktop, "stakeholder", "next", "Acme", who, "--on", theirs.isoformat())
        pulls = app.pulls
        app.action_sync_now()
        await until(pilot, lambda: app.pulls > pulls, "the pull")
        await pilot.pause()
        assert top(app) is form
        field = form.query_one("#when", Input)
        assert field.value == ("+3d" if typed else theirs.isoformat())
        await pilot.press("enter")
        await pilot.pause()
        if typed:  # said, not saved
            assert top(app) is form
            error = str(form.query_one(".field-error", Line).render())
            assert error == (
                f"Changed meanwhile by a sync: the next contact is now '{theirs.isoformat()}'."
                " Press enter again to save yours."
            )
            assert next_contact(laptop, who) == theirs.isoformat()
            await pilot.press("enter")  # again: saved over it
            await pilot.pause()
        assert top(app) is not form
    assert next_contact(laptop, who) == (mine if typed else theirs).isoformat()


async def test_a_pick_over_a_slot_a_sync_filled_meanwhile_is_said_not_saved(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slot 2 is empty when the picker opens; the desktop fills it meanwhile and the pull
    shows it. The pick keeps the desktop's person and says so; picking again replaces
    them (before, the pick saved over theirs without a word)."""
    laptop, desktop = two_laptops(team)
    theirs, mine = person_name("Acme", 6), person_name("Acme", 3)
    app = app_on(laptop, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: status(app) == "synced just now", "the sync on start")
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await pilot.press("down", "enter", *mine)  # slot 2 (empty): the picker, mine typed
        await pilot.pause()
        assert review._picking
        on_desktop(desktop, "review", "Acme", f"--slot=2={theirs}")
        pulls = app.pulls
        app.action_sync_now()
        await until(pilot, lambda: app.pulls > pulls, "the pull")
        await pilot.pause()
        assert slot_names(review)[1] == theirs  # shown under the open picker
        await pilot.press("enter")  # the pick: said, not saved
        await pilot.pause()
        assert slot_names(review)[1] == theirs
        assert any(
            f"Changed meanwhile by a sync: slot 2 now holds {theirs}" in n for n in notes(app)
        ), notes(app)
        await pilot.press("enter", *mine, "enter")  # picked again: saved
        await pilot.pause()
        assert slot_names(review)[1] == mine
