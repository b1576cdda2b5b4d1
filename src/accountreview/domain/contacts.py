"""Contact rules: staleness, cadence per role, coverage of the five, meeting in person."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from accountreview.domain.enums import Channel, Level, Role, Staleness
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings

_EXECUTIVE_ROLES = frozenset({Role.EXECUTIVE_SPONSOR, Role.ECONOMIC_BUYER})


def days_since(d: date | None, today: date) -> int | None:
    """Whole days from ``d`` to ``today`` (negative when ``d`` is later); None without a date."""
    if d is None:
        return None
    return (today - d).days


def staleness(
    last_contact_on: date | None,
    today: date,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    role: Role | None,
) -> Staleness:
    """The one word for how recent a contact is, following the role's cadence: never
    contacted; stale beyond ``stale_after_days`` (90); overdue past the role's cadence
    (a champion every 14 days, a CIO office every 60…); fresh within it."""
    days = days_since(last_contact_on, today)
    if days is None:
        return Staleness.NEVER
    if days > settings.stale_after_days:
        return Staleness.STALE
    if days > cadence_days(role, settings):
        return Staleness.OVERDUE
    return Staleness.FRESH


def stale_champion(
    champion_contacts: Iterable[date | None], today: date, settings: Settings = DEFAULT_SETTINGS
) -> bool:
    """Whether any current champion was never contacted, or last contacted too long ago.

    ``champion_contacts`` holds each current champion's last contact (None: never).
    """
    return any(
        staleness(d, today, settings, role=Role.CHAMPION) in (Staleness.STALE, Staleness.NEVER)
        for d in champion_contacts
    )


def cadence_days(role: Role | None, settings: Settings = DEFAULT_SETTINGS) -> int:
    """How often a stakeholder of this role should be contacted, in days."""
    cadence = settings.cadence_days
    fallback = cadence.get(Role.OTHER, DEFAULT_SETTINGS.cadence_days[Role.OTHER])
    if role is None:
        return fallback
    return cadence.get(role, fallback)


def is_overdue(
    role: Role | None,
    last_contact_on: date | None,
    today: date,
    settings: Settings = DEFAULT_SETTINGS,
) -> bool:
    """Whether the contact is past the role's cadence; never contacted is overdue."""
    days = days_since(last_contact_on, today)
    return days is None or days > cadence_days(role, settings)


@dataclass(frozen=True)
class Coverage:
    """Which levels of the account the five reach."""

    executive: bool
    cio_office: bool
    procurement: bool
    champion: bool

    def missing(self) -> list[str]:
        """The levels not reached, in words, loudest first."""
        reached = {
            "executive": self.executive,
            Role.CIO_OFFICE.label: self.cio_office,
            Role.PROCUREMENT.label: self.procurement,
            Role.CHAMPION.label: self.champion,
        }
        return [label for label, ok in reached.items() if not ok]


def coverage_of(members: Iterable[tuple[Level | None, Role | None]]) -> Coverage:
    """Coverage of a set of stakeholders given as (level, role) pairs.

    An executive sponsor or economic buyer counts as an executive whatever their level.
    """
    levels: set[Level | None] = set()
    roles: set[Role | None] = set()
    for level, role in members:
        levels.add(level)
        roles.add(role)
    return Coverage(
        executive=Level.EXECUTIVE in levels or bool(roles & _EXECUTIVE_ROLES),
        cio_office=Role.CIO_OFFICE in roles,
        procurement=Role.PROCUREMENT in roles,
        champion=Role.CHAMPION in roles,
    )


def needs_in_person(
    last_in_person_on: date | None, today: date, settings: Settings = DEFAULT_SETTINGS
) -> bool:
    """No in-person meeting on record, or none within ``in_person_window_days``."""
    days = days_since(last_in_person_on, today)
    return days is None or days > settings.in_person_window_days


def in_person_share(channels: Iterable[Channel]) -> float | None:
    """The fraction of touches that were in person; None without touches."""
    total = in_person = 0
    for channel in channels:
        total += 1
        in_person += channel == Channel.IN_PERSON
    return None if total == 0 else in_person / total
