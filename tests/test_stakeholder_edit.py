"""`stakeholder edit`: every field through the real CLI on a real file, the refusals
(in tests/test_all_or_nothing.py and tests/test_access.py), and a closed review's frozen
five unchanged by an edit."""

import json
from pathlib import Path

from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Level, Role
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.review_edits import ReviewEdits, apply_review_edits
from accountreview.services.stakeholders import set_next_contact
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded, content_hash

runner = CliRunner()
FIVE = ["Carla Diaz", "Ivan Petrov", "Paula Moss", "Sam Okafor", "Uma Reyes"]


def run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout + result.stderr


def person(
    ws: Workspace, who: str
) -> tuple[str, str, str | None, Level | None, Role | None, str | None]:
    p = resolve_stakeholder(ws, resolve_account(ws, "Acme Corp"), who)
    return (p.id, p.name, p.title, p.level, p.role, p.email)


def test_every_field_can_be_edited_and_cleared(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    pid = seeded.people["new"]
    code, output = run(
        db_path, "stakeholder", "edit", "Acme Corp", "Nina Park",
        "--name", "Nina Park-Lee", "--title", "CFO", "--level", "vp",
        "--role", "economic buyer", "--email", "Nina@Acme.example",
    )  # fmt: skip
    assert code == 0, output
    assert "Saved Nina Park-Lee (Acme Corp): CFO · VP · economic buyer" in output
    assert person(ws, pid) == (
        pid, "Nina Park-Lee", "CFO", Level.VP, Role.ECONOMIC_BUYER, "Nina@Acme.example"
    )  # fmt: skip
    # Each field alone; the others are kept. The person's own email is not a duplicate.
    for flag, value, index, expected in [
        ("--title", "VP Finance", 2, "VP Finance"),
        ("--level", "director", 3, Level.DIRECTOR),
        ("--role", "finance", 4, Role.FINANCE),
        ("--email", "nina@acme.example", 5, "nina@acme.example"),
        ("--name", "  Nina P.  ", 1, "Nina P."),
    ]:
        code, output = run(db_path, "stakeholder", "edit", "Acme Corp", pid, flag, value)
        assert code == 0, output
        assert person(ws, pid)[index] == expected
    code, output = run(
        db_path, "stakeholder", "edit", "Acme Corp", pid,
        "--title", "", "--level", "", "--role", "", "--email", "",
    )  # fmt: skip
    assert code == 0, output
    assert person(ws, pid) == (pid, "Nina P.", None, None, None, None)


def test_a_refused_edit_names_the_field_and_changes_nothing(db_path: Path, seeded: Seeded) -> None:
    before = content_hash(db_path)
    for args, says in [
        (["--title", "CFO", "--email", "cio@acme.example"], "email: cio@acme.example is already"),
        (["--title", "CFO", "--role", "wizard"], "--role"),
        (["--title", "CFO", "--name", ""], "name: '' is not valid"),
        ([], "nothing to change"),
    ]:
        code, output = run(db_path, "stakeholder", "edit", "Acme Corp", "Carla Diaz", *args)
        assert code in (2, 3), output
        assert says in output, output
        assert "Traceback" not in output
    assert content_hash(db_path) == before


def test_a_person_without_a_role_is_fixed_in_place(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    """An imported person without a role blocked the close until re-added; now edit them."""
    ws.db.conn.execute("UPDATE stakeholder SET role = NULL WHERE id = ?", (seeded.people["cio"],))
    ws.db.conn.commit()
    slots = [a for n, who in enumerate(FIVE, 1) for a in ("-s", f"{n}={who}")]
    run(db_path, "stakeholder", "next", "Acme Corp", "Uma Reyes", "--on", "+1w")
    code, output = run(db_path, "review", "Acme Corp", *slots, "--close")
    assert code == 3 and "Slot 2: Ivan Petrov has no role" in output, output
    code, output = run(db_path, "stakeholder", "edit", "Acme Corp", "Ivan Petrov", "--role", "it")
    assert code == 0, output
    code, output = run(db_path, "review", "Acme Corp", *slots, "--close")
    assert code == 0, output


def test_an_edit_never_changes_a_closed_review(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    account = resolve_account(ws, "Acme Corp")
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    week = IsoWeek.of(TODAY).previous()
    apply_review_edits(ws, account, week, ReviewEdits(slots=list(enumerate(FIVE, 1)), close=True))

    def frozen() -> list[dict[str, object]]:
        args = ("review", "Acme Corp", "--week", str(week), "--status", "-f", "json")
        slots: list[dict[str, object]] = json.loads(run(db_path, *args)[1])["slots"]
        return slots

    snapshot = ws.db.conn.execute("SELECT * FROM review_snapshot ORDER BY position").fetchall()
    before = frozen()
    code, output = run(
        db_path, "stakeholder", "edit", "Acme Corp", "Sam Okafor",
        "--name", "Samuel Okafor", "--title", "COO", "--role", "user",
    )  # fmt: skip
    assert code == 0, output
    assert frozen() == before  # the five as they stood at the close
    assert before[3]["stakeholder"] == "Sam Okafor" and before[3]["role"] == "champion"
    assert (
        ws.db.conn.execute("SELECT * FROM review_snapshot ORDER BY position").fetchall() == snapshot
    )
    code, output = run(db_path, "check")
    assert code == 0, output
    # This week's review shows the person as they are now.
    now = json.loads(run(db_path, "review", "Acme Corp", "--status", "-f", "json")[1])["slots"]
    assert now[3]["stakeholder"] == "Samuel Okafor" and now[3]["role"] == "user"
