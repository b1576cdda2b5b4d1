"""An export re-imports with no change, here or into another database, whatever the CLI took.

Everything runs through the real CLI on real SQLite files: `stakeholder add` and
`touch` as a rep types them, `export ... -o FILE`, then `import` back into the same
database (nothing may change: content hash) and into a new one (its exports must
be the same files). The `id` columns of the accounts and stakeholders files are
what tells apart two records the other columns cannot (two people of one name
and no email, two accounts of one name).

ACCOUNTREVIEW_FUZZ_EXAMPLES sets the number of property cases (default 40).
"""

import csv
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import accounts as account_queries
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, Seeded, content_hash, seed

runner = CliRunner()
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = ("accounts", "stakeholders", "touches")


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), "--rep", "Ann Lee", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def export(db: Path, kind: str, folder: Path, fmt: str = "csv") -> Path:
    """`export KIND -o FILE` into `folder`, checked to succeed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.{fmt}"
    code, _, stderr = cli(db, "export", kind, "--format", fmt, "-o", str(path))
    assert code == 0, stderr
    return path


def rows_of(path: Path) -> tuple[str, list[str]]:
    """A CSV export's header and its lines in sorted order: two touches of one day are
    in the order they were created, which an import into a new database does not keep."""
    header, *lines = path.read_bytes().decode("utf-8").split("\r\n")
    return header, sorted(lines)


def export_all(db: Path, folder: Path) -> dict[str, tuple[str, list[str]]]:
    """The CSV exports of accounts, stakeholders and touches (see `rows_of`)."""
    return {kind: rows_of(export(db, kind, folder)) for kind in KINDS}


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


def add_other_account(db: Path) -> None:
    """A second account, Other Inc, with Olga Other, who was phoned today."""
    ws = open_workspace(db, TODAY)
    try:
        with ws.db.write() as conn:
            rep_id = conn.execute("SELECT id FROM rep").fetchone()[0]
            account_queries.insert_account(conn, {"name": "Other Inc", "rep_id": rep_id})
    finally:
        ws.close()
    assert cli(db, "stakeholder", "add", "Other Inc", "Olga Other")[0] == 0
    assert cli(db, "touch", "Other Inc", "Olga Other", "--on", "today", "-c", "phone")[0] == 0


def assert_refused(db: Path, file: Path, *expected: str) -> None:
    """Importing `file` exits 3, the message says each of `expected`, nothing changed."""
    before = content_hash(db)
    code, _, stderr = cli(db, "import", str(file))
    assert code == 3, stderr
    for text in expected:
        assert text in stderr
    assert content_hash(db) == before


def new_database_with_reps(db: Path, folder: Path) -> Path:
    """A new database holding the same reps as `db` (there is no reps export)."""
    ws = open_workspace(db, TODAY)
    try:
        reps = ws.db.conn.execute("SELECT name, email, role FROM rep ORDER BY name").fetchall()
    finally:
        ws.close()
    rows = [[r[0], r[1], r[2], ""] for r in reps]
    file = write_csv(folder / "reps.csv", ["name", "email", "role", "manager"], rows)
    target = folder / "new.db"
    result = runner.invoke(app, ["--db", str(target), "import", str(file)])
    assert result.exit_code == 0, result.stderr
    return target


def assert_moves_unchanged(db: Path, folder: Path) -> None:
    """The exports re-import here with no change, and into a new database as the same files."""
    files = {kind: export(db, kind, folder / "out") for kind in KINDS}
    before = content_hash(db)
    code, stdout, stderr = cli(db, "import", *(str(files[k]) for k in KINDS))
    assert code == 0, (stdout, stderr)
    assert content_hash(db) == before, "re-importing the exports changed the database"
    other = new_database_with_reps(db, folder)
    code, stdout, stderr = cli(other, "import", *(str(files[k]) for k in KINDS))
    assert code == 0, (stdout, stderr)
    assert export_all(other, folder / "moved") == {k: rows_of(files[k]) for k in KINDS}


@pytest.fixture
def acme(seeded: Seeded, ws: Workspace, db_path: Path) -> Path:
    """The seeded database (its workspace closed), with two Jo Twins of no email."""
    ws.close()
    for _ in range(2):
        assert cli(db_path, "stakeholder", "add", "Acme Corp", "Jo Twin")[0] == 0
    return db_path


def stakeholder_rows(db: Path, folder: Path) -> tuple[list[str], list[list[str]]]:
    return csv_rows(export(db, "stakeholders", folder))


def stakeholders_json(db: Path, folder: Path) -> list[dict[str, object]]:
    loaded = json.loads(export(db, "stakeholders", folder, "json").read_text())
    assert isinstance(loaded, list)
    return loaded


def test_two_people_of_one_name_and_no_email_move_as_two(acme: Path, tmp_path: Path) -> None:
    header, rows = stakeholder_rows(acme, tmp_path / "x")
    assert header[:8] == ["account", "name", "email", "title", "level", "role", "left_on", "id"]
    twins = [r for r in rows if r[1] == "Jo Twin"]
    assert len(twins) == 2 and twins[0][7] != twins[1][7]
    for twin in twins:
        code, _, stderr = cli(acme, "touch", "Acme Corp", twin[7], "--on", "today", "-c", "phone")
        assert code == 0, stderr
    assert_moves_unchanged(acme, tmp_path)


def test_an_id_of_this_account_matches_its_stakeholder_whatever_the_name(
    acme: Path, tmp_path: Path
) -> None:
    header, rows = stakeholder_rows(acme, tmp_path / "x")
    twin = next(r for r in rows if r[1] == "Jo Twin")
    renamed = write_csv(tmp_path / "renamed.csv", header, [[twin[0], "Jo Renamed", *twin[2:]]])
    code, stdout, stderr = cli(acme, "import", str(renamed))
    assert code == 0, stderr
    assert "0 new, 1 updated" in stdout
    people = {p["id"]: p["name"] for p in stakeholders_json(acme, tmp_path / "y")}
    assert people[twin[7]] == "Jo Renamed"
    assert list(people.values()).count("Jo Twin") == 1


def test_an_id_of_another_accounts_stakeholder_is_refused_unchanged(
    acme: Path, tmp_path: Path
) -> None:
    add_other_account(acme)
    header, rows = stakeholder_rows(acme, tmp_path / "x")
    olga = next(r for r in rows if r[1] == "Olga Other")
    moved = write_csv(tmp_path / "moved.csv", header, [["Acme Corp", *olga[1:]]])
    assert_refused(
        acme,
        moved,
        "moved.csv, row 2, column 'id'",
        "the id of a stakeholder of this account (it is another account's)",
    )


@pytest.mark.parametrize("bad", ["12345", "not-an-id", "g" * 32, "0" * 31, "0" * 33])
def test_a_malformed_id_is_refused_naming_the_row_unchanged(
    acme: Path, tmp_path: Path, bad: str
) -> None:
    header, rows = stakeholder_rows(acme, tmp_path / "x")
    rows[1][7] = bad
    edited = write_csv(tmp_path / "edited.csv", header, rows)
    assert_refused(acme, edited, "edited.csv, row 3, column 'id'", "32 hex digits")


def test_an_id_unknown_here_falls_back_to_email_then_name_and_a_new_one_keeps_it(
    acme: Path, tmp_path: Path
) -> None:
    header = ["account", "name", "email", "title", "level", "role", "left_on", "id"]
    new = "CCCCCCCC-cccc-4ccc-8ccc-" + "c" * 12  # dashes and capitals: stored as 32 hex digits
    stored = "cccccccccccc4ccc8ccccccccccccccc"
    rows = [
        ["Acme Corp", "Samuel Okafor", "champ@acme.example", "", "", "", "", "a" * 32],
        ["Acme Corp", "Nina Park", "", "CFO", "", "", "", "b" * 32],
        ["Acme Corp", "Newt New", "", "", "", "", "", new],
    ]
    before = {p["id"] for p in stakeholders_json(acme, tmp_path / "x")}
    code, stdout, stderr = cli(acme, "import", str(write_csv(tmp_path / "f.csv", header, rows)))
    assert code == 0, stderr
    assert "1 new, 2 updated" in stdout
    people = {p["id"]: p for p in stakeholders_json(acme, tmp_path / "y")}
    assert set(people) == before | {stored}
    champ = next(p for p in people.values() if p["email"] == "champ@acme.example")
    assert champ["name"] == "Samuel Okafor"
    assert next(p for p in people.values() if p["name"] == "Nina Park")["title"] == "CFO"
    assert people[stored]["name"] == "Newt New"
    # A name two stakeholders share still needs the email, id or not.
    twin = write_csv(tmp_path / "g.csv", header, [["Acme Corp", "Jo Twin", *[""] * 5, "d" * 32]])
    assert_refused(acme, twin, "g.csv, row 2, column 'name'", "2 of this account")


def test_accounts_of_one_name_move_with_their_ids(
    seeded: Seeded, ws: Workspace, db_path: Path, tmp_path: Path
) -> None:
    with ws.db.write() as conn:
        twin = account_queries.insert_account(conn, {"name": "ACME corp", "rep_id": seeded.rep_id})
    ws.close()
    assert cli(db_path, "stakeholder", "add", twin, "Tess Twin", "--email", "t@x.example")[0] == 0
    code, _, stderr = cli(db_path, "touch", twin, "Tess Twin", "--on", "today", "-c", "video")
    assert code == 0, stderr
    accounts = export(db_path, "accounts", tmp_path / "x").read_text(encoding="utf-8-sig")
    assert twin in accounts and seeded.account_id in accounts
    assert_moves_unchanged(db_path, tmp_path)


def test_a_dry_run_into_a_missing_database_leaves_no_file(seeded: Seeded, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    people = write_csv(
        tmp_path / "reps.csv",
        ["name", "email", "role", "manager"],
        [["Bo", "bo@x.example", "", ""]],
    )
    target = folder / "new.db"
    for args in (["--db", str(target)], ["--db", f"sqlite:///{target}"]):
        result = runner.invoke(app, [*args, "import", str(people), "--dry-run"])
        assert result.exit_code == 0, result.stderr
        assert "1 new" in result.stdout and "dry run: nothing saved" in result.stdout
        assert list(folder.iterdir()) == []
    bad = write_csv(
        tmp_path / "bad.csv", ["name", "email", "role", "manager"], [["Bo", "x", "", ""]]
    )
    result = runner.invoke(app, ["--db", str(target), "import", str(bad), "--dry-run"])
    assert result.exit_code == 3 and "bad.csv, row 2, column 'email'" in result.stderr
    assert list(folder.iterdir()) == []


def test_a_touch_id_matches_its_touch_and_another_accounts_is_refused(
    acme: Path, tmp_path: Path
) -> None:
    add_other_account(acme)
    header, rows = csv_rows(export(acme, "touches", tmp_path / "x"))
    assert header == [
        "account",
        "stakeholder",
        "on",
        "channel",
        "note",
        "id",
        "crm_source",
        "crm_id",
    ]
    ours = next(r for r in rows if r[0] == "Acme Corp")
    olgas = next(r for r in rows if r[0] == "Other Inc")
    noted = write_csv(tmp_path / "noted.csv", header, [[*ours[:4], "a note added", *ours[5:]]])
    code, stdout, stderr = cli(acme, "import", str(noted))
    assert code == 0 and "0 new, 1 updated" in stdout, (stdout, stderr)
    _, after = csv_rows(export(acme, "touches", tmp_path / "y"))
    assert len(after) == len(rows)
    assert next(r for r in after if r[5] == ours[5])[4] == "a note added"
    stolen = write_csv(tmp_path / "stolen.csv", header, [[*ours[:5], olgas[5], "", ""]])
    assert_refused(
        acme,
        stolen,
        "stolen.csv, row 2, column 'id'",
        "the id of a touch of this account (it is another account's)",
    )


@pytest.mark.parametrize("kind", ["accounts", "touches"])
def test_a_malformed_account_or_touch_id_is_refused_unchanged(
    acme: Path, tmp_path: Path, kind: str
) -> None:
    header, rows = csv_rows(export(acme, kind, tmp_path / "x"))
    rows[0][header.index("id")] = "acme-1"
    edited = write_csv(tmp_path / "edited.csv", header, rows)
    assert_refused(acme, edited, "edited.csv, row 2, column 'id': 'acme-1'", "32 hex digits")


def test_an_account_id_unknown_here_is_matched_by_name(acme: Path, tmp_path: Path) -> None:
    header, rows = csv_rows(export(acme, "accounts", tmp_path / "x"))
    rows[0][header.index("id")] = "e" * 32
    before = content_hash(acme)
    code, stdout, stderr = cli(acme, "import", str(write_csv(tmp_path / "a.csv", header, rows)))
    assert code == 0 and "0 new, 0 updated, 1 unchanged" in stdout, (stdout, stderr)
    assert content_hash(acme) == before


JUNK_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["Jo Twin", "jo twin", "Jo Twin ", "=1+2", "'=x", "''hi", "@me", "-x",
                     "a,b", 'say "hi"', "line\nbreak", "\t", "\x00", "é" * 201, "[b]x[/b]",
                     "\u202eevil", "champ@acme.example", "Sam Okafor"]),
)  # fmt: skip
EMAILS = st.one_of(
    st.none(),
    st.sampled_from(["jo@x.example", "JO@x.example", "champ@acme.example", "a@b", "@@x"]),
    st.builds(lambda a, b: f"{a}@{b}", st.text(max_size=8), st.text(max_size=8)),
)
ADDS = st.lists(
    st.tuples(
        st.sampled_from(["Jo Twin", "Ann Other"]) | JUNK_TEXT,
        st.none() | JUNK_TEXT,
        EMAILS,
        st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["phone", "email"]),
                           st.none() | JUNK_TEXT), max_size=2),
    ),
    min_size=1,
    max_size=5,
)  # fmt: skip


Add = tuple[str, str | None, str | None, list[tuple[int, str, str | None]]]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("round-trip") / "template.db"
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()
    return path


def add_with_touches(db: Path, name: str, title: str | None, email: str | None,
                     touches: list[tuple[int, str, str | None]]) -> None:  # fmt: skip
    """`stakeholder add`, then a `touch` to the one added, as far as the CLI takes them."""
    args = ["stakeholder", "add", "Acme Corp", name]
    args += [] if title is None else ["--title", title]
    args += [] if email is None else ["--email", email]
    code, stdout, _ = cli(db, *args)
    event(f"stakeholder add exit {code}")
    if code != 0:
        return
    person = stdout.rsplit("(id ", 1)[1].split(")")[0]
    for days, channel, note in touches:
        extra = [] if note is None else ["--note", note]
        code = cli(db, "touch", "Acme Corp", person, "--on", f"{days}d", "-c", channel, *extra)[0]
        event(f"touch exit {code}")


@FUZZ
@given(adds=ADDS)
@example(adds=[("Jo Twin", None, None, [(1, "phone", None)]), ("jo twin", None, None, [])])
@example(
    adds=[("Jo Twin", "CTO", None, []), ("Jo Twin", None, "jo@x.example", [(0, "email", "=1")])]
)
def test_what_the_cli_accepts_an_export_re_imports_unchanged(
    template: Path, tmp_path_factory: pytest.TempPathFactory, adds: list[Add]
) -> None:
    """Any stakeholders and touches the CLI took are exported, import back here changing
    nothing, and move to a new database as the same stakeholders and touches."""
    folder = tmp_path_factory.mktemp("case")
    db = folder / "review.db"
    db.write_bytes(template.read_bytes())
    for name, title, email, touches in adds:
        add_with_touches(db, name, title, email, touches)
    assert_moves_unchanged(db, folder)
