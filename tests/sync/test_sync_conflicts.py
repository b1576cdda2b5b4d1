"""Two laptops changing the same field: exactly one conflict, both values kept, and the
person's choice ends the same on every replica and the hub. A close made elsewhere wins
over an edit of the open slots, the edit kept in the conflict."""

import json

import pytest

from sync.team import SYNCED, Laptop, Team, hub_rows, import_account, local_conn, person_name

PERSON = person_name("Acme", 1)


def title_of(laptop: Laptop) -> str | None:
    with local_conn(laptop.path) as conn:
        row = conn.execute("SELECT title FROM stakeholder WHERE name = ?", (PERSON,)).fetchone()
    return None if row is None else row[0]


def two_laptops(team: Team) -> tuple[Laptop, Laptop]:
    """Ann's two laptops, both holding Acme."""
    one, two = team.laptop("ann", "ann-1"), team.laptop("ann", "ann-2")
    assert one.sync_cli()[0] == 0
    import_account(one, "Acme")
    assert one.sync_cli()[0] == 0
    assert two.sync_cli()[0] == 0
    return one, two


def edit_title(laptop: Laptop, title: str) -> None:
    code, out, err = laptop.cli("stakeholder", "edit", "Acme", PERSON, "--title", title)
    assert code == 0, out + err


def assert_all_equal(team: Team, *laptops: Laptop) -> None:
    with team.hub_as("ann") as hub:
        for table in SYNCED:
            hub_side = hub_rows(hub, table)
            for laptop in laptops:
                assert laptop.rows(table) == hub_side, (laptop.path.name, table)


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_the_same_field_changed_twice_is_one_conflict_and_the_choice_wins_everywhere(
    team: Team, choice: str
) -> None:
    one, two = two_laptops(team)
    edit_title(one, "CTO")
    edit_title(two, "VP Engineering")
    code, report, err = one.sync_cli()
    assert code == 0 and report is not None and report["conflicts"] == [], err
    code, report, err = two.sync_cli()
    assert code == 0, err  # a conflict is not a failure
    assert report is not None
    [conflict] = report["conflicts"]
    assert (conflict["table"], conflict["field"]) == ("stakeholder", "title")
    assert (conflict["mine"], conflict["theirs"]) == ("VP Engineering", "CTO")
    assert title_of(two) == "CTO"  # the field takes the hub's value until chosen
    listed = json.loads(two.cli("sync", "conflicts", "--format", "json")[1])
    assert [c["id"] for c in listed] == [conflict["id"]]
    code, text, _ = two.cli("sync", "conflicts")
    assert code == 0
    assert conflict["id"][:8] in text and '"VP Engineering"' in text and '"CTO"' in text
    status = json.loads(two.cli("sync", "status", "--format", "json")[1])
    assert (status["conflicts"], status["waiting"]) == (1, 0)
    code, out, err = two.cli("sync", "resolve", conflict["id"][:8], choice)
    assert code == 0, out + err
    expected = "VP Engineering" if choice == "mine" else "CTO"
    assert title_of(two) == expected
    for laptop in (two, one, two):
        code, report, err = laptop.sync_cli()
        assert code == 0 and report is not None and report["conflicts"] == [], err
    assert title_of(one) == title_of(two) == expected
    assert json.loads(two.cli("sync", "conflicts", "--format", "json")[1]) == []
    resolved = json.loads(two.cli("sync", "conflicts", "--all", "--format", "json")[1])
    assert [(c["id"], c["resolution"]) for c in resolved] == [(conflict["id"], choice)]
    assert_all_equal(team, one, two)


def test_a_close_elsewhere_wins_over_an_edit_of_its_open_slots(team: Team) -> None:
    one, two = two_laptops(team)
    slots = [f"--slot={n}={person_name('Acme', n)}" for n in range(1, 6)]
    code, out, err = one.cli("review", "Acme", *slots, "--close")
    assert code == 0, out + err
    code, out, err = two.cli("review", "Acme", f"--slot=1={person_name('Acme', 6)}")
    assert code == 0, out + err
    assert one.sync_cli()[0] == 0
    code, report, err = two.sync_cli()
    assert code == 0, err
    assert report is not None and len(report["conflicts"]) >= 1
    assert {c["reason"] for c in report["conflicts"]} == {"the review was closed elsewhere"}
    assert any(c["table"] == "review_slot" for c in report["conflicts"])
    status = json.loads(two.cli("review", "Acme", "--status", "--format", "json")[1])
    assert status["status"] == "closed"
    assert [s["stakeholder"] for s in status["slots"]] == [
        person_name("Acme", n) for n in range(1, 6)
    ]
    assert one.sync_cli()[0] == 0
    assert_all_equal(team, one, two)
    for laptop in (one, two):
        code, out, err = laptop.cli("check")
        assert code == 0, out + err
