"""A close made on a laptop never conflicts with itself: the slot edits that laptop made
for its close give way to the close (it sets the hub's slots to its five), whatever
another laptop did to those slots first and however the outbox is cut into batches.
Only an edit that meets another laptop's close is a conflict ("the review was closed
elsewhere")."""

import json

import pytest

from sync.team import Team, import_account, person_name
from sync.test_sync_close import FIVE, assert_settled, close, hub_slots_and_fives, review, sync
from sync.test_sync_conflicts import two_laptops

OTHER = person_name("Acme", 7)


@pytest.mark.parametrize("batch", ["500", "2"])
def test_a_close_over_a_slot_another_laptop_changed_first_is_no_conflict(
    team: Team, batch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCOUNTREVIEW_SYNC_BATCH", batch)  # "2": edits and close apart
    one, two = two_laptops(team)
    import_account(one, "Acme", people=7)
    sync(one)
    sync(two)
    review(one, f"--slot=1={OTHER}", f"--slot=2={OTHER.replace('7', '6')}")
    assert sync(one)["conflicts"] == []
    close(two, FIVE)  # offline: its slot edits, then its close
    assert sync(two)["conflicts"] == []
    slots, fives = hub_slots_and_fives(team)
    [five] = fives.values()
    assert slots == five
    for laptop in (one, two, one, two):
        assert sync(laptop)["conflicts"] == []
    assert_settled(team, one, two)
    for laptop in (one, two):
        assert laptop.cli("sync", "conflicts", "--all")[1].strip() == "no conflicts"


def test_an_edit_against_a_close_elsewhere_is_the_only_conflict(team: Team) -> None:
    one, two = two_laptops(team)
    import_account(one, "Acme", people=7)
    sync(one)
    sync(two)
    close(one, FIVE)
    review(two, f"--slot=1={OTHER}")
    assert sync(one)["conflicts"] == []
    report = sync(two)
    assert [(c["table"], c["reason"]) for c in report["conflicts"]] == [
        ("review_slot", "the review was closed elsewhere")
    ]
    assert_settled(team, one, two)
    # the closer sees that conflict too (the same person's), and no other
    listed = json.loads(one.cli("sync", "conflicts", "--all", "--format", "json")[1])
    assert [c["id"] for c in listed] == [c["id"] for c in report["conflicts"]]
