"""New contacts and activities are written in batches: a file reads as if row by row.

Each test runs with batches of 3 rows (so the rows it is about fall in one batch,
or in two) and with the real batch size, on real SQLite files.
"""

import csv
import sqlite3
from pathlib import Path

import pytest

from accountreview.io.crm.salesforce import salesforce_id
from accountreview.services.errors import ImportRejected
from accountreview.services.importing import ImportOptions, import_file, run
from accountreview.services.workspace import Workspace
from conftest import content_hash

ACCOUNTS = 4
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@pytest.fixture(params=[3, run.BATCH_ROWS], ids=["batches-of-3", "real-batches"])
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(run, "BATCH_ROWS", request.param)
    return int(request.param)


def sf(prefix: str, n: int) -> str:
    body = ""
    for _ in range(12):
        n, digit = divmod(n, 62)
        body = _ALNUM[digit] + body
    return salesforce_id(prefix + body)


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def contact(n: int, *, crm: int | None = None, email: str | None = None) -> list[str]:
    return [
        sf("003", n if crm is None else crm),
        sf("001", n % ACCOUNTS),
        f"First{n}",
        f"Last{n}",
        ("VP Operations", "IT Manager", "")[n % 3],
        email if email is not None else f"person{n}@example.com",
    ]


def contacts_file(folder: Path, rows: list[list[str]]) -> Path:
    header = ["Id", "AccountId", "FirstName", "LastName", "Title", "Email"]
    return write(folder / "Contact.csv", header, rows)


def task(n: int, who: int, *, crm: int | None = None, subject: str | None = None) -> list[str]:
    return [
        "" if crm == -1 else sf("00T", n if crm is None else crm),
        sf("003", who),
        f"2026-11-{1 + n % 20:02d}",
        subject or f"Call: follow-up {n}",
        "Completed",
        "Call",
    ]


def tasks_file(folder: Path, rows: list[list[str]]) -> Path:
    header = ["Id", "WhoId", "ActivityDate", "Subject", "Status", "TaskSubtype"]
    return write(folder / "Task.csv", header, rows)


@pytest.fixture
def org(ws: Workspace, tmp_path: Path) -> Workspace:
    """A rep and ACCOUNTS Salesforce accounts."""
    write(
        tmp_path / "reps.csv",
        ["name", "email", "role", "manager"],
        [["Ann Lee", "a@x.io", "rep", ""]],
    )
    import_file(ws, tmp_path / "reps.csv")
    accounts = [[sf("001", n), f"Company {n}"] for n in range(ACCOUNTS)]
    import_file(
        ws,
        write(tmp_path / "Account.csv", ["Id", "Name"], accounts),
        options=ImportOptions(rep="Ann Lee"),
    )
    return ws


def people(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.crm_id, s.name, s.email, s.title, s.level, s.role, s.crm_id"
            " FROM stakeholder s JOIN account a ON a.id = s.account_id ORDER BY s.crm_id"
        ).fetchall()
    finally:
        conn.close()


def test_contacts_in_batches_are_all_written_and_a_reimport_changes_nothing(
    org: Workspace, db_path: Path, tmp_path: Path, batch: int
) -> None:
    count = 2 * batch + 5  # two full batches and part of a third
    file = contacts_file(tmp_path, [contact(n) for n in range(count)])
    report = import_file(org, file)
    assert (report.rows, report.created, report.updated, report.unchanged) == (count, count, 0, 0)
    stored = people(db_path)
    assert len(stored) == count
    expected = sorted(
        (
            sf("001", n % ACCOUNTS),
            f"First{n} Last{n}",
            f"person{n}@example.com",
            ("VP Operations", "IT Manager", None)[n % 3],
            ("vp", "manager", None)[n % 3],
            (None, "cio-office", None)[n % 3],
            sf("003", n),
        )
        for n in range(count)
    )
    assert sorted(stored, key=lambda r: str(r[6])) == sorted(expected, key=lambda r: str(r[6]))
    before = content_hash(db_path)
    again = import_file(org, file)
    assert (again.created, again.updated, again.unchanged) == (0, 0, count)
    assert content_hash(db_path) == before


@pytest.mark.parametrize("gap", [1, 7], ids=["next-row", "rows-apart"])
def test_a_second_row_for_a_contact_is_refused_and_names_the_first(
    org: Workspace, db_path: Path, tmp_path: Path, batch: int, gap: int
) -> None:
    rows = [contact(n) for n in range(12)]
    rows[2 + gap] = contact(2, email="other@example.com")  # row index 2's contact (file row 4)
    before = content_hash(db_path)
    with pytest.raises(ImportRejected) as caught:
        import_file(org, contacts_file(tmp_path, rows))
    message = str(caught.value)
    assert f"row {4 + gap}, column 'Id'" in message
    assert "one row per record (row 4 has the same one)" in message
    assert content_hash(db_path) == before


@pytest.fixture
def contacts(org: Workspace, tmp_path: Path) -> Workspace:
    import_file(org, contacts_file(tmp_path, [contact(n) for n in range(10)]))
    return org


def touches(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT s.crm_id, t.touched_on, t.channel, t.note, t.crm_id FROM touch t"
            " JOIN stakeholder s ON s.id = t.stakeholder_id ORDER BY t.touched_on, t.note"
        ).fetchall()
    finally:
        conn.close()


def test_activities_in_batches_are_all_written_and_a_reimport_changes_nothing(
    contacts: Workspace, db_path: Path, tmp_path: Path, batch: int
) -> None:
    count = 2 * batch + 5
    file = tasks_file(tmp_path, [task(n, n % 10) for n in range(count)])
    report = import_file(contacts, file)
    assert (report.created, report.updated, report.unchanged) == (count, 0, 0)
    stored = touches(db_path)
    assert sorted(stored, key=lambda r: str(r[4])) == sorted(
        (
            (
                sf("003", n % 10),
                f"2026-11-{1 + n % 20:02d}",
                "phone",
                f"Call: follow-up {n}",
                sf("00T", n),
            )
            for n in range(count)
        ),
        key=lambda r: str(r[4]),
    )
    before = content_hash(db_path)
    again = import_file(contacts, file)
    assert (again.created, again.updated, again.unchanged) == (0, 0, count)
    assert content_hash(db_path) == before


@pytest.mark.parametrize("gap", [1, 7], ids=["next-row", "rows-apart"])
def test_a_second_row_for_an_activity_is_refused_and_names_the_first(
    contacts: Workspace, db_path: Path, tmp_path: Path, batch: int, gap: int
) -> None:
    rows = [task(n, n % 10) for n in range(12)]
    rows[2 + gap] = task(2 + gap, 3, crm=2)  # row index 2's activity (file row 4)
    before = content_hash(db_path)
    with pytest.raises(ImportRejected) as caught:
        import_file(contacts, tasks_file(tmp_path, rows))
    message = str(caught.value)
    assert f"row {4 + gap}, column 'Id'" in message
    assert "one row per record (row 4 has the same one)" in message
    assert content_hash(db_path) == before


@pytest.mark.parametrize("gap", [1, 7], ids=["next-row", "rows-apart"])
def test_the_same_conversation_without_ids_is_one_touch(
    contacts: Workspace, db_path: Path, tmp_path: Path, batch: int, gap: int
) -> None:
    rows = [task(n, n % 10, crm=-1) for n in range(12)]
    rows[2 + gap] = task(2, 2, crm=-1)  # row index 2 again, word for word
    report = import_file(contacts, tasks_file(tmp_path, rows))
    assert (report.created, report.unchanged) == (11, 1)
    assert len(touches(db_path)) == 11


def test_a_conversation_without_an_id_then_with_one_is_linked_not_copied(
    contacts: Workspace, db_path: Path, tmp_path: Path, batch: int
) -> None:
    rows = [task(n, n % 10) for n in range(12)]
    rows[9] = task(2, 2, crm=-1)  # the conversation of row index 2, without its id
    report = import_file(contacts, tasks_file(tmp_path, rows))
    assert (report.created, report.unchanged) == (11, 1)
    linked = [t for t in touches(db_path) if t[3] == "Call: follow-up 2"]
    assert linked == [(sf("003", 2), "2026-11-03", "phone", "Call: follow-up 2", sf("00T", 2))]


def test_records_an_import_adds_share_its_creation_time(
    contacts: Workspace, db_path: Path, tmp_path: Path, batch: int
) -> None:
    import_file(contacts, tasks_file(tmp_path, [task(n, n % 10) for n in range(2 * batch + 1)]))
    conn = sqlite3.connect(db_path)
    try:
        times = conn.execute("SELECT DISTINCT created_at FROM touch").fetchall()
    finally:
        conn.close()
    assert len(times) == 1


def test_hubspot_contacts_with_one_email_merge_across_batches(
    org: Workspace, db_path: Path, tmp_path: Path, batch: int
) -> None:
    header = ["Record ID", "First Name", "Last Name", "Email", "Job Title", "Associated Company"]
    write(tmp_path / "companies.csv", ["Record ID", "Company name"], [["9001", "Hub Co"]])
    import_file(org, tmp_path / "companies.csv", options=ImportOptions(rep="Ann Lee"))
    rows = [[str(100 + n), f"F{n}", f"L{n}", f"p{n}@hub.example", "", "Hub Co"] for n in range(9)]
    rows[7] = ["107", "Dup", "Licate", "P1@HUB.example", "Chief Financial Officer", "Hub Co"]
    report = import_file(org, write(tmp_path / "hub.csv", header, rows))
    assert report.notes == {"merged into a contact with the same email": 1}
    conn = sqlite3.connect(db_path)
    try:
        merged = conn.execute(
            "SELECT name, title, level FROM stakeholder WHERE crm_id = '101'"
        ).fetchone()
        total = conn.execute("SELECT count(*) FROM stakeholder").fetchone()[0]
    finally:
        conn.close()
    assert merged == ("F1 L1", "Chief Financial Officer", "executive")
    assert total == 8


def test_touches_of_one_day_from_one_import_list_the_later_row_first(
    contacts: Workspace, tmp_path: Path, batch: int
) -> None:
    from accountreview.db.stakeholders import touches_of
    from accountreview.services.lookup import resolve_account, resolve_stakeholder

    rows = [task(n, 4, subject=f"Call number {n}") for n in (0, 20, 40)]  # one day, one contact
    import_file(contacts, tasks_file(tmp_path, rows))
    person = resolve_stakeholder(contacts, resolve_account(contacts, "Company 0"), "First4 Last4")
    notes = [t.note for t in touches_of(contacts.db.conn, person.id)]
    assert notes == ["Call number 40", "Call number 20", "Call number 0"]
