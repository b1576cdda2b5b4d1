"""A Salesforce "Accounts with Contacts" report: accounts and their contacts from one file.

The report a rep without Data Loader rights exports: one row per contact with
its account's cells, and a short row (the account's cells alone) for an account
with no contact. It imports as accounts plus contacts, in one transaction, with
`--rep` for accounts whose owner is no known rep, and importing it again changes
nothing.
"""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.services.errors import ImportRejected
from accountreview.services.importing import ImportOptions, ImportReport, detect_file, import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.workspace import Workspace
from conftest import content_hash, row_problems

DATA = Path(__file__).resolve().parent.parent / "data"
REPORT = DATA / "samples" / "salesforce" / "report-accounts-with-contacts.csv"
OPTIONS = ImportOptions(rep="Tom Baker", potential_from="Potential ARR")


def people(ws: Workspace, account: str) -> list[str]:
    rows = ws.db.conn.execute(
        "SELECT s.name FROM stakeholder s JOIN account a ON a.id = s.account_id"
        " WHERE a.name = ? ORDER BY s.name",
        (account,),
    ).fetchall()
    return [r[0] for r in rows]


def reps_only(ws: Workspace) -> None:
    import_file(ws, DATA / "reps.csv")


def native(ws: Workspace) -> None:
    for kind in ("reps", "accounts", "stakeholders"):
        import_file(ws, DATA / f"{kind}.csv")


def edited(folder: Path, line: int, old: str, new: str) -> Path:
    """The report with `old` replaced by `new` on one line (0: the header)."""
    lines = REPORT.read_text(encoding="utf-8-sig").splitlines()
    assert old in lines[line]
    lines[line] = lines[line].replace(old, new)
    path = folder / "report.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(
    ws: Workspace, path: Path, options: ImportOptions = OPTIONS
) -> list[tuple[object, ...]]:
    """Where each problem of a refused import is; the database is unchanged."""
    before = content_hash(ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, path, options=options)
    assert content_hash(ws) == before
    return [(p.row, p.column, p.value) for p in row_problems(caught.value)]


def counts(report: ImportReport) -> tuple[object, ...]:
    return (report.rows, report.created, report.updated, report.unchanged, report.skipped)


def test_the_report_is_told_by_its_header(ws: Workspace) -> None:
    reps_only(ws)
    report = import_file(ws, REPORT, options=OPTIONS)
    assert (report.kind, report.title) == (
        "accounts-contacts",
        "Salesforce accounts with contacts (report export)",
    )


def test_only_this_report_may_have_short_rows() -> None:
    """The CSV reader is told to take a short row (an account alone) for this kind only."""
    assert detect_file(REPORT).format.short_rows
    others = ("report-contacts-excel.csv", "report-accounts.csv", "Contact.csv", "Account.csv")
    assert not any(detect_file(REPORT.parent / name).format.short_rows for name in others)


def test_accounts_with_and_without_contacts_are_imported(ws: Workspace) -> None:
    reps_only(ws)
    report = import_file(ws, REPORT, options=OPTIONS)
    # 7 rows: 5 accounts (2 with no contact) and 5 contacts; nothing skipped
    assert counts(report) == (7, 10, 0, 0, {})
    assert report.notes == {
        "accounts read": 5,
        "accounts with no contact": 2,
        "given to --rep (no owner that is a known rep)": 1,
    }
    assert people(ws, "Acme Logistics") == ["Grace Hopper", "Linda Ng"]
    assert people(ws, "Dunder Mifflin") == ["Michael Scott", "Pam Beesly"]
    assert people(ws, "Aperture Science") == ["Cave Johnson"]
    assert people(ws, "Gringotts Bank") == [] and people(ws, "Black Mesa") == []
    dunder = resolve_account(ws, "Dunder Mifflin")
    assert (dunder.rep_name, dunder.potential) == ("Ann Lee", 1_800_000)
    pam = resolve_stakeholder(ws, dunder, "Pam Beesly")
    assert (pam.email, pam.title) == ("pam.beesly@dunder-mifflin.example", "Office Administrator")


def test_owners_are_reps_and_an_unknown_owner_goes_to_rep(ws: Workspace) -> None:
    reps_only(ws)
    import_file(ws, REPORT, options=OPTIONS)
    owners = {name: resolve_account(ws, name).rep_name for name in ("Gringotts Bank", "Black Mesa")}
    assert owners == {"Gringotts Bank": "Ann Lee", "Black Mesa": "Tom Baker"}  # Dana Former: --rep


def test_without_rep_an_unknown_owner_is_refused_and_nothing_changes(ws: Workspace) -> None:
    reps_only(ws)
    without_rep = ImportOptions(potential_from="Potential ARR")
    assert refused(ws, REPORT, without_rep) == [(8, "Account Owner", "Dana Former")]


def test_stored_records_are_linked_not_copied(ws: Workspace) -> None:
    native(ws)
    report = import_file(ws, REPORT, options=OPTIONS)
    # Acme Logistics and Grace Hopper were in the database: linked (updated), not added
    assert counts(report)[1:3] == (8, 2)
    assert people(ws, "Acme Logistics").count("Grace Hopper") == 1
    acme = resolve_account(ws, "Acme Logistics")
    assert resolve_stakeholder(ws, acme, "Grace Hopper").role is not None  # the rep's role kept


def test_importing_again_changes_nothing(ws: Workspace) -> None:
    native(ws)
    import_file(ws, REPORT, options=OPTIONS)
    before = content_hash(ws)
    again = import_file(ws, REPORT, options=OPTIONS)
    assert counts(again) == (7, 0, 0, 10, {})
    assert content_hash(ws) == before


def test_a_dry_run_reports_what_the_real_run_does(ws: Workspace) -> None:
    native(ws)
    before = content_hash(ws)
    dry = import_file(ws, REPORT, options=OPTIONS, dry_run=True)
    assert content_hash(ws) == before
    real = import_file(ws, REPORT, options=OPTIONS)
    assert (counts(dry), dry.notes) == (counts(real), real.notes)
    assert dry.dry_run and not real.dry_run


def test_contacts_of_an_account_met_again_later_in_the_file(ws: Workspace, tmp_path: Path) -> None:
    """Rows sorted by contact, not grouped by account: each account is written once."""
    reps_only(ws)
    header, *rows = REPORT.read_text(encoding="utf-8-sig").splitlines()[:8]
    shuffled = tmp_path / "by-contact.csv"
    shuffled.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    report = import_file(ws, shuffled, options=OPTIONS)
    assert counts(report) == (7, 10, 0, 0, {})
    assert people(ws, "Acme Logistics") == ["Grace Hopper", "Linda Ng"]


def test_a_bad_contact_cell_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    reps_only(ws)
    path = edited(tmp_path, 4, "pam.beesly@dunder-mifflin.example", "pam at dunder")
    assert refused(ws, path) == [(5, "Email", "pam at dunder")]


def test_the_cli_imports_the_report(db_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(db_path)]
    assert runner.invoke(app, [*db, "import", str(DATA / "reps.csv")]).exit_code == 0
    refused = runner.invoke(app, [*db, "import", str(REPORT)])
    assert refused.exit_code == 3
    assert "row 8, column 'Account Owner': 'Dana Former'" in refused.stderr
    done = runner.invoke(app, [*db, "import", str(REPORT), "--rep", "Tom Baker"])
    assert done.exit_code == 0, done.stderr
    assert "Salesforce accounts with contacts (report export)" in done.stdout
    assert "7 rows — 10 new, 0 updated, 0 unchanged" in done.stdout


def test_labels_with_object_prefixes_import_alike(ws: Workspace, tmp_path: Path) -> None:
    reps_only(ws)
    header, *rows = REPORT.read_text(encoding="utf-8-sig").splitlines()
    prefixed = header.replace('"Account Owner"', '"Account: Account Owner"')
    for label in ("First Name", "Last Name", "Title", "Email", "Contact ID"):
        prefixed = prefixed.replace(f'"{label}"', f'"Contact: {label}"')
    path = tmp_path / "prefixed.csv"
    path.write_text("\n".join([prefixed, *rows]) + "\n", encoding="utf-8")
    report = import_file(ws, path, options=OPTIONS)
    assert (report.kind, counts(report)) == ("accounts-contacts", (7, 10, 0, 0, {}))
    assert people(ws, "Dunder Mifflin") == ["Michael Scott", "Pam Beesly"]


def test_an_account_cell_is_checked_on_every_row_of_the_account(
    ws: Workspace, tmp_path: Path
) -> None:
    """The account is written from its first row; a bad cell on a later one still refuses."""
    reps_only(ws)
    path = edited(tmp_path, 2, "$2,500,000.00", "lots")  # Acme's second row (row 3)
    assert refused(ws, path) == [(3, "Potential ARR", "lots")]


def test_an_account_id_of_15_or_18_characters_is_one_account(ws: Workspace, tmp_path: Path) -> None:
    reps_only(ws)
    path = edited(tmp_path, 2, '"0015g00000QkAcM"', '"0015g00000QkAcMAAV"')
    report = import_file(ws, path, options=OPTIONS)
    assert counts(report) == (7, 10, 0, 0, {})
    assert people(ws, "Acme Logistics") == ["Grace Hopper", "Linda Ng"]
