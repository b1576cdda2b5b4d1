"""Importing the Salesforce sample exports into a real database: matching, links, re-import."""

import csv
from pathlib import Path

import pytest

from accountreview.db import crm as crm_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel, Level, Role
from accountreview.services.errors import ImportRejected
from accountreview.services.importing import ImportOptions, ImportReport, import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.workspace import Workspace
from conftest import content_hash, row_problems

DATA = Path(__file__).resolve().parent.parent / "data"
SF = DATA / "samples" / "salesforce"
NATIVE = ("reps", "accounts", "stakeholders", "touches")
FILES = (
    "User.csv",
    "Account.csv",
    "report-accounts.csv",
    "Contact.csv",
    "report-contacts-excel.csv",
    "OpportunityContactRole.csv",
    "Event.csv",
    "Task.csv",
    "report-activities-unicode.txt",
)
OPTIONS = ImportOptions(potential_from="Potential_ARR__c", rep="Ann Lee")

# file: (rows, new, updated, unchanged, skipped) on a database holding the native samples
FIRST = {
    "User.csv": (4, 0, 3, 0, {"inactive user": 1}),
    "Account.csv": (6, 4, 2, 0, {}),
    "report-accounts.csv": (6, 0, 0, 6, {}),
    "Contact.csv": (18, 13, 4, 0, {"no account": 1}),
    "report-contacts-excel.csv": (4, 1, 0, 3, {}),
    "OpportunityContactRole.csv": (11, 0, 6, 5, {}),
    "Event.csv": (5, 3, 1, 0, {"dated after today": 1}),
    "Task.csv": (
        13,
        8,
        0,
        0,
        {
            "about a lead": 1,
            "about no contact": 1,
            "contact not imported": 1,
            "not a conversation (no channel named)": 1,
            "not completed": 1,
        },
    ),
    "report-activities-unicode.txt": (3, 1, 0, 2, {}),
}


def native(ws: Workspace) -> None:
    for kind in NATIVE:
        import_file(ws, DATA / f"{kind}.csv")


def load(ws: Workspace, options: ImportOptions = OPTIONS) -> dict[str, ImportReport]:
    return {name: import_file(ws, SF / name, options=options) for name in FILES}


def counts(report: ImportReport) -> tuple[object, ...]:
    return (report.rows, report.created, report.updated, report.unchanged, report.skipped)


def test_samples_import_with_expected_counts(ws: Workspace) -> None:
    native(ws)
    reports = load(ws)
    assert {name: counts(r) for name, r in reports.items()} == FIRST
    assert reports["Account.csv"].notes == {"given to --rep (no owner that is a known rep)": 1}
    assert reports["Contact.csv"].title == "Salesforce contacts (Data Loader export)"


def test_reimporting_every_sample_changes_nothing(ws: Workspace) -> None:
    native(ws)
    load(ws)
    before = content_hash(ws)
    again = load(ws)
    for name, report in again.items():
        assert report.created == report.updated == 0, name
    assert content_hash(ws) == before


def test_native_records_are_linked_not_copied(ws: Workspace) -> None:
    native(ws)
    load(ws)
    conn = ws.db.conn
    acme = resolve_account(ws, "Acme Logistics")
    assert crm_queries.crm_of(conn, "account", acme.id) == ("salesforce", "0015g00000QkAcMAAV")
    assert (
        conn.execute("SELECT count(*) FROM account WHERE name = 'Acme Logistics'").fetchone()[0]
        == 1
    )
    grace = resolve_stakeholder(ws, acme, "Grace Hopper")
    assert crm_queries.crm_of(conn, "stakeholder", grace.id) is not None
    stark = resolve_account(ws, "Stark Manufacturing")
    rhodey = resolve_stakeholder(ws, stark, "Rhodey Rhodes")  # had no email: matched by name
    assert rhodey.email == "james.rhodes@stark-mfg.example"
    # The Event "Ride-along at the Leeds depot" is the native touch of that day: linked.
    sam = resolve_stakeholder(ws, acme, "Sam Okafor")
    touches = stakeholder_queries.touches_of(conn, sam.id)
    assert [t.note for t in touches if t.touched_on.isoformat() == "2026-11-18"] == [
        "Ride-along at the Leeds depot"
    ]


def test_report_ids_of_15_characters_are_the_data_loader_ids(ws: Workspace) -> None:
    native(ws)
    first = import_file(ws, SF / "report-accounts.csv", options=OPTIONS)
    assert (first.created, first.updated) == (4, 2)
    again = import_file(ws, SF / "Account.csv", options=OPTIONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def test_owners_potential_and_the_rep_fallback(ws: Workspace) -> None:
    native(ws)
    load(ws)
    assert resolve_account(ws, "Wayne Enterprises").rep_name == "Tom Baker"  # by user id
    oscorp = resolve_account(ws, "Oscorp Industries")  # owned by an inactive user
    assert (oscorp.rep_name, oscorp.potential, oscorp.is_top) == ("Ann Lee", 750_000, False)
    assert resolve_account(ws, "Stark Manufacturing").potential == 6_000_000


def test_titles_fill_level_and_role_and_contact_roles_never_demote(ws: Workspace) -> None:
    native(ws)
    load(ws)
    wayne = resolve_account(ws, "Wayne Enterprises")
    people = {
        p.name: (p.level, p.role)
        for p in stakeholder_queries.list_stakeholders(ws.db.conn, wayne.id, ws.today)
    }
    assert people == {
        "Bruce Wayne": (Level.EXECUTIVE, Role.ECONOMIC_BUYER),  # Decision Maker beats Sponsor
        "Selina Kyle": (Level.VP, Role.PROCUREMENT),  # "Evaluator" ranks below procurement
        "Alfred Pennyworth": (Level.EXECUTIVE, Role.OTHER),  # Influencer
        "Barbara Gordon": (Level.DIRECTOR, Role.CIO_OFFICE),
    }
    acme = resolve_account(ws, "Acme Logistics")
    assert resolve_stakeholder(ws, acme, "Sam Okafor").role is Role.CHAMPION  # not "Influencer"
    omar = resolve_stakeholder(ws, acme, "Omar Haddad")
    assert (omar.level, omar.role) == (Level.DIRECTOR, Role.SECURITY)


def test_activities_become_touches_with_channel_and_note(ws: Workspace) -> None:
    native(ws)
    load(ws)
    conn = ws.db.conn

    def touches(account: str, person: str) -> list[tuple[str, Channel, str | None]]:
        row = resolve_account(ws, account)
        pid = resolve_stakeholder(ws, row, person).id
        return [
            (t.touched_on.isoformat(), t.channel, t.note)
            for t in stakeholder_queries.touches_of(conn, pid)
        ]

    assert touches("Wayne Enterprises", "Barbara Gordon") == [
        (
            "2026-11-16",
            Channel.VIDEO,
            "Zoom: SSO deep dive: Walked through SAML setup with her team",
        )
    ]
    assert touches("Acme Logistics", "Grace Hopper")[0] == (
        "2026-11-05",
        Channel.EMAIL,
        "Email: QBR follow-up: Sent the QBR deck. Asked for a date for the exec sponsor call.",
    )
    assert touches("Tyrell Corporation", "Rachael Rosen")[0][1] is Channel.CHAT
    assert [t[1] for t in touches("Cyberdyne Systems", "Miles Dyson")] == [
        Channel.EMAIL,
        Channel.VIDEO,
    ]
    assert touches("Wayne Enterprises", "Bruce Wayne") == [
        ("2026-10-30", Channel.IN_PERSON, "Exec briefing at Wayne Tower"),
        ("2026-10-15", Channel.EVENT, "Gotham Tech Summit: Keynote, then 20 minutes at our booth"),
    ]
    assert touches("Oscorp Industries", "Otto Octavius") == [
        (
            "2026-11-20",
            Channel.PHONE,
            "Call: reference check: Happy to be a reference for the chemicals vertical",
        )
    ]
    assert touches("Oscorp Industries", "Norman Osborn") == [("2026-09-01", Channel.PHONE, None)]


def test_unknown_owner_without_rep_is_refused_and_changes_nothing(ws: Workspace) -> None:
    native(ws)
    import_file(ws, SF / "User.csv")
    before = content_hash(ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, SF / "Account.csv")
    problem = row_problems(caught.value)[0]
    assert (problem.file, problem.row, problem.column) == ("Account.csv", 7, "OwnerId")
    assert "--rep" in problem.expected
    assert content_hash(ws) == before


def test_existing_account_keeps_its_rep_when_the_owner_is_unknown(ws: Workspace) -> None:
    native(ws)
    load(ws)
    report = import_file(ws, SF / "report-accounts.csv")  # Oscorp's owner: "Dana Former"
    assert report.unchanged == 6
    assert resolve_account(ws, "Oscorp Industries").rep_name == "Ann Lee"


def test_a_contact_at_a_new_account_has_left_the_old_one(ws: Workspace, tmp_path: Path) -> None:
    native(ws)
    load(ws)
    with (SF / "Contact.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    miles = next(r for r in rows if r[3] == "Dyson")
    miles[1] = "0015g00000QkTyRAAV"  # now at Tyrell
    moved = tmp_path / "Contact.csv"
    with moved.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, miles])
    report = import_file(ws, moved)
    assert report.notes == {"moved to another account (marked as left at the old one)": 1}
    old = resolve_stakeholder(ws, resolve_account(ws, "Cyberdyne Systems"), "Miles Dyson")
    new = resolve_stakeholder(ws, resolve_account(ws, "Tyrell Corporation"), "Miles Dyson")
    assert old.left_on == ws.today and new.left_on is None
    assert import_file(ws, moved).unchanged == 1


def test_data_after_a_report_footer_is_a_problem(ws: Workspace, tmp_path: Path) -> None:
    native(ws)
    text = (SF / "report-accounts.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "report.csv"
    path.write_text(
        text + '"Late Corp","0015g00000QkLaT","Ann Lee","","","",""\n', encoding="utf-8"
    )
    with pytest.raises(ImportRejected, match=r"report.csv, row 15: 'Late Corp'.*footer"):
        import_file(ws, path, options=OPTIONS)


def test_a_bad_cell_names_file_row_column_value_and_what_was_expected(
    ws: Workspace, tmp_path: Path
) -> None:
    native(ws)
    load(ws)
    text = (SF / "Task.csv").read_text(encoding="utf-8").replace('"2026-11-19"', '"19/11/2026"')
    path = tmp_path / "Task.csv"
    path.write_text(text, encoding="utf-8")
    before = content_hash(ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, path)
    assert [str(p) for p in caught.value.problems] == [
        "Task.csv, row 7, column 'ActivityDate': '19/11/2026' is not valid; expected a date as"
        " MM/DD/YYYY or YYYY-MM-DD (for day-first dates, import with --day-first)"
    ]
    assert content_hash(ws) == before
