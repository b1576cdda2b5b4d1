"""The real CLI, driven through Typer's CliRunner and a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview import __version__
from accountreview.cli import app
from accountreview.services.workspace import Workspace
from conftest import Seeded, content_hash

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"accountreview {__version__}"


def test_account_show_has_the_seed_renewal_arithmetic(db_path: Path, seeded: Seeded) -> None:
    code, stdout, _ = run(db_path, "account", "show", "Acme Corp", "--format", "json")
    assert code == 0
    data = json.loads(stdout)
    assert data["renewal_price"] == 10_500
    assert data["renewal_perceived_increase_pct"] == 31.25
    assert data["renewal_shock"] is True
    assert data["penetration_pct"] == 2.0
    assert data["whitespace"] == 1_960_000
    assert data["small_deal_at_big_company"] is True
    assert data["stage"] == "customer"
    assert data["contract_year"] == 3
    assert "contract year 3" in data["flags"]
    required = (
        "id name rep top stage potential current penetration_pct whitespace"
        " small_deal_at_big_company cs_tier rebate_deadline rebate_earned renewal_price"
        " renewal_perceived_increase_pct renewal_shock contract_year flags gates_met"
        " follow_ups last_in_person coverage"
    )
    for key in required.split():
        assert key in data, key
    assert data["last_in_person"] == "2026-11-18"


def test_rebate_instead_of_discount_feels_like_the_uplift(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    ws.db.conn.execute(
        "UPDATE account SET discount_pct = 0, rebate_pct = 20, signed_on = '2026-09-01',"
        " live_on = '2026-10-31' WHERE id = ?",
        (seeded.account_id,),
    )
    data = json.loads(run(db_path, "account", "show", "acme corp", "-f", "json")[1])
    assert data["renewal_perceived_increase_pct"] == 5.0
    assert data["renewal_shock"] is False
    assert data["rebate_deadline"] == "2026-10-31"
    assert data["rebate_earned"] is True  # live on day 60
    ws.db.conn.execute(
        "UPDATE account SET live_on = '2026-11-01' WHERE id = ?", (seeded.account_id,)
    )
    data = json.loads(run(db_path, "account", "show", "acme corp", "-f", "json")[1])
    assert data["rebate_earned"] is False  # live on day 61


def test_accounts_formats(db_path: Path, seeded: Seeded) -> None:
    code, stdout, _ = run(db_path, "accounts", "--format", "json")
    assert code == 0
    assert [a["name"] for a in json.loads(stdout)] == ["Acme Corp"]
    code, stdout, _ = run(db_path, "accounts", "--format", "csv", "--top")
    assert code == 0
    header, row = stdout.splitlines()[:2]
    assert header.startswith("id,name,rep,top,stage")
    assert "Acme Corp" in row
    code, stdout, _ = run(db_path, "accounts", "--rep", "ann@example.com")
    assert code == 0 and "Acme Corp" in stdout and "\n1 account\n" in stdout


def test_close_refused_through_cli_lists_every_reason_and_saves_nothing(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    before = content_hash(ws)
    code, stdout, stderr = run(
        db_path,
        "review",
        "Acme Corp",
        "--slot",
        "1=Carla Diaz",
        "--slot",
        "2=nina park",
        "--close",
        "--format",
        "json",
    )
    assert code == 3
    assert stdout == ""  # no review is shown as if it were saved
    for reason in (
        "Slot 2: Nina Park has no last-contact date",
        "Slot 3: no stakeholder named",
        "Slot 4: no stakeholder named",
        "Slot 5: no stakeholder named",
    ):
        assert reason in stderr
    assert "Nothing was saved" in stderr
    assert "Traceback" not in stderr
    assert content_hash(ws) == before  # the two slots were not kept either
    code, stdout, _ = run(db_path, "review", "Acme Corp", "--status", "-f", "json")
    assert code == 0 and json.loads(stdout)["status"] == "not started"


def test_close_and_reopen_through_cli(db_path: Path, seeded: Seeded) -> None:
    code, _, stderr = run(db_path, "stakeholder", "next", "Acme Corp", "Uma Reyes", "--on", "+1w")
    assert code == 0, stderr
    slots = [
        f"{n}={who}"
        for n, who in enumerate(
            ["Carla Diaz", "Ivan Petrov", "Paula Moss", "Sam Okafor", "Uma Reyes"], start=1
        )
    ]
    args = [a for s in slots for a in ("--slot", s)]
    code, stdout, stderr = run(db_path, "review", "Acme Corp", *args, "--close", "-f", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["status"] == "closed"
    code, _, stderr = run(db_path, "review", "Acme Corp", "--slot", "1=Nina Park")
    assert code == 3 and "closed" in stderr
    code, _, stderr = run(db_path, "review", "Acme Corp", "--reopen")
    assert code == 2 and "--reason" in stderr
    code, stdout, _ = run(
        db_path, "review", "Acme Corp", "--reopen", "--reason", "typo", "-f", "json"
    )
    assert code == 0 and json.loads(stdout)["status"] == "open"


def test_touch_moves_last_contact_and_refuses_the_future(db_path: Path, seeded: Seeded) -> None:
    code, stdout, _ = run(
        db_path,
        "touch",
        "Acme Corp",
        "nina park",
        "--on",
        "yesterday",
        "--channel",
        "in-person",
        "--note",
        "Coffee",
    )
    assert code == 0
    assert "2026-11-22" in stdout
    code, _, stderr = run(
        db_path, "touch", "Acme Corp", "Nina Park", "--on", "2026-12-01", "--channel", "phone"
    )
    assert code == 2 and "future" in stderr
    code, _, stderr = run(
        db_path, "touch", "Acme Corp", "Nina Park", "--on", "today", "--channel", "pigeon"
    )
    assert code == 2 and "--channel" in stderr and "in-person" in stderr


def test_not_found_and_ambiguous(db_path: Path, ws: Workspace, seeded: Seeded) -> None:
    code, _, stderr = run(db_path, "account", "show", "Globex")
    assert code == 4 and "No account matches 'Globex'" in stderr
    from accountreview.db import accounts

    with ws.db.write() as conn:
        accounts.insert_account(conn, {"name": "ACME CORP", "rep_id": seeded.rep_id})
    code, _, stderr = run(db_path, "account", "show", "acme corp")
    assert code == 2 and "matches 2 records" in stderr
    code, _, stderr = run(db_path, "account", "show", seeded.account_id[:8])
    assert code == 0


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    code, _, stderr = run(tmp_path / "none.db", "accounts")
    assert code == 4
    assert "No database at" in stderr and "accountreview init" in stderr
    assert not (tmp_path / "none.db").exists()


def test_bad_options_are_usage_errors(db_path: Path, seeded: Seeded) -> None:
    assert run(db_path, "review", "Acme Corp", "--week", "2026-W60")[0] == 2
    assert run(db_path, "review", "Acme Corp", "--slot", "9=Carla Diaz")[0] == 2
    result = runner.invoke(app, ["--db", str(db_path), "--today", "yesterday", "accounts"])
    assert result.exit_code == 2
    assert run(db_path, "accounts", "--format", "xml")[0] == 2


def test_init_creates_a_private_database(tmp_path: Path) -> None:
    import os
    import stat

    path = tmp_path / "sub" / "new.db"
    code, stdout, _ = run(path, "init")
    assert code == 0 and "Created" in stdout
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    code, stdout, _ = run(path, "init")
    assert code == 0 and "up to date" in stdout


def test_rep_add_and_list(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    run(path, "init")
    assert run(path, "rep", "add", "Mo Chan", "--email", "mo@x.com", "--role", "manager")[0] == 0
    code, _, _ = run(path, "rep", "add", "Ann Lee", "--email", "ann@x.com", "--manager", "Mo Chan")
    assert code == 0
    code, _, stderr = run(path, "rep", "add", "Ann Again", "--email", "ANN@x.com")
    assert code == 2 and "already exists" in stderr
    data = json.loads(run(path, "rep", "list", "-f", "json")[1])
    assert data == [
        {"name": "Ann Lee", "email": "ann@x.com", "role": "rep", "manager": "Mo Chan"},
        {"name": "Mo Chan", "email": "mo@x.com", "role": "manager", "manager": None},
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["accounts", "--format", "json"],
        ["account", "show", "Acme Corp"],
        ["review", "Acme Corp", "--status"],
    ],
)
def test_non_ui_commands_do_not_import_textual_or_sqlalchemy(
    db_path: Path, seeded: Seeded, args: list[str]
) -> None:
    code = (
        "import sys\n"
        "from accountreview.cli import app\n"
        "try:\n"
        f"    app({['--db', str(db_path), *args]!r})\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = ('textual', 'sqlalchemy', 'sqlmodel', 'alembic')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
