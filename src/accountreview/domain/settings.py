"""Thresholds of the rules, in one immutable object passed to them."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from accountreview.domain.enums import Role
from accountreview.domain.errors import InvalidValue

MAX_SLOTS_PER_REVIEW = 5
"""The most slots a review has, and how many by default: "the five". The schema's
CHECK on `slot.position` (db/models.py, migration 0001) is written from this; more
would need a migration."""


def _default_cadence() -> Mapping[Role, int]:
    return MappingProxyType(
        {
            Role.CHAMPION: 14,
            Role.ECONOMIC_BUYER: 30,
            Role.EXECUTIVE_SPONSOR: 45,
            Role.CIO_OFFICE: 60,
            Role.PROCUREMENT: 90,
            Role.FINANCE: 90,
            Role.SECURITY: 90,
            Role.LEGAL: 90,
            Role.USER: 30,
            Role.OTHER: 60,
        }
    )


@dataclass(frozen=True)
class Settings:
    """Every configurable threshold of the rules; the defaults encode the practice.

    ``cadence_days`` may name only some roles: the others keep their default.
    """

    fresh_within_days: int = 30
    stale_after_days: int = 90
    small_deal_max_penetration_pct: float = 10.0
    small_deal_min_potential: int = 250_000
    renewal_shock_margin_pts: float = 10.0
    rebate_window_days: int = 60
    follow_up_days: tuple[int, ...] = (90, 180, 365)
    follow_up_grace_days: int = 28
    in_person_window_days: int = 180
    cadence_days: Mapping[Role, int] = field(default_factory=_default_cadence)
    cs_tiers: tuple[tuple[int, str], ...] = (
        (1_000_000, "strategic"),
        (250_000, "enterprise"),
        (50_000, "growth"),
        (0, "scale"),
    )
    slots_per_review: int = MAX_SLOTS_PER_REVIEW  # "the five"

    @property
    def slot_positions(self) -> range:
        """The positions of a review's slots: 1 to `slots_per_review`."""
        return range(1, self.slots_per_review + 1)

    def __post_init__(self) -> None:
        if not 0 <= self.fresh_within_days <= self.stale_after_days:
            raise InvalidValue(
                "fresh_within_days",
                str(self.fresh_within_days),
                f"a number of days from 0 to stale_after_days ({self.stale_after_days})",
            )
        thresholds = [threshold for threshold, _ in self.cs_tiers]
        if not thresholds or thresholds != sorted(thresholds, reverse=True):
            raise InvalidValue(
                "cs_tiers", repr(self.cs_tiers), "(threshold, name) tiers, largest threshold first"
            )
        if not 1 <= self.slots_per_review <= MAX_SLOTS_PER_REVIEW:
            raise InvalidValue(
                "slots_per_review",
                str(self.slots_per_review),
                f"1 to {MAX_SLOTS_PER_REVIEW} (the database holds no more per review)",
            )
        # A partial mapping overrides the defaults; freezing keeps the settings immutable.
        cadence = {**_default_cadence(), **self.cadence_days}
        object.__setattr__(self, "cadence_days", MappingProxyType(cadence))

    def __hash__(self) -> int:
        # The generated hash would fail on the mapping; hash its items instead.
        values = [getattr(self, f.name) for f in fields(self) if f.name != "cadence_days"]
        return hash((*values, frozenset(self.cadence_days.items())))


DEFAULT_SETTINGS = Settings()
