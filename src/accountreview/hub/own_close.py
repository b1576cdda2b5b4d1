"""A close made on this laptop never conflicts with itself.

A laptop's outbox holds the slot edits it made for a close before the close itself (and,
when the review was made on two devices, its slot rows before both). When the close is
applied on the hub as a unit, it sets the hub's slots to this laptop's five, so those
edits gave way to nothing: a "changed elsewhere" or "made on two devices" conflict for
them (because another laptop changed a slot first) would be false, and its "theirs"
would even be written into the laptop's closed slot. So a slot change that this push
follows with a close of the same review is held back until that close has been tried:
if it took (its change ids are `applied` on the hub, now or at an earlier push of the
same batch), the change is settled by it; otherwise (another laptop closed first) it is
weighed as usual, and meets "the review was closed elsewhere".
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from accountreview.hub.answers import Change, Conn


@dataclass
class OwnCloses:
    """The closes a push carries, by review: (their place among the push's runs, their
    change ids); and the slot changes held back until those closes were tried."""

    closes: dict[str, list[tuple[int, list[str]]]] = field(default_factory=dict)
    held: list[tuple[list[str], Any]] = field(default_factory=list)

    def close_after(self, review_id: str | None, place: int) -> list[str] | None:
        """The change ids of the first close of `review_id` after `place`, if any."""
        for at, ids in self.closes.get(review_id or "", []):
            if at > place:
                return ids
        return None


def own_closes(runs: Sequence[Sequence[Change]]) -> OwnCloses:
    """The closes among `runs` (a run that sets a review's status to closed)."""
    found = OwnCloses()
    for place, run in enumerate(runs):
        if all(c.kind == "update" and c.table == "review" for c in run) and any(
            c.field == "status" and c.new == "closed" for c in run
        ):
            found.closes.setdefault(run[0].row_id, []).append((place, [c.change_id for c in run]))
    return found


def slot_review(conn: Conn, slot_id: str) -> str | None:
    """The review a slot on the hub belongs to (None: the hub has no such slot)."""
    row = conn.execute("SELECT review_id FROM review_slot WHERE id = %s", (slot_id,)).fetchone()
    return None if row is None else str(row[0])


def took(conn: Conn, change_ids: Sequence[str]) -> bool:
    """Whether the hub applied the close these change ids carried (now or before)."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE outcome = 'applied'), count(*) FROM hub_change"
        " WHERE change_id = ANY(%s)",
        (list(change_ids),),
    ).fetchone()
    return row is not None and row[1] > 0 and row[0] == row[1]
