"""`import --dry-run` of several files reports exactly what the real import then does.

Each case runs the real `import` command twice on copies of one database: with
`--dry-run`, then for real. The dry run's output (less its "nothing saved" notes),
errors and exit code must be the real run's, and the dry run must leave the
database exactly as it was.
"""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from conftest import content_hash

DATA = Path(__file__).resolve().parent.parent / "data"
SF = DATA / "samples" / "salesforce"
NATIVE = [DATA / f"{kind}.csv" for kind in ("reps", "accounts", "stakeholders", "touches")]
SALESFORCE = [
    SF / name
    for name in ("User.csv", "Account.csv", "Contact.csv", "OpportunityContactRole.csv", "Task.csv")
]
SF_OPTIONS = ["--rep", "Ann Lee", "--potential-from", "Potential_ARR__c"]
DRY_NOTE = " (dry run: nothing saved)"
runner = CliRunner()


def run_import(db: Path, files: list[Path], *options: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), "import", *map(str, files), *options])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    db = tmp_path / "review.db"
    assert runner.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    return db


def dry_then_real(db: Path, files: list[Path], *options: str) -> tuple[int, str, str]:
    """The dry run's result, once checked against the real run on the same database."""
    before = content_hash(db)
    dry = run_import(db, files, "--dry-run", *options)
    assert content_hash(db) == before, "the dry run changed the database"
    real = run_import(db, files, *options)
    assert DRY_NOTE in dry[1] or dry[0] != 0
    assert (dry[0], dry[1].replace(DRY_NOTE, ""), dry[2]) == real
    return real


def test_native_files_in_one_dry_run_see_each_other(empty_db: Path) -> None:
    code, stdout, stderr = dry_then_real(empty_db, list(reversed(NATIVE)))
    assert code == 0, stderr
    assert "import reps first" not in stdout + stderr
    assert "touches.csv: 30 rows — 30 new" in stdout


def test_salesforce_files_in_one_dry_run_see_each_other(empty_db: Path) -> None:
    code, _, stderr = dry_then_real(empty_db, NATIVE[:1] + SALESFORCE, *SF_OPTIONS)
    assert code == 0, stderr


def test_a_dry_run_of_files_already_imported_reports_them_unchanged(empty_db: Path) -> None:
    assert run_import(empty_db, NATIVE)[0] == 0
    code, stdout, stderr = dry_then_real(empty_db, NATIVE)
    assert code == 0, stderr
    assert " 0 new, 0 updated" in stdout


def test_a_bad_file_in_a_dry_run_is_refused_as_the_real_run_refuses_it(
    empty_db: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "stakeholders.csv"
    lines = (DATA / "stakeholders.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",manager,", ",boss,")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    copy = tmp_path / "copy.db"
    shutil.copyfile(empty_db, copy)
    code, stdout, stderr = dry_then_real(empty_db, [*NATIVE[:2], bad, NATIVE[3]])
    assert code == 3
    assert "stakeholders.csv, row 4, column 'level': 'boss'" in stderr
    assert "accounts.csv: 8 rows — 8 new" in stdout  # the files before it were imported
    assert "touches.csv" not in stdout  # and none after it
    assert content_hash(empty_db) != content_hash(copy)
