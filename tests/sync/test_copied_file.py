"""A laptop's file copied to a second machine: both copies sync as one device (the same
`sync_state.device`, the origin of every audit entry and frozen five they write).

When both record closes after the copy, their entries take the same numbers of that
device's chain. The hub keeps the first copy's and refuses the other's (hub 0010), so
the device's chain never forks on the hub and the team's pulls go on. The later copy sees
it before it pushes and becomes a device of its own: its closes then go as another
laptop's would (both fives kept, the first close shown)."""

import json
import shutil

import psycopg
import pytest

from sync.team import Laptop, Team, hub_rows, import_account, person_name
from sync.test_sync_close import close, reopen, sync
from sync.test_sync_conflicts import assert_all_equal

FIVE = [person_name("Acme", n) for n in range(1, 6)]
OTHER_FIVE = [person_name("Acme", n) for n in range(3, 8)]


def copied(one: Laptop, name: str) -> Laptop:
    """`one`'s file copied (as a person copies it to a new machine), a laptop of its own."""
    copy = Laptop(one.path.with_name(f"{name}.db"), one.person, one.url)
    shutil.copy(one.path, copy.path)
    return copy


def twins(team: Team, *, both_close: bool = True) -> tuple[Laptop, Laptop]:
    """Ann's laptop and a copy of its file, both having closed her review offline, each
    with its own five (`both_close`; else the laptop alone); the laptop's close reached
    the hub first, the copy has not synced since it was made."""
    one = team.laptop("ann", "ann-1")
    sync(one)
    import_account(one, "Acme", people=7)
    sync(one)
    copy = copied(one, "ann-copy")
    close(one, FIVE)
    if both_close:
        close(copy, OTHER_FIVE)
    sync(one)
    return one, copy


def chains(team: Team) -> dict[str, list[tuple[str, int]]]:
    """(origin, seq) of every chained row on the hub, by table (as its owner sees it)."""
    with psycopg.connect(team.owner_url) as hub:
        return {
            t: sorted((r["origin"], r["seq"]) for r in hub_rows(hub, t))
            for t in ("review_snapshot", "audit_log")
        }


def test_a_copy_whose_twin_reached_the_hub_first_becomes_a_device_of_its_own(
    team: Team,
) -> None:
    one, copy = twins(team)
    report = sync(copy)
    assert report["new_device"] and report["refused"] == [], report
    code, text, err = copy.cli("sync", "--hub", copy.url)
    assert (code, err) == (0, "") and "a device of its own" not in text  # said once
    for numbers in chains(team).values():  # each device's numbers once: no fork
        assert len(numbers) == len(set(numbers)), numbers
    with psycopg.connect(team.owner_url) as hub:
        fives = {r["origin"] for r in hub_rows(hub, "review_snapshot")}
    assert len(fives) == 2  # both closes kept as facts, each its device's
    mia, mia_too = team.laptop("mia"), team.laptop("mia", "mia-2")
    sync(mia_too)
    sync(mia)
    reopen(copy)  # the copy goes on, as its own device
    sync(copy)
    for laptop in (one, mia, mia_too, copy, one):
        sync(laptop)
    assert_all_equal(team, one, copy)
    for laptop in (one, mia, mia_too, copy):
        code, out, err = laptop.cli("check")
        assert code == 0, (laptop.path.name, out, err)


def test_a_copy_the_hub_refused_meanwhile_is_told_what_it_is(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other copy's entries committed between this copy's look and its push (or the
    copy is used by someone who may not read them): the hub's trigger refuses them, and
    the copy is told, then and at every later sync, never as the hub's fault."""
    import accountreview.hub.pull

    one, copy = twins(team)
    monkeypatch.setattr(accountreview.hub.pull, "chain_entry", lambda *_: None)
    code, report, err = copy.sync_cli()
    assert (code, report) == (3, None), err
    assert "is a copy of another laptop's file (both sync as one device)" in err, err
    assert "accountreview --db NEW.db sync" in err and "Traceback" not in err
    for numbers in chains(team).values():
        assert len(numbers) == len(set(numbers)), numbers
    kept = json.loads(copy.cli("sync", "conflicts", "--format", "json")[1])
    assert kept, "the copy's close is kept as conflicts"
    code, _, err = copy.cli("sync", "--hub", copy.url)  # again: said as a copy
    assert code == 3 and "is a copy of another laptop's file" in err, err
    mia = team.laptop("mia")  # the team syncs on
    sync(mia)
    fresh = team.laptop("ann", "ann-new")  # what the message says to do
    sync(fresh)
    assert_all_equal(team, fresh, one)


def test_a_copy_that_made_no_entry_since_simply_follows(team: Team) -> None:
    one, copy = twins(team, both_close=False)
    sync(copy)  # the other copy's entries follow this file's own: taken
    close_status = json.loads(copy.cli("review", "Acme", "--status", "--format", "json")[1])
    assert close_status["status"] == "closed"
    reopen(copy)  # and it goes on numbering after them
    sync(copy)
    sync(one)
    assert_all_equal(team, one, copy)
