"""Salesforce ids of the wrong object are refused, in every id column of every kind of file.

An id's first 3 characters (its key prefix) tell its object: 001 Account, 003
Contact, 005 User, 006 Opportunity, 00K OpportunityContactRole, 00Q Lead, 00T
Task, 00U Event. Each case below is a file that imports (checked by a dry run)
until one id cell holds an id of another object: then the import is refused,
naming the row, the column, the id and the object it should be, and the
database is unchanged.
"""

import csv
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accountreview.io.crm.salesforce import salesforce_id
from accountreview.services.errors import ImportRejected
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.workspace import Workspace
from conftest import content_hash, row_problems

DATA = Path(__file__).resolve().parent.parent / "data"
OPTIONS = ImportOptions(rep="Ann Lee")
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "15"))

# Written here, not taken from the code: the test must catch a column the code forgot.
PREFIX = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "Opportunity Contact Role": "00K",
    "Lead": "00Q",
    "Task": "00T",
    "Event": "00U",
}
_A = "[0-9A-Za-z]"  # a character of an id
UNKNOWN_PREFIXES = ("a0X", "500", "701")  # a custom object, a Case, a Campaign


def sf_id(prefix: str, n: int = 1, *, long: bool = True) -> str:
    """A made-up id of the object with this key prefix (18 characters, or 15)."""
    short = f"{prefix}5g00000Zq{n:03d}"
    return salesforce_id(short) if long else short


# One row of each kind of file, every id of the right object: (header, row).
ROWS: dict[str, tuple[list[str], list[str]]] = {
    "User.csv": (
        ["Id", "Username", "Name", "Email", "IsActive", "ManagerId"],
        [
            sf_id("005"),
            "zoe@x.sfdc",
            "Zoe Ito",
            "zoe.ito@northwind.example",
            "true",
            sf_id("005", 2),
        ],
    ),
    "Account.csv": (
        ["Id", "Name", "OwnerId", "ParentId"],
        [sf_id("001"), "Zeta Corp", sf_id("005"), sf_id("001", 2)],
    ),
    "Contact.csv": (
        ["Id", "AccountId", "FirstName", "LastName", "OwnerId", "ReportsToId"],
        [sf_id("003"), sf_id("001"), "Zed", "Zane", sf_id("005"), sf_id("003", 2)],
    ),
    "Task.csv": (
        ["Id", "WhoId", "WhatId", "AccountId", "Subject", "ActivityDate", "Status", "OwnerId"],
        [
            sf_id("00T"),
            sf_id("003"),
            sf_id("500"),  # WhatId: a Case (any object; see test_what_id_may_be_of_any_object)
            sf_id("001"),
            "Call",
            "2026-11-02",
            "Completed",
            sf_id("005"),
        ],
    ),
    "Event.csv": (
        ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Location", "OwnerId"],
        [sf_id("00U"), sf_id("003"), sf_id("701"), "Visit", "2026-11-02", "HQ", sf_id("005")],
    ),
    "OpportunityContactRole.csv": (
        ["Id", "OpportunityId", "ContactId", "Role"],
        [sf_id("00K"), sf_id("006"), sf_id("003"), "Decision Maker"],
    ),
    "report-contacts.csv": (
        ["Account Name", "Account ID", "Contact ID", "Contact: Full Name", "Email"],
        ["Zeta Corp", sf_id("001", long=False), sf_id("003", long=False), "Zed Zane", ""],
    ),
    "report-activities.csv": (
        ["Contact ID", "Subject", "Date", "Account ID", "Assigned"],
        [sf_id("003", long=False), "Call", "11/02/2026", sf_id("001", long=False), "Ann Lee"],
    ),
    "report-accounts-with-contacts.csv": (
        ["Account Owner", "Account Name", "Account ID", "Billing City", "Last Name", "Contact ID"],
        [
            "Ann Lee",
            "Zeta Corp",
            sf_id("001", long=False),
            "Oslo",
            "Zane",
            sf_id("003", long=False),
        ],
    ),
}

# (file, column, the objects its ids may be of): every id column of every kind.
COLUMNS = [
    ("User.csv", "Id", ("User",)),
    ("User.csv", "ManagerId", ("User",)),
    ("Account.csv", "Id", ("Account",)),
    ("Account.csv", "OwnerId", ("User",)),
    ("Account.csv", "ParentId", ("Account",)),
    ("Contact.csv", "Id", ("Contact",)),
    ("Contact.csv", "AccountId", ("Account",)),
    ("Contact.csv", "OwnerId", ("User",)),
    ("Contact.csv", "ReportsToId", ("Contact",)),
    ("Task.csv", "Id", ("Task", "Event")),
    ("Task.csv", "WhoId", ("Contact", "Lead")),
    ("Task.csv", "AccountId", ("Account",)),
    ("Task.csv", "OwnerId", ("User",)),
    ("Event.csv", "Id", ("Task", "Event")),
    ("Event.csv", "WhoId", ("Contact", "Lead")),
    ("Event.csv", "OwnerId", ("User",)),
    ("OpportunityContactRole.csv", "Id", ("Opportunity Contact Role",)),
    ("OpportunityContactRole.csv", "OpportunityId", ("Opportunity",)),
    ("OpportunityContactRole.csv", "ContactId", ("Contact",)),
    ("report-contacts.csv", "Account ID", ("Account",)),
    ("report-contacts.csv", "Contact ID", ("Contact",)),
    ("report-activities.csv", "Contact ID", ("Contact", "Lead")),
    ("report-activities.csv", "Account ID", ("Account",)),
    ("report-accounts-with-contacts.csv", "Account ID", ("Account",)),
    ("report-accounts-with-contacts.csv", "Contact ID", ("Contact",)),
]


def write(path: Path, header: list[str], row: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, row])
    return path


def with_id(name: str, column: str, prefix: str, folder: Path) -> tuple[Path, str]:
    """The file `name` with `column` holding an id of prefix `prefix` (and that id)."""
    header, row = ROWS[name]
    index = header.index(column)
    crm_id = sf_id(prefix, 7, long=len(row[index]) == 18)
    changed = [*row]
    changed[index] = crm_id
    return write(folder / name, header, changed), crm_id


def expected_words(objects: tuple[str, ...]) -> str:
    words = " or ".join(objects)
    prefixes = " or ".join(PREFIX[name] + "…" for name in objects)
    return f"{'an' if words[0] in 'AEIOU' else 'a'} {words} id ({prefixes})"


@pytest.fixture
def native(ws: Workspace) -> Workspace:
    for kind in ("reps", "accounts", "stakeholders"):
        import_file(ws, DATA / f"{kind}.csv")
    return ws


def test_every_id_column_of_every_kind_is_listed() -> None:
    """Each file of `ROWS` has each of its id columns in `COLUMNS` (no column forgotten)."""
    listed = {(name, column) for name, column, _ in COLUMNS}
    for name, (header, row) in ROWS.items():
        ids = {c for c, v in zip(header, row, strict=True) if v[:3] in PREFIX.values()}
        assert {(name, c) for c in ids} <= listed, name


@pytest.mark.parametrize(("name", "column", "objects"), COLUMNS)
def test_an_id_of_another_object_is_refused(
    native: Workspace, tmp_path: Path, name: str, column: str, objects: tuple[str, ...]
) -> None:
    ws = native
    header, row = ROWS[name]
    import_file(ws, write(tmp_path / name, header, row), dry_run=True, options=OPTIONS)
    before = content_hash(ws)
    wrong = [p for o, p in PREFIX.items() if o not in objects] + list(UNKNOWN_PREFIXES)
    for prefix in wrong:
        path, crm_id = with_id(name, column, prefix, tmp_path)
        with pytest.raises(ImportRejected) as caught:
            import_file(ws, path, options=OPTIONS)
        problems = row_problems(caught.value)
        assert [(p.file, p.row, p.column, p.value) for p in problems] == [
            (name, 2, column, crm_id)
        ], prefix
        assert problems[0].expected.startswith(expected_words(objects)), problems[0].expected
        assert content_hash(ws) == before
    for prefix in (PREFIX[o] for o in objects):  # and each object it may hold is taken
        path, _ = with_id(name, column, prefix, tmp_path)
        import_file(ws, path, dry_run=True, options=OPTIONS)


def test_the_message_names_the_object_the_id_is_of(native: Workspace, tmp_path: Path) -> None:
    path, crm_id = with_id("Account.csv", "Id", "003", tmp_path)
    with pytest.raises(ImportRejected) as caught:
        import_file(native, path, options=OPTIONS)
    assert [str(p) for p in caught.value.problems] == [
        f"Account.csv, row 2, column 'Id': '{crm_id}' is not valid;"
        " expected an Account id (001…), not a Contact id"
    ]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    case=st.sampled_from(COLUMNS),
    prefix=st.from_regex(rf"[0-9]{_A}{_A}|{_A}[0-9]{_A}|{_A}{_A}[0-9]", fullmatch=True)
    | st.sampled_from(sorted(PREFIX.values())),
)
def test_any_prefix_is_refused_unless_of_the_column_object(
    native: Workspace, tmp_path: Path, case: tuple[str, str, tuple[str, ...]], prefix: str
) -> None:
    name, column, objects = case
    path, crm_id = with_id(name, column, prefix, tmp_path)
    before = content_hash(native)
    allowed = prefix in {PREFIX[o] for o in objects}
    try:
        import_file(native, path, dry_run=True, options=OPTIONS)
        refused: list[tuple[object, ...]] = []
    except ImportRejected as error:
        refused = [(p.row, p.column, p.value) for p in row_problems(error)]
    assert refused == ([] if allowed else [(2, column, crm_id)])
    assert content_hash(native) == before
    event("accepted (an id of the column's object)" if allowed else "refused, database unchanged")


@pytest.mark.parametrize("name", ["Task.csv", "Event.csv"])
@pytest.mark.parametrize("prefix", [*PREFIX.values(), *UNKNOWN_PREFIXES])
def test_what_id_may_be_of_any_object(
    native: Workspace, tmp_path: Path, name: str, prefix: str
) -> None:
    """A Task or Event is about an Account, an Opportunity, a Case, a Campaign or a custom
    object: its WhatId is never a reason to refuse the file."""
    path, _ = with_id(name, "WhatId", prefix, tmp_path)
    report = import_file(native, path, options=OPTIONS)  # refused: raises ImportRejected
    assert (report.kind, report.rows) == ("touches", 1)
