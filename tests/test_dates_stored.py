"""Dates stored before the range was checked (an older database) crash nothing.

Such a row is written here with sqlite3 directly, past every input check. Every
command that reads then still runs with exit 0: the dates are shown as stored,
the dates derived from them (a rebate deadline, follow-ups after a loss) are
held at the end of Python's calendar instead of overflowing, and the .ics
export, which cannot write an event the day after 9999-12-31, leaves such a next
contact out and says so ("1 left out (planned before 1970-01-01 or after
2100-12-31)"). CSV and JSON exports give the stored date as it is.
"""

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.domain.accounts import follow_up_dates, rebate_deadline
from accountreview.io.native_csv import COLUMNS
from accountreview.services.workspace import Workspace
from conftest import Seeded

runner = CliRunner()
OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "1969-12-31", "2101-01-01"]
# signed_on, live_on, …, contract_start, cio_signoff_on, procurement_signoff_on
ACCOUNT_DATES = tuple(c for c in COLUMNS["accounts"] if c.endswith("_on") or c.endswith("start"))


def store_raw(path: Path, value: str, people: dict[str, str]) -> None:
    """Every date column of the account, a next contact, a left-on and touches = `value`."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                f"UPDATE account SET {', '.join(f'{c} = ?' for c in ACCOUNT_DATES)}",
                [value] * len(ACCOUNT_DATES),
            )
            conn.execute("UPDATE stakeholder SET next_contact_on = ? WHERE id = ?",
                         (value, people["ceo"]))  # fmt: skip
            conn.execute("UPDATE stakeholder SET next_contact_on = '2026-12-01' WHERE id = ?",
                         (people["cio"],))  # fmt: skip
            conn.execute("UPDATE stakeholder SET left_on = ? WHERE left_on IS NOT NULL", (value,))
            conn.execute(
                "UPDATE touch SET touched_on = ? WHERE stakeholder_id IN (?, ?)",
                (value, people["champ"], people["buyer"]),
            )
    finally:
        conn.close()


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), "--rep", "Ann Lee", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


READS = [
    ["queue"],
    ["queue", "--format", "json"],
    ["accounts"],
    ["accounts", "--format", "csv"],
    ["account", "show", "Acme Corp"],
    ["account", "show", "Acme Corp", "--format", "json"],
    ["review", "Acme Corp", "--status"],
    ["audit"],
    ["audit", "--format", "md"],
    ["check"],
    *[
        ["export", kind, "--format", fmt]
        for kind in (
            "accounts",
            "stakeholders",
            "touches",
            "reviews",
            "next-contacts",
            "follow-ups",
        )
        for fmt in ("csv", "json")
    ],
    ["export", "touches", "--as", "salesforce-tasks"],
]


@pytest.fixture(params=OUT_OF_RANGE)
def stored(request: pytest.FixtureRequest, db_path: Path, seeded: Seeded, ws: Workspace) -> str:
    """The seeded database, with one of the values out of range in every date column."""
    ws.close()
    value: str = request.param
    store_raw(db_path, value, seeded.people)
    return value


def test_every_read_runs_on_dates_stored_out_of_range(db_path: Path, stored: str) -> None:
    for args in READS:
        code, _, stderr = cli(db_path, *args)
        assert code == 0, (args, stderr)
        assert "Traceback" not in stderr


def test_the_calendar_leaves_out_and_counts_contacts_planned_out_of_range(
    db_path: Path, stored: str
) -> None:
    code, stdout, stderr = cli(db_path, "export", "next-contacts", "--format", "ics")
    assert code == 0, stderr
    assert "1 left out (1 planned before 1970-01-01 or after 2100-12-31)" in stderr
    assert stdout.count("BEGIN:VEVENT") == stdout.count("END:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20261201" in stdout
    assert "Carla Diaz" not in stdout  # her next contact is the one stored out of range
    code, stdout, _ = cli(db_path, "export", "next-contacts", "--format", "csv")
    assert code == 0 and stored in stdout  # CSV gives the stored date as it is


def test_follow_ups_and_rebate_of_the_calendar_end_do_not_overflow() -> None:
    assert rebate_deadline(date.max) == date.max
    assert follow_up_dates(date.max) == [date.max] * 3
    assert follow_up_dates(date(2100, 12, 31))[-1] == date(2101, 12, 31)


def test_a_loss_stored_in_year_one_is_listed_with_its_follow_ups(
    db_path: Path, seeded: Seeded, ws: Workspace
) -> None:
    ws.close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE account SET lost_on = '0001-01-01', current = 1000")
    conn.close()
    code, stdout, stderr = cli(db_path, "export", "follow-ups", "--format", "json")
    assert code == 0, stderr
    assert '"lost_on":"0001-01-01"' in stdout and '"0002-01-01"' in stdout
