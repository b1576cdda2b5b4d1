"""A close and a reopen travel as one unit (hub migration 0004): two laptops of one person
on one review end equal to the hub, whatever order their syncs reach it in.

- A slot edit that reached the hub before another laptop's close: the close sets the
  hub's slots to its five, so the slots equal the frozen five everywhere.
- A close and a reopen on one laptop against a close of the same number on the other: the
  first close wins, the second is a no-op (both fives kept), and the reopen stands.
- A reopen of a close the hub has since closed again: a conflict kept for the person."""

import json
from typing import Any

import pytest

from sync.team import Laptop, Team, hub_rows, import_account, person_name
from sync.test_sync_conflicts import assert_all_equal, two_laptops

FIVE = [person_name("Acme", n) for n in range(1, 6)]


def review(laptop: Laptop, *args: str) -> None:
    code, out, err = laptop.cli("review", "Acme", *args)
    assert code == 0, (args, out, err)


def close(laptop: Laptop, five: list[str]) -> None:
    review(laptop, *(f"--slot={n}={name}" for n, name in enumerate(five, 1)), "--close")


def reopen(laptop: Laptop) -> None:
    review(laptop, "--reopen", "--reason", f"more to do on {laptop.path.stem}")


def sync(laptop: Laptop) -> dict[str, Any]:
    code, report, err = laptop.sync_cli()
    assert code == 0 and report is not None, err
    assert report["refused"] == [], report
    return report


def status(laptop: Laptop) -> dict[str, Any]:
    code, out, err = laptop.cli("review", "Acme", "--status", "--format", "json")
    assert code == 0, out + err
    result: dict[str, Any] = json.loads(out)
    return result


def hub_slots_and_fives(team: Team) -> tuple[list[str | None], dict[tuple[int, str], list[str]]]:
    """The hub's slots (stakeholder ids by position) and every five it froze, by (close
    number, origin)."""
    with team.hub_as("ann") as hub:
        slots = sorted(hub_rows(hub, "review_slot"), key=lambda r: r["position"])
        fives: dict[tuple[int, str], list[str]] = {}
        for row in sorted(hub_rows(hub, "review_snapshot"), key=lambda r: r["position"]):
            fives.setdefault((row["close_number"], row["origin"]), []).append(row["stakeholder_id"])
    return [s["stakeholder_id"] for s in slots], fives


def assert_settled(team: Team, *laptops: Laptop) -> None:
    for laptop in (*laptops, *laptops):
        sync(laptop)
    assert_all_equal(team, *laptops)
    for laptop in laptops:
        code, out, err = laptop.cli("check")
        assert code == 0, out + err
        waiting = json.loads(laptop.cli("sync", "status", "--format", "json")[1])["waiting"]
        assert waiting == 0


def test_a_slot_edit_that_reached_the_hub_first_gives_way_to_the_close(team: Team) -> None:
    one, two = two_laptops(team)
    import_account(one, "Acme", people=7)
    sync(one)
    sync(two)
    review(one, f"--slot=1={person_name('Acme', 7)}")
    sync(one)  # the hub's slot 1 is Person 7 now
    close(two, FIVE)  # two never saw that edit
    sync(two)
    slots, fives = hub_slots_and_fives(team)
    [five] = fives.values()
    assert slots == five  # the hub's slots are the close's frozen five
    assert_settled(team, one, two)
    for laptop in (one, two):
        shown = status(laptop)
        assert shown["status"] == "closed"
        assert [s["stakeholder"] for s in shown["slots"]] == FIVE


@pytest.mark.parametrize("first", ["closer", "reopener"])
def test_a_close_and_reopen_against_a_close_of_the_same_number_ends_open(
    team: Team, first: str
) -> None:
    one, two = two_laptops(team)
    close(one, FIVE)
    reopen(one)
    close(two, FIVE[::-1])  # the same close number, another five
    order = (two, one) if first == "closer" else (one, two)
    for laptop in order:
        sync(laptop)
    assert_settled(team, one, two)
    for laptop in (one, two):
        [row] = laptop.rows("review")
        assert (row["status"], row["close_count"]) == ("open", 1), row
    slots, fives = hub_slots_and_fives(team)
    assert len(fives) == 2  # both closes' fives are kept as facts
    assert [n for n, _origin in fives] == [1, 1]
    assert slots in list(fives.values())  # the five of the close the hub took first


def test_a_double_close_keeps_the_first_and_both_fives(team: Team) -> None:
    one, two = two_laptops(team)
    close(one, FIVE)
    close(two, FIVE[::-1])
    sync(two)  # two's close reaches the hub first: its five is the hub's slots
    report = sync(one)
    assert report["refused"] == []
    slots, fives = hub_slots_and_fives(team)
    assert len(fives) == 2
    firsts = [five for five in fives.values() if five[0] == slots[0]]
    assert firsts and slots == firsts[0]
    assert_settled(team, one, two)
    for laptop in (one, two):
        assert status(laptop)["status"] == "closed"


def test_a_reopen_of_a_close_the_hub_closed_again_is_a_conflict(team: Team) -> None:
    one, two = two_laptops(team)
    close(one, FIVE)
    sync(one)
    sync(two)  # both closed at close 1
    reopen(two)  # offline
    reopen(one)
    close(one, FIVE[::-1])
    sync(one)  # the hub is at close 2
    report = sync(two)
    [conflict] = report["conflicts"]
    assert conflict["table"] == "review" and "closed again elsewhere" in conflict["reason"]
    assert_settled(team, one, two)
    for laptop in (one, two):
        [row] = laptop.rows("review")
        assert (row["status"], row["close_count"]) == ("closed", 2), row
    listed = json.loads(two.cli("sync", "conflicts", "--format", "json")[1])
    assert [c["id"] for c in listed] == [conflict["id"]]
