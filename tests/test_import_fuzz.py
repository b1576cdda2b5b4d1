"""Broken rows in CRM exports (hypothesis): the database is untouched and the message says where.

Each example copies a database holding what the file refers to, breaks one row
of a sample export and imports it. `ACCOUNTREVIEW_FUZZ_EXAMPLES` sets how many
examples each test runs (a few by default, so `make test` stays fast).
"""

import csv
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountreview.domain.errors import InvalidValue
from accountreview.io.crm.fields import crm_date, crm_email, crm_money
from accountreview.io.crm.salesforce import contact_role, is_footer, salesforce_id
from accountreview.io.csv_source import CsvSource, Row
from accountreview.services.errors import ImportRejected, InvalidInput
from accountreview.services.importing import ImportOptions, detect_file, import_file
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, content_hash, row_problems

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = DATA / "samples"
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "15"))
SF_OPTIONS = ImportOptions(rep="Ann Lee", potential_from="Potential ARR")
HUB_OPTIONS = ImportOptions(rep="Ann Lee", potential_from="Annual Revenue")


def options_for(path: Path) -> ImportOptions:
    return HUB_OPTIONS if "hubspot" in path.name else SF_OPTIONS


NATIVE = [DATA / f"{k}.csv" for k in ("reps", "accounts", "stakeholders", "touches")]
SF = SAMPLES / "salesforce"
HUB = SAMPLES / "hubspot"

# file -> the files imported before it
BEFORE: dict[str, list[Path]] = {
    "salesforce/Account.csv": [*NATIVE, SF / "User.csv"],
    "salesforce/report-accounts.csv": [*NATIVE, SF / "User.csv"],
    "salesforce/Contact.csv": [*NATIVE, SF / "User.csv", SF / "Account.csv"],
    "salesforce/OpportunityContactRole.csv": [*NATIVE, SF / "Account.csv", SF / "Contact.csv"],
    "salesforce/Task.csv": [*NATIVE, SF / "User.csv", SF / "Account.csv", SF / "Contact.csv"],
    "salesforce/report-activities-unicode.txt": [*NATIVE, SF / "Account.csv", SF / "Contact.csv"],
    "hubspot/hubspot-contacts.csv": [*NATIVE, HUB / "hubspot-companies.csv"],
    "salesforce/report-accounts-with-contacts.csv": [*NATIVE],
    "hubspot/hubspot-contacts-company-ids.csv": [*NATIVE, HUB / "hubspot-companies-company-id.csv"],
}


def _fails(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def fails(text: str) -> bool:
        try:
            parse(text)
        except InvalidValue:
            return True
        return False

    return fails


# file, column (as the header writes it), how the importer reads that column
TYPED: list[tuple[str, str, Callable[[str], bool]]] = [
    ("salesforce/Task.csv", "ActivityDate", _fails(lambda t: crm_date(t, "d"))),
    ("salesforce/report-activities-unicode.txt", "Date", _fails(lambda t: crm_date(t, "d"))),
    ("salesforce/Account.csv", "Id", _fails(salesforce_id)),
    ("salesforce/Contact.csv", "ACCOUNTID", _fails(salesforce_id)),
    ("salesforce/report-accounts.csv", "Potential ARR", _fails(lambda t: crm_money(t, "m"))),
    ("salesforce/OpportunityContactRole.csv", "Role", _fails(contact_role)),
    ("hubspot/hubspot-contacts.csv", "Email", _fails(lambda t: crm_email(t, "e"))),
    ("salesforce/report-accounts-with-contacts.csv", "Account ID", _fails(salesforce_id)),
    (
        "salesforce/report-accounts-with-contacts.csv",
        "Potential ARR",
        _fails(lambda t: crm_money(t, "m")),
    ),
    (
        "hubspot/hubspot-contacts-company-ids.csv",
        "Email Address",
        _fails(lambda t: crm_email(t, "e")),
    ),
]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A database file per sample, holding what that sample refers to."""
    base = tmp_path_factory.mktemp("fuzz-templates")
    result: dict[str, Path] = {}
    for n, (name, before) in enumerate(BEFORE.items()):
        path = base / f"{n}.db"
        ws = open_workspace(path, TODAY, create=True)
        try:
            for earlier in before:
                import_file(ws, earlier, options=options_for(earlier))
        finally:
            ws.close()
        result[name] = path
    return result


def read_sample(name: str) -> tuple[list[str], list[list[str]], str, str]:
    """A sample's header, data rows, encoding and delimiter (its footer left out)."""
    with CsvSource(SAMPLES / name, footer=is_footer) as source:
        rows = [list(r.cells.values()) for r in source if isinstance(r, Row)]
        return source.header, rows, source.form.encoding, source.form.delimiter


def write_sample(
    path: Path, header: list[str], rows: list[list[str]], encoding: str, delimiter: str
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@contextmanager
def copy_of(template: Path) -> Iterator[tuple[Workspace, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "review.db"
        shutil.copyfile(template, db)
        ws = open_workspace(db, TODAY)
        try:
            yield ws, Path(folder)
        finally:
            ws.close()


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
JUNK = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=20
)


@FUZZ
@given(data=st.data(), target=st.sampled_from(TYPED))
def test_a_bad_typed_cell_rejects_the_file_naming_row_and_column(
    templates: dict[str, Path],
    data: st.DataObject,
    target: tuple[str, str, Callable[[str], bool]],
) -> None:
    name, column, fails = target
    header, rows, encoding, delimiter = read_sample(name)
    index = data.draw(st.integers(0, len(rows) - 1), label="row")

    def seen(text: str) -> str:  # what the importer reads from the cell
        return Row("f", 2, {"c": text}).text("c")

    junk = data.draw(JUNK.filter(lambda t: bool(seen(t)) and fails(seen(t))), label="junk")
    rows[index][header.index(column)] = junk
    with copy_of(templates[name]) as (ws, folder):
        before = content_hash(ws)
        path = write_sample(folder / Path(name).name, header, rows, encoding, delimiter)
        with pytest.raises(ImportRejected) as caught:
            import_file(ws, path, options=options_for(path))
        where = [(p.row, p.column, p.value) for p in row_problems(caught.value)]
        assert (index + 2, column, seen(junk)) in where
        assert f"row {index + 2}, column {column!r}" in str(caught.value)
        assert content_hash(ws) == before


MUTATIONS = ("junk", "extra cell", "short row", "twice", "nul")


@FUZZ
@given(data=st.data(), name=st.sampled_from(sorted(BEFORE)), mutation=st.sampled_from(MUTATIONS))
def test_a_broken_row_is_imported_or_rejected_never_half_saved(
    templates: dict[str, Path], data: st.DataObject, name: str, mutation: str
) -> None:
    header, rows, encoding, delimiter = read_sample(name)
    index = data.draw(st.integers(0, len(rows) - 1), label="row")
    row = rows[index]
    if mutation == "junk":
        row[data.draw(st.integers(0, len(row) - 1))] = data.draw(JUNK)
    elif mutation == "extra cell":
        row.append(data.draw(JUNK.filter(str.strip)))
    elif mutation == "short row":
        cut = data.draw(st.integers(0, len(row) - 1))
        del row[cut:]
        if not cut:  # a blank line is skipped: nothing short to refuse
            mutation = "blank line"
    elif mutation == "twice":
        rows.insert(index + 1, list(row))
    else:
        row[data.draw(st.integers(0, len(row) - 1))] = "a\x00b"
    with copy_of(templates[name]) as (ws, folder):
        before = content_hash(ws)
        path = write_sample(folder / Path(name).name, header, rows, encoding, delimiter)
        try:
            import_file(ws, path, options=options_for(path))
        except (ImportRejected, InvalidInput) as error:
            assert content_hash(ws) == before
            problems = getattr(error, "problems", [])
            assert problems and all(getattr(p, "row", 1) >= 1 for p in problems), problems
            if mutation in ("extra cell", "short row"):
                assert f"row {index + 2}" in str(error)
        else:
            assert mutation != "extra cell", "a row with a cell outside the header was accepted"
            if not detect_file(path).format.short_rows:  # a report whose rows may stop early
                assert mutation != "short row", "a row with fewer cells than the header was taken"
            # A CRM's free text is taken leniently, but never with a control character.
            for table, column in (
                ("stakeholder", "name"),
                ("stakeholder", "title"),
                ("touch", "note"),
            ):
                found = ws.db.conn.execute(
                    f"SELECT count(*) FROM {table} WHERE instr({column}, char(0)) > 0"
                ).fetchone()[0]
                assert found == 0, (table, column)
