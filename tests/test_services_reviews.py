"""The review use cases, on a real SQLite file: fill slots, refuse, close, reopen."""

import pytest

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, ReviewStatus
from accountreview.services import reviews
from accountreview.services.errors import CloseRefused, InvalidInput, ReviewIsClosed
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import (
    add_stakeholder,
    log_touch,
    mark_left,
    set_next_contact,
)
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded

WEEK = IsoWeek.of(TODAY)


def fill(ws: Workspace, seeded: Seeded, keys: tuple[str, ...]) -> None:
    account = resolve_account(ws, seeded.account_id)
    for position, key in enumerate(keys, start=1):
        reviews.set_slot(ws, account, WEEK, position, seeded.people[key])


def test_view_of_unstarted_review_creates_nothing(ws: Workspace, seeded: Seeded) -> None:
    view = reviews.review_view(ws, resolve_account(ws, seeded.account_id), WEEK)
    assert view.status is ReviewStatus.NOT_STARTED
    assert [b.text for b in view.blockers] == [
        f"Slot {n}: no stakeholder named" for n in range(1, 6)
    ]
    assert ws.db.conn.execute("SELECT count(*) FROM review").fetchone()[0] == 0


def test_close_refused_lists_every_unmet_reason(ws: Workspace, seeded: Seeded) -> None:
    fill(ws, seeded, ("ceo", "new", "user"))  # never contacted; stale without a plan
    account = resolve_account(ws, seeded.account_id)
    with pytest.raises(CloseRefused) as caught:
        reviews.close_review(ws, account, WEEK)
    texts = [b.text for b in caught.value.blockers]
    assert "Slot 2: Nina Park has no last-contact date" in texts
    assert any(t.startswith("Slot 3: Uma Reyes was last contacted 120 days ago") for t in texts)
    assert "Slot 4: no stakeholder named" in texts
    assert "Slot 5: no stakeholder named" in texts
    assert [b.position for b in caught.value.blockers] == sorted(
        b.position or 0 for b in caught.value.blockers
    )
    status = ws.db.conn.execute("SELECT status FROM review").fetchone()[0]
    assert status == "open"
    assert ws.db.conn.execute("SELECT count(*) FROM review_snapshot").fetchone()[0] == 0


def test_close_freezes_a_snapshot_and_refuses_edits(ws: Workspace, seeded: Seeded) -> None:
    fill(ws, seeded, ("ceo", "cio", "buyer", "champ", "user"))
    account = resolve_account(ws, seeded.account_id)
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    view = reviews.close_review(ws, account, WEEK)
    assert view.status is ReviewStatus.CLOSED
    snap = ws.db.conn.execute(
        "SELECT position, name, last_contact_on FROM review_snapshot ORDER BY position"
    ).fetchall()
    assert [r[1] for r in snap] == [
        "Carla Diaz",
        "Ivan Petrov",
        "Paula Moss",
        "Sam Okafor",
        "Uma Reyes",
    ]
    assert snap[3][2] == "2026-11-18"
    # A later touch does not change the frozen view of the closed review.
    log_touch(ws, resolve_stakeholder(ws, account, "Sam Okafor"), on=TODAY, channel=Channel.PHONE)
    again = reviews.review_view(ws, account, WEEK)
    assert again.slots[3].last_contact_on is not None
    assert again.slots[3].last_contact_on.isoformat() == "2026-11-18"
    with pytest.raises(ReviewIsClosed):
        reviews.set_slot(ws, account, WEEK, 1, None)


def test_reopen_needs_a_reason(ws: Workspace, seeded: Seeded) -> None:
    fill(ws, seeded, ("ceo", "cio", "buyer", "champ", "user"))
    account = resolve_account(ws, seeded.account_id)
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    reviews.close_review(ws, account, WEEK)
    with pytest.raises(InvalidInput, match="reason"):
        reviews.reopen_review(ws, account, WEEK, "   ")
    assert reviews.review_view(ws, account, WEEK).status is ReviewStatus.CLOSED
    ws.actor_id = None
    with pytest.raises(InvalidInput, match="say who you are"):  # nobody named: refused
        reviews.reopen_review(ws, account, WEEK, "Wrong champion")
    ws.actor_id = seeded.rep_id
    view = reviews.reopen_review(ws, account, WEEK, "Wrong champion")
    assert view.status is ReviewStatus.OPEN
    reviews.set_slot(ws, account, WEEK, 4, None)
    reviews.set_slot(ws, account, WEEK, 4, seeded.people["champ"])
    closed = reviews.close_review(ws, account, WEEK)
    assert closed.close_count == 2
    assert ws.db.conn.execute("SELECT count(*) FROM review_snapshot").fetchone()[0] == 10


def test_slot_refuses_someone_who_left_or_is_already_in(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    with pytest.raises(InvalidInput, match="left the company"):
        reviews.set_slot(ws, account, WEEK, 1, seeded.people["gone"])
    reviews.set_slot(ws, account, WEEK, 1, seeded.people["ceo"])
    with pytest.raises(InvalidInput, match="already in slot 1"):
        reviews.set_slot(ws, account, WEEK, 2, seeded.people["ceo"])
    with pytest.raises(InvalidInput, match="expected 1 to 5"):
        reviews.set_slot(ws, account, WEEK, 6, seeded.people["cio"])


def test_marking_a_slotted_stakeholder_left_frees_the_slot(ws: Workspace, seeded: Seeded) -> None:
    fill(ws, seeded, ("ceo", "cio", "buyer", "champ"))
    account = resolve_account(ws, seeded.account_id)
    mark_left(ws, resolve_stakeholder(ws, account, "Sam Okafor"))
    view = reviews.review_view(ws, account, WEEK)
    assert view.slots[3].stakeholder_id is None
    assert "Champion Sam Okafor has left the company" in view.risks


def test_new_stakeholder_can_fill_a_slot_once_contacted(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    person = add_stakeholder(ws, account, name="Lee Wong", title="CFO", email="lee@acme.example")
    reviews.set_slot(ws, account, WEEK, 1, person.id)
    assert "Slot 1: Lee Wong has no role" in [
        b.text for b in reviews.review_view(ws, account, WEEK).blockers
    ]
    log_touch(ws, person, on=TODAY, channel=Channel.IN_PERSON)
    texts = [b.text for b in reviews.review_view(ws, account, WEEK).blockers]
    assert "Slot 1: Lee Wong has no last-contact date" not in texts


def test_future_touch_is_refused(ws: Workspace, seeded: Seeded) -> None:
    from datetime import timedelta

    account = resolve_account(ws, seeded.account_id)
    person = resolve_stakeholder(ws, account, "ceo@acme.example")
    with pytest.raises(InvalidInput, match="future"):
        log_touch(ws, person, on=TODAY + timedelta(days=1), channel=Channel.PHONE)


def test_what_changed_since_last_closed_review(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    last_week = WEEK.previous()
    for position, key in enumerate(("ceo", "cio", "buyer", "champ", "user"), start=1):
        reviews.set_slot(ws, account, last_week, position, seeded.people[key])
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    reviews.close_review(ws, account, last_week)
    reviews.set_slot(ws, account, WEEK, 1, seeded.people["new"])
    log_touch(ws, resolve_stakeholder(ws, account, "Nina Park"), on=TODAY, channel=Channel.EMAIL)
    changes = reviews.review_view(ws, account, WEEK).changes
    assert "Nina Park joined the five" in changes
    assert "Carla Diaz is no longer in the five" in changes  # replaced, not "left"
    assert not any("Ivan Petrov" in c for c in changes)  # carried over: no change
