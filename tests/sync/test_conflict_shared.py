"""Conflicts are shared (defect 4 of issue 15): a conflict reaches, by pull, the person
who pushed it and the account's owner (all their laptops); resolving it on any laptop
settles it on the hub at the next sync (who, when, which choice; row-level security
decides who may), and every other laptop shows it resolved after its pull. Two
resolutions of one conflict: the first to reach the hub wins, the second is told. A
resolution waits offline like any change and survives a kill mid-sync."""

import json
from typing import Any

import pytest

from sync.team import Laptop, Team, import_account, local_conn, outbox_count, person_name
from sync.test_conflict_twice import assert_all_equal, run, sync
from sync.test_sync_kill import kill_when_paused, start_sync

PERSON = person_name("Acme", 1)


def title_of(laptop: Laptop) -> str | None:
    with local_conn(laptop.path) as conn:
        row = conn.execute("SELECT title FROM stakeholder WHERE name = ?", (PERSON,)).fetchone()
    return None if row is None else str(row[0])


def conflicts(laptop: Laptop, *flags: str) -> list[dict[str, Any]]:
    return json.loads(run(laptop, "sync", "conflicts", "--format", "json", *flags))  # type: ignore[no-any-return]


def hub_conflict(team: Team, conflict_id: str) -> dict[str, Any]:
    with team.hub_as(None) as hub, hub.cursor() as cur:
        cur.execute(
            "SELECT resolution, resolved_by, resolved_at, login FROM hub_conflict WHERE id = %s",
            (conflict_id,),
        )
        row = cur.fetchone()
    assert row is not None
    return dict(zip(("resolution", "resolved_by", "resolved_at", "login"), row, strict=True))


def one_conflict(team: Team) -> tuple[Laptop, Laptop, dict[str, Any]]:
    """Ann's two laptops, each having changed Person 1's title; laptop one synced first,
    so laptop two's push met a conflict (mine "VP Engineering", theirs "CTO")."""
    one, two = team.laptop("ann", "ann-1"), team.laptop("ann", "ann-2")
    assert one.sync_cli()[0] == 0
    import_account(one, "Acme")
    sync(one)
    sync(two)
    for laptop, title in ((one, "CTO"), (two, "VP Engineering")):
        run(laptop, "stakeholder", "edit", "Acme", PERSON, "--title", title)
    sync(one)
    [conflict] = sync(two)["conflicts"]
    assert (conflict["mine"], conflict["theirs"]) == ("VP Engineering", "CTO")
    return one, two, conflict


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_a_conflict_resolved_on_the_laptop_that_did_not_push_it_is_resolved_everywhere(
    team: Team, choice: str
) -> None:
    one, two, conflict = one_conflict(team)
    assert conflicts(one) == []
    sync(one)  # pulls the conflict two's push made (the same person: the same login)
    [pulled] = conflicts(one)
    assert {k: pulled[k] for k in ("id", "mine", "theirs", "reason")} == {
        k: conflict[k] for k in ("id", "mine", "theirs", "reason")
    }
    run(one, "sync", "resolve", conflict["id"][:8], choice)
    assert hub_conflict(team, conflict["id"])["resolution"] is None  # not before the sync
    report = sync(one)
    assert report["refused"] == [] and report["overruled"] == []
    on_hub = hub_conflict(team, conflict["id"])
    assert on_hub["resolution"] == choice and on_hub["resolved_at"] is not None
    assert on_hub["resolved_by"] == team.people["ann"].login
    assert [c["id"] for c in conflicts(two)] == [conflict["id"]]  # open until it pulls
    sync(two)
    assert conflicts(two) == []
    [done] = conflicts(two, "--all")
    assert done["resolution"] == choice
    expected = "VP Engineering" if choice == "mine" else "CTO"
    assert title_of(one) == title_of(two) == expected
    assert_all_equal(team, one, two)


def test_a_conflict_the_hubs_owner_made_on_anns_account_reaches_ann(team: Team) -> None:
    """Members write only their own accounts, so the one who can make a conflict on an
    account of Ann's without being Ann is the hub's owner (an admin fixing data on the
    hub): that conflict is Ann's to see and settle, and her manager's not."""
    from accountreview.hub.push import push

    one = team.laptop("ann", "ann-1")
    assert one.sync_cli()[0] == 0
    import_account(one, "Acme")
    sync(one)
    run(one, "stakeholder", "edit", "Acme", PERSON, "--title", "CTO")
    sync(one)
    with team.hub_as(None) as hub:
        row = hub.execute("SELECT id FROM stakeholder WHERE name = %s", (PERSON,)).fetchone()
        assert row is not None
        stale = AdminChange("admin-change-1", str(row[0]), old=None, new="Chief of Staff")
        result = push(hub, [stale])
    [made] = result.conflicts
    assert (made.mine, made.theirs) == ("Chief of Staff", "CTO")
    assert hub_conflict(team, made.id)["login"] != team.people["ann"].login
    mia = team.laptop("mia")
    sync(mia)
    assert conflicts(mia) == []  # a manager reads the account, not its conflicts
    sync(one)
    [pulled] = conflicts(one)
    assert (pulled["id"], pulled["mine"], pulled["theirs"]) == (made.id, "Chief of Staff", "CTO")
    run(one, "sync", "resolve", made.id[:8], "mine")
    report = sync(one)
    assert report["refused"] == [] and report["overruled"] == []
    assert hub_conflict(team, made.id)["resolution"] == "mine"
    assert hub_conflict(team, made.id)["resolved_by"] == team.people["ann"].login
    assert title_of(one) == "Chief of Staff"
    assert_all_equal(team, one)


class AdminChange:
    """A field change as the outbox gives one (`hub.push.Change`), made by hand."""

    kind = "update"
    table = "stakeholder"
    field = "title"
    row = None

    def __init__(self, change_id: str, row_id: str, old: object, new: object) -> None:
        self.change_id, self.row_id, self.old, self.new = change_id, row_id, old, new


@pytest.mark.parametrize("first", ["mine", "theirs"])
def test_the_same_conflict_resolved_differently_twice_the_first_wins_the_second_is_told(
    team: Team, first: str
) -> None:
    one, two, conflict = one_conflict(team)
    sync(one)
    second = "theirs" if first == "mine" else "mine"
    run(one, "sync", "resolve", conflict["id"], first)
    run(two, "sync", "resolve", conflict["id"], second)  # offline: neither knows
    assert sync(one)["overruled"] == []
    code, report, err = two.sync_cli()
    assert code == 0 and report is not None, err
    assert report["overruled"] == [{"id": conflict["id"], "chosen": second, "kept": first}]
    [done] = conflicts(two, "--all")
    assert done["resolution"] == first and (done["mine"], done["theirs"]) == (
        "VP Engineering", "CTO",
    )  # fmt: skip  # no value lost: both kept
    sync(one)
    expected = "VP Engineering" if first == "mine" else "CTO"
    assert title_of(one) == title_of(two) == expected
    assert hub_conflict(team, conflict["id"])["resolution"] == first
    assert_all_equal(team, one, two)


def test_a_resolution_waits_offline_and_survives_a_kill_during_its_push(team: Team) -> None:
    one, two, conflict = one_conflict(team)
    run(two, "sync", "resolve", conflict["id"], "mine")
    assert outbox_count(two.path) == 1  # waits like any change
    status = json.loads(run(two, "sync", "status", "--format", "json"))
    assert (status["waiting"], status["conflicts"]) == (1, 0)
    kill_when_paused(start_sync(two, "push-committed"), "push-committed")
    assert outbox_count(two.path) == 1  # the hub committed it; this file had not forgotten
    assert hub_conflict(team, conflict["id"])["resolution"] == "mine"
    report = sync(two)  # sent again: the same choice is a no-op
    assert report["refused"] == [] and report["overruled"] == [] and report["conflicts"] == []
    assert outbox_count(two.path) == 0
    [done] = conflicts(two, "--all")
    assert done["resolution"] == "mine"
    sync(one)
    assert conflicts(one) == [] and title_of(one) == "VP Engineering"
    assert_all_equal(team, one, two)


def test_mine_over_a_field_changed_again_since_is_a_new_conflict(team: Team) -> None:
    """'mine' is written back by compare-and-set against the value the conflict kept: the
    field changed again on the hub since, so it is a new conflict, nothing overwritten."""
    one, two, conflict = one_conflict(team)
    run(one, "stakeholder", "edit", "Acme", PERSON, "--title", "Chief Technologist")
    sync(one)
    run(two, "sync", "resolve", conflict["id"], "mine")
    report = sync(two)
    [again] = report["conflicts"]
    assert (again["mine"], again["theirs"]) == ("VP Engineering", "Chief Technologist")
    assert title_of(two) == "Chief Technologist"
    assert hub_conflict(team, conflict["id"])["resolution"] == "mine"
    assert [c["id"] for c in conflicts(two)] == [again["id"]]
    sync(one)
    assert [c["id"] for c in conflicts(one)] == [again["id"]]  # Ann's other laptop too
    assert_all_equal(team, one, two)


def test_a_resolution_the_hub_refuses_leaves_the_conflict_open_here(team: Team) -> None:
    """The account went to Ben (the hub's owner moved it): Ann may no longer write its
    people, so her 'mine' is refused (exit 3), and the conflict is open again on her laptop
    (kept once, not a second time as a refused change), while the account itself leaves her
    laptop whole with the same sync (she may no longer read it)."""
    _one, two, conflict = one_conflict(team)
    run(two, "sync", "resolve", conflict["id"], "mine")
    with team.hub_as(None) as hub:
        ben = hub.execute("SELECT id FROM rep WHERE email = 'ben@team.example'").fetchone()
        assert ben is not None
        hub.execute("UPDATE account SET rep_id = %s WHERE name = 'Acme'", (ben[0],))
    code, report, err = two.sync_cli()
    assert code == 3 and report is not None, err
    assert [(r["table"], r["row_id"]) for r in report["refused"]] == [
        ("sync_conflict", conflict["id"])
    ]
    assert [c["id"] for c in conflicts(two)] == [conflict["id"]]  # open again
    assert title_of(two) is None  # Acme left Ann's laptop with its people
    assert hub_conflict(team, conflict["id"])["resolution"] is None
