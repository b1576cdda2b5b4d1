"""`accountreview audit` through the real CLI (Typer's CliRunner) on a team with a known answer."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.services.workspace import Workspace
from audit_team import (
    EXPECTED,
    EXPECTED_ESCALATIONS,
    EXPECTED_TEAM,
    EXPECTED_TEAM_TREND,
    EXPECTED_TREND,
    REOPEN_REASON,
    build_team,
)

runner = CliRunner()
KEYS = (
    "top_accounts",
    "closed",
    "open",
    "not_started",
    "completion_pct",
    "stale_contacts",
    "overdue_contacts",
    "missing_coverage",
    "champions_left",
    "no_in_person",
)


@pytest.fixture
def team_db(db_path: Path, ws: Workspace) -> Path:
    build_team(ws)  # remembers Mia Boss, the manager, as the one using the app
    return db_path


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_counts_match_the_known_answer(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "audit", "--format", "json")
    assert code == 0
    data = json.loads(stdout)
    assert data["week"] == "2026-W48" and data["viewer"] == "Mia Boss"
    assert [r["rep"] for r in data["reps"]] == list(EXPECTED)
    for rep in data["reps"]:
        got = (*(rep[k] for k in KEYS), len(rep["escalations"]))
        assert got == EXPECTED[rep["rep"]], rep["rep"]
        assert [p["completion_pct"] for p in rep["trend"]] == EXPECTED_TREND[rep["rep"]]
    team = data["team"]
    assert (*(team[k] for k in KEYS), team["escalations"]) == EXPECTED_TEAM
    assert [p["completion_pct"] for p in team["trend"]] == EXPECTED_TEAM_TREND
    escalated = [
        (r["rep"], e["account"], e["reason"]) for r in data["reps"] for e in r["escalations"]
    ]
    assert escalated == EXPECTED_ESCALATIONS
    assert [(x["account"], x["reason"]) for x in data["reopened"]] == [("Apex", REOPEN_REASON)]


def test_table_puts_the_team_and_escalations_on_top(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "audit")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == "Audit 2026-W48 (as of 2026-11-23) · Mia Boss's team"
    assert lines[1].startswith(
        "Team: 3 of 6 reviews closed (50.0%) · 0 closed late · 1 open · 2 not started"
    )
    assert lines[2] == "Trend 2026-W41 to 2026-W48: ▁▁▁▁▁▁▅▅"
    start = lines.index("Escalations:") + 1
    assert lines[start : start + 3] == [
        "  ! Bob None · Bolt: not reviewed 2 weeks running",
        "  ! Bob None · Bolt: stale champion",
        "  ! Cat Half · Coral: not reviewed 2 weeks running",
    ]
    rows = {line.split("  ")[0]: line.split() for line in lines if line.startswith(("Ann", "Bob"))}
    assert rows["Ann Done"][2:6] == ["2/2", "0", "0", "0"]  # closed, late, open, not started
    assert rows["Bob None"][2:7] == ["0/2", "0", "0", "2", "0.0%"]
    assert "Apex (Ann Done)" in stdout and REOPEN_REASON in stdout


def test_one_rep_lists_their_accounts(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "audit", "--rep", "Cat Half")
    assert code == 0
    assert "· Cat Half" in stdout.splitlines()[0]
    coral = next(line for line in stdout.splitlines() if line.startswith("Coral"))
    assert coral.split()[1:4] == ["open", "1", "2"]
    assert "CIO office / IT, procurement" in coral
    assert "not reviewed 2 weeks running" in coral and "champion Oldchamp Coral left" in coral


def test_csv_has_the_team_first_and_a_column_per_week(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "audit", "--format", "csv", "--weeks", "3")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [r["rep"] for r in rows] == ["(team)", *EXPECTED]
    assert rows[0]["completion_pct"] == "50.0" and rows[0]["escalations"] == "3"
    assert [rows[1][w] for w in ("2026-W46", "2026-W47", "2026-W48")] == ["0.0", "50.0", "0.0"]


def test_markdown_for_a_meeting_note(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "audit", "--format", "md")
    assert code == 0
    assert stdout.startswith("## Review audit 2026-W48: Mia Boss's team")
    assert "- **Bolt** (Bob None): stale champion" in stdout
    assert "| Cat Half | 1/2 | 0 | 1 | 0 | 50.0% | `▁▁▁▁▁▁▁▅` | 1 | 2 | 1 | 1 | 1 | 1 |" in stdout
    assert "### Reopened" in stdout


def test_strict_exits_3_while_anyone_is_behind(team_db: Path) -> None:
    code, stdout, stderr = run(team_db, "audit", "--strict")
    assert code == 3
    assert "Team:" in stdout  # the audit is printed before the exit
    assert "2 reps below 100% in 2026-W48: Bob None (0.0%), Cat Half (50.0%)" in stderr
    assert run(team_db, "audit", "--strict", "--rep", "Ann Done")[0] == 0


def test_a_rep_audits_only_themselves(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "--rep", "Dan Other", "audit", "--format", "json")
    assert code == 0
    assert [r["rep"] for r in json.loads(stdout)["reps"]] == ["Dan Other"]
    code, _, stderr = run(team_db, "--rep", "Dan Other", "audit", "--rep", "Ann Done")
    assert code == 3 and "can audit only their own reviews" in stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--week", "2026-W60"], 2, "week: '2026-W60' is not valid"),
        (["--week", "soon"], 2, "an ISO week like 2026-W47"),
        (["--weeks", "0"], 2, "--weeks: 0 is not valid"),
        (["--rep", "Dan Other"], 3, "Dan Other does not report to Mia Boss"),
        (["--rep", "Nobody"], 4, "No rep matches 'Nobody'"),
        (["--format", "xml"], 2, "xml"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(
    team_db: Path, args: list[str], code: int, message: str
) -> None:
    got, stdout, stderr = run(team_db, "audit", *args)
    assert got == code
    assert message in stderr and "Traceback" not in stderr + stdout


def test_past_week_and_help(team_db: Path) -> None:
    code, stdout, _ = run(team_db, "audit", "--week", "2026-W47", "--format", "json")
    assert code == 0
    done = {r["rep"]: r["completion_pct"] for r in json.loads(stdout)["reps"]}
    assert done == {"Ann Done": 100.0, "Bob None": 50.0, "Cat Half": 0.0}
    help_text = runner.invoke(app, ["audit", "--help"]).stdout
    assert "a rep sees only themselves" in help_text and "--strict" in help_text


def test_audit_in_a_subprocess_loads_no_ui_or_orm(team_db: Path) -> None:
    code = (
        "import sys\n"
        "from accountreview.cli import app\n"
        "try:\n"
        f"    app({['--db', str(team_db), 'audit', '--format', 'json']!r})\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = [m for m in ('textual', 'sqlalchemy', 'sqlmodel') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["team"]["closed"] == 3
