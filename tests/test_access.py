"""Commands act as who you are: every command × (own account, another rep's, a
manager's report's, a stranger manager's), through the real CLI on a real file."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel, Level, RepRole, Role
from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash

runner = CliRunner()

# rep -> (role, manager); each rep owns one account, "<first name>'s Co"
TEAM = {
    "Mia Chen": (RepRole.MANAGER, None),
    "Ann Lee": (RepRole.REP, "Mia Chen"),
    "Ben Ortiz": (RepRole.REP, "Mia Chen"),
    "Max Roe": (RepRole.MANAGER, None),
    "Cy Park": (RepRole.REP, "Max Roe"),
}


def account_of(rep: str) -> str:
    return f"{rep.split()[0]}'s Co"


def build(db: Path) -> None:
    """The team above; each account has a champion (contacted, with a next contact)
    and a user, and each rep has a review open this week."""
    ws = open_workspace(db, TODAY, create=True)
    try:
        with ws.db.write() as conn:
            ids: dict[str, str] = {}
            for name, (role, manager) in TEAM.items():
                email = f"{name.split()[0].lower()}@example.com"
                ids[name] = rep_queries.insert_rep(
                    conn, name=name, email=email, role=role, manager_id=ids.get(manager or "")
                )
                account_id = account_queries.insert_account(
                    conn, {"name": account_of(name), "rep_id": ids[name], "is_top": 1}
                )
                for person, person_role in (
                    ("Carla Diaz", Role.CHAMPION),
                    ("Uma Reyes", Role.USER),
                ):
                    pid = stakeholder_queries.insert_stakeholder(
                        conn,
                        account_id=account_id,
                        name=person,
                        email=None,
                        title=None,
                        level=Level.DIRECTOR,
                        role=person_role,
                    )
                    stakeholder_queries.insert_touch(
                        conn,
                        stakeholder_id=pid,
                        on=TODAY - timedelta(days=3),
                        channel=Channel.VIDEO,
                        note=f"call at {account_of(name)}",
                        logged_by_id=ids[name],
                    )
                    stakeholder_queries.set_next_contact(conn, pid, TODAY + timedelta(days=7))
    finally:
        ws.close()
    for name in TEAM:
        if TEAM[name][0] is RepRole.REP:
            code, _, err = cli(db, name, "review", account_of(name), "--slot", "1=Carla Diaz")
            assert code == 0, err


def cli(db: Path, rep: str | None, *args: str) -> tuple[int, str, str]:
    who = [] if rep is None else ["--rep", rep]
    result = runner.invoke(app, ["--db", str(db), *who, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def team_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("access") / "team.db"
    build(db)
    return db


# What each command asks of ACCOUNT: R (read) or W (write), and its exit code when
# allowed: a reopen of a review that is not closed, a confirm of a slot not carried
# over and a close of an incomplete review are refused by their own rules, not by access.
COMMANDS: list[tuple[str, str, tuple[str, ...], int]] = [
    ("account show", "R", ("account", "show", "ACCOUNT"), 0),
    ("account show json", "R", ("account", "show", "ACCOUNT", "-f", "json"), 0),
    ("review --status", "R", ("review", "ACCOUNT", "--status"), 0),
    ("review --slot", "W", ("review", "ACCOUNT", "--slot", "2=Uma Reyes"), 0),
    ("review --confirm", "W", ("review", "ACCOUNT", "--confirm", "1"), 2),  # not carried over
    ("review --close", "W", ("review", "ACCOUNT", "--close"), 3),  # the close rule refuses
    ("review --reopen", "W", ("review", "ACCOUNT", "--reopen", "--reason", "oops"), 2),
    ("touch", "W", ("touch", "ACCOUNT", "Carla Diaz", "--on", "today", "-c", "phone"), 0),
    ("touch nobody", "W", ("touch", "ACCOUNT", "Nobody", "--on", "today", "-c", "phone"), 4),
    ("stakeholder add", "W", ("stakeholder", "add", "ACCOUNT", "Nina New"), 0),
    ("stakeholder edit", "W", ("stakeholder", "edit", "ACCOUNT", "Uma Reyes", "--title", "CFO"), 0),
    ("stakeholder left", "W", ("stakeholder", "left", "ACCOUNT", "Uma Reyes"), 0),
    ("stakeholder back", "W", ("stakeholder", "back", "ACCOUNT", "Uma Reyes"), 0),
    ("stakeholder next", "W", ("stakeholder", "next", "ACCOUNT", "Uma Reyes", "--on", "+1w"), 0),
    ("accounts --rep", "R", ("accounts", "--rep", "OWNER"), 0),
    ("export --rep", "R", ("export", "touches", "-f", "json", "--rep", "OWNER"), 0),
]

# (who asks, whose account, may read, may write)
VIEWERS = [
    ("Ann Lee", "Ann Lee", True, True),  # her own account
    ("Ann Lee", "Ben Ortiz", False, False),  # another rep's
    ("Mia Chen", "Ann Lee", True, False),  # a manager, her report's: reads, does not write
    ("Max Roe", "Ann Lee", False, False),  # a manager, not Ann's
    ("Mia Chen", "Mia Chen", True, True),  # a manager's own account
]


@pytest.mark.parametrize("viewer, owner, may_read, may_write", VIEWERS)
@pytest.mark.parametrize("name, access, args, allowed_code", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_acts_as_who_you_are(
    team_db: Path,
    tmp_path: Path,
    viewer: str,
    owner: str,
    may_read: bool,
    may_write: bool,
    name: str,
    access: str,
    args: tuple[str, ...],
    allowed_code: int,
) -> None:
    db = tmp_path / "team.db"
    db.write_bytes(team_db.read_bytes())
    db.chmod(0o600)
    filled = tuple(a.replace("ACCOUNT", account_of(owner)).replace("OWNER", owner) for a in args)
    allowed = may_read if access == "R" else may_write
    before = content_hash(db)
    code, stdout, stderr = cli(db, viewer, *filled)
    if allowed:
        assert code == allowed_code, (code, stdout, stderr)
        if access == "R":
            assert content_hash(db) == before  # reading writes nothing
        return
    assert code == 3, (code, stdout, stderr)
    viewer_role = TEAM[viewer][0].value
    if "OWNER" in args:
        assert f"those are {owner}'s accounts; you are {viewer} ({viewer_role})" in stderr
    else:
        expected = f"{account_of(owner)} is {owner}'s account; you are {viewer} ({viewer_role})"
        assert expected in stderr, stderr
    assert "Traceback" not in stderr
    assert stdout == ""  # nothing of the account is shown
    assert content_hash(db) == before  # and nothing changed


def _names(db: Path, viewer: str, kind: str) -> set[str]:
    code, stdout, stderr = cli(db, viewer, "export", kind, "-f", "json")
    assert code == 0, stderr
    rows = json.loads(stdout)
    return {row.get("account", row.get("name")) for row in rows}


@pytest.mark.parametrize(
    "kind", ["accounts", "stakeholders", "touches", "reviews", "next-contacts"]
)
def test_exports_hold_only_what_the_viewer_may_see(team_db: Path, kind: str) -> None:
    seen = {viewer: _names(team_db, viewer, kind) for viewer in TEAM}
    assert seen["Ann Lee"] == {"Ann's Co"}
    assert seen["Ben Ortiz"] == {"Ben's Co"}
    if kind == "reviews":  # only reps opened reviews
        assert seen["Mia Chen"] == {"Ann's Co", "Ben's Co"}
        assert seen["Max Roe"] == {"Cy's Co"}
    else:
        assert seen["Mia Chen"] == {"Mia's Co", "Ann's Co", "Ben's Co"}
        assert seen["Max Roe"] == {"Max's Co", "Cy's Co"}
    assert seen["Cy Park"] == {"Cy's Co"}


def test_accounts_and_queue_list_only_what_the_viewer_may_see(team_db: Path) -> None:
    code, stdout, _ = cli(team_db, "Mia Chen", "accounts", "-f", "json")
    assert code == 0
    assert [a["name"] for a in json.loads(stdout)] == ["Ann's Co", "Ben's Co", "Mia's Co"]
    code, stdout, _ = cli(team_db, "Ann Lee", "accounts", "-f", "csv")
    assert code == 0
    assert [line.split(",")[1] for line in stdout.splitlines()[1:]] == ["Ann's Co"]
    code, stdout, _ = cli(team_db, "Ben Ortiz", "queue", "-f", "json")
    assert code == 0
    assert [i["name"] for i in json.loads(stdout)["items"]] == ["Ben's Co"]


def test_with_no_one_signed_in_reads_work_and_writes_ask_who_you_are(team_db: Path) -> None:
    before = content_hash(team_db)
    code, stdout, _ = cli(team_db, None, "accounts", "-f", "json")
    assert code == 0
    assert len(json.loads(stdout)) == len(TEAM)  # the whole file: no one is narrowed
    code, _, stderr = cli(
        team_db, None, "touch", "Ann's Co", "Carla Diaz", "--on", "today", "-c", "phone"
    )
    assert code == 2
    assert "--rep: say who you are to change Ann's Co (it is Ann Lee's account)" in stderr
    code, _, stderr = cli(team_db, None, "review", "Ann's Co", "--slot", "2=Uma Reyes")
    assert code == 2
    assert "say who you are" in stderr
    assert content_hash(team_db) == before
