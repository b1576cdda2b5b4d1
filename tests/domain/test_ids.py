"""Derived ids: equal for the same row on every laptop, different for different rows."""

import re
import uuid

from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain import ids

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_every_id_is_32_lower_case_hex() -> None:
    made = [
        ids.random_id(),
        ids.rep_id("ana@example.com"),
        ids.stakeholder_id("a" * 32, None, "Theo"),
        ids.review_id("a" * 32, "2026-W47"),
        ids.slot_id("b" * 32, 3),
        ids.crm_id_for("account", "salesforce", "001XX"),
    ]
    assert all(HEX32.match(value) for value in made)
    assert all(uuid.UUID(hex=value).hex == value for value in made)


@given(st.emails())
def test_a_rep_is_the_same_rep_whatever_the_case_and_spaces_of_the_email(email: str) -> None:
    assert ids.rep_id(email) == ids.rep_id(f"  {email.upper()} ")


def test_a_person_is_found_by_email_first_then_by_name() -> None:
    account = "a" * 32
    by_email = ids.stakeholder_id(account, "theo@x.com", "Theo Kowalski")
    assert by_email == ids.stakeholder_id(account, "THEO@x.com", "T. Kowalski")
    by_name = ids.stakeholder_id(account, None, "Theo  Kowalski")
    assert by_name == ids.stakeholder_id(account, "", "theo kowalski")
    assert by_name != by_email
    assert by_name != ids.stakeholder_id("c" * 32, None, "Theo Kowalski")


def test_a_taken_id_gets_the_same_counter_on_every_laptop() -> None:
    account = "a" * 32
    first = ids.stakeholder_id(account, None, "Ana")
    second = ids.stakeholder_id(account, None, "Ana", taken={first}.__contains__)
    third = ids.stakeholder_id(account, None, "Ana", taken={first, second}.__contains__)
    assert len({first, second, third}) == 3
    assert second == ids.stakeholder_id(account, None, "Ana", taken={first}.__contains__)


def test_reviews_and_slots_differ_by_account_week_and_position() -> None:
    review = ids.review_id("a" * 32, "2026-W47")
    assert review == ids.review_id("a" * 32, "2026-W47")
    assert review != ids.review_id("a" * 32, "2026-W48")
    assert review != ids.review_id("d" * 32, "2026-W47")
    slots = {ids.slot_id(review, position) for position in range(1, 6)}
    assert len(slots) == 5


def test_crm_ids_differ_by_kind_and_source() -> None:
    made = {
        ids.crm_id_for(kind, source, "001")
        for kind in ("account", "stakeholder", "touch")
        for source in ("salesforce", "hubspot")
    }
    assert len(made) == 6
