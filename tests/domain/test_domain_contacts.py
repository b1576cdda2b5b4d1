from datetime import date, timedelta

import pytest

from accountreview.domain.contacts import (
    Coverage,
    cadence_days,
    coverage_of,
    days_since,
    in_person_share,
    is_overdue,
    needs_in_person,
    staleness,
)
from accountreview.domain.enums import Channel, Level, Role, Staleness
from accountreview.domain.settings import Settings

TODAY = date(2026, 11, 20)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("role", "days", "expected"),
    [(Role.CHAMPION, 14, Staleness.FRESH), (Role.CHAMPION, 15, Staleness.OVERDUE),
     (Role.CIO_OFFICE, 60, Staleness.FRESH), (Role.CIO_OFFICE, 61, Staleness.OVERDUE),
     (Role.PROCUREMENT, 90, Staleness.FRESH), (Role.PROCUREMENT, 91, Staleness.STALE),
     (None, 60, Staleness.FRESH), (None, 61, Staleness.OVERDUE),
     (Role.USER, 400, Staleness.STALE)],
)  # fmt: skip
def test_staleness_follows_the_role_cadence(
    role: Role | None, days: int, expected: Staleness
) -> None:
    assert staleness(ago(days), TODAY, role=role) is expected


def test_never_contacted_is_its_own_staleness() -> None:
    assert staleness(None, TODAY, role=Role.CHAMPION) is Staleness.NEVER


def test_staleness_thresholds_come_from_settings() -> None:
    settings = Settings(stale_after_days=30, cadence_days={Role.CHAMPION: 7})
    assert staleness(ago(7), TODAY, settings, role=Role.CHAMPION) is Staleness.FRESH
    assert staleness(ago(8), TODAY, settings, role=Role.CHAMPION) is Staleness.OVERDUE
    assert staleness(ago(31), TODAY, settings, role=Role.CHAMPION) is Staleness.STALE


def test_days_since() -> None:
    assert days_since(ago(12), TODAY) == 12
    assert days_since(TODAY + timedelta(days=2), TODAY) == -2
    assert days_since(None, TODAY) is None


def test_cadence_depends_on_role() -> None:
    assert cadence_days(Role.CHAMPION) == 14
    assert cadence_days(Role.EXECUTIVE_SPONSOR) == 45
    assert cadence_days(Role.PROCUREMENT) == 90
    assert cadence_days(None) == cadence_days(Role.OTHER) == 60
    assert cadence_days(Role.CHAMPION, Settings(cadence_days={Role.CHAMPION: 7})) == 7


def test_overdue_past_the_role_cadence() -> None:
    assert not is_overdue(Role.CHAMPION, ago(14), TODAY)
    assert is_overdue(Role.CHAMPION, ago(15), TODAY)
    assert not is_overdue(Role.PROCUREMENT, ago(60), TODAY)
    assert is_overdue(None, ago(61), TODAY)


def test_never_contacted_is_overdue() -> None:
    assert is_overdue(Role.LEGAL, None, TODAY)


def test_coverage_of_a_well_mapped_account() -> None:
    coverage = coverage_of(
        [
            (Level.EXECUTIVE, Role.EXECUTIVE_SPONSOR),
            (Level.DIRECTOR, Role.CIO_OFFICE),
            (Level.MANAGER, Role.PROCUREMENT),
            (Level.MANAGER, Role.CHAMPION),
        ]
    )
    assert coverage == Coverage(executive=True, cio_office=True, procurement=True, champion=True)
    assert coverage.missing() == []


@pytest.mark.parametrize(
    "member",
    [(Level.EXECUTIVE, None), (Level.VP, Role.ECONOMIC_BUYER), (None, Role.EXECUTIVE_SPONSOR)],
)
def test_executive_by_level_or_by_buying_role(member: tuple[Level | None, Role | None]) -> None:
    assert coverage_of([member]).executive


def test_a_vp_alone_is_not_an_executive() -> None:
    assert not coverage_of([(Level.VP, Role.USER)]).executive


def test_missing_coverage_is_listed_in_words() -> None:
    coverage = coverage_of([(Level.MANAGER, Role.CHAMPION), (None, None)])
    assert coverage.missing() == ["executive", "CIO office / IT", "procurement"]
    assert coverage_of([]).missing() == ["executive", "CIO office / IT", "procurement", "champion"]


def test_in_person_needed_after_180_days_or_when_never() -> None:
    assert not needs_in_person(ago(180), TODAY)
    assert needs_in_person(ago(181), TODAY)
    assert needs_in_person(None, TODAY)
    assert needs_in_person(ago(40), TODAY, Settings(in_person_window_days=30))


def test_in_person_share_of_touches() -> None:
    channels = [Channel.IN_PERSON, Channel.EMAIL, Channel.VIDEO, Channel.IN_PERSON]
    assert in_person_share(channels) == 0.5
    assert in_person_share(iter([Channel.PHONE])) == 0.0
    assert in_person_share([]) is None


def test_stale_champion_when_any_is_stale_or_never_contacted() -> None:
    from accountreview.domain.contacts import stale_champion

    assert not stale_champion([], TODAY)
    assert not stale_champion([ago(90), ago(3)], TODAY)
    assert stale_champion([ago(3), ago(91)], TODAY)
    assert stale_champion([ago(3), None], TODAY)
    assert not stale_champion([ago(91)], TODAY, Settings(stale_after_days=120))
