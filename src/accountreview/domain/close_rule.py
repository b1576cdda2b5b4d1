"""The close rule of a weekly review, its risks, and what changed since last week."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from accountreview.domain.carry_over import confirm_blocker
from accountreview.domain.contacts import (
    cadence_days,
    coverage_of,
    days_since,
    needs_in_person,
    staleness,
)
from accountreview.domain.enums import Level, Role, Staleness
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True)
class SlotFacts:
    """What the rules need to know about one of the review's stakeholder slots."""

    position: int
    stakeholder_id: str | None = None
    name: str | None = None
    title: str | None = None
    level: Level | None = None
    role: Role | None = None
    left_on: date | None = None
    last_contact_on: date | None = None
    next_contact_on: date | None = None
    confirmed_in_role: bool = False
    belongs_to_account: bool = True
    carried_from: str | None = None  # the week of the closed five this person came from
    open_reason: str | None = None  # why an empty slot is open (its person left, say)

    @property
    def awaits_confirmation(self) -> bool:
        """Carried over from the last closed five and not yet confirmed this week."""
        return self.carried_from is not None and not self.confirmed_in_role

    @property
    def display_name(self) -> str:
        """The name to show, or a stand-in when it is blank."""
        return (self.name or "").strip() or "the stakeholder"


@dataclass(frozen=True)
class Blocker:
    """One unmet condition of the close rule, tied to a slot when it has one."""

    position: int | None
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class SnapshotEntry:
    """One slot of a closed review as it was frozen at closing."""

    position: int
    stakeholder_id: str
    name: str
    last_contact_on: date | None
    left_on: date | None = None  # the person's, as known today


def _slots_by_position(slots: Sequence[SlotFacts], settings: Settings) -> dict[int, SlotFacts]:
    """Slots in 1..slots_per_review, keyed by position; the first wins a repeated position."""
    by_position: dict[int, SlotFacts] = {}
    for slot in slots:
        if 1 <= slot.position <= settings.slots_per_review:
            by_position.setdefault(slot.position, slot)
    return dict(sorted(by_position.items()))


def _named_slots(slots: Sequence[SlotFacts], settings: Settings) -> list[SlotFacts]:
    by_position = _slots_by_position(slots, settings)
    return [slot for slot in by_position.values() if slot.stakeholder_id is not None]


def _contact_problems(slot: SlotFacts, today: date, settings: Settings) -> list[str]:
    """What is wrong with a slot's last and next contact, without the "Slot N: " prefix."""
    name = slot.display_name
    last = slot.last_contact_on
    if last is None:
        return [f"{name} has no last-contact date"]
    if last > today:
        return [f"{name}'s last contact {last.isoformat()} is in the future"]
    days = (today - last).days
    if days <= settings.stale_after_days:
        return []
    if slot.next_contact_on is None:
        return [f"{name} was last contacted {days} days ago: plan a next contact"]
    if slot.next_contact_on < today:
        return [f"{name}'s planned next contact {slot.next_contact_on.isoformat()} has passed"]
    return []


def slot_text(position: int, problem: str) -> str:
    """A slot's problem as the user reads it, in a refusal or a close blocker."""
    return f"Slot {position}: {problem}"


def position_problem(position: int, settings: Settings = DEFAULT_SETTINGS) -> str | None:
    """Why `position` is not a slot of a review (None: it is one)."""
    if 1 <= position <= settings.slots_per_review:
        return None
    return f"slot: {position} is not a slot; expected 1 to {settings.slots_per_review}"


def placement_problems(slot: SlotFacts, today: date, elsewhere: Mapping[str, int]) -> list[str]:
    """Why a slot cannot hold its person at all, without the "Slot N: " prefix: not of
    the account, left the company, or already in another slot (`elsewhere`: person ->
    the slot they hold). A pick is refused for these; the close rule blocks on them."""
    name = slot.display_name
    problems = []
    if not slot.belongs_to_account:
        problems.append(f"{name} is not a stakeholder of this account")
    if slot.left_on is not None and slot.left_on <= today:
        problems.append(f"{name} has left the company")
    if slot.stakeholder_id is not None and slot.stakeholder_id in elsewhere:
        problems.append(f"{name} is already in slot {elsewhere[slot.stakeholder_id]}")
    return problems


def _slot_problems(
    slot: SlotFacts, today: date, earlier: dict[str, int], settings: Settings
) -> list[str]:
    """Every unmet condition of one named slot, without the "Slot N: " prefix."""
    name = slot.display_name
    problems = placement_problems(slot, today, earlier)
    if not (slot.name or "").strip():
        problems.append("the stakeholder has no name")
    if slot.role is None:
        problems.append(f"{name} has no role")
    if slot.awaits_confirmation and slot.carried_from is not None:
        problems.append(confirm_blocker(slot.carried_from, name, slot.role))
    return problems + _contact_problems(slot, today, settings)


def close_blockers(
    slots: Sequence[SlotFacts], today: date, settings: Settings = DEFAULT_SETTINGS
) -> list[Blocker]:
    """Every reason the review cannot close, all at once, ordered by slot.

    An empty list means the review may close.
    """
    by_position = _slots_by_position(slots, settings)
    earlier: dict[str, int] = {}
    blockers: list[Blocker] = []
    for position in range(1, settings.slots_per_review + 1):
        slot = by_position.get(position)
        if slot is None or slot.stakeholder_id is None:
            why = slot.open_reason if slot is not None else None
            problems = ["no stakeholder named" + (f" ({why})" if why else "")]
        else:
            problems = _slot_problems(slot, today, earlier, settings)
            earlier.setdefault(slot.stakeholder_id, position)
        blockers += [Blocker(position, slot_text(position, text)) for text in problems]
    return blockers


def _champions_left(named: Sequence[SlotFacts], champions_left: Sequence[str]) -> list[str]:
    """The loudest risk: each champion who left, named once."""
    names = list(dict.fromkeys(champions_left))
    for slot in named:
        left = slot.role is Role.CHAMPION and slot.left_on is not None
        if left and slot.display_name not in names:
            names.append(slot.display_name)
    return [f"Champion {name} has left the company" for name in names]


def _contact_risks(slot: SlotFacts, today: date, settings: Settings) -> list[str]:
    """Stale or overdue, and not yet confirmed in role, for one named slot."""
    prefix = f"Slot {slot.position}: {slot.display_name}"
    risks = []
    days = days_since(slot.last_contact_on, today)
    if days is not None and days >= 0:
        state = staleness(slot.last_contact_on, today, settings, role=slot.role)
        if state is Staleness.STALE:
            risks.append(f"{prefix} is stale: last contact {days} days ago")
        elif state is Staleness.OVERDUE:
            role = (slot.role or Role.OTHER).label
            cadence = cadence_days(slot.role, settings)
            risks.append(
                f"{prefix} is overdue: {days} days since last contact, "
                f"{role} cadence is {cadence} days"
            )
    if not slot.confirmed_in_role and slot.carried_from is None:  # else the close blocks
        risks.append(f"{prefix} not yet confirmed still in role")
    return risks


def review_risks(
    slots: Sequence[SlotFacts],
    *,
    today: date,
    last_in_person_on: date | None,
    champions_left: Sequence[str] = (),
    settings: Settings = DEFAULT_SETTINGS,
) -> list[str]:
    """Risks worth a rep's attention (not blockers), loudest first.

    People who have left count for no coverage and get no contact risks: the
    close rule already blocks on them.
    """
    named = _named_slots(slots, settings)
    present = [s for s in named if s.left_on is None or s.left_on > today]
    risks = _champions_left(named, champions_left)
    coverage = coverage_of((slot.level, slot.role) for slot in present)
    risks += [f"No {gap} among the five" for gap in coverage.missing()]
    for slot in present:
        risks += _contact_risks(slot, today, settings)
    if needs_in_person(last_in_person_on, today, settings):
        if last_in_person_on is None:
            risks.append("No in-person meeting on record")
        else:
            risks.append(f"No in-person meeting in {settings.in_person_window_days} days")
    return risks


def _date_text(d: date | None) -> str:
    return "none" if d is None else d.isoformat()


def _gone(entry: SnapshotEntry) -> str:
    """Someone of the previous five who is not in this one: replaced, or left the company."""
    if entry.left_on is not None:
        return f"{entry.name} left the company on {entry.left_on.isoformat()}"
    return f"{entry.name} is no longer in the five"


def what_changed(previous: Sequence[SnapshotEntry], current: Sequence[SlotFacts]) -> list[str]:
    """Who joined or is no longer in the five (and why, when they left the company), and
    whose last contact moved since the previous review."""
    if not previous:
        return []
    before = {entry.stakeholder_id: entry for entry in sorted(previous, key=lambda e: e.position)}
    now = {
        slot.stakeholder_id: slot
        for slot in sorted(current, key=lambda s: s.position)
        if slot.stakeholder_id is not None
    }
    joined = [
        f"{slot.display_name} joined the five" for sid, slot in now.items() if sid not in before
    ]
    left = [_gone(entry) for sid, entry in before.items() if sid not in now]
    moved = []
    for sid, slot in now.items():
        entry = before.get(sid)
        if entry is not None and entry.last_contact_on != slot.last_contact_on:
            name = (slot.name or "").strip() or entry.name
            moved.append(
                f"{name}: last contact moved from {_date_text(entry.last_contact_on)} "
                f"to {_date_text(slot.last_contact_on)}"
            )
    return joined + left + moved
