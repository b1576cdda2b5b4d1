"""Importing the HubSpot sample exports: companies, contacts de-duplicated by email."""

from pathlib import Path

import pytest

from accountreview.db import crm as crm_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel, Level
from accountreview.services.errors import ImportRejected, NotFound
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.workspace import Workspace
from conftest import content_hash, row_problems

DATA = Path(__file__).resolve().parent.parent / "data"
HUB = DATA / "samples" / "hubspot"
OPTIONS = ImportOptions(
    potential_from="Annual Revenue", rep="tom.baker@northwind.example", top=True
)


def prepare(ws: Workspace) -> None:
    for kind in ("reps", "accounts", "stakeholders"):
        import_file(ws, DATA / f"{kind}.csv")


def load(ws: Workspace) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    companies = import_file(ws, HUB / "hubspot-companies.csv", options=OPTIONS)
    contacts = import_file(ws, HUB / "hubspot-contacts.csv", options=OPTIONS)
    return (
        (companies.rows, companies.created, companies.updated, companies.unchanged),
        (contacts.rows, contacts.created, contacts.updated, contacts.unchanged),
    )


def test_samples_import_then_reimport_changes_nothing(ws: Workspace) -> None:
    prepare(ws)
    assert load(ws) == ((5, 4, 1, 0), (12, 8, 1, 1))
    before = content_hash(ws)
    assert load(ws) == ((5, 0, 0, 5), (12, 0, 0, 10))
    assert content_hash(ws) == before


def test_contacts_report_what_they_skipped_and_merged(ws: Workspace) -> None:
    prepare(ws)
    import_file(ws, HUB / "hubspot-companies.csv", options=OPTIONS)
    report = import_file(ws, HUB / "hubspot-contacts.csv", options=OPTIONS)
    assert report.skipped == {"account not imported": 1, "no account": 1}
    assert report.notes == {
        "merged into a contact with the same email": 1,
        "touches added from Last Activity Date": 6,
    }
    assert "2 skipped (1 account not imported, 1 no account)" in report.summary()


def test_companies_are_linked_and_sized(ws: Workspace) -> None:
    prepare(ws)
    load(ws)
    initech = resolve_account(ws, "Initech")  # a native account: linked by name
    assert crm_queries.crm_of(ws.db.conn, "account", initech.id) == ("hubspot", "9000101")
    assert (initech.potential, initech.rep_name) == (15_000_000, "Ann Lee")
    vandelay = resolve_account(ws, "Vandelay Industries")  # owner given as an email
    assert (vandelay.rep_name, vandelay.is_top) == ("Ann Lee", True)
    dunder = resolve_account(ws, "Dunder Mifflin")  # no owner: --rep
    assert dunder.rep_name == "Tom Baker"


def test_duplicates_stay_merged_whatever_the_order_of_the_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    prepare(ws)
    load(ws)
    before = content_hash(ws)
    header, *rows = (HUB / "hubspot-contacts.csv").read_text(encoding="utf-8").splitlines()
    reversed_file = tmp_path / "contacts.csv"
    reversed_file.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    report = import_file(ws, reversed_file, options=OPTIONS)
    assert (report.created, report.updated) == (0, 0)
    assert content_hash(ws) == before


def test_duplicate_email_is_one_stakeholder_filled_from_both_rows(ws: Workspace) -> None:
    prepare(ws)
    load(ws)
    piper = resolve_account(ws, "Pied Piper")
    people = stakeholder_queries.list_stakeholders(ws.db.conn, piper.id, ws.today)
    assert sorted(p.name for p in people) == ["Jared Dunn", "Richard Hendricks"]
    jared = resolve_stakeholder(ws, piper, "jared@piedpiper.example")
    assert (jared.title, jared.level) == ("Head of Business Development", Level.DIRECTOR)


def test_last_activity_date_is_a_touch_and_existing_people_are_linked(ws: Workspace) -> None:
    prepare(ws)
    load(ws)
    initech = resolve_account(ws, "Initech")
    bill = resolve_stakeholder(ws, initech, "Bill Lumbergh")  # native: linked by email
    assert crm_queries.crm_of(ws.db.conn, "stakeholder", bill.id) == ("hubspot", "501")
    touches = stakeholder_queries.touches_of(ws.db.conn, bill.id)
    assert [(t.touched_on.isoformat(), t.channel, t.note) for t in touches] == [
        ("2026-11-12", Channel.EMAIL, "HubSpot: last activity")
    ]
    assert bill.last_contact_on is not None


def test_contacts_of_companies_not_imported_are_skipped(ws: Workspace) -> None:
    prepare(ws)  # only Initech is in the database already
    report = import_file(ws, HUB / "hubspot-contacts.csv", options=OPTIONS)
    assert (report.created, report.updated) == (1, 1)
    assert report.skipped == {"account not imported": 9, "no account": 1}


def test_unknown_rep_for_fallback_is_not_found(ws: Workspace) -> None:
    prepare(ws)
    before = content_hash(ws)
    with pytest.raises(NotFound, match="No rep matches 'Nobody'"):
        import_file(ws, HUB / "hubspot-companies.csv", options=ImportOptions(rep="Nobody"))
    assert content_hash(ws) == before


def test_a_rounded_record_id_is_refused_with_a_hint(ws: Workspace, tmp_path: Path) -> None:
    prepare(ws)
    text = (
        (HUB / "hubspot-companies.csv").read_text(encoding="utf-8").replace("9000104", "9.0001E+06")
    )
    path = tmp_path / "companies.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, path, options=OPTIONS)
    (problem,) = row_problems(caught.value)
    assert (problem.row, problem.column, problem.value) == (5, "Record ID", "9.0001E+06")
    assert "format the column as text" in problem.expected
