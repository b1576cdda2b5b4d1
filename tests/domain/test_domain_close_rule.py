from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from accountreview.domain.close_rule import (
    Blocker,
    SlotFacts,
    SnapshotEntry,
    close_blockers,
    review_risks,
    what_changed,
)
from accountreview.domain.enums import Level, Role
from accountreview.domain.settings import Settings

TODAY = date(2026, 11, 20)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def good_five() -> list[SlotFacts]:
    """Five slots that satisfy the close rule and raise no risk."""
    people = [
        ("s1", "Ada Byron", Level.EXECUTIVE, Role.EXECUTIVE_SPONSOR),
        ("s2", "Grace Hopper", Level.DIRECTOR, Role.CIO_OFFICE),
        ("s3", "Alan Turing", Level.MANAGER, Role.PROCUREMENT),
        ("s4", "Katherine Johnson", Level.MANAGER, Role.CHAMPION),
        ("s5", "Edsger Dijkstra", Level.INDIVIDUAL, Role.USER),
    ]
    return [
        SlotFacts(
            position=i,
            stakeholder_id=sid,
            name=name,
            level=level,
            role=role,
            last_contact_on=ago(3),
            confirmed_in_role=True,
        )
        for i, (sid, name, level, role) in enumerate(people, start=1)
    ]


def replace_slot(slots: list[SlotFacts], position: int, **changes: Any) -> list[SlotFacts]:
    return [replace(s, **changes) if s.position == position else s for s in slots]


# --- close rule ---------------------------------------------------------------------


def test_five_named_and_recently_contacted_stakeholders_close() -> None:
    assert close_blockers(good_five(), TODAY) == []


def test_an_empty_review_lists_all_five_slots() -> None:
    assert [str(b) for b in close_blockers([], TODAY)] == [
        f"Slot {n}: no stakeholder named" for n in range(1, 6)
    ]


def test_close_refused_lists_every_reason_at_once_in_slot_order() -> None:
    slots = [
        SlotFacts(position=5, stakeholder_id="s1", name="Ada Byron", role=Role.CHAMPION,
                  last_contact_on=ago(120), next_contact_on=ago(1)),
        SlotFacts(position=1, stakeholder_id="s1", name="Ada Byron", role=Role.CHAMPION,
                  last_contact_on=ago(3)),
        SlotFacts(position=2, stakeholder_id="x9", name="Mallory", role=Role.USER,
                  last_contact_on=ago(3), belongs_to_account=False, left_on=ago(10)),
        SlotFacts(position=3, stakeholder_id="s3", name="  ", last_contact_on=TODAY + timedelta(1)),
        SlotFacts(position=9, stakeholder_id="s9", name="Ignored"),
    ]  # fmt: skip
    blockers = close_blockers(slots, TODAY)
    assert [str(b) for b in blockers] == [
        "Slot 2: Mallory is not a stakeholder of this account",
        "Slot 2: Mallory has left the company",
        "Slot 3: the stakeholder has no name",
        "Slot 3: the stakeholder has no role",
        "Slot 3: the stakeholder's last contact 2026-11-21 is in the future",
        "Slot 4: no stakeholder named",
        "Slot 5: Ada Byron is already in slot 1",
        "Slot 5: Ada Byron's planned next contact 2026-11-19 has passed",
    ]
    assert [b.position for b in blockers] == [2, 2, 3, 3, 3, 4, 5, 5]


def test_missing_role_and_last_contact_are_blockers() -> None:
    slots = replace_slot(good_five(), 4, role=None, last_contact_on=None)
    assert [str(b) for b in close_blockers(slots, TODAY)] == [
        "Slot 4: Katherine Johnson has no role",
        "Slot 4: Katherine Johnson has no last-contact date",
    ]


def test_a_slot_without_a_stakeholder_id_is_not_named() -> None:
    slots = replace_slot(good_five(), 2, stakeholder_id=None)
    assert close_blockers(slots, TODAY) == [Blocker(2, "Slot 2: no stakeholder named")]


def test_a_stale_contact_needs_a_planned_next_contact() -> None:
    slots = replace_slot(good_five(), 3, last_contact_on=ago(91))
    assert [str(b) for b in close_blockers(slots, TODAY)] == [
        "Slot 3: Alan Turing was last contacted 91 days ago: plan a next contact"
    ]
    planned = replace_slot(slots, 3, next_contact_on=TODAY + timedelta(days=7))
    assert close_blockers(planned, TODAY) == []
    planned_today = replace_slot(slots, 3, next_contact_on=TODAY)
    assert close_blockers(planned_today, TODAY) == []


def test_a_contact_exactly_90_days_ago_needs_no_plan() -> None:
    assert close_blockers(replace_slot(good_five(), 3, last_contact_on=ago(90)), TODAY) == []


def test_leaving_after_today_is_not_yet_a_blocker() -> None:
    slots = replace_slot(good_five(), 5, left_on=TODAY + timedelta(days=30))
    assert close_blockers(slots, TODAY) == []


def test_the_number_of_slots_comes_from_settings() -> None:
    blockers = close_blockers(good_five()[:3], TODAY, Settings(slots_per_review=3))
    assert blockers == []


# --- risks ----------------------------------------------------------------------------


def test_a_healthy_review_has_no_risks() -> None:
    assert review_risks(good_five(), today=TODAY, last_in_person_on=ago(30)) == []


def test_a_champion_who_left_is_the_loudest_risk() -> None:
    slots = replace_slot(good_five(), 4, left_on=ago(5))
    risks = review_risks(
        slots, today=TODAY, last_in_person_on=None, champions_left=["Katherine Johnson", "Bob"]
    )
    assert risks[:2] == [
        "Champion Katherine Johnson has left the company",
        "Champion Bob has left the company",
    ]
    assert "No champion among the five" in risks
    assert risks[-1] == "No in-person meeting on record"


def test_coverage_gaps_are_risks_not_blockers() -> None:
    slots = replace_slot(good_five(), 1, level=Level.VP, role=Role.FINANCE)
    slots = replace_slot(slots, 3, role=Role.LEGAL)
    risks = review_risks(slots, today=TODAY, last_in_person_on=ago(10))
    assert risks == ["No executive among the five", "No procurement among the five"]
    assert close_blockers(slots, TODAY) == []


def test_stale_overdue_and_unconfirmed_slots_are_named() -> None:
    slots = replace_slot(good_five(), 2, last_contact_on=ago(100))
    slots = replace_slot(slots, 4, last_contact_on=ago(20), confirmed_in_role=False)
    risks = review_risks(slots, today=TODAY, last_in_person_on=ago(200))
    assert risks == [
        "Slot 2: Grace Hopper is stale: last contact 100 days ago",
        "Slot 4: Katherine Johnson is overdue: 20 days since last contact, "
        "champion cadence is 14 days",
        "Slot 4: Katherine Johnson not yet confirmed still in role",
        "No in-person meeting in 180 days",
    ]


def test_risks_ignore_empty_slots() -> None:
    risks = review_risks([], today=TODAY, last_in_person_on=ago(1))
    assert risks == [
        "No executive among the five",
        "No CIO office / IT among the five",
        "No procurement among the five",
        "No champion among the five",
    ]


# --- what changed ------------------------------------------------------------------------


def test_nothing_changed_without_a_previous_review() -> None:
    assert what_changed([], good_five()) == []


def test_what_changed_since_last_week() -> None:
    previous = [
        SnapshotEntry(1, "s1", "Ada Byron", ago(3)),
        SnapshotEntry(2, "s2", "Grace Hopper", ago(10)),
        SnapshotEntry(3, "old", "Charles Babbage", ago(40)),
        SnapshotEntry(4, "s4", "Katherine Johnson", None),
        SnapshotEntry(5, "s5", "Edsger Dijkstra", ago(3)),
    ]
    current = [s for s in good_five() if s.stakeholder_id != "s3"]
    current.append(SlotFacts(position=3, stakeholder_id="s6", name="Barbara Liskov"))
    assert what_changed(previous, current) == [
        "Barbara Liskov joined the five",
        "Charles Babbage is no longer in the five",
        "Grace Hopper: last contact moved from 2026-11-10 to 2026-11-17",
        "Katherine Johnson: last contact moved from none to 2026-11-17",
    ]
