"""People at the demo accounts and the days they were touched, shared by both scales.

Everything comes from one seeded random stream, so the order of the draws is
part of the output: the same seed and today give the same people.
"""

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from accountreview.domain.enums import Channel, Level, Role
from accountreview.services.demo.names import FIRST_NAMES, LAST_NAMES, PEOPLE_BY_ROLE

_T = TypeVar("_T")

# Days between touches of a person the team keeps in touch with, by role. All are
# under the 90-day staleness, so such a person can fill a slot in any week.
_CORE_GAPS: dict[Role | None, tuple[int, int]] = {
    Role.CHAMPION: (5, 15),
    Role.EXECUTIVE_SPONSOR: (20, 45),
    Role.ECONOMIC_BUYER: (20, 45),
    Role.CIO_OFFICE: (15, 50),
    Role.PROCUREMENT: (25, 60),
}
_OTHER_GAP = (15, 45)
# How long ago the latest touch was, per kind of person who is not kept in touch.
_NEWEST: dict[str, tuple[int, int]] = {
    "recent": (0, 30),
    "no role": (0, 60),
    "aging": (31, 90),
    "stale": (91, 330),
}
ALL_ROLES = tuple(Role)
CHANNELS = (
    (Channel.IN_PERSON,) * 2
    + (Channel.VIDEO,) * 6
    + (Channel.PHONE,) * 4
    + (Channel.EMAIL,) * 5
    + (Channel.EVENT,)
    + (Channel.CHAT,) * 2
)
REMOTE_CHANNELS = tuple(c for c in CHANNELS if c is not Channel.IN_PERSON)
CHANNEL_VALUES = tuple(c.value for c in CHANNELS)
REMOTE_CHANNEL_VALUES = tuple(c.value for c in REMOTE_CHANNELS)


@dataclass(slots=True)
class Person:
    """A stakeholder to be: who, and the days (ordinals, ascending) they were touched."""

    name: str
    title: str
    level: Level
    role: Role | None
    email: str | None
    days: list[int] = field(default_factory=list)
    left_on: int | None = None
    next_contact_on: int | None = None
    id: str = ""
    stored: tuple[object, ...] = ()  # id, name, title, level, role as the database keeps them

    def last_contact(self, day: int) -> int | None:
        """The latest touch on or before `day`."""
        index = bisect_right(self.days, day)
        return self.days[index - 1] if index else None

    def present(self, day: int) -> bool:
        return self.left_on is None or self.left_on > day

    def can_fill_slot(self, day: int, stale_after: int) -> bool:
        """Whether a review closed on `day` accepts this person (the close rule)."""
        if self.role is None or not self.present(day):
            return False
        last = self.last_contact(day)
        if last is None:
            return False
        planned = self.next_contact_on is not None and self.next_contact_on >= day
        return day - last <= stale_after or planned


def first_five(people: Sequence[Person], day: int, stale_after: int) -> list[Person]:
    """The first five people, in the given order, who may fill a slot on `day`."""
    return [p for p in people if p.can_fill_slot(day, stale_after)][:5]


@dataclass(frozen=True)
class Team:
    """Who works at an account: `core` roles kept in touch all year, then one person of
    each kind in `others` ("never", "stale", "aging", "recent", "no role")."""

    core: tuple[Role, ...] = ()
    others: tuple[str, ...] = ()
    stale: Role | None = None  # this core person went quiet (a next contact is planned)
    champion_left: int | None = None  # days ago the champion left


class People:
    """Makes people and their touch days from one seeded random stream."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today.toordinal()

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def person(self, role: Role | None, domain: str | None, taken: set[str]) -> Person:
        """Someone new at an account: a name not yet `taken` there, a title fitting the role."""
        while True:
            first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
            name = f"{first} {last}"
            if name not in taken:
                break
        taken.add(name)
        level, title = self.pick(PEOPLE_BY_ROLE[role or Role.OTHER])
        email = f"{first}.{last}@{domain}".lower() if domain else None
        return Person(name, title, level, role, email)

    def kept_in_touch(self, person: Person, *, quiet_days: int = 0) -> Person:
        """Touches all year at the role's pace, ending `quiet_days` ago (or within ten days)."""
        low, high = _CORE_GAPS.get(person.role, _OTHER_GAP)
        day = self.today - 372 - self.between(0, 20)  # before the Friday 52 weeks ago
        last = self.today - max(quiet_days, self.between(0, 10))
        days = []
        while day <= last:
            days.append(day)
            day += self.between(low, high)
        person.days = days
        return person

    def touched(self, person: Person, kind: str, count: int) -> Person:
        """`count` touches, the latest as long ago as `kind` says, the rest within a year."""
        if kind == "never" or count <= 0:
            return person
        low, high = _NEWEST[kind]
        newest = self.today - self.between(low, high)
        earlier = [newest - self.between(1, 300) for _ in range(count - 1)]
        person.days = sorted([*earlier, newest])
        return person

    def team(self, team: Team, domain: str) -> list[Person]:
        """An account's people: those kept in touch first (the order slots are filled in)."""
        taken: set[str] = set()
        people = []
        for role in team.core:
            person = self.person(role, domain, taken)
            if role is team.stale:
                self.kept_in_touch(person, quiet_days=self.between(95, 130))
                person.next_contact_on = self.today + self.between(3, 21)
            else:
                self.kept_in_touch(person)
            if role is Role.CHAMPION and team.champion_left is not None:
                person.left_on = self.today - team.champion_left
                person.days = [d for d in person.days if d < person.left_on]
            people.append(person)
        for kind in team.others:
            extra_role = None if kind == "no role" else self.pick(ALL_ROLES)
            person = self.person(extra_role, domain, taken)
            people.append(self.touched(person, kind, self.between(1, 4)))
        return people
