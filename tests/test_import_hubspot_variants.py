"""HubSpot's export kinds and versions name the same columns differently: all import alike.

Each variant below is the sample export with its header written as another
HubSpot export writes it (the id as ``Company ID``, ``Record ID - Company``…; a
contact's company by name or by id under several labels). Imported into a fresh
database, every variant gives exactly the records the sample gives. A header
that still lacks a column is refused naming what it lacks, and nothing changes.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from accountreview.services.errors import ImportRejected
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, content_hash

DATA = Path(__file__).resolve().parent.parent / "data"
HUB = DATA / "samples" / "hubspot"
OPTIONS = ImportOptions(potential_from="Annual Revenue", rep="tom.baker@northwind.example")
COMPANY_IDS = {
    "Initech": "9000101",
    "Massive Dynamic": "9000102",
    "Vandelay Industries": "9000103",
    "Pied Piper": "9000104",
    "Dunder Mifflin": "9000105",
    "Hooli": "9000107",
    "Raviga Capital": "9000112",
}

# Labels of the sample's columns -> what another export writes instead.
COMPANY_VARIANTS = {
    "Company ID": {"Record ID": "Company ID", "Company name": "Name"},
    "Record ID - Company": {"Record ID": "Record ID - Company", "Company owner": "HubSpot Owner"},
    "hs_object_id": {
        "Record ID": "hs_object_id",
        "Company name": "Company",
        "Company owner": "Owner",
    },
}
CONTACT_VARIANTS_BY_NAME = {
    "Company Name": {"Associated Company": "Company Name"},
    "Company": {"Record ID": "Contact ID", "Associated Company": "Company"},
    "Associated Company (Primary)": {
        "Record ID": "Record ID - Contact",
        "Associated Company": "Associated Company (Primary)",
        "Email": "Email Address",
        "Last Activity Date": "Last Contacted",
    },
}
# A contacts export as HubSpot writes it today: the primary company's id, and its name after.
REAL_HEADER = (
    "Record ID,First Name,Last Name,Email,Job Title,Phone Number,Contact owner,"
    "Primary Associated Company ID,Last Activity Date,Lead Status,Create Date,Associated Company"
)
CONTACT_VARIANTS_BY_ID = {
    label: {"Associated Company": label}
    for label in (
        "Associated Company ID",
        "Associated Company IDs",
        "Associated Company IDs (Primary)",
        "Primary Associated Company ID",
        "Associated Company Record ID",
        "Record ID - Company",
    )
}


def rewrite(source: Path, target: Path, labels: dict[str, str], *, company_ids: bool) -> Path:
    """The export `source` with its header relabelled (and companies given by id)."""
    with source.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    if company_ids:
        column = header.index("Associated Company")
        for row in rows:
            names = [n.strip() for n in row[column].split(";") if n.strip()]
            row[column] = ";".join(COMPANY_IDS[n] for n in names)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[labels.get(c, c) for c in header], *rows])
    return target


def records(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    """What the database holds, without its generated ids."""
    conn = ws.db.conn
    found = {
        "accounts": conn.execute(
            "SELECT a.name, r.name, a.potential, a.crm_source, a.crm_id FROM account a"
            " JOIN rep r ON r.id = a.rep_id ORDER BY a.name"
        ).fetchall(),
        "stakeholders": conn.execute(
            "SELECT a.name, s.name, s.email, s.title, s.level, s.role, s.crm_id"
            " FROM stakeholder s JOIN account a ON a.id = s.account_id ORDER BY a.name, s.name"
        ).fetchall(),
        "touches": conn.execute(
            "SELECT s.name, t.touched_on, t.channel, t.note FROM touch t"
            " JOIN stakeholder s ON s.id = t.stakeholder_id ORDER BY s.name, t.touched_on"
        ).fetchall(),
    }
    return {table: [tuple(row) for row in rows] for table, rows in found.items()}


def imported(ws: Workspace, companies: Path, contacts: Path) -> dict[str, list[tuple[object, ...]]]:
    for kind in ("reps", "accounts", "stakeholders"):
        import_file(ws, DATA / f"{kind}.csv")
    import_file(ws, companies, options=OPTIONS)
    report = import_file(ws, contacts, options=OPTIONS)
    assert report.skipped == {"account not imported": 1, "no account": 1}
    return records(ws)


@pytest.fixture
def expected(tmp_path: Path) -> Iterator[dict[str, list[tuple[object, ...]]]]:
    """What the samples themselves import as (in a database of their own)."""
    ws = open_workspace(tmp_path / "expected.db", TODAY, create=True)
    try:
        yield imported(ws, HUB / "hubspot-companies.csv", HUB / "hubspot-contacts.csv")
    finally:
        ws.close()


@pytest.mark.parametrize("variant", sorted(COMPANY_VARIANTS))
def test_every_companies_variant_imports_alike(
    ws: Workspace, tmp_path: Path, expected: dict[str, list[tuple[object, ...]]], variant: str
) -> None:
    companies = rewrite(
        HUB / "hubspot-companies.csv",
        tmp_path / "c.csv",
        COMPANY_VARIANTS[variant],
        company_ids=False,
    )
    assert imported(ws, companies, HUB / "hubspot-contacts.csv") == expected


@pytest.mark.parametrize(
    ("variant", "by_id"),
    [(v, False) for v in sorted(CONTACT_VARIANTS_BY_NAME)]
    + [(v, True) for v in sorted(CONTACT_VARIANTS_BY_ID)],
)
def test_every_contacts_variant_imports_alike(
    ws: Workspace,
    tmp_path: Path,
    expected: dict[str, list[tuple[object, ...]]],
    variant: str,
    by_id: bool,
) -> None:
    labels = (CONTACT_VARIANTS_BY_ID if by_id else CONTACT_VARIANTS_BY_NAME)[variant]
    contacts = rewrite(HUB / "hubspot-contacts.csv", tmp_path / "p.csv", labels, company_ids=by_id)
    assert imported(ws, HUB / "hubspot-companies.csv", contacts) == expected


def test_the_variant_samples_import_alike(
    ws: Workspace, expected: dict[str, list[tuple[object, ...]]]
) -> None:
    got = imported(
        ws, HUB / "hubspot-companies-company-id.csv", HUB / "hubspot-contacts-company-ids.csv"
    )
    assert got == expected


def test_both_samples_of_a_kind_are_the_same_records(ws: Workspace) -> None:
    imported(ws, HUB / "hubspot-companies.csv", HUB / "hubspot-contacts.csv")
    before = content_hash(ws)
    again = import_file(ws, HUB / "hubspot-companies-company-id.csv", options=OPTIONS)
    assert (again.created, again.updated) == (0, 0)
    again = import_file(ws, HUB / "hubspot-contacts-company-ids.csv", options=OPTIONS)
    assert (again.created, again.updated) == (0, 0)
    assert content_hash(ws) == before


LACKING = [
    (
        "contacts without an id",
        "First Name,Last Name,Email,Associated Company\nBill,Lumbergh,b@initech.example,Initech\n",
        "HubSpot contacts: no column for the record id (expected one of Record ID, Contact ID,",
    ),
    (
        "contacts without a company",
        "Record ID,First Name,Last Name,Email\n501,Bill,Lumbergh,b@initech.example\n",
        "HubSpot contacts: no column for the contact's company (its name or id) (expected one of"
        " Associated Company ID,",
    ),
    (
        "companies without an id",
        "Company name,Company Domain Name,Company owner\nInitech,initech.example,Ann Lee\n",
        "HubSpot companies: no column for the record id (expected one of Record ID, Company ID,",
    ),
    (
        "companies without a name",
        "Record ID,Company Domain Name,Company owner\n9000101,initech.example,Ann Lee\n",
        "HubSpot companies: no column for the company name (expected one of Company name, Name,",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), LACKING, ids=[c[0] for c in LACKING])
def test_a_header_still_unknown_names_what_it_lacks(
    ws: Workspace, tmp_path: Path, case: str, text: str, message: str
) -> None:
    import_file(ws, DATA / "reps.csv")
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    before = content_hash(ws)
    for source in (None, "hubspot"):
        with pytest.raises(ImportRejected) as caught:
            import_file(ws, path, options=ImportOptions(source=source, rep="Ann Lee"))
        (problem,) = caught.value.problems
        assert str(problem).startswith(f"export.csv, row 1: {message}"), str(problem)
    assert content_hash(ws) == before


def test_a_company_by_id_is_taken_before_its_name(
    ws: Workspace, tmp_path: Path, expected: dict[str, list[tuple[object, ...]]]
) -> None:
    """Both columns, as HubSpot writes them: the id wins (a name can be ambiguous or stale)."""
    with (HUB / "hubspot-contacts.csv").open(encoding="utf-8", newline="") as handle:
        old_header, *rows = list(csv.reader(handle))
    header = REAL_HEADER.split(",")
    contacts = tmp_path / "contacts.csv"
    with contacts.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            cell = dict(zip(old_header, row, strict=True))
            names = [n.strip() for n in cell["Associated Company"].split(";") if n.strip()]
            cell["Primary Associated Company ID"] = COMPANY_IDS[names[0]] if names else ""
            cell["Associated Company"] = "Stale Name Inc" if names else ""  # never read
            writer.writerow([cell.get(c, "") for c in header])
    assert imported(ws, HUB / "hubspot-companies.csv", contacts) == expected
