from datetime import date
from typing import Any

import pytest

from accountreview.domain.accounts import (
    Gates,
    RenewalView,
    commission_gates,
    contract_flags,
    contract_year,
    cs_tier,
    due_follow_up,
    follow_up_dates,
    is_small_deal_at_big_company,
    penetration,
    rebate_deadline,
    rebate_of,
    renewal_view,
    stage_of,
    whitespace,
)
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ContractKind, Stage
from accountreview.domain.errors import InvalidValue
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings

TODAY = date(2026, 11, 20)

# --- size -----------------------------------------------------------------------


def test_penetration_is_a_fraction_of_potential() -> None:
    assert penetration(20_000, 1_000_000) == 0.02
    assert penetration(20_000, 0) is None
    assert penetration(0, -5) is None


def test_whitespace_is_the_unsold_potential_never_negative() -> None:
    assert whitespace(20_000, 6_000_000) == 5_980_000
    assert whitespace(700_000, 500_000) == 0


def test_small_deal_at_big_company_needs_low_penetration_and_large_potential() -> None:
    assert is_small_deal_at_big_company(20_000, 6_000_000)
    assert is_small_deal_at_big_company(24_999, 250_000)
    assert not is_small_deal_at_big_company(25_000, 250_000)  # exactly 10% is not under 10%
    assert not is_small_deal_at_big_company(1_000, 249_999)
    assert not is_small_deal_at_big_company(0, 0)


def test_small_deal_thresholds_come_from_settings() -> None:
    settings = Settings(small_deal_max_penetration_pct=5.0, small_deal_min_potential=100_000)
    assert is_small_deal_at_big_company(4_000, 100_000, settings)
    assert not is_small_deal_at_big_company(6_000, 100_000, settings)


@pytest.mark.parametrize(
    ("potential", "tier"),
    [(6_000_000, "strategic"), (1_000_000, "strategic"), (999_999, "enterprise"),
     (250_000, "enterprise"), (50_000, "growth"), (49_999, "scale"), (0, "scale"), (-1, "scale")],
)  # fmt: skip
def test_cs_tier_follows_potential(potential: int, tier: str) -> None:
    assert cs_tier(potential) == tier


# --- stage and follow-ups ---------------------------------------------------------


def _stage(**dates: date | None) -> Stage:
    fields: dict[str, date | None] = dict.fromkeys(
        ["signed_on", "live_on", "paid_on", "lost_on", "churned_on"]
    )
    fields.update(dates)
    return stage_of(today=TODAY, **fields)


def test_stage_walks_prospect_signed_live_customer() -> None:
    signed, live, paid = date(2026, 1, 5), date(2026, 2, 1), date(2026, 2, 15)
    assert _stage() is Stage.PROSPECT
    assert _stage(signed_on=signed) is Stage.SIGNED
    assert _stage(signed_on=signed, live_on=live) is Stage.LIVE
    assert _stage(signed_on=signed, live_on=live, paid_on=paid) is Stage.CUSTOMER


def test_paid_but_not_live_is_still_signed() -> None:
    assert _stage(signed_on=date(2026, 1, 5), paid_on=date(2026, 1, 10)) is Stage.SIGNED


def test_lost_and_churned_win_over_other_dates() -> None:
    live = {"signed_on": date(2025, 1, 5), "live_on": date(2025, 2, 1), "paid_on": date(2025, 2, 1)}
    assert _stage(lost_on=date(2026, 3, 1)) is Stage.LOST
    assert _stage(**live, churned_on=date(2026, 3, 1)) is Stage.CHURNED
    assert _stage(lost_on=date(2026, 3, 1), churned_on=date(2026, 4, 1)) is Stage.CHURNED


def test_dates_after_today_have_not_happened_yet() -> None:
    assert _stage(signed_on=date(2026, 12, 1)) is Stage.PROSPECT
    assert _stage(signed_on=date(2026, 1, 5), live_on=date(2026, 12, 1)) is Stage.SIGNED
    assert _stage(signed_on=date(2026, 1, 5), lost_on=date(2026, 12, 1)) is Stage.SIGNED
    assert _stage(live_on=TODAY, paid_on=TODAY) is Stage.CUSTOMER


def test_lost_deal_follow_ups_at_90_180_365_days() -> None:
    assert follow_up_dates(date(2026, 1, 1)) == [
        date(2026, 4, 1),
        date(2026, 6, 30),
        date(2027, 1, 1),
    ]


def test_follow_up_is_due_in_its_week_and_for_the_grace_period() -> None:
    lost = date(2026, 1, 1)  # first follow-up Wednesday 2026-04-01, in 2026-W14
    assert due_follow_up(lost, IsoWeek(2026, 13)) is None
    assert due_follow_up(lost, IsoWeek(2026, 14)) == date(2026, 4, 1)
    assert due_follow_up(lost, IsoWeek(2026, 17)) == date(2026, 4, 1)  # 25 days late
    assert due_follow_up(lost, IsoWeek(2026, 18)) is None  # 32 days late
    assert due_follow_up(lost, IsoWeek(2026, 27)) == date(2026, 6, 30)
    assert due_follow_up(None, IsoWeek(2026, 14)) is None


# --- rebate ---------------------------------------------------------------------


def test_rebate_deadline_is_sixty_days_after_signing() -> None:
    assert rebate_deadline(date(2026, 1, 1)) == date(2026, 3, 2)
    assert rebate_deadline(None) is None


def _rebate(signed: date | None, live: date | None, today: date, pct: float | None = 5.0) -> Any:
    return rebate_of(rebate_pct=pct, signed_on=signed, live_on=live, today=today)


def test_rebate_live_on_day_60_is_earned_day_61_is_not() -> None:
    signed = date(2026, 1, 1)
    assert _rebate(signed, date(2026, 3, 2), TODAY).earned is True
    assert _rebate(signed, date(2026, 3, 3), TODAY).earned is False
    assert _rebate(signed, None, TODAY).earned is False
    assert _rebate(None, date(2026, 3, 2), TODAY) is None


def test_rebate_countdown_runs_while_signed_and_not_live() -> None:
    signed = date(2026, 11, 1)  # deadline 2026-12-31
    assert _rebate(signed, None, TODAY).days_left == 41
    assert _rebate(signed, date(2026, 12, 5), TODAY).days_left == 41  # go-live only planned
    assert _rebate(signed, None, date(2027, 1, 3)).days_left == -3  # missed
    assert _rebate(signed, date(2026, 11, 15), TODAY).days_left is None  # already live
    assert _rebate(None, None, TODAY) is None
    assert _rebate(date(2026, 12, 1), None, TODAY) is None  # not signed yet


def test_no_rebate_offered_means_no_rebate_at_all() -> None:
    signed = date(2026, 1, 1)
    for pct in (None, 0.0):
        assert _rebate(signed, None, TODAY, pct) is None  # paid or not, never "missed"


# --- renewal --------------------------------------------------------------------


def test_renewal_after_a_discount_feels_like_a_big_increase() -> None:
    view = renewal_view(10_000, discount_pct=20, rebate_pct=0, uplift_pct=5)
    assert view == RenewalView(
        renewal_price=10_500,
        perceived_base=8_000,
        perceived_increase=0.3125,
        uplift=0.05,
        shock=True,
    )


def test_renewal_after_a_rebate_feels_like_the_list_uplift() -> None:
    view = renewal_view(10_000, discount_pct=0, rebate_pct=20, uplift_pct=5)
    assert view is not None
    assert (view.renewal_price, view.perceived_base) == (10_500, 10_000)
    assert view.perceived_increase == pytest.approx(0.05)
    assert view.shock is False


def test_renewal_shock_needs_more_than_the_margin_in_points() -> None:
    def shock(
        discount_pct: float, uplift_pct: float, settings: Settings = DEFAULT_SETTINGS
    ) -> bool:
        view = renewal_view(
            10_000,
            discount_pct=discount_pct,
            rebate_pct=0,
            uplift_pct=uplift_pct,
            settings=settings,
        )
        assert view is not None
        return view.shock

    # 1.5 / 0.9375 - 1 = 60%: exactly 10 points over a 50% uplift, which is not more.
    assert not shock(6.25, 50)
    assert shock(6.3, 50)
    # 1.05 / 0.95 - 1 = 10.5%: 5.5 points over the uplift.
    assert not shock(5, 5)
    assert shock(5, 5, Settings(renewal_shock_margin_pts=5))


def test_renewal_with_a_full_discount_is_a_shock_without_a_ratio() -> None:
    view = renewal_view(10_000, discount_pct=100, rebate_pct=0, uplift_pct=5)
    assert view is not None
    assert (view.perceived_base, view.perceived_increase, view.shock) == (0, None, True)


def test_renewal_needs_a_list_price() -> None:
    assert renewal_view(None, discount_pct=20, rebate_pct=0, uplift_pct=5) is None
    assert renewal_view(0, discount_pct=20, rebate_pct=0, uplift_pct=5) is None


def test_renewal_prices_round_half_up_to_whole_units() -> None:
    view = renewal_view(10_001, discount_pct=0, rebate_pct=0, uplift_pct=5)  # 10,501.05
    assert view is not None and view.renewal_price == 10_501
    view = renewal_view(10, discount_pct=5, rebate_pct=0, uplift_pct=5)  # 10.5 and 9.5
    assert view is not None and (view.renewal_price, view.perceived_base) == (11, 10)


@pytest.mark.parametrize(
    "pcts", [(-1, 0, 5), (101, 0, 5), (0, 101, 5), (0, 0, -101), (float("nan"), 0, 5)]
)
def test_renewal_refuses_impossible_percentages(pcts: tuple[float, float, float]) -> None:
    discount, rebate, uplift = pcts
    with pytest.raises(InvalidValue):
        renewal_view(10_000, discount_pct=discount, rebate_pct=rebate, uplift_pct=uplift)


# --- contract -------------------------------------------------------------------


def test_contract_year_counts_anniversaries() -> None:
    start = date(2024, 6, 15)
    assert contract_year(start, date(2024, 6, 15)) == 1
    assert contract_year(start, date(2025, 6, 14)) == 1
    assert contract_year(start, date(2025, 6, 15)) == 2
    assert contract_year(start, date(2026, 11, 20)) == 3
    assert contract_year(None, TODAY) is None
    assert contract_year(date(2027, 1, 1), TODAY) is None


def test_contract_started_on_29_february_turns_on_1_march() -> None:
    start = date(2024, 2, 29)
    assert contract_year(start, date(2025, 2, 28)) == 1
    assert contract_year(start, date(2025, 3, 1)) == 2
    assert contract_year(start, date(2028, 2, 29)) == 5


def test_contract_flags_year_three_and_monthly() -> None:
    assert contract_flags(ContractKind.ANNUAL, 3) == ["contract year 3"]
    assert contract_flags(ContractKind.MONTHLY, 1) == ["monthly contract"]
    assert contract_flags(ContractKind.MONTHLY, 3) == ["contract year 3", "monthly contract"]
    assert contract_flags(ContractKind.ANNUAL, 4) == []
    assert contract_flags(None, None) == []


# --- commission gates -----------------------------------------------------------


def test_gates_met_with_target_reached_and_both_sign_offs() -> None:
    gates = commission_gates(
        penetration=0.2,
        target_pct=20,
        cio_signoff_on=date(2026, 10, 1),
        procurement_signoff_on=TODAY,
        today=TODAY,
    )
    assert gates.met
    assert gates.missing() == []


def test_gates_missing_are_listed_in_words() -> None:
    gates = commission_gates(
        penetration=0.02,
        target_pct=20,
        cio_signoff_on=None,
        procurement_signoff_on=date(2026, 12, 1),  # not yet
        today=TODAY,
    )
    assert not gates.met
    assert gates.missing() == [
        "penetration 2.0% below target 20%",
        "no CIO office sign-off",
        "no procurement sign-off",
    ]


def test_no_target_means_the_penetration_gate_is_met() -> None:
    gates = commission_gates(
        penetration=None,
        target_pct=None,
        cio_signoff_on=None,
        procurement_signoff_on=None,
        today=TODAY,
    )
    assert gates.penetration_ok


def test_a_target_without_a_potential_is_not_met() -> None:
    gates = commission_gates(
        penetration=None, target_pct=15, cio_signoff_on=TODAY, procurement_signoff_on=TODAY,
        today=TODAY,
    )  # fmt: skip
    assert gates.missing() == ["penetration unknown (no potential), target 15%"]


def test_gates_can_be_built_from_the_three_answers_alone() -> None:
    assert Gates(True, True, True).met
    assert Gates(False, True, True).missing() == ["penetration below the target"]
