"""User text is drawn as typed on every screen: markup in a name is text, never style,
and never a crash; a slot with several reasons not to close lists them all."""

from datetime import date
from pathlib import Path

import pytest
from hostile_text import (
    HOSTILE,
    build_hostile_demo,
    copy_db,
    painted_text,
    screen_text,
    settle,
)
from textual.widgets import Input, OptionList

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel
from accountreview.services.lookup import resolve_account
from accountreview.services.reviews import set_slot
from accountreview.services.stakeholders import add_stakeholder, log_touch
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.audit_rep import RepAuditScreen
from accountreview.tui.screens.forms import NextContactForm, TouchForm
from accountreview.tui.screens.history import HistoryScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.refusal import RefusalScreen
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, seed


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "template.db"
    build_hostile_demo(path, TODAY)
    return path


@pytest.fixture
def hostile_app(hostile_template: Path, tmp_path: Path) -> AccountReviewApp:
    return AccountReviewApp(
        open_workspace(copy_db(hostile_template, tmp_path / "h.db"), TODAY, create=True)
    )


async def test_hostile_names_show_as_typed_on_every_screen(hostile_app: AccountReviewApp) -> None:
    app = hostile_app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        shown = screen_text(app)
        assert all(name in shown for name in HOSTILE[:4])
        assert "Acme [/] EU Rep" in shown  # the rep, in the title
        first = next(i for i in queue.queue.items if i.facts.account.name == HOSTILE[0])  # type: ignore[union-attr]
        queue.move_to(first.facts.account.id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert f"{HOSTILE[0]} · review" in screen_text(app)
        assert "Acme [/] EU · review" in painted_text(app)
        await pilot.press("enter")  # the picker lists every name as typed (a long one cut)
        await settle(pilot)
        people = app.screen.query_one("#people", OptionList)
        rows = [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)]
        # each name as typed, cut to its column: a literal prefix, never markup
        assert all(any(row.startswith(name[:10]) for row in rows) for name in HOSTILE)
        assert any(row.startswith(f"{HOSTILE[0]} 0") for row in rows)
        assert f"{HOSTILE[0]} 0" in screen_text(app)
        await pilot.press("escape", "t")  # slot 1: the newcomer, markup and all
        await settle(pilot)
        assert isinstance(app.screen, TouchForm)
        assert f"Log a contact with {HOSTILE[0]} 0" in screen_text(app)
        await pilot.press("escape", "h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert f"{HOSTILE[0]} · history" in shown and HOSTILE[-2] in shown  # a note
        await pilot.press("escape", "escape", "a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert "Acme [/] EU Rep" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RepAuditScreen)
        shown = screen_text(app)
        assert all(name[:20] in shown for name in HOSTILE[:4])  # rows cut names to fit
        highlighted = app.screen.current_account()
        assert highlighted is not None and f"{highlighted.name}: " in shown  # the line below
        assert app.return_code is None and app._exception is None


async def test_markup_in_a_notification_or_error_is_shown_as_typed(
    hostile_app: AccountReviewApp,
) -> None:
    app = hostile_app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.screen.notify("[b]x[/b] and Acme [/] EU", severity="error")  # markup=True default
        for _ in range(5):  # the toast is mounted a few steps later
            await pilot.pause()
        toast = next(iter(app._notifications))
        assert toast.message == "[b]x[/b] and Acme [/] EU" and not toast.markup
        assert "[b]x[/b] and Acme [/] EU" in screen_text(app)  # the toast


async def test_a_slot_with_two_reasons_not_to_close_lists_both(db_path: Path) -> None:
    """A new stakeholder with no role and no contact yet (the usual case after a CRM
    import) gives slot 1 two reasons: ctrl+d lists both, and enter on either jumps."""
    ws = open_workspace(db_path, TODAY, create=True)
    seeded = seed(ws)
    ws.actor_id = seeded.rep_id
    account = resolve_account(ws, seeded.account_id)
    newcomer = add_stakeholder(ws, account, name="[b]New[/b] Person")
    set_slot(ws, account, IsoWeek.of(TODAY), 1, newcomer.id)
    ws.close()
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("enter", "down", "down", "ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, RefusalScreen)
        reasons = screen_text(app)
        slot_one = [b for b in app.screen.blockers if b.position == 1]
        assert len(slot_one) >= 2
        assert all(b.text in reasons for b in slot_one)
        assert "[b]New[/b] Person" in reasons
        await pilot.press("down", "enter")  # the second reason of slot 1
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.current_slot().position == 1
        assert app._exception is None


async def test_dates_at_the_edges_of_the_range_are_drawn(db_path: Path) -> None:
    """A touch on 1970-01-01 and the review of the last week the app accepts."""
    today = date(2100, 12, 31)
    ws = open_workspace(db_path, today, create=True)
    seeded = seed(ws)
    ws.actor_id = seeded.rep_id
    account = resolve_account(ws, seeded.account_id)
    person = add_stakeholder(ws, account, name="Edge [Date]")
    log_touch(ws, person, on=date(1970, 1, 1), channel=Channel.EMAIL, note="[i]first[/i]")
    ws.close()
    app = AccountReviewApp(open_workspace(db_path, today, create=True))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("enter", "h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert "1970-01-01" in shown and "[i]first[/i]" in shown
        await pilot.press("escape", "escape", "a")
        await settle(pilot)
        assert "Audit · week 2100-W52 · Ann Lee" in screen_text(app)
        # The week after the last the app accepts: refused (said in a notification)
        # or shown, but never a crash; the screen shows the week the app is on.
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert f"Audit · week {app.week} · Ann Lee" in screen_text(app)
        assert app._exception is None


async def test_a_reopen_reason_in_markup_shows_on_its_own_line_in_the_audit(
    hostile_template: Path, tmp_path: Path
) -> None:
    from accountreview.domain.enums import ReviewStatus
    from accountreview.services.queue import queue_for
    from accountreview.services.reps import current_rep
    from accountreview.services.reviews import reopen_review

    path = copy_db(hostile_template, tmp_path / "h.db")
    ws = open_workspace(path, TODAY)
    rep = current_rep(ws, None)
    assert rep is not None
    ws.actor_id = rep.id
    closed = next(
        i.facts.account
        for i in queue_for(ws, rep.id, IsoWeek.of(TODAY)).items
        if i.status is ReviewStatus.CLOSED
    )
    reopen_review(ws, closed, IsoWeek.of(TODAY), "oops [/] [b]wrong[/b] $name")
    ws.close()
    app = AccountReviewApp(open_workspace(path, TODAY, create=True))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        detail = app.screen.query_one("#audit-detail").render()
        lines = str(detail).splitlines()
        assert lines[-1] == f"Reopened: {closed.name} (oops [/] [b]wrong[/b] $name)"
        assert "\N{REPLACEMENT CHARACTER}" not in screen_text(app)


EDGE_DATES = ["1970-01-01", "2100-12-31", "1969-12-31", "2101-01-01", "9999-12-31",
              "0001-01-01", "+99999d", "99999w", "2026-02-30", "[b]today[/b]", "today"]  # fmt: skip


@pytest.mark.parametrize("key", ["t", "n"])
async def test_dates_typed_in_a_form_are_saved_or_refused_at_the_field(
    db_path: Path, key: str
) -> None:
    """Each date typed in the contact or next-contact form either saves (the review then
    draws it, and the audit and history too) or is refused at the field; never a crash."""
    ws = open_workspace(db_path, TODAY, create=True)
    seeded = seed(ws)
    ws.actor_id = seeded.rep_id
    account = resolve_account(ws, seeded.account_id)
    set_slot(ws, account, IsoWeek.of(TODAY), 1, seeded.people["ceo"])
    ws.close()
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("enter")  # the review; slot 1: Carla Diaz
        for text in EDGE_DATES:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, TouchForm | NextContactForm)
            app.screen.query_one("#when", Input).value = text
            await pilot.press("enter")
            await settle(pilot)
            if isinstance(app.screen, ReviewScreen):
                continue  # saved: the review has been redrawn with it
            error = str(app.screen.query_one(".field-error").render())
            assert text in error or "[b]" in text, (text, error)  # the message names it
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("h", "escape", "escape", "a")
        await settle(pilot)
        painted_text(app)
        assert app._exception is None
