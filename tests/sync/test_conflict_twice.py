"""A row made on two devices (defect 3 of issue 15): the same derived id created on two
laptops with other values is a conflict per differing field ("made on two devices"),
exactly as a field changed on two laptops is: the laptop takes the hub's value, the
conflict keeps both, and "mine" puts the second laptop's value on the hub and on the
first laptop after its sync. The same row pushed again with the same values (the same
CRM import on two laptops, a re-push after a kill) is no conflict."""

import json
from pathlib import Path
from typing import Any

from sync.team import Laptop, Team, import_account, local_conn, person_name
from sync.test_sync_conflicts import assert_all_equal as assert_equal_to_hub
from sync.test_sync_kill import kill_when_paused, start_sync

TWICE = "made on two devices"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "hubspot"


def synced_pair(team: Team, account: str | None = "Acme") -> tuple[Laptop, Laptop]:
    """Ann's two laptops, both synced (both holding `account` when one is given)."""
    one, two = team.laptop("ann", "ann-1"), team.laptop("ann", "ann-2")
    assert one.sync_cli()[0] == 0
    if account:
        import_account(one, account)
        assert one.sync_cli()[0] == 0
    assert two.sync_cli()[0] == 0
    return one, two


def run(laptop: Laptop, *args: str) -> str:
    code, out, err = laptop.cli(*args)
    assert code == 0, out + err
    return out


def sync(laptop: Laptop) -> dict[str, Any]:
    code, report, err = laptop.sync_cli()
    assert code == 0 and report is not None, err
    return report


def assert_all_equal(team: Team, *laptops: Laptop) -> None:
    """Every file as the hub shows Ann, and `check` passes on each."""
    assert_equal_to_hub(team, *laptops)
    for laptop in laptops:
        run(laptop, "check")


def person(laptop: Laptop, email: str) -> dict[str, Any]:
    with local_conn(laptop.path) as conn:
        row = conn.execute("SELECT * FROM stakeholder WHERE email = ?", (email,)).fetchone()
    assert row is not None
    return dict(row)


def hub_conflicts(team: Team) -> list[dict[str, Any]]:
    with team.hub_as(None) as hub, hub.cursor() as cur:
        cur.execute("SELECT tbl, field, mine, theirs, reason, resolution FROM hub_conflict")
        names = [d.name for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_the_same_person_added_on_two_laptops_with_other_title_and_level(team: Team) -> None:
    one, two = synced_pair(team)
    email = "zoe.park@cust.example"
    add = ("stakeholder", "add", "Acme", "Zoe Park", "--email", email)
    run(one, *add, "--title", "CTO", "--level", "executive")
    run(two, *add, "--title", "VP Engineering", "--level", "vp")
    assert sync(one)["conflicts"] == []
    report = sync(two)
    found = {c["field"]: c for c in report["conflicts"]}
    assert set(found) == {"title", "level"}
    assert {c["reason"] for c in found.values()} == {TWICE}
    assert (found["title"]["mine"], found["title"]["theirs"]) == ("VP Engineering", "CTO")
    assert (found["level"]["mine"], found["level"]["theirs"]) == ("vp", "executive")
    zoe = person(two, email)
    assert (zoe["title"], zoe["level"]) == ("CTO", "executive")  # the hub's, until chosen
    listed = json.loads(run(two, "sync", "conflicts", "--format", "json"))
    assert {c["id"] for c in listed} == {c["id"] for c in found.values()}
    assert "made on two devices" in run(two, "sync", "conflicts")
    run(two, "sync", "resolve", found["title"]["id"], "mine")
    run(two, "sync", "resolve", found["level"]["id"], "theirs")
    assert person(two, email)["title"] == "VP Engineering"
    for laptop in (two, one, two):
        assert sync(laptop)["conflicts"] == []
    for laptop in (one, two):
        zoe = person(laptop, email)
        assert (zoe["title"], zoe["level"]) == ("VP Engineering", "executive")
    assert sorted((c["field"], c["resolution"]) for c in hub_conflicts(team)) == [
        ("level", "theirs"),
        ("title", "mine"),
    ]
    assert_all_equal(team, one, two)


def slot_names(laptop: Laptop) -> list[str | None]:
    status = json.loads(run(laptop, "review", "Acme", "--status", "--format", "json"))
    return [s["stakeholder"] for s in status["slots"]]


def test_the_same_review_week_made_on_two_laptops_with_other_slots(team: Team) -> None:
    one, two = synced_pair(team)
    run(one, "review", "Acme", f"--slot=1={person_name('Acme', 1)}")
    run(two, "review", "Acme", f"--slot=1={person_name('Acme', 2)}",
        f"--slot=2={person_name('Acme', 3)}")  # fmt: skip
    assert sync(one)["conflicts"] == []
    report = sync(two)
    # slot 1 held another person on the hub: a conflict; slot 2 the hub held empty since
    # the review was made (nobody chose anyone there): two's person fills it, as a change
    # from empty would
    [found] = report["conflicts"]
    assert (found["table"], found["field"], found["reason"]) == (
        "review_slot", "stakeholder_id", TWICE,
    )  # fmt: skip
    assert slot_names(two)[:2] == [person_name("Acme", 1), person_name("Acme", 3)]
    assert sync(one)["conflicts"] == []
    assert slot_names(one)[:2] == [person_name("Acme", 1), person_name("Acme", 3)]
    run(two, "sync", "resolve", found["id"][:8], "mine")
    assert slot_names(two)[:2] == [person_name("Acme", 2), person_name("Acme", 3)]
    for laptop in (two, one):
        assert sync(laptop)["conflicts"] == []
    for laptop in (one, two):
        assert slot_names(laptop)[:2] == [person_name("Acme", 2), person_name("Acme", 3)]
    assert sync(two)["conflicts"] == []  # a re-push of the filled slot is done already
    assert_all_equal(team, one, two)


def test_the_same_crm_import_on_two_laptops_is_no_conflict(team: Team) -> None:
    one, two = synced_pair(team, account=None)
    for laptop in (one, two):
        hubspot_import(laptop)
    first, second = sync(one), sync(two)
    assert first["conflicts"] == [] and second["conflicts"] == []
    assert second["already"] > 0  # the second laptop's rows were on the hub already
    assert hub_conflicts(team) == []
    assert sync(one)["conflicts"] == []
    assert_all_equal(team, one, two)
    with team.hub_as(None) as hub:  # HubSpot's Last Activity Date: one touch, not one a laptop
        found = hub.execute(
            "SELECT stakeholder_id, touched_on, count(*) FROM touch"
            " WHERE note = 'HubSpot: last activity' GROUP BY 1, 2"
        ).fetchall()
    assert found and all(count == 1 for _person, _on, count in found), found


def hubspot_import(laptop: Laptop) -> None:
    """The HubSpot samples (companies and contacts: CRM ids, so the same ids everywhere)."""
    files = [str(SAMPLES / "hubspot-companies.csv"), str(SAMPLES / "hubspot-contacts.csv")]
    email = laptop.person.email
    run(laptop, "--rep", email, "import", *files, "--rep", email,
        "--potential-from", "Annual Revenue", "--top")  # fmt: skip


def test_a_first_push_of_a_file_that_never_synced_meets_the_hubs_rows(team: Team) -> None:
    """The same CRM contact in a file that never synced, with another title: its first
    push (every row) is compared too, and its first pull leaves the file as the hub."""
    one = team.laptop("ann", "ann-1")
    assert one.sync_cli()[0] == 0
    hubspot_import(one)
    assert sync(one)["conflicts"] == []
    two = team.laptop("ann", "ann-2")
    run(two, "init")
    run(two, "rep", "add", two.person.name, "--email", two.person.email, "--me")
    hubspot_import(two)
    run(two, "stakeholder", "edit", "Initech", "Bill Lumbergh", "--title", "CFO")
    report = sync(two)
    [conflict] = report["conflicts"]
    assert (conflict["field"], conflict["mine"], conflict["theirs"], conflict["reason"]) == (
        "title", "CFO", "VP Operations", TWICE,
    )  # fmt: skip
    assert report["already"] > 0
    assert person(two, "bill.lumbergh@initech.example")["title"] == "VP Operations"
    assert sync(two)["conflicts"] == [] and sync(one)["conflicts"] == []
    assert_all_equal(team, one, two)


def test_a_repush_after_a_kill_is_no_conflict_and_the_conflict_is_kept_once(
    team: Team,
) -> None:
    one, two = synced_pair(team)
    email = "zoe.park@cust.example"
    add = ("stakeholder", "add", "Acme", "Zoe Park", "--email", email)
    run(one, *add, "--title", "CTO")
    run(two, *add, "--title", "VP Engineering")
    run(two, "stakeholder", "add", "Acme", "Sam Roe", "--email", "sam@cust.example")
    assert sync(one)["conflicts"] == []
    kill_when_paused(start_sync(two, "push-committed"), "push-committed")
    report = sync(two)  # the batch again: Sam is on the hub as pushed, Zoe meets CTO once
    assert [(c["field"], c["mine"]) for c in report["conflicts"]] == [("title", "VP Engineering")]
    assert sync(two)["conflicts"] == []
    assert len(json.loads(run(two, "sync", "conflicts", "--format", "json"))) == 1
    assert len(hub_conflicts(team)) == 1
    assert person(two, email)["title"] == "CTO"
    assert_all_equal(team, two)
