"""`accountreview import` and `export` as a user runs them (Typer's runner and a subprocess)."""

import csv
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from accountreview.cli import app

DATA = Path(__file__).resolve().parent.parent / "data"
SF = DATA / "samples" / "salesforce"
runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def native(db: Path) -> None:
    files = [str(DATA / f"{k}.csv") for k in ("reps", "accounts", "stakeholders", "touches")]
    assert run(db, "import", *files)[0] == 0


def test_import_shows_what_each_file_was_read_as_in_dependency_order(db_path: Path) -> None:
    native(db_path)
    code, stdout, _ = run(
        db_path,
        "import",
        str(SF / "Task.csv"),
        str(SF / "Contact.csv"),
        str(SF / "report-accounts.csv"),
        "--potential-from",
        "Potential ARR",
        "--rep",
        "Ann Lee",
    )
    assert code == 0, stdout
    lines = stdout.splitlines()
    assert lines[0] == (
        "Reading report-accounts.csv: Salesforce accounts (report export);"
        " UTF-8 with BOM, comma-separated"
    )
    assert lines[2].startswith("Reading Contact.csv: Salesforce contacts (Data Loader export)")
    assert lines[4].startswith("Reading Task.csv: Salesforce activities (Data Loader export)")
    assert lines[5].startswith("Task.csv: 13 rows — ")


def test_import_refusal_and_bad_options_have_exit_codes(db_path: Path) -> None:
    native(db_path)
    code, _, stderr = run(db_path, "import", str(SF / "Account.csv"))
    assert code == 3
    assert "Account.csv, row 7, column 'OwnerId'" in stderr
    code, _, stderr = run(db_path, "import", str(SF / "Account.csv"), "--from", "zoho")
    assert code == 2 and "--from: 'zoho' is not valid" in stderr
    code, _, stderr = run(db_path, "import", str(SF / "Account.csv"), "--from", "hubspot")
    assert code == 3 and "is not one of a HubSpot export this app reads" in stderr
    code, stdout, _ = run(db_path, "import", str(SF / "User.csv"), "--dry-run")
    assert code == 0 and stdout.rstrip().endswith("(dry run: nothing saved)")


def test_export_to_stdout_and_to_a_file(db_path: Path, tmp_path: Path) -> None:
    native(db_path)
    code, stdout, _ = run(db_path, "export", "accounts")
    assert code == 0 and stdout.startswith("\ufeffname,rep,top,potential")
    ics = runner.invoke(app, ["--db", str(db_path), "export", "next-contacts"])
    assert ics.exit_code == 0 and ics.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0")
    out = tmp_path / "touches.json"
    code, stdout, _ = run(
        db_path, "export", "touches", "-f", "json", "-w", "2026-W47", "-o", str(out)
    )
    with (DATA / "touches.csv").open(encoding="utf-8") as handle:
        in_week = sum("2026-11-16" <= row["on"] <= "2026-11-22" for row in csv.DictReader(handle))
    assert code == 0 and stdout.startswith(f"Wrote {in_week} touches (json) to {out}")
    assert out.stat().st_mode & 0o777 == 0o600
    code, _, stderr = run(db_path, "export", "touches", "--week", "2026-W99")
    assert code == 2 and "--week" in stderr
    code, _, stderr = run(db_path, "export", "stakeholders", "--rep", "Nobody")
    assert code == 4 and "No rep matches 'Nobody'" in stderr


def test_export_is_a_non_ui_command(db_path: Path) -> None:
    native(db_path)
    code = (
        "import sys\n"
        "from accountreview.cli import app\n"
        "try:\n"
        f"    app({['--db', str(db_path), 'export', 'stakeholders', '-f', 'json']!r})\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = ('textual', 'sqlalchemy', 'sqlmodel', 'alembic')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_export_piped_into_head_stops_quietly(db_path: Path) -> None:
    native(db_path)
    command = [sys.executable, "-m", "accountreview", "--db", str(db_path), "export", "touches"]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None
    producer.stdout.readline()
    producer.stdout.close()
    _, stderr = producer.communicate(timeout=60)
    assert producer.returncode in (0, 141)  # 141 once the pipe closed (test_cli_exits.py)
    assert b"Traceback" not in stderr and b"error" not in stderr
