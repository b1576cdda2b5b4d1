"""Last week's five carry over: who a new review starts with, and why a slot stays open.

A new review starts with the five of the account's last closed review, each marked
"carried over" until the rep confirms this week that the person is still there in the
same role, or replaces them. People who left the company since (or who are no longer
a stakeholder of the account) are not carried: their slot starts open, with the reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from accountreview.domain.enums import Role
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True)
class Candidate:
    """One person of the last closed five, with what is known of them today."""

    position: int
    stakeholder_id: str
    name: str
    left_on: date | None = None
    at_account: bool = True  # still a stakeholder of the account (not deleted or moved)


@dataclass(frozen=True)
class Carry:
    """What one slot of a new review starts with: a person, or an open slot and why."""

    position: int
    stakeholder_id: str | None
    reason: str | None = None  # why the slot is open, when its person was not carried


def _display(name: str) -> str:
    return name.strip() or "the stakeholder"


def not_carried_reason(candidate: Candidate, today: date) -> str | None:
    """Why a person of the last closed five is not carried over (None: they are)."""
    name = _display(candidate.name)
    if not candidate.at_account:
        return f"{name} is no longer a stakeholder of this account"
    if candidate.left_on is not None and candidate.left_on <= today:
        return f"{name} left the company on {candidate.left_on.isoformat()}"
    return None


def carry_over(
    previous: Sequence[Candidate], today: date, settings: Settings = DEFAULT_SETTINGS
) -> list[Carry]:
    """Each slot of a new review, from the last closed five (empty slots when none).

    A position outside the slots is ignored, and a person twice in the five is
    carried in their first slot only.
    """
    by_position = {c.position: c for c in sorted(previous, key=lambda c: c.position)}
    seen: set[str] = set()
    result: list[Carry] = []
    for position in range(1, settings.slots_per_review + 1):
        candidate = by_position.get(position)
        if candidate is None or candidate.stakeholder_id in seen:
            result.append(Carry(position, None))
            continue
        reason = not_carried_reason(candidate, today)
        if reason is None:
            seen.add(candidate.stakeholder_id)
        result.append(Carry(position, None if reason else candidate.stakeholder_id, reason))
    return result


_PEOPLE_ROLES = {Role.CHAMPION, Role.ECONOMIC_BUYER, Role.EXECUTIVE_SPONSOR}


def _still(role: Role | None) -> str:
    """ "still the champion", "still in procurement": the role as a rep would say it."""
    if role is None or role is Role.OTHER:
        return "still there in the same role"
    if role in _PEOPLE_ROLES:
        return f"still the {role.label}"
    if role is Role.USER:
        return "still a user"
    return f"still in {'the ' if role is Role.CIO_OFFICE else ''}{role.label}"


def confirm_blocker(week: str, name: str, role: Role | None) -> str:
    """The close rule's words for a carried-over slot not yet confirmed this week."""
    who = f"{_display(name)} is {_still(role)}"
    return f"carried over from {week}; confirm (c) that {who} or replace them"
