"""Account rules: size, stage, lost-deal follow-ups, rebate, renewal, contract, gates."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from accountreview.domain.dates import IsoWeek, days_after
from accountreview.domain.enums import ContractKind, Stage
from accountreview.domain.errors import InvalidValue
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from fractions import Fraction

# --- size -------------------------------------------------------------------


def penetration(current: int, potential: int) -> float | None:
    """Current size as a fraction of potential (0.02 for 2%); None without a potential."""
    if potential <= 0:
        return None
    return current / potential


def whitespace(current: int, potential: int) -> int:
    """The part of the potential not yet sold: the open opportunity."""
    return max(0, potential - current)


def is_small_deal_at_big_company(
    current: int, potential: int, settings: Settings = DEFAULT_SETTINGS
) -> bool:
    """A large potential of which only a sliver is sold: at risk from day one."""
    share = penetration(current, potential)
    if share is None or potential < settings.small_deal_min_potential:
        return False
    # Compare fractions, not share * 100: both sides are then correctly rounded.
    return share < settings.small_deal_max_penetration_pct / 100


def cs_tier(potential: int, settings: Settings = DEFAULT_SETTINGS) -> str:
    """The customer-success tier, staffed to the potential rather than the current deal."""
    for threshold, name in settings.cs_tiers:
        if threshold <= potential:
            return name
    return settings.cs_tiers[-1][1]


# --- stage and lost-deal follow-ups ----------------------------------------------


def stage_of(
    *,
    signed_on: date | None,
    live_on: date | None,
    paid_on: date | None,
    lost_on: date | None,
    churned_on: date | None,
    today: date,
) -> Stage:
    """The stage from the account's dates; a date after ``today`` has not happened yet.

    A customer is live AND paid: paid but not live is still signed.
    """

    def happened(d: date | None) -> bool:
        return d is not None and d <= today

    if happened(churned_on):
        return Stage.CHURNED
    if happened(lost_on):
        return Stage.LOST
    if happened(live_on):
        return Stage.CUSTOMER if happened(paid_on) else Stage.LIVE
    if happened(signed_on):
        return Stage.SIGNED
    return Stage.PROSPECT


def follow_up_dates(lost_on: date, settings: Settings = DEFAULT_SETTINGS) -> list[date]:
    """When a lost deal comes back into the queue (90, 180 and 365 days after by default)."""
    return [days_after(lost_on, days) for days in settings.follow_up_days]


def due_follow_up(
    lost_on: date | None, week: IsoWeek, settings: Settings = DEFAULT_SETTINGS
) -> date | None:
    """The follow-up of a lost deal due in ``week``, or up to ``follow_up_grace_days`` before."""
    if lost_on is None:
        return None
    earliest = week.sunday - timedelta(days=settings.follow_up_grace_days)
    due = [d for d in follow_up_dates(lost_on, settings) if earliest < d <= week.sunday]
    return max(due, default=None)


# --- rebate ------------------------------------------------------------------------


def rebate_deadline(signed_on: date | None, settings: Settings = DEFAULT_SETTINGS) -> date | None:
    """The last day to go live and earn the rebate."""
    if signed_on is None:
        return None
    return days_after(signed_on, settings.rebate_window_days)


def rebate_offered(rebate_pct: float | None) -> bool:
    """Whether the deal has a rebate at all: a rebate of 0% (or none) is no rebate."""
    return rebate_pct is not None and rebate_pct > 0


@dataclass(frozen=True)
class Rebate:
    """Where an offered rebate stands: the day to go live by, whether the go-live date is
    by then (False without one), and the days left (negative once missed) while signed
    and not live as of today (None otherwise: the review shows no countdown)."""

    deadline: date
    earned: bool
    days_left: int | None


def rebate_of(
    *,
    rebate_pct: float | None,
    signed_on: date | None,
    live_on: date | None,
    today: date,
    settings: Settings = DEFAULT_SETTINGS,
) -> Rebate | None:
    """The rebate of a deal, or None when no rebate was offered or it is not signed
    (by ``today``).

    deadline = signed + 60 days (``rebate_window_days``); earned if live by then; the
    countdown runs while signed (by ``today``) but not live.
    """
    deadline = rebate_deadline(signed_on, settings)
    if deadline is None or signed_on is None or signed_on > today:
        return None
    if not rebate_offered(rebate_pct):
        return None
    is_live = live_on is not None and live_on <= today
    days_left = None if is_live else (deadline - today).days
    earned = live_on is not None and live_on <= deadline
    return Rebate(deadline=deadline, earned=earned, days_left=days_left)


# --- renewal -----------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalView:
    """How a renewal looks to the customer compared with what they felt they paid.

    ``perceived_increase`` is None when they paid nothing (a 100% discount).
    """

    renewal_price: int
    perceived_base: int
    perceived_increase: float | None
    uplift: float
    shock: bool


def _exact_fraction(pct: float, what: str, low: float, high: float) -> "Fraction":
    """A percentage as an exact fraction of one (20 → 1/5), checked to lie in a range."""
    from fractions import Fraction  # here, not at the top: it slows every CLI start

    if not (math.isfinite(pct) and low <= pct <= high):
        raise InvalidValue(what, str(pct), f"a percentage from {low:g} to {high:g}")
    # Through the shortest repr so 12.1 means 121/1000, not its binary neighbour.
    return Fraction(repr(float(pct))) / 100


def _round_half_up(value: "Fraction") -> int:
    return math.floor(value + type(value)(1, 2))


def renewal_view(
    list_price: int | None,
    *,
    discount_pct: float,
    rebate_pct: float,
    uplift_pct: float,
    settings: Settings = DEFAULT_SETTINGS,
) -> RenewalView | None:
    """The renewal as the customer feels it: a discount lowers the base, a rebate does not.

    ``rebate_pct`` is checked but changes nothing: the invoice showed the list price.
    None without a list price.
    """
    if list_price is None or list_price <= 0:
        return None
    discount = _exact_fraction(discount_pct, "discount", 0, 100)
    _exact_fraction(rebate_pct, "rebate", 0, 100)
    uplift = _exact_fraction(uplift_pct, "uplift", -100, 1000)
    renewal = list_price * (1 + uplift)
    base = list_price * (1 - discount)
    if base == 0:
        perceived: Fraction | None = None
        shock = True
    else:
        perceived = renewal / base - 1
        margin = _exact_fraction(settings.renewal_shock_margin_pts, "margin", 0, 1000) * 100
        shock = (perceived - uplift) * 100 > margin
    return RenewalView(
        renewal_price=_round_half_up(renewal),
        perceived_base=_round_half_up(base),
        perceived_increase=None if perceived is None else float(perceived),
        uplift=float(uplift),
        shock=shock,
    )


# --- contract and commission gates --------------------------------------------------


def contract_year(contract_start: date | None, today: date) -> int | None:
    """Which contract year runs today (1 in the first year).

    A start on 29 February has its anniversary on 1 March in other years.
    """
    if contract_start is None or contract_start > today:
        return None
    before_anniversary = (today.month, today.day) < (contract_start.month, contract_start.day)
    return 1 + today.year - contract_start.year - int(before_anniversary)


def contract_flags(kind: ContractKind | None, year: int | None) -> list[str]:
    """Contract risks: churn peaks in year 3, and monthly contracts can cancel any time."""
    flags = []
    if year == 3:
        flags.append("contract year 3")
    if kind is ContractKind.MONTHLY:
        flags.append("monthly contract")
    return flags


@dataclass(frozen=True)
class Gates:
    """Whether the commission gates of a small deal at a big company are met.

    ``penetration`` and ``target_pct`` are kept only to explain a missed gate.
    """

    penetration_ok: bool
    cio_signoff: bool
    procurement_signoff: bool
    penetration: float | None = None
    target_pct: float | None = None

    @property
    def met(self) -> bool:
        """All gates met: commission can be paid."""
        return self.penetration_ok and self.cio_signoff and self.procurement_signoff

    def missing(self) -> list[str]:
        """The gates not met, in words."""
        missing = []
        if not self.penetration_ok:
            missing.append(self._penetration_gap())
        if not self.cio_signoff:
            missing.append("no CIO office sign-off")
        if not self.procurement_signoff:
            missing.append("no procurement sign-off")
        return missing

    def _penetration_gap(self) -> str:
        target = "the target" if self.target_pct is None else f"target {self.target_pct:g}%"
        if self.penetration is not None:
            return f"penetration {self.penetration * 100:.1f}% below {target}"
        if self.target_pct is None:
            return "penetration below the target"
        return f"penetration unknown (no potential), {target}"


def commission_gates(
    *,
    penetration: float | None,
    target_pct: float | None,
    cio_signoff_on: date | None,
    procurement_signoff_on: date | None,
    today: date,
) -> Gates:
    """The gates as of ``today``: no target means the penetration gate is met."""
    if target_pct is None:
        penetration_ok = True
    else:
        penetration_ok = penetration is not None and penetration >= target_pct / 100
    return Gates(
        penetration_ok=penetration_ok,
        cio_signoff=cio_signoff_on is not None and cio_signoff_on <= today,
        procurement_signoff=procurement_signoff_on is not None and procurement_signoff_on <= today,
        penetration=penetration,
        target_pct=target_pct,
    )
