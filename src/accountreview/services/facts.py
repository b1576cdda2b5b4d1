"""Every derived fact about an account, computed from its row and the rules."""

import weakref
from datetime import date
from typing import Any, NamedTuple

from accountreview.db import accounts as account_queries
from accountreview.db.accounts import AccountAggregates, AccountRow
from accountreview.domain import accounts as rules
from accountreview.domain.contacts import Coverage, needs_in_person, stale_champion
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Stage
from accountreview.domain.settings import Settings
from accountreview.services.workspace import Workspace


class Risk(NamedTuple):
    """One risk of an account: its flag in words, and its badge on the narrow queue line
    (None: not shown there). `loud` risks are drawn in the risk colour."""

    flag: str
    badge: str | None
    loud: bool = False


class AccountFacts(NamedTuple):
    """An account with everything the rules derive from it.

    A NamedTuple (as `AccountRow`): every read-only command imports this module, and a
    frozen dataclass of this size costs a millisecond of start-up to define.
    """

    account: AccountRow
    stage: Stage
    penetration: float | None
    whitespace: int
    small_deal_at_big_company: bool
    cs_tier: str
    rebate_deadline: date | None
    rebate_earned: bool | None
    rebate_days_left: int | None
    renewal: rules.RenewalView | None
    contract_year: int | None
    gates: rules.Gates
    follow_ups: list[date]
    follow_up_due: date | None
    last_in_person: date | None
    in_person_share: float | None
    coverage: Coverage
    stale_champion: bool
    champions_left: tuple[str, ...]
    risks: list[Risk]

    @property
    def flags(self) -> list[str]:
        """Every risk in words, loudest first (`accounts`, `queue`, `account show`)."""
        return [r.flag for r in self.risks]

    def to_json(self) -> dict[str, Any]:
        """A stable JSON object (documented in README)."""
        a = self.account
        renewal = self.renewal
        return {
            "id": a.id,
            "name": a.name,
            "rep": a.rep_name,
            "top": a.is_top,
            "stage": self.stage.value,
            "potential": a.potential,
            "current": a.current,
            "penetration_pct": _pct(self.penetration),
            "whitespace": self.whitespace,
            "small_deal_at_big_company": self.small_deal_at_big_company,
            "cs_tier": self.cs_tier,
            "signed_on": _day(a.signed_on),
            "live_on": _day(a.live_on),
            "paid_on": _day(a.paid_on),
            "lost_on": _day(a.lost_on),
            "churned_on": _day(a.churned_on),
            "rebate_deadline": _day(self.rebate_deadline),
            "rebate_earned": self.rebate_earned,
            "rebate_days_left": self.rebate_days_left,
            "list_price": a.list_price,
            "discount_pct": a.discount_pct,
            "rebate_pct": a.rebate_pct,
            "uplift_pct": a.uplift_pct,
            "renewal_price": None if renewal is None else renewal.renewal_price,
            "renewal_perceived_base": None if renewal is None else renewal.perceived_base,
            "renewal_perceived_increase_pct": (
                None if renewal is None else _pct(renewal.perceived_increase)
            ),
            "renewal_shock": None if renewal is None else renewal.shock,
            "contract": None if a.contract is None else a.contract.value,
            "contract_start": _day(a.contract_start),
            "contract_year": self.contract_year,
            "flags": self.flags,
            "gates_met": self.gates.met,
            "gates_missing": self.gates.missing(),
            "follow_ups": [d.isoformat() for d in self.follow_ups],
            "follow_up_due": _day(self.follow_up_due),
            "last_in_person": _day(self.last_in_person),
            "stale_champion": self.stale_champion,
            "champions_left": list(self.champions_left),
            "in_person_share_pct": _pct(self.in_person_share),
            "coverage": {
                "executive": self.coverage.executive,
                "cio_office": self.coverage.cio_office,
                "procurement": self.coverage.procurement,
                "champion": self.coverage.champion,
                "missing": self.coverage.missing(),
            },
        }


def _pct(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 2)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def derive_facts(
    account: AccountRow, agg: AccountAggregates, today: date, settings: Settings
) -> AccountFacts:
    """Apply every account rule to one account (pure: no database access)."""
    a = account
    stage = rules.stage_of(
        signed_on=a.signed_on,
        live_on=a.live_on,
        paid_on=a.paid_on,
        lost_on=a.lost_on,
        churned_on=a.churned_on,
        today=today,
    )
    penetration = rules.penetration(a.current, a.potential)
    renewal = rules.renewal_view(
        a.list_price,
        discount_pct=a.discount_pct,
        rebate_pct=a.rebate_pct,
        uplift_pct=a.uplift_pct,
        settings=settings,
    )
    year = rules.contract_year(a.contract_start, today)
    gates = rules.commission_gates(
        penetration=penetration,
        target_pct=a.penetration_target_pct,
        cio_signoff_on=a.cio_signoff_on,
        procurement_signoff_on=a.procurement_signoff_on,
        today=today,
    )
    small = rules.is_small_deal_at_big_company(a.current, a.potential, settings)
    rebate = rules.rebate_of(
        rebate_pct=a.rebate_pct,
        signed_on=a.signed_on,
        live_on=a.live_on,
        today=today,
        settings=settings,
    )
    due = (
        rules.due_follow_up(a.lost_on, IsoWeek.of(today), settings) if stage is Stage.LOST else None
    )
    share = agg.in_person_touches / agg.touches if agg.touches else None
    facts = AccountFacts(
        account=a,
        stage=stage,
        penetration=penetration,
        whitespace=rules.whitespace(a.current, a.potential),
        small_deal_at_big_company=small,
        cs_tier=rules.cs_tier(a.potential, settings),
        rebate_deadline=None if rebate is None else rebate.deadline,
        rebate_earned=None if rebate is None else rebate.earned,
        rebate_days_left=None if rebate is None else rebate.days_left,
        renewal=renewal,
        contract_year=year,
        gates=gates,
        follow_ups=rules.follow_up_dates(a.lost_on, settings) if a.lost_on else [],
        follow_up_due=due,
        last_in_person=agg.last_in_person_on,
        in_person_share=share,
        coverage=_coverage(agg),
        stale_champion=_champion_is_stale(agg, today, settings),
        champions_left=agg.champions_left,
        risks=[],
    )
    facts.risks.extend(_risks(facts, today, settings))
    return facts


def _coverage(agg: AccountAggregates) -> Coverage:
    return Coverage(
        executive=agg.has_executive,
        cio_office=agg.has_cio_office,
        procurement=agg.has_procurement,
        champion=agg.has_champion,
    )


def _champion_is_stale(agg: AccountAggregates, today: date, settings: Settings) -> bool:
    # The oldest contact decides, unless a champion was never contacted at all.
    contacts: list[date | None] = []
    if agg.champion_never_contacted:
        contacts.append(None)
    elif agg.oldest_champion_contact_on is not None:
        contacts.append(agg.oldest_champion_contact_on)
    return stale_champion(contacts, today, settings)


def _risks(f: AccountFacts, today: date, settings: Settings) -> list[Risk]:
    """The account's risks, loudest first: the one order of its flags and its badges.

    A champion who left is the loudest risk the app raises (DESIGN.md), so it leads.
    """
    risks: list[Risk] = []
    if f.champions_left:
        risks.append(Risk(f"champion left: {', '.join(f.champions_left)}", "champion left", True))
    if f.stale_champion:
        risks.append(Risk("stale champion", "stale champ"))
    if f.small_deal_at_big_company:
        risks.append(Risk("small deal at big company", "small@big"))
    if f.renewal is not None and f.renewal.shock:
        risks.append(Risk("renewal shock", "shock"))
    if f.rebate_days_left is not None:
        left = f.rebate_days_left
        if left >= 0:
            risks.append(Risk(f"rebate: {left} days left to go live", f"rebate {left}d"))
        else:
            risks.append(Risk("rebate deadline missed", "rebate missed"))
    badges = {"contract year 3": "yr3", "monthly contract": "monthly"}
    for flag in rules.contract_flags(f.account.contract, f.contract_year):
        risks.append(Risk(flag, badges.get(flag)))
    if not f.gates.met:
        risks.append(Risk("commission gates not met", "gates"))
    if f.follow_up_due is not None:
        risks.append(Risk(f"follow-up due {f.follow_up_due.isoformat()}", "follow-up"))
    if f.account.is_top and needs_in_person(f.last_in_person, today, settings):
        risks.append(Risk("no in-person meeting in 180 days", None))
    return risks


# The last account's aggregates per open database, with what they were read for: the
# account, the day and the change token. They count every touch of the account (the
# in-person share), so a review redrawn with nothing written since reads none again.
_LAST_AGGREGATES: "weakref.WeakKeyDictionary[object, tuple[object, AccountAggregates]]" = (
    weakref.WeakKeyDictionary()
)


def account_facts(ws: Workspace, account: AccountRow) -> AccountFacts:
    """Facts of one account (its aggregates read again only when something was written)."""
    key = (account.id, ws.today, ws.db.change_token())
    cached = _LAST_AGGREGATES.get(ws.db)
    if cached is not None and cached[0] == key:
        agg = cached[1]
    else:
        aggs = account_queries.aggregates(ws.db.conn, ws.today, account_ids=[account.id])
        agg = aggs.get(account.id, AccountAggregates())
        _LAST_AGGREGATES[ws.db] = (key, agg)
    return derive_facts(account, agg, ws.today, ws.settings)


def list_account_facts(
    ws: Workspace, *, rep: str | None = None, top_only: bool = False
) -> list[AccountFacts]:
    """Facts of every account the acting rep may read (or only the top ones), by name.

    A rep sees their own accounts, a manager their own and their reports'
    (`lookup.visible_rep_ids`); `rep` (a name, email or id) narrows that to one of
    them, and anyone else is refused (exit 3).
    """
    from accountreview.services.lookup import require_visible_rep, visible_rep_ids

    rep_ids = [require_visible_rep(ws, rep).id] if rep else visible_rep_ids(ws)
    facts: list[AccountFacts] = []
    empty = AccountAggregates()
    with ws.db.read() as conn:
        for rep_id in [None] if rep_ids is None else rep_ids:
            rows = account_queries.list_accounts(conn, rep_id=rep_id, top_only=top_only)
            aggs = account_queries.aggregates(conn, ws.today, rep_id=rep_id, top_only=top_only)
            facts += [derive_facts(a, aggs.get(a.id, empty), ws.today, ws.settings) for a in rows]
    if rep_ids is not None and len(rep_ids) > 1:
        facts.sort(key=lambda f: (f.account.name, f.account.id))  # the order of one query
    return facts
