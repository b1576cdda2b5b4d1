"""Last week's five in this week's review: what the last closed review left, the slots a
new review is started with, and which slots are still "carried over" (not confirmed).

Nothing marks a slot as carried in the database: a slot is carried over when its person
was in the last closed five and has not been confirmed in this review (each review has
its own slots, so a confirmation is always this week's)."""

import sqlite3
from dataclasses import dataclass, replace
from typing import TypeVar

from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.reviews import SnapshotRow
from accountreview.domain.carry_over import Candidate, Carry, carry_over
from accountreview.domain.close_rule import SlotFacts, SnapshotEntry
from accountreview.domain.dates import IsoWeek
from accountreview.services.workspace import Workspace

S = TypeVar("S", bound=SlotFacts)


@dataclass(frozen=True)
class PreviousFive:
    """The account's last closed review before a week: its week, its frozen five, and
    each of them as known today."""

    week: str | None
    frozen: list[SnapshotRow]
    candidates: list[Candidate]

    def plan(self, ws: Workspace) -> list[Carry]:
        """What each slot of a new review starts with."""
        return carry_over(self.candidates, ws.today, ws.settings)

    def entries(self) -> list[SnapshotEntry]:
        """The frozen five for "what changed", with who has left the company since."""
        left = {c.stakeholder_id: c.left_on for c in self.candidates}
        return [
            SnapshotEntry(
                e.position, e.stakeholder_id, e.name, e.last_contact_on, left.get(e.stakeholder_id)
            )
            for e in self.frozen
        ]


def previous_five(
    conn: sqlite3.Connection, ws: Workspace, account_id: str, week: IsoWeek
) -> PreviousFive:
    """The last closed five before `week` (empty when the account has none)."""
    previous = review_queries.previous_closed_review(conn, account_id, str(week))
    if previous is None:
        return PreviousFive(None, [], [])
    frozen = review_queries.latest_snapshot(conn, previous.id)
    ids = [e.stakeholder_id for e in frozen if e.stakeholder_id]
    people = stakeholder_queries.stakeholders_by_ids(conn, ids, ws.today)
    candidates = []
    for e in frozen:
        person = people.get(e.stakeholder_id)
        left_on = None if person is None else person.left_on
        candidates.append(
            Candidate(
                e.position,
                e.stakeholder_id,
                e.name if person is None else person.name,
                left_on if left_on is not None and left_on <= ws.today else None,
                person is not None and person.account_id == account_id,
            )
        )
    return PreviousFive(previous.week, frozen, candidates)


def start_review(conn: sqlite3.Connection, ws: Workspace, account_id: str, week: IsoWeek) -> None:
    """Create the review of `week` with the last closed five carried over (in the
    caller's write transaction, so the review and its carried slots come together)."""
    plan = previous_five(conn, ws, account_id, week).plan(ws)
    review_id = review_queries.insert_review(conn, account_id, str(week), ws.actor_id)
    for carry in plan:
        if carry.stakeholder_id is not None:
            review_queries.set_slot(conn, review_id, carry.position, carry.stakeholder_id, None)


def mark_carried(slots: list[S], previous: PreviousFive, ws: Workspace) -> list[S]:
    """Slots with their carried-over week (people of the last closed five) and, for an
    open slot whose person was not carried, the reason."""
    if previous.week is None:
        return slots
    carried = {c.stakeholder_id for c in previous.candidates}
    reasons = {c.position: c.reason for c in previous.plan(ws) if c.reason}
    return [
        replace(slot, carried_from=previous.week)
        if slot.stakeholder_id in carried
        else replace(slot, open_reason=reasons.get(slot.position))
        if slot.stakeholder_id is None
        else slot
        for slot in slots
    ]
