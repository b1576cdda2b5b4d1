"""Exports on a real database: round trips, the Salesforce Task file, the calendar, safety."""

import csv
import io
import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest

from accountreview.db import crm as crm_queries
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel
from accountreview.services import reviews
from accountreview.services.errors import InvalidInput
from accountreview.services.exporting import ExportRequest, export_data, export_to_file
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.reps import current_rep
from accountreview.services.stakeholders import add_stakeholder, log_touch, set_next_contact
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, content_hash

DATA = Path(__file__).resolve().parent.parent / "data"
SF = DATA / "samples" / "salesforce"
WEEK = IsoWeek.of(TODAY)
SF_FILES = ("User.csv", "Account.csv", "Contact.csv", "OpportunityContactRole.csv", "Task.csv")
FIVE = ("Grace Hopper", "Ivan Petrov", "Paula Moss", "Sam Okafor", "Uma Reyes")


def loaded(ws: Workspace) -> None:
    """The native samples, the Salesforce samples, and a week's review of Acme Logistics."""
    for kind in ("reps", "accounts", "stakeholders", "touches"):
        import_file(ws, DATA / f"{kind}.csv")
    options = ImportOptions(potential_from="Potential_ARR__c", rep="Ann Lee")
    for name in SF_FILES:
        import_file(ws, SF / name, options=options)
    current_rep(ws, "Ann Lee")  # Ann fills her review: every write is in someone's name
    acme = resolve_account(ws, "Acme Logistics")
    for position, name in enumerate(FIVE, start=1):
        person = resolve_stakeholder(ws, acme, name)
        reviews.set_slot(ws, acme, WEEK, position, person.id)
        if name in ("Ivan Petrov", "Uma Reyes"):  # stale: the close rule wants a next contact
            set_next_contact(ws, person, TODAY + timedelta(days=7))
            log_touch(ws, person, on=TODAY, channel=Channel.VIDEO, note=f"Weekly sync with {name}")
    reviews.close_review(ws, acme, WEEK)


def export(ws: Workspace, path: Path, kind: str, **options: object) -> Path:
    export_to_file(ws, ExportRequest(kind, **options), path)  # type: ignore[arg-type]
    return path


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_exports_reimport_with_no_change(ws: Workspace, tmp_path: Path) -> None:
    loaded(ws)
    files = [export(ws, tmp_path / f"{k}.csv", k) for k in ("accounts", "stakeholders", "touches")]
    before = content_hash(ws)
    for path in files:
        report = import_file(ws, path)
        assert (report.created, report.updated, report.rows) == (0, 0, report.unchanged), path
    assert content_hash(ws) == before


def test_an_export_moved_to_another_database_keeps_its_crm_links(
    ws: Workspace, tmp_path: Path
) -> None:
    loaded(ws)
    kinds = ("accounts", "stakeholders", "touches")
    first = [export(ws, tmp_path / f"first-{k}.csv", k) for k in kinds]
    other = open_workspace(tmp_path / "other.db", TODAY, create=True)
    try:
        import_file(other, DATA / "reps.csv")
        for path in first:
            import_file(other, path)
        again = [export(other, tmp_path / f"again-{k}.csv", k) for k in kinds]
        acme = resolve_account(other, "Acme Logistics")
        link = crm_queries.crm_of(other.db.conn, "account", acme.id)
        assert link == ("salesforce", "0015g00000QkAcMAAV")
        report = import_file(other, SF / "Contact.csv")  # a later CRM import there: no copies
        assert report.created == 0
    finally:
        other.close()
    for a, b in zip(first, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_reviews_export_the_frozen_slots(ws: Workspace, tmp_path: Path) -> None:
    loaded(ws)
    rows = rows_of(export(ws, tmp_path / "reviews.csv", "reviews", week=WEEK))
    assert [(r["account"], r["status"], r["position"], r["stakeholder"]) for r in rows] == [
        ("Acme Logistics", "closed", str(n), name) for n, name in enumerate(FIVE, start=1)
    ]
    data = json.loads(export(ws, tmp_path / "reviews.json", "reviews", format="json").read_text())
    assert list(data[0]) == ["week", "account", "account_id", "rep", "status", "closed_at", "slots"]
    assert data[0]["slots"][1]["next_contact"] == (TODAY + timedelta(days=7)).isoformat()
    assert data[0]["closed_at"].endswith("Z")


def test_json_exports_are_stable_and_have_the_documented_keys(
    ws: Workspace, tmp_path: Path
) -> None:
    loaded(ws)
    keys = {
        "accounts": "id name rep rep_email top potential current list_price discount_pct"
        " rebate_pct uplift_pct signed_on live_on paid_on lost_on churned_on contract"
        " contract_start cio_signoff_on procurement_signoff_on penetration_target_pct crm",
        "stakeholders": "id account account_id name email title level role left_on"
        " last_contact next_contact crm",
        "touches": "id account account_id stakeholder stakeholder_id on channel note logged_by crm",
        "next-contacts": "on stakeholder stakeholder_id account account_id title email role"
        " last_contact rep uid",
        "follow-ups": "account account_id rep potential current lost_on follow_ups"
        " next_follow_up contacts",
    }
    for kind, expected in keys.items():
        first = export(ws, tmp_path / f"{kind}-1.json", kind, format="json").read_bytes()
        second = export(ws, tmp_path / f"{kind}-2.json", kind, format="json").read_bytes()
        assert first == second, kind
        data = json.loads(first)
        assert data, kind
        assert list(data[0]) == expected.split(), kind


def test_salesforce_tasks_hold_only_what_salesforce_lacks_and_reimport_unchanged(
    ws: Workspace, tmp_path: Path
) -> None:
    loaded(ws)
    buffer = io.StringIO()
    report = export_data(ws, ExportRequest("touches", shape="salesforce-tasks", week=WEEK), buffer)
    text = buffer.getvalue()
    assert text.startswith("\ufeffWhoId,WhatId,ActivityDate,Subject,Description,TaskSubtype")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    ivan = resolve_stakeholder(ws, resolve_account(ws, "Acme Logistics"), "Ivan Petrov")
    assert [(r["WhoId"], r["ActivityDate"], r["Subject"], r["Status"]) for r in rows] == [
        ("", TODAY.isoformat(), "Weekly sync with Ivan Petrov", "Completed"),
        ("", TODAY.isoformat(), "Weekly sync with Uma Reyes", "Completed"),
    ]
    assert {r["WhatId"] for r in rows} == {"0015g00000QkAcMAAV"}
    assert crm_queries.crm_of(ws.db.conn, "stakeholder", ivan.id) is None
    assert report.skipped == {}
    everything = export_data(ws, ExportRequest("touches", shape="salesforce-tasks"), io.StringIO())
    from_salesforce = ws.db.conn.execute(  # of Ann's accounts: the export is hers
        "SELECT count(*) FROM touch t JOIN stakeholder s ON s.id = t.stakeholder_id"
        " JOIN account a ON a.id = s.account_id"
        " WHERE t.crm_source = 'salesforce' AND a.rep_id = ?",
        (ws.actor_id,),
    ).fetchone()[0]
    assert everything.skipped["imported from Salesforce"] == from_salesforce > 0
    sam = resolve_stakeholder(ws, resolve_account(ws, "Acme Logistics"), "Sam Okafor")
    log_touch(ws, sam, on=TODAY, channel=Channel.PHONE, note="=SUM(A1:A9) asked about pricing")
    path = export(ws, tmp_path / "tasks.csv", "touches", shape="salesforce-tasks", week=WEEK)
    sam_row = next(r for r in rows_of(path) if r["WhoId"])
    assert (sam_row["WhoId"], sam_row["TaskSubtype"], sam_row["Type"]) == (
        "0035g00000HpSaMAAV",
        "Call",
        "Call",
    )
    assert sam_row["Description"] == "'=SUM(A1:A9) asked about pricing"
    before = content_hash(ws)
    again = import_file(ws, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert content_hash(ws) == before


def test_next_contacts_calendar_parses_with_a_real_parser(ws: Workspace, tmp_path: Path) -> None:
    loaded(ws)
    first = export(ws, tmp_path / "next.ics", "next-contacts").read_bytes()
    calendar = icalendar.Calendar.from_ical(first)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is date and start == TODAY + timedelta(days=7)
        assert event.decoded("DTEND") - start == timedelta(days=1)
        assert str(event["SUMMARY"]).startswith("Contact ")
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == timedelta(hours=9)
    assert "Acme Logistics" in str(events[0]["SUMMARY"])
    assert all(len(line) <= 75 for line in first.split(b"\r\n"))
    # Moving a contact moves its event: the same UID, another day.
    uma = resolve_stakeholder(ws, resolve_account(ws, "Acme Logistics"), "Uma Reyes")
    set_next_contact(ws, uma, TODAY + timedelta(days=14))
    later = icalendar.Calendar.from_ical(
        export(ws, tmp_path / "n2.ics", "next-contacts").read_bytes()
    )
    uids = {str(e["UID"]): e.decoded("DTSTART") for e in later.walk("VEVENT")}
    assert set(uids) == {str(e["UID"]) for e in events}
    assert sorted(uids.values()) == [TODAY + timedelta(days=7), TODAY + timedelta(days=14)]


def test_follow_ups_list_lost_small_deals_with_their_dates(ws: Workspace, tmp_path: Path) -> None:
    loaded(ws)
    rows = rows_of(export(ws, tmp_path / "follow-ups.csv", "follow-ups"))
    assert {r["account"] for r in rows} == {"Globex Industries"}
    assert {
        (r["lost_on"], r["follow_up_90"], r["follow_up_365"], r["next_follow_up"]) for r in rows
    } == {("2026-08-24", "2026-11-22", "2027-08-24", "2027-02-20")}
    assert sorted(r["contact"] for r in rows) == ["Frank Grimes", "Hank Scorpio", "Lisa Park"]


def test_formula_cells_are_neutralised_and_read_back_as_they_were(
    ws: Workspace, tmp_path: Path
) -> None:
    loaded(ws)
    acme = resolve_account(ws, "Acme Logistics")
    add_stakeholder(ws, acme, name="Eve Hacker", title='=HYPERLINK("http://x.example","y")')
    add_stakeholder(ws, acme, name="+1 Plus", title="@mention -minus")
    path = export(ws, tmp_path / "stakeholders.csv", "stakeholders")
    raw = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw and "'+1 Plus" in raw and "'@mention" in raw
    before = content_hash(ws)
    assert import_file(ws, path).updated == 0
    assert content_hash(ws) == before


def test_export_files_are_private_and_replace_atomically(ws: Workspace, tmp_path: Path) -> None:
    loaded(ws)
    path = tmp_path / "accounts.csv"
    path.write_text("old")
    os.chmod(path, 0o644)
    export(ws, path, "accounts")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes().startswith(b"\xef\xbb\xbfname,rep,top")
    assert b"\r\n" in path.read_bytes()
    with pytest.raises(InvalidInput, match="--format"):
        export(ws, path, "accounts", format="ics")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfname")  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (ExportRequest("people"), "not something to export"),
        (ExportRequest("accounts", week=WEEK), "--week: applies to"),
        (ExportRequest("reviews", shape="salesforce-tasks"), "--as"),
        (ExportRequest("touches", format="json", shape="salesforce-tasks"), "leave out --format"),
    ],
)
def test_bad_requests_name_the_option(ws: Workspace, request_: ExportRequest, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        export_data(ws, request_, io.StringIO())
