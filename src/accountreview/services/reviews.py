"""The weekly review of one account: open it, fill its five slots, close, reopen."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.accounts import AccountRow
from accountreview.db.reviews import ReviewRow, SlotRow, SnapshotRow
from accountreview.db.stakeholders import StakeholderRow
from accountreview.domain.access import Access
from accountreview.domain.close_rule import (
    Blocker,
    SlotFacts,
    close_blockers,
    placement_problems,
    position_problem,
    review_risks,
    slot_text,
    what_changed,
)
from accountreview.domain.contacts import staleness
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus, Staleness
from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import clean_text
from accountreview.services.carried import PreviousFive, mark_carried, previous_five, start_review
from accountreview.services.errors import CloseRefused, InvalidInput, Refused, ReviewIsClosed
from accountreview.services.lookup import can_access, check_access
from accountreview.services.workspace import Workspace


@dataclass(frozen=True)
class SlotView(SlotFacts):
    """One of the five positions as a rep sees it: the rule's facts plus staleness."""

    staleness: Staleness | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "stakeholder": self.name,
            "stakeholder_id": self.stakeholder_id,
            "title": self.title,
            "role": None if self.role is None else self.role.value,
            "last_contact": None
            if self.last_contact_on is None
            else self.last_contact_on.isoformat(),
            "next_contact": None
            if self.next_contact_on is None
            else self.next_contact_on.isoformat(),
            "staleness": None if self.staleness is None else self.staleness.value,
            "confirmed_in_role": self.confirmed_in_role,
            "carried_over": self.carried_from is not None,
            "carried_from": self.carried_from,
            "open_reason": self.open_reason,
        }


@dataclass(frozen=True)
class ReviewView:
    """A review as shown: slots, what blocks closing, risks, what changed since last week."""

    account_id: str
    account_name: str
    week: IsoWeek
    status: ReviewStatus
    slots: list[SlotView]
    blockers: list[Blocker]
    risks: list[str]
    changes: list[str]
    close_count: int = 0

    @property
    def can_close(self) -> bool:
        return self.status is ReviewStatus.OPEN and not self.blockers

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account_name,
            "account_id": self.account_id,
            "week": str(self.week),
            "status": self.status.value,
            "slots": [s.to_json() for s in self.slots],
            "blockers": [b.text for b in self.blockers],
            "risks": self.risks,
            "changes": self.changes,
        }


def _slot_from_stakeholder(
    position: int,
    person: StakeholderRow | None,
    confirmed: bool,
    ws: Workspace,
    account_id: str,
) -> SlotView:
    if person is None:
        return SlotView(position=position)
    return SlotView(
        position=position,
        stakeholder_id=person.id,
        name=person.name,
        title=person.title,
        level=person.level,
        role=person.role,
        last_contact_on=person.last_contact_on,
        next_contact_on=person.next_contact_on,
        left_on=person.left_on,
        confirmed_in_role=confirmed,
        belongs_to_account=person.account_id == account_id,
        staleness=staleness(person.last_contact_on, ws.today, ws.settings, role=person.role),
    )


def frozen_slot(entry: SnapshotRow, ws: Workspace) -> SlotView:
    """A slot as frozen at a close (its staleness as of today)."""
    return SlotView(
        position=entry.position,
        stakeholder_id=entry.stakeholder_id,
        name=entry.name,
        title=entry.title,
        level=entry.level,
        role=entry.role,
        last_contact_on=entry.last_contact_on,
        next_contact_on=entry.next_contact_on,
        confirmed_in_role=bool(entry.confirmed_in_role),  # as it was (unknown before 0003)
        staleness=staleness(entry.last_contact_on, ws.today, ws.settings, role=entry.role),
    )


def _live_slots(
    conn: sqlite3.Connection,
    ws: Workspace,
    rows: list[SlotRow],
    account_id: str,
) -> tuple[list[SlotView], dict[str, StakeholderRow]]:
    by_position = {r.position: r for r in rows}
    ids = [r.stakeholder_id for r in rows if r.stakeholder_id]
    people = stakeholder_queries.stakeholders_by_ids(conn, ids, ws.today)
    slots = []
    for position in ws.settings.slot_positions:
        row = by_position.get(position)
        person = people.get(row.stakeholder_id) if row and row.stakeholder_id else None
        confirmed = bool(row and row.confirmed_in_role_on)
        slots.append(_slot_from_stakeholder(position, person, confirmed, ws, account_id))
    return slots, people


def _slot_rows(
    conn: sqlite3.Connection, ws: Workspace, review: ReviewRow | None, previous: PreviousFive
) -> list[SlotRow]:
    """The review's slots; for a review not started, those it would start with."""
    if review is not None:
        return review_queries.slots_of(conn, review.id)
    return [SlotRow(c.position, c.stakeholder_id, None) for c in previous.plan(ws)]


def review_view(ws: Workspace, account: AccountRow, week: IsoWeek) -> ReviewView:
    """The review of `account` for `week` as it stands (nothing is created; a review not
    started shows the five it would start with, carried over from the last closed one)."""
    with ws.db.read() as conn:
        review = review_queries.get_review(conn, account.id, str(week))
        previous = previous_five(conn, ws, account.id, week)
        if review is not None and review.status is ReviewStatus.CLOSED:
            snapshot = review_queries.latest_snapshot(conn, review.id)
            slots = [frozen_slot(e, ws) for e in snapshot]
            people: dict[str, StakeholderRow] = {}
        else:
            rows = _slot_rows(conn, ws, review, previous)
            slots, people = _live_slots(conn, ws, rows, account.id)
        slots = mark_carried(slots, previous, ws)
        # Both read per stakeholder, never every touch: this runs after every key.
        last_in_person = stakeholder_queries.last_in_person_on(conn, account.id, ws.today)
        champions_left = [
            name
            for person_id, name in stakeholder_queries.champions_left(conn, account.id, ws.today)
            if person_id not in people
        ]
    status = ReviewStatus.NOT_STARTED if review is None else review.status
    blockers = [] if status is ReviewStatus.CLOSED else close_blockers(slots, ws.today, ws.settings)
    risks = review_risks(
        slots,
        today=ws.today,
        last_in_person_on=last_in_person,
        champions_left=champions_left,
        settings=ws.settings,
    )
    entries = previous.entries()
    return ReviewView(
        account_id=account.id,
        account_name=account.name,
        week=week,
        status=status,
        slots=slots,
        blockers=blockers,
        risks=risks,
        changes=what_changed(entries, slots) if entries else [],
        close_count=0 if review is None else review.close_count,
    )


def _open_for_edit(
    conn: sqlite3.Connection, ws: Workspace, account: AccountRow, week: IsoWeek
) -> ReviewRow:
    check_access(ws, account, Access.WRITE)  # only the account's rep edits its review
    review = review_queries.get_review(conn, account.id, str(week))
    if review is None:
        start_review(conn, ws, account.id, week)
        review = review_queries.get_review(conn, account.id, str(week))
        assert review is not None
    if review.status is ReviewStatus.CLOSED:
        raise ReviewIsClosed(
            f"The review of {account.name} for {week} is closed; reopen it (with a reason) to edit"
        )
    return review


def open_review(ws: Workspace, account: AccountRow, week: IsoWeek) -> ReviewView:
    """Get or start the review of `account` for `week`, a new one with the last closed
    five carried over (a closed one is returned as is)."""
    if not can_access(ws, account, Access.WRITE):  # a manager reading starts nothing
        return review_view(ws, account, week)
    with ws.db.write() as conn:
        review = review_queries.get_review(conn, account.id, str(week))
        if review is None:
            start_review(conn, ws, account.id, week)
    return review_view(ws, account, week)


def _check_position(ws: Workspace, position: int) -> None:
    problem = position_problem(position, ws.settings)
    if problem is not None:
        raise InvalidInput(problem)


def set_slot(
    ws: Workspace, account: AccountRow, week: IsoWeek, position: int, stakeholder_id: str | None
) -> ReviewView:
    """Put a stakeholder in slot `position` (or empty it with None); saved at once.

    Refused, in the close rule's words (`placement_problems`), for someone not of the
    account, who left the company, or who is in another slot."""
    _check_position(ws, position)
    with ws.db.write() as conn:
        review = _open_for_edit(conn, ws, account, week)
        if stakeholder_id is not None:
            _check_placement(conn, ws, account, review.id, position, stakeholder_id)
        review_queries.set_slot(conn, review.id, position, stakeholder_id, None)
    return review_view(ws, account, week)


def _check_placement(
    conn: sqlite3.Connection,
    ws: Workspace,
    account: AccountRow,
    review_id: str,
    position: int,
    stakeholder_id: str,
) -> None:
    """Refuse a pick the close rule would block on at once (see `placement_problems`)."""
    person = stakeholder_queries.get_stakeholder(conn, stakeholder_id, ws.today)
    slot = SlotFacts(
        position,
        stakeholder_id,
        name=None if person is None else person.name,
        left_on=None if person is None else person.left_on,
        belongs_to_account=person is not None and person.account_id == account.id,
    )
    elsewhere = {
        s.stakeholder_id: s.position
        for s in review_queries.slots_of(conn, review_id)
        if s.stakeholder_id is not None and s.position != position
    }
    problems = placement_problems(slot, ws.today, elsewhere)
    if problems:
        raise InvalidInput(slot_text(position, "; ".join(problems)))


def confirm_in_role(ws: Workspace, account: AccountRow, week: IsoWeek, position: int) -> ReviewView:
    """Record that the stakeholder in `position` is still there, in the same role."""
    _check_position(ws, position)
    with ws.db.write() as conn:
        review = _open_for_edit(conn, ws, account, week)
        slot = next(s for s in review_queries.slots_of(conn, review.id) if s.position == position)
        if slot.stakeholder_id is None:
            raise InvalidInput(f"slot {position}: no stakeholder to confirm")
        review_queries.set_slot(conn, review.id, position, slot.stakeholder_id, ws.today)
    return review_view(ws, account, week)


@contextmanager
def _guarded_record(what: str) -> Iterator[None]:
    """A refusal by the schema's triggers (the record was changed outside the app, say)
    becomes a message; the write it happened in is rolled back."""
    try:
        yield
    except sqlite3.IntegrityError as error:
        raise Refused(
            f"{what}: the database refused it ({error}). Its record may have been changed"
            " outside accountreview: run `accountreview check`. Nothing was saved."
        ) from None


def close_review(ws: Workspace, account: AccountRow, week: IsoWeek) -> ReviewView:
    """Close the review if the close rule is met, freezing its five slots.

    Raises `CloseRefused` with every unmet condition otherwise.
    """
    with ws.db.write() as conn:
        review = _open_for_edit(conn, ws, account, week)
        view = review_view(ws, account, week)
        if view.blockers:
            raise CloseRefused(account.name, str(week), view.blockers)
        with _guarded_record(f"Closing the review of {account.name} for {week}"):
            _freeze_and_close(ws, conn, review, view)
    return review_view(ws, account, week)


def _freeze_and_close(
    ws: Workspace, conn: sqlite3.Connection, review: ReviewRow, view: ReviewView
) -> None:
    """Freeze the five, log the close, then close: the database closes a review only
    with both written just before."""
    close_number = review.close_count + 1
    frozen = [
        SnapshotRow(
            s.position,
            s.stakeholder_id or "",
            s.name or "",
            s.title,
            s.level,
            s.role,
            s.last_contact_on,
            s.next_contact_on,
            s.confirmed_in_role,
        )
        for s in view.slots
    ]
    review_queries.insert_snapshot(conn, review.id, close_number, frozen)
    review_queries.insert_audit(
        conn,
        action="review.closed",
        actor_id=ws.actor_id,
        account_id=view.account_id,
        review_id=review.id,
        close_number=close_number,
        reason=None,
    )
    review_queries.mark_closed(conn, review.id, ws.actor_id)


def reopen_review(ws: Workspace, account: AccountRow, week: IsoWeek, reason: str) -> ReviewView:
    """Reopen a closed review; the reason is required and kept in the audit log."""
    try:
        reason = clean_text(reason, "reason", max_length=500)
    except InvalidValue as error:
        raise InvalidInput(f"{error}. A reason is required to reopen a closed review") from None
    check_access(ws, account, Access.WRITE)  # also: someone must be named (the schema asks)
    with ws.db.write() as conn:
        review = review_queries.get_review(conn, account.id, str(week))
        if review is None or review.status is not ReviewStatus.CLOSED:
            raise InvalidInput(f"The review of {account.name} for {week} is not closed")
        with _guarded_record(f"Reopening the review of {account.name} for {week}"):
            review_queries.insert_audit(
                conn,
                action="review.reopened",
                actor_id=ws.actor_id,
                account_id=account.id,
                review_id=review.id,
                close_number=review.close_count,
                reason=reason,
            )
            review_queries.mark_reopened(conn, review.id)
    return review_view(ws, account, week)
