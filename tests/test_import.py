"""Importing the app's own CSV files, on a real SQLite file: counts, idempotence, rejection."""

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Level, RepRole, Role
from accountreview.services.errors import ImportRejected, InvalidInput
from accountreview.services.importing import ImportReport, import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, content_hash, row_problems

DATA = Path(__file__).resolve().parent.parent / "data"
KINDS = ("reps", "accounts", "stakeholders", "touches")
SAMPLE_ROWS = {"reps": 3, "accounts": 8, "stakeholders": 25, "touches": 30}


def sample(kind: str) -> Path:
    return DATA / f"{kind}.csv"


def load(ws: Workspace, *kinds: str) -> list[ImportReport]:
    return [import_file(ws, sample(kind)) for kind in kinds]


def read_sample(kind: str) -> tuple[list[str], list[list[str]]]:
    with sample(kind).open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def with_cell(tmp: Path, kind: str, index: int, column: str, value: str) -> Path:
    """The sample file of `kind` with one cell of data row `index` (0-based) replaced."""
    header, rows = read_sample(kind)
    rows[index][header.index(column)] = value
    return write_csv(tmp / f"{kind}.csv", header, rows)


# -- the sample files --------------------------------------------------------------


def test_sample_files_import_in_order_with_expected_counts(ws: Workspace) -> None:
    reports = load(ws, *KINDS)
    assert [(r.kind, r.rows, r.created, r.updated, r.unchanged) for r in reports] == [
        (kind, n, n, 0, 0) for kind, n in SAMPLE_ROWS.items()
    ]
    assert not any(r.dry_run for r in reports)


def test_sample_values_are_stored_as_typed(ws: Workspace) -> None:
    load(ws, *KINDS)
    conn = ws.db.conn
    reps = {r.name: r for r in rep_queries.list_reps(conn)}
    assert reps["Maria Chen"].role is RepRole.MANAGER
    assert reps["Ann Lee"].manager_id == reps["Maria Chen"].id
    assert reps["Tom Baker"].manager_id == reps["Maria Chen"].id  # named by email

    initech = resolve_account(ws, "initech")
    assert (initech.rep_name, initech.is_top, initech.rebate_pct) == ("Ann Lee", True, 5.0)
    assert initech.signed_on is not None and initech.live_on is None
    umbrella = resolve_account(ws, "Umbrella Health")
    assert (umbrella.list_price, umbrella.discount_pct, umbrella.uplift_pct) == (10_000, 20.0, 5.0)
    assert resolve_account(ws, "Hooli Cloud").contract == "monthly"
    globex = resolve_account(ws, "Globex Industries")
    assert globex.lost_on is not None and not globex.is_top
    soylent = resolve_account(ws, "Soylent Foods")
    assert (soylent.list_price, soylent.discount_pct, soylent.penetration_target_pct) == (
        None,
        0.0,
        None,
    )

    acme = resolve_account(ws, "Acme Logistics")
    ivan = resolve_stakeholder(ws, acme, "Ivan Petrov")
    assert (ivan.level, ivan.role) == (Level.VP, Role.CIO_OFFICE)  # from "CIO office / IT"
    assert resolve_stakeholder(ws, acme, "Gary Old").left_on is not None
    assert resolve_stakeholder(ws, acme, "Sam Okafor").last_contact_on == TODAY.replace(day=18)
    uma = resolve_stakeholder(ws, acme, "Uma Reyes")  # touched by email in the file
    assert len(stakeholder_queries.touches_of(conn, uma.id)) == 1


def test_reimporting_the_samples_changes_nothing(ws: Workspace) -> None:
    load(ws, *KINDS)
    before = content_hash(ws)
    again = load(ws, *KINDS)
    assert [(r.created, r.updated, r.unchanged) for r in again] == [
        (0, 0, n) for n in SAMPLE_ROWS.values()
    ]
    assert content_hash(ws) == before


def test_changed_value_updates_the_record(ws: Workspace, tmp_path: Path) -> None:
    load(ws, "reps", "accounts")
    changed = with_cell(tmp_path, "accounts", 3, "potential", "1.5m")
    report = import_file(ws, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 7)
    assert resolve_account(ws, "Initech").potential == 1_500_000
    assert import_file(ws, changed).updated == 0


def test_account_matched_by_name_in_any_case(ws: Workspace, tmp_path: Path) -> None:
    load(ws, "reps", "accounts")
    report = import_file(ws, with_cell(tmp_path, "accounts", 3, "name", "INITECH"))
    assert (report.created, report.updated) == (0, 1)
    assert len(account_queries.list_accounts(ws.db.conn)) == 8


def test_stakeholder_without_email_gets_one_on_reimport(ws: Workspace, tmp_path: Path) -> None:
    load(ws, "reps", "accounts", "stakeholders")
    _, rows = read_sample("stakeholders")
    index = next(n for n, row in enumerate(rows) if row[1] == "Rhodey Rhodes")
    changed = with_cell(tmp_path, "stakeholders", index, "email", "rhodey@stark-mfg.example")
    report = import_file(ws, changed)
    assert (report.created, report.updated) == (0, 1)
    stark = resolve_account(ws, "Stark Manufacturing")
    assert resolve_stakeholder(ws, stark, "Rhodey Rhodes").email == "rhodey@stark-mfg.example"


def test_two_people_of_one_name_with_different_emails_are_two(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, "reps", "accounts")
    header, _ = read_sample("stakeholders")
    rows = [
        ["Initech", "Jo Smith", "jo.smith@initech.example", "", "", "", ""],
        ["Initech", "Jo Smith", "jsmith@initech.example", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "stakeholders.csv", header, rows)
    assert import_file(ws, path).created == 2
    assert import_file(ws, path).unchanged == 2


def test_a_name_shared_by_two_reps_must_be_given_as_an_email(ws: Workspace, tmp_path: Path) -> None:
    header, _ = read_sample("reps")
    reps = [["Sam Lee", "sam1@example.com", "rep", ""], ["Sam Lee", "sam2@example.com", "rep", ""]]
    import_file(ws, write_csv(tmp_path / "reps.csv", header, reps))
    header, rows = read_sample("accounts")
    rows[0][header.index("rep")] = "sam lee"
    rows[1][header.index("rep")] = "SAM2@example.com"
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, write_csv(tmp_path / "accounts.csv", header, rows[:2]))
    assert [(p.row, p.column) for p in row_problems(caught.value)] == [(2, "rep")]
    assert "2 reps have this name; give the email" in str(caught.value)


def test_the_same_touch_twice_is_saved_once(ws: Workspace, tmp_path: Path) -> None:
    load(ws, "reps", "accounts", "stakeholders")
    header, rows = read_sample("touches")
    report = import_file(ws, write_csv(tmp_path / "touches.csv", header, [rows[0], rows[0]]))
    assert (report.created, report.unchanged) == (1, 1)


def test_summary_line() -> None:
    report = ImportReport("accounts", "accounts.csv", 40, 38, 2, 0, dry_run=True)
    assert report.summary() == (
        "accounts.csv: 40 rows — 38 new, 2 updated, 0 unchanged (dry run: nothing saved)"
    )
    one = ImportReport("reps", "reps.csv", 1, 1, 0, 0, dry_run=False)
    assert one.summary() == "reps.csv: 1 row — 1 new, 0 updated, 0 unchanged"


# -- all-or-nothing ----------------------------------------------------------------

BAD_ROWS = [
    # kind, data row (0-based), column, bad value, loaded before
    ("accounts", 4, "potential", "12x", ("reps",)),
    ("accounts", 2, "signed_on", "24/08/2026", ("reps",)),
    ("accounts", 6, "rep", "Nobody Known", ("reps",)),
    ("accounts", 5, "contract", "quarterly", ("reps",)),
    ("reps", 2, "manager", "Someone Else", ()),
    ("reps", 1, "role", "boss", ()),
    ("stakeholders", 12, "level", "boss", ("reps", "accounts")),
    ("stakeholders", 20, "name", "  ", ("reps", "accounts")),
    ("stakeholders", 3, "account", "Acme", ("reps", "accounts")),
    ("touches", 16, "on", "2026-11-24", ("reps", "accounts", "stakeholders")),
    ("touches", 9, "channel", "fax", ("reps", "accounts", "stakeholders")),
    ("touches", 22, "stakeholder", "Nobody Known", ("reps", "accounts", "stakeholders")),
]


@pytest.mark.parametrize(("kind", "index", "column", "value", "before"), BAD_ROWS)
def test_one_bad_row_rejects_the_file_and_changes_nothing(
    ws: Workspace,
    tmp_path: Path,
    kind: str,
    index: int,
    column: str,
    value: str,
    before: tuple[str, ...],
) -> None:
    load(ws, *before)
    snapshot = content_hash(ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, with_cell(tmp_path, kind, index, column, value))
    assert len(caught.value.problems) == 1
    message = str(caught.value.problems[0])
    assert message.startswith(f"{kind}.csv, row {index + 2}, column {column!r}: {value!r}")
    assert "expected" in message
    assert content_hash(ws) == snapshot


def test_every_problem_is_reported_not_just_the_first(ws: Workspace, tmp_path: Path) -> None:
    load(ws, "reps")
    header, rows = read_sample("accounts")
    rows[1][header.index("potential")] = "lots"
    rows[1][header.index("discount_pct")] = "120"
    rows[5][header.index("rep")] = "Nobody Known"
    rows[7][header.index("name")] = ""
    snapshot = content_hash(ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, write_csv(tmp_path / "accounts.csv", header, rows))
    where = [(p.row, p.column) for p in row_problems(caught.value)]
    assert where == [(3, "potential"), (3, "discount_pct"), (7, "rep"), (9, "name")]
    assert "4 problem(s)" in str(caught.value)
    assert content_hash(ws) == snapshot


def test_problems_past_fifty_are_counted(ws: Workspace, tmp_path: Path) -> None:
    header, _ = read_sample("reps")
    rows = [[f"Rep {n}", f"rep{n}@example.com", "boss", ""] for n in range(60)]
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, write_csv(tmp_path / "reps.csv", header, rows))
    assert (len(caught.value.problems), caught.value.more) == (50, 10)
    assert "60 problem(s)" in str(caught.value)
    assert "… and 10 more" in str(caught.value)


def test_manager_must_come_before_the_rep(ws: Workspace, tmp_path: Path) -> None:
    header, rows = read_sample("reps")
    snapshot = content_hash(ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, write_csv(tmp_path / "reps.csv", header, rows[::-1]))
    assert [p.row for p in row_problems(caught.value)] == [2, 3]
    assert "earlier row" in str(caught.value)
    assert content_hash(ws) == snapshot


def test_rep_cannot_manage_themselves(ws: Workspace, tmp_path: Path) -> None:
    header, rows = read_sample("reps")
    rows[1][3] = rows[1][1]
    with pytest.raises(ImportRejected, match="cannot manage themselves"):
        import_file(ws, write_csv(tmp_path / "reps.csv", header, rows))


def test_same_record_twice_in_a_file_is_refused(ws: Workspace, tmp_path: Path) -> None:
    load(ws, "reps")
    header, rows = read_sample("accounts")
    twin = list(rows[0])
    twin[0] = twin[0].upper()
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, write_csv(tmp_path / "accounts.csv", header, [*rows, twin]))
    assert "row 10, column 'name'" in str(caught.value)
    assert "row 2 has the same one" in str(caught.value)


def test_rows_are_numbered_as_a_spreadsheet_shows_them(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_text(
        'name,email,role,manager\n"Ann\nLee",ann@example.com,rep,\n\nBob,bob@example.com,boss,\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, path)
    assert [(p.row, p.column) for p in row_problems(caught.value)] == [
        (2, "name"),
        (4, "role"),
    ]


def test_a_cell_outside_the_header_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_text("name,email,role,manager\nAnn,ann@example.com,rep,,oops\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"reps.csv, row 2: 'oops'"):
        import_file(ws, path)


# -- dry run ---------------------------------------------------------------------------


def test_dry_run_checks_and_counts_but_writes_nothing(ws: Workspace) -> None:
    snapshot = content_hash(ws)
    report = import_file(ws, sample("reps"), dry_run=True)
    assert (report.rows, report.created, report.dry_run) == (3, 3, True)
    assert report.summary().endswith("(dry run: nothing saved)")
    assert content_hash(ws) == snapshot
    assert import_file(ws, sample("reps")).created == 3


def test_dry_run_still_rejects_a_bad_file(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected):
        import_file(ws, with_cell(tmp_path, "reps", 0, "email", "not-an-email"), dry_run=True)


# -- the header and the file itself ------------------------------------------------------


def test_unknown_header_names_what_was_found_and_what_is_accepted(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Phone\nAnn,ann@example.com,555\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, path)
    message = str(caught.value)
    assert "Columns found: name, email, phone" in message
    assert "reps: name, email, role, manager" in message
    assert "touches: account, stakeholder, on, channel, note" in message
    assert "stakeholders: account, name, email" in message
    assert "accounts: name, rep, top" in message


def test_empty_file_is_rejected(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ImportRejected, match="empty"):
        import_file(ws, path)


def test_header_in_any_order_and_case_with_a_bom(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_text(
        "\ufeffMANAGER,Role, EMAIL ,Name\n,manager,max@example.com,Max\n",
        encoding="utf-8",
    )
    report = import_file(ws, path)
    assert (report.kind, report.created) == ("reps", 1)
    assert rep_queries.list_reps(ws.db.conn)[0].role is RepRole.MANAGER


def test_missing_file_is_invalid_input(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        import_file(ws, tmp_path / "nope.csv")
    with pytest.raises(InvalidInput, match="folder"):
        import_file(ws, tmp_path)


def test_windows_1252_file_is_read_as_such(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    good = "".join(f"Rep {n},rep{n}@example.com,rep,\n" for n in range(3000))
    path.write_bytes(
        ("name,email,role,manager\n" + good + "José Muñoz,j@example.com,rep,\n").encode("cp1252")
    )
    assert import_file(ws, path).created == 3001
    assert rep_queries.find_reps(ws.db.conn, "j@example.com")[0].name == "José Muñoz"


def test_file_of_mixed_encodings_is_invalid_input_and_changes_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "reps.csv"
    good = "".join(f"Rep {n},rep{n}@example.com,rep,\n" for n in range(3000))
    utf8 = "Zoë,z@example.com,rep,\n".encode()
    latin = "José,j@example.com,rep,\n".encode("latin-1")
    path.write_bytes(("name,email,role,manager\n" + good).encode() + utf8 + latin)
    snapshot = content_hash(ws)
    with pytest.raises(InvalidInput, match=r"mixes UTF-8.*line 3003"):
        import_file(ws, path)
    assert content_hash(ws) == snapshot


def test_bytes_of_no_known_encoding_are_invalid_input(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_bytes(b"name,email,role,manager\nAnn\x81,a@example.com,rep,\n")
    with pytest.raises(InvalidInput, match=r"neither UTF-8 nor Windows-1252.*0x81 on line 2"):
        import_file(ws, path)


def test_progress_is_reported(ws: Workspace) -> None:
    calls: list[tuple[str, int, int]] = []
    import_file(ws, sample("reps"), progress=lambda *a: calls.append(a))
    size = sample("reps").stat().st_size
    assert calls[-1] == ("reps", size, size)


# -- junk in one cell ---------------------------------------------------------------------

JUNK = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "-1", "1e9", "2026-02-30", "9999-12-31", "yes", "\x00", "=1+2", '"', "\n", "ä"]
    ),
)


@pytest.fixture(scope="module")
def loaded_copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Database files with the samples before each kind already imported (kind -> file)."""
    base = tmp_path_factory.mktemp("templates")
    result: dict[str, Path] = {}
    for n, kind in enumerate(KINDS):
        path = base / f"before-{kind}.db"
        ws = open_workspace(path, TODAY, create=True)
        try:
            load(ws, *KINDS[:n])
        finally:
            ws.close()  # the last connection to close folds the WAL into the file
        result[kind] = path
    return result


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(kind=st.sampled_from(KINDS), row=st.integers(0, 99), column=st.integers(0, 99), junk=JUNK)
def test_junk_in_one_cell_is_imported_or_rejected_never_a_crash(
    loaded_copies: dict[str, Path], kind: str, row: int, column: int, junk: str
) -> None:
    header, rows = read_sample(kind)
    rows[row % len(rows)][column % len(header)] = junk
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "review.db"
        shutil.copyfile(loaded_copies[kind], db)
        ws = open_workspace(db, TODAY)
        try:
            snapshot = content_hash(ws)
            path = write_csv(Path(folder) / f"{kind}.csv", header, rows)
            try:
                report = import_file(ws, path)
            except ImportRejected as rejected:
                assert rejected.problems
                assert content_hash(ws) == snapshot
            else:
                assert report.rows == len(rows)
        finally:
            ws.close()


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (["name", "rep", "top", "signed_on"], "Closest is accounts: missing potential, current"),
        (
            ["account", "name", "email", "title", "level", "role", "left_on", "colour"],
            "Closest is stakeholders: not expected colour",
        ),
        (
            ["account", "name", "email", "title", "level", "role", "lefton"],
            "Closest is stakeholders: missing left_on; not expected lefton",
        ),
    ],
)
def test_an_unknown_header_says_only_what_is_wrong(
    ws: Workspace, tmp_path: Path, header: list[str], says: str
) -> None:
    """The closest kind is named with what it misses and what it has extra, never 'missing
    nothing' or 'not expected nothing'."""
    path = write_csv(tmp_path / "file.csv", header, [["x"] * len(header)])
    with pytest.raises(ImportRejected) as caught:
        import_file(ws, path)
    assert says in str(caught.value)
    assert "missing nothing" not in str(caught.value)
    assert "expected nothing" not in str(caught.value)
