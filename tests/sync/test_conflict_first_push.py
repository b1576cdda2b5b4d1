"""The first push of a file that never synced sends its closed reviews as close units too:
the hub ends as it would had the file's closes been pushed one by one from its outbox.

- A review the hub does not have yet: inserted closed as it stands, its five in the slots.
- A review the hub has open (the same week made on another laptop, the same CRM ids):
  the file's close is applied (its five become the hub's slots), and its own slots, which
  the close set, are no conflict with themselves."""

from pathlib import Path

from sync.team import Laptop, Team
from sync.test_conflict_twice import assert_all_equal, run, sync

ROLES = ("champion", "executive-sponsor", "cio-office", "procurement", "finance", "user")
PEOPLE = [f"Gina{n} Globe" for n in range(1, 7)]


def globex(laptop: Laptop, folder: Path) -> None:
    """A HubSpot export of Globex (Ann's) and six contacts with a last activity, imported,
    and each contact given a role: the same ids on every laptop that imports it."""
    folder.mkdir(exist_ok=True)
    (folder / "companies.csv").write_text(
        "Record ID,Company name,Company owner,Annual Revenue\n777001,Globex,Ann Lee,900000\n"
    )
    contacts = [
        f"88800{n},Gina{n},Globe,g{n}@globex.example,,Ann Lee,Globex,2026-11-20 10:00"
        for n in range(1, 7)
    ]
    (folder / "contacts.csv").write_text(
        "Record ID,First Name,Last Name,Email,Job Title,Contact owner,Associated Company,"
        "Last Activity Date\n" + "\n".join(contacts) + "\n"
    )
    email = laptop.person.email
    files = [str(folder / "companies.csv"), str(folder / "contacts.csv")]
    run(laptop, "--rep", email, "import", *files, "--rep", email,
        "--potential-from", "Annual Revenue", "--top")  # fmt: skip
    for name, role in zip(PEOPLE, ROLES, strict=True):
        run(laptop, "stakeholder", "edit", "Globex", name, "--role", role)


def close_five(laptop: Laptop) -> None:
    slots = [f"--slot={n}={name}" for n, name in enumerate(PEOPLE[:5], 1)]
    run(laptop, "review", "Globex", *slots, "--close")


def never_synced(team: Team, name: str) -> Laptop:
    laptop = team.laptop("ann", name)
    run(laptop, "init")
    run(laptop, "rep", "add", laptop.person.name, "--email", laptop.person.email, "--me")
    globex(laptop, laptop.path.parent / f"globex-{name}")
    return laptop


def slots_of(laptop: Laptop) -> tuple[str, list[str | None]]:
    import json

    shown = json.loads(run(laptop, "review", "Globex", "--status", "--format", "json"))
    return shown["status"], [s["stakeholder"] for s in shown["slots"]]


def test_a_closed_review_the_hub_lacks_arrives_closed_with_its_five(team: Team) -> None:
    two = never_synced(team, "ann-2")
    close_five(two)
    report = sync(two)
    assert report["conflicts"] == [] and report["refused"] == []
    assert sync(two)["conflicts"] == []
    one = team.laptop("ann", "ann-1")
    sync(one)
    for laptop in (one, two):
        assert slots_of(laptop) == ("closed", PEOPLE[:5])
    assert_all_equal(team, one, two)


def test_a_review_the_hub_has_open_takes_the_first_pushs_close(team: Team) -> None:
    one = team.laptop("ann", "ann-1")
    sync(one)
    globex(one, one.path.parent / "globex-one")
    run(one, "review", "Globex", f"--slot=1={PEOPLE[5]}", f"--slot=2={PEOPLE[4]}")
    assert sync(one)["conflicts"] == []  # the hub: the review open, Gina6 and Gina5 in it
    two = never_synced(team, "ann-2")
    close_five(two)
    report = sync(two)  # its first push: every row, and its close as a unit
    assert report["conflicts"] == [] and report["refused"] == []
    for laptop in (two, one, two):
        assert sync(laptop)["conflicts"] == []
    for laptop in (one, two):
        assert slots_of(laptop) == ("closed", PEOPLE[:5])
    assert_all_equal(team, one, two)
