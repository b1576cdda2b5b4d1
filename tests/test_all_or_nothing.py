"""Every command is all-or-nothing: a refused command changes nothing at all.

- A table of refused invocations of every CLI command, the bad part last, after
  valid ones: each exits non-zero and leaves every table's rows as they were.
- Failures injected in the last write of a multi-row command (a trigger that aborts,
  as a full disk would): the rows written before it are not kept either.
- A property test: any sequence of --slot / --confirm / --close either applies
  entirely (exit 0) or changes nothing.
- The TUI's "add a new stakeholder, then put them in the slot" is one save.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.domain.dates import IsoWeek
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.review_edits import ReviewEdits, apply_review_edits
from accountreview.services.reviews import review_view
from accountreview.services.stakeholders import set_next_contact
from accountreview.services.workspace import open_workspace
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, content_hash, copy_of, seed

runner = CliRunner()
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "40"))
WEEK = IsoWeek.of(TODAY)  # 2026-W48
LAST_WEEK = "2026-W47"
FIVE = ["Carla Diaz", "Ivan Petrov", "Paula Moss", "Sam Okafor", "Uma Reyes"]


def _build_base(path: Path) -> None:
    """The seeded account, Uma's next contact planned, last week's review closed with the
    five, and this week's open review with Carla in slot 1 and Sam in slot 2."""
    ws = open_workspace(path, TODAY, create=True)
    try:
        seeded = seed(ws)
        ws.actor_id = seeded.rep_id
        account = resolve_account(ws, "Acme Corp")
        uma = resolve_stakeholder(ws, account, "Uma Reyes")
        set_next_contact(ws, uma, TODAY + timedelta(days=7))
        five = ReviewEdits(slots=list(enumerate(FIVE, start=1)), close=True)
        apply_review_edits(ws, account, IsoWeek.parse(LAST_WEEK), five)
        two = ReviewEdits(  # the review starts with last week's five: keep two of them
            slots=[(1, "Carla Diaz"), (2, "Sam Okafor"), (3, None), (4, None), (5, None)]
        )
        apply_review_edits(ws, account, WEEK, two)
    finally:
        ws.close()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "review.db"
    _build_base(path)
    assert not Path(f"{path}-wal").exists()  # closed: the file alone holds it all
    return path


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    return copy_of(base_db, tmp_path)


def run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout + result.stderr


GOOD_STAKEHOLDERS = "account,name,email,title,level,role,left_on\n" + "".join(
    f"Acme Corp,Person {n},p{n}@acme.example,Analyst,individual,user,\n" for n in range(20)
)
FILES = {
    "bad-last-row.csv": GOOD_STAKEHOLDERS + "Acme Corp,Person Z,pz@acme.example,,wizard,user,\n",
    "unknown-account.csv": GOOD_STAKEHOLDERS + "Nobody Inc,Person Y,py@x.example,,,,\n",
    "bad-touch.csv": "account,stakeholder,on,channel,note\n"
    "Acme Corp,Carla Diaz,2026-11-20,video,fine\n"
    "Acme Corp,Carla Diaz,2026-11-21,fax,bad channel\n",
    "not-a-backup.db": "this is not a database\n",
    "existing.db": "",
}

SLOT_OK = ["--slot", "5=Uma Reyes"]  # valid on its own: the refusal comes after it
REOPEN = ["--week", LAST_WEEK, "--reopen", "--reason", "fix"]  # valid: last week is closed
EDIT_OK = ["stakeholder", "edit", "Acme Corp", "Carla Diaz", "--title", "CFO", "--role", "champion"]
# command path -> refused invocations (each ends with the bad part)
REFUSED: dict[str, list[list[str]]] = {
    "review": [
        ["review", "Acme Corp", *SLOT_OK, "--slot", "4=Carla Diaz"],  # Carla is in slot 1
        ["review", "Acme Corp", *SLOT_OK, "--slot", "4=Nobody Here"],
        ["review", "Acme Corp", *SLOT_OK, "--slot", "4=Gary Old"],  # he left
        ["review", "Acme Corp", *SLOT_OK, "--slot", "9=Ivan Petrov"],
        ["review", "Acme Corp", *SLOT_OK, "--slot", "4=ann"],  # the rep, not a stakeholder
        ["review", "Acme Corp", *SLOT_OK, "--confirm", "3"],  # slot 3 is empty
        ["review", "Acme Corp", *SLOT_OK, "--confirm", "7"],
        ["review", "Acme Corp", *SLOT_OK, "--confirm", "1", "--close"],  # the close rule
        [
            "review",
            "Acme Corp",
            *SLOT_OK,
            "--slot",
            "3=Ivan Petrov",
            "--slot",
            "4=Nina Park",
            "--close",
        ],
        ["review", "Acme Corp", *SLOT_OK, "--reopen", "--reason", "typo"],  # not closed
        ["review", "Acme Corp", *SLOT_OK, "--close", "--reopen", "--reason", "x"],
        ["review", "Acme Corp", *SLOT_OK, "--week", "2026-W99"],
        ["review", "Acme Corp", *SLOT_OK, "--format", "xml"],
        ["review", "Acme Corp", "--week", LAST_WEEK, *SLOT_OK],  # closed
        ["review", "Acme Corp", *REOPEN, "--slot", "1=Nina Park", "--slot", "2=Nobody"],
        ["review", "Acme Corp", *REOPEN, "--slot", "1=Nina Park", "--close"],
        ["review", "Nobody Inc", *SLOT_OK],
    ],
    "touch": [
        ["touch", "Acme Corp", "Carla Diaz", "--on", "today", "-c", "phone", "--note", "a\x1bb"],
        ["touch", "Acme Corp", "Carla Diaz", "--on", "today", "-c", "fax"],
        ["touch", "Acme Corp", "Carla Diaz", "-c", "phone", "--on", "tomorrow"],
        ["touch", "Acme Corp", "Carla Diaz", "-c", "phone", "--on", "9999-12-31"],
        ["touch", "Acme Corp", "Nobody", "-c", "phone", "--on", "today"],
    ],
    "stakeholder add": [
        [
            "stakeholder",
            "add",
            "Acme Corp",
            "New Person",
            "--title",
            "CFO",
            "--email",
            "ceo@acme.example",
        ],
        ["stakeholder", "add", "Acme Corp", "New Person", "--title", "CFO", "--role", "wizard"],
        ["stakeholder", "add", "Acme Corp", "New Person", "--title", "CFO", "--level", "god"],
        ["stakeholder", "add", "Acme Corp", "New Person", "--email", "not-an-email"],
        ["stakeholder", "add", "Acme Corp", "  "],
        ["stakeholder", "add", "Nobody Inc", "New Person"],
    ],
    "stakeholder edit": [
        [*EDIT_OK, "--email", "cio@acme.example"],  # Ivan Petrov's
        [*EDIT_OK, "--email", "not-an-email"],
        [*EDIT_OK, "--role", "wizard"],
        [*EDIT_OK, "--level", "god"],
        [*EDIT_OK, "--name", "  "],
        [*EDIT_OK, "--name", "a\x1bb"],
        [*EDIT_OK, "--title", "x" * 201],
        ["stakeholder", "edit", "Acme Corp", "Carla Diaz"],  # nothing to change
        ["stakeholder", "edit", "Acme Corp", "Nobody", "--title", "CFO"],
        ["stakeholder", "edit", "Nobody Inc", "Carla Diaz", "--title", "CFO"],
    ],
    "stakeholder left": [
        ["stakeholder", "left", "Acme Corp", "Sam Okafor", "--on", "tomorrow"],
        ["stakeholder", "left", "Acme Corp", "Nobody"],
    ],
    "stakeholder back": [["stakeholder", "back", "Acme Corp", "Nobody"]],
    "stakeholder next": [
        ["stakeholder", "next", "Acme Corp", "Carla Diaz", "--on", "yesterday"],
        ["stakeholder", "next", "Acme Corp", "Carla Diaz", "--on", "someday"],
        ["stakeholder", "next", "Acme Corp", "Carla Diaz", "--on", "9999-12-31"],
        ["stakeholder", "next", "Acme Corp", "Carla Diaz", "--on", "+300w"],  # > 5 years
    ],
    "rep add": [
        ["rep", "add", "Ann Again", "--email", "ann@example.com", "--me"],  # a duplicate
        ["rep", "add", "Bo Diaz", "--email", "bo@example.com", "--manager", "Nobody", "--me"],
        ["rep", "add", "Bo Diaz", "--email", "bo@example.com", "--me", "--role", "boss"],
        ["rep", "add", "Bo Diaz", "--me", "--email", "bo"],
    ],
    "rep list": [["rep", "list", "--format", "xml"]],
    "accounts": [["accounts", "--top", "--rep", "Nobody"]],
    "account show": [["account", "show", "Nobody Inc"]],
    "queue": [["queue", "--week", "2026-W99"], ["queue", "--week", "0001-W01"]],
    "audit": [["audit", "--week", "W48"]],
    "export": [["export", "nothing"], ["export", "accounts", "--rep", "Nobody"]],
    "import": [
        ["import", "{dir}/bad-last-row.csv"],
        ["import", "{dir}/unknown-account.csv"],
        ["import", "{dir}/bad-touch.csv"],
        ["import", "{dir}/bad-last-row.csv", "--from", "salesforce"],
    ],
    "restore": [["restore", "{dir}/not-a-backup.db", "--yes"]],
    "backup": [["backup", "{dir}/existing.db"]],
    "demo": [["demo", "--no-open"], ["demo", "--no-open", "--scale", "huge"]],
    "init": [["init", "--bogus"]],
    "db upgrade": [["db", "upgrade", "--bogus"]],
    "check": [["check", "--bogus"]],
    "serve": [  # each refused before anything listens
        ["serve", "--host", "0.0.0.0"],
        ["serve", "--idle-timeout", "soon"],
        ["serve", "--password-file", "{dir}/no-such-file"],
        ["--rep", "Nobody", "serve"],
    ],
    "hub init": [["hub", "init"], ["hub", "init", "--hub", "postgresql://a:pw@127.0.0.1:1/hub"]],
    "hub user add": [["hub", "user", "add", "A", "--email", "a@x.io", "--hub", "postgresql://h/x"]],
    "hub account move": [
        ["hub", "account", "move", "Acme", "--to", "b@x.io"],
        ["hub", "account", "move", "Acme", "--hub", "postgresql://h/x"],
    ],
    "sync status": [["sync", "status", "--bogus"], ["sync"], ["sync", "--hub", "mysql://a@h/db"]],
    "sync conflicts": [["sync", "conflicts", "--format", "xml"]],
    "sync resolve": [["sync", "resolve", "nope00", "mine"], ["sync", "resolve", "abc", "maybe"]],
}
CASES = [(name, args) for name, cases in REFUSED.items() for args in cases]


def _command_paths(command: object, prefix: str = "") -> Iterator[str]:
    """Every runnable command of the CLI, by its words (`stakeholder add`)."""
    commands = getattr(command, "commands", None)  # a group of commands
    if commands is None:
        yield prefix.strip()
        return
    for name, sub in commands.items():
        yield from _command_paths(sub, f"{prefix}{name} ")


def test_every_command_has_refused_invocations() -> None:
    assert set(_command_paths(typer.main.get_command(app))) == set(REFUSED)


@pytest.mark.parametrize(("name", "args"), CASES, ids=[" ".join(a)[:70] for _, a in CASES])
def test_a_refused_command_changes_nothing(
    db: Path, tmp_path: Path, name: str, args: list[str]
) -> None:
    for file, text in FILES.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    before = content_hash(db)
    code, output = run(db, *[a.replace("{dir}", str(tmp_path)) for a in args])
    assert code not in (0, 1), output  # refused with a designed message, not a crash
    assert "Traceback" not in output and "unexpected" not in output
    assert content_hash(db) == before, output


def test_a_refused_review_lists_every_reason_and_says_nothing_was_saved(db: Path) -> None:
    code, output = run(
        db, "review", "Acme Corp", *SLOT_OK, "--slot", "4=Carla Diaz", "--slot", "3=Nobody"
    )
    assert code == 4  # that of the first reason: every name is looked up first
    assert "Nothing was saved: 2 problem(s)" in output
    assert "Slot 4: Carla Diaz is already in slot 1" in output
    assert "No stakeholder of Acme Corp matches 'Nobody'" in output


def test_people_can_swap_slots_in_one_command(db: Path) -> None:
    code, output = run(db, "review", "Acme Corp", "--slot", "1=Sam Okafor", "--slot", "2=Carla")
    assert code != 0  # "Carla" is not an exact name: refused, nothing moved
    code, output = run(
        db, "review", "Acme Corp", "--slot", "1=Sam Okafor", "--slot", "2=Carla Diaz"
    )
    assert code == 0, output
    ws = open_workspace(db, TODAY)
    try:
        view = review_view(ws, resolve_account(ws, "Acme Corp"), WEEK)
    finally:
        ws.close()
    assert [s.name for s in view.slots[:2]] == ["Sam Okafor", "Carla Diaz"]


# --- a failure in the last write of a multi-row command ------------------------------

CONFIRM_ALL = [a for n in range(1, 6) for a in ("--confirm", str(n))]  # last week's five
FILL = [a for n, who in enumerate(FIVE, 1) for a in ("-s", f"{n}={who}")] + CONFIRM_ALL
REST = ["-s", "3=Ivan Petrov", "-s", "4=Paula Moss", "-s", "5=Uma Reyes", *CONFIRM_ALL]
INJECTED = [
    # (the write that fails, the command whose earlier writes must not be kept)
    ("INSERT ON app_meta", ["rep", "add", "Bo Diaz", "--email", "bo@example.com", "--me"]),
    ("INSERT ON audit_log", ["review", "Acme Corp", "--week", "2026-W49", *FILL, "--close"]),
    ("INSERT ON review_snapshot", ["review", "Acme Corp", *REST, "--close"]),
    ("INSERT ON audit_log", ["review", "Acme Corp", *REOPEN]),
    ("UPDATE ON review_slot", ["stakeholder", "left", "Acme Corp", "Sam Okafor"]),
    ("INSERT ON stakeholder WHEN NEW.name = 'Person 19'", ["import", "{dir}/good.csv"]),
]


@pytest.mark.parametrize(("write", "args"), INJECTED, ids=[w for w, _ in INJECTED])
def test_a_failure_in_the_last_write_keeps_none_of_the_earlier_ones(
    db: Path, tmp_path: Path, write: str, args: list[str]
) -> None:
    import sqlite3

    (tmp_path / "good.csv").write_text(GOOD_STAKEHOLDERS, encoding="utf-8")
    on, _, when = write.partition(" WHEN ")
    conn = sqlite3.connect(db)
    conn.execute(
        f"CREATE TRIGGER injected_failure BEFORE {on} {'WHEN ' + when if when else ''}"
        " BEGIN SELECT RAISE(ABORT, 'injected failure: the disk is full'); END"
    )
    conn.commit()
    conn.close()
    before = content_hash(db)
    code, output = run(db, *[a.replace("{dir}", str(tmp_path)) for a in args])
    assert code != 0 and "injected failure" in output, output
    assert content_hash(db) == before, output


# --- any sequence of review edits --------------------------------------------------

# Mostly valid parts, so that many sequences apply; the rest are each way to be refused.
WHO = st.sampled_from([*FIVE, *FIVE, "Nina Park", "Gary Old", "Nobody", ""])
POSITION = st.sampled_from([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0, 6])
EDIT = st.one_of(
    st.tuples(POSITION, WHO).map(lambda t: ["--slot", f"{t[0]}={t[1]}"]),
    st.integers(1, 5).map(lambda n: ["--confirm", str(n)]),
    st.just(["--close"]),
)


def _expected_slots(before: list[str | None], edits: list[list[str]]) -> list[str | None]:
    slots = list(before)
    for edit in edits:
        if edit[0] == "--slot":
            position, _, who = edit[1].partition("=")
            slots[int(position) - 1] = who or None
    return slots


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.lists(EDIT, min_size=1, max_size=6))
def test_review_edits_apply_all_or_none(base_db: Path, edits: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="atomic-") as folder:
        db = Path(folder) / "review.db"
        shutil.copy(base_db, db)
        before = content_hash(db)
        args = [a for edit in edits for a in edit]
        code, output = run(db, "review", "Acme Corp", *args, "--format", "json")
        event(f"exit {code}")  # shown by pytest --hypothesis-show-statistics
        if code != 0:
            assert code in (2, 3, 4), output
            assert "Nothing was saved" in output
            assert content_hash(db) == before, output
            return
        ws = open_workspace(db, TODAY)
        try:
            view = review_view(ws, resolve_account(ws, "Acme Corp"), WEEK)
        finally:
            ws.close()
        start: list[str | None] = ["Carla Diaz", "Sam Okafor", None, None, None]
        assert [s.name for s in view.slots] == _expected_slots(start, edits)
        confirmed = {int(e[1]) for e in edits if e[0] == "--confirm"}
        assert all(view.slots[p - 1].confirmed_in_role for p in confirmed)
        assert (view.status.value == "closed") == (["--close"] in edits)


# --- nested writes ------------------------------------------------------------------


def test_a_nested_write_that_fails_rolls_back_alone(db: Path) -> None:
    ws = open_workspace(db, TODAY)
    try:
        conn = ws.db.conn
        with ws.db.write():
            conn.execute("INSERT INTO app_meta (key, value) VALUES ('outer', '1')")
            with pytest.raises(RuntimeError), ws.db.write():
                conn.execute("INSERT INTO app_meta (key, value) VALUES ('inner', '1')")
                raise RuntimeError("refused")
            with ws.db.write():
                conn.execute("INSERT INTO app_meta (key, value) VALUES ('after', '1')")
        keys = {r[0] for r in conn.execute("SELECT key FROM app_meta")}
    finally:
        ws.close()
    assert {"outer", "after"} <= keys and "inner" not in keys


# --- the TUI: a new stakeholder straight into a slot -------------------------------


async def _new_stakeholder_form_for_slot_3(pilot: Pilot[None]) -> None:
    from accountreview.tui.screens.forms import NewStakeholderForm

    await pilot.pause()
    await pilot.press("enter")  # the review of Acme Corp
    await pilot.pause()
    # slot 3: "+ Add a new…", what was typed to filter becomes the new person's name
    await pilot.press("down", "down", "enter", *"Zed New", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NewStakeholderForm)


def _count(db: Path, sql: str) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


async def test_a_new_stakeholder_goes_into_the_slot_in_the_same_save(db: Path) -> None:
    from accountreview.tui import AccountReviewApp

    app = AccountReviewApp(open_workspace(db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_stakeholder_form_for_slot_3(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert _count(db, "SELECT count(*) FROM stakeholder WHERE name = 'Zed New'") == 1
        assert _count(
            db,
            "SELECT count(*) FROM review_slot s JOIN stakeholder p ON p.id = s.stakeholder_id"
            " WHERE s.position = 3 AND p.name = 'Zed New'",
        )
        review = next(s for s in app.screen_stack if isinstance(s, ReviewScreen))
        assert review.view is not None and review.view.slots[2].name == "Zed New"


async def test_a_new_stakeholder_the_slot_refuses_is_not_added_either(db: Path) -> None:
    from textual.widgets import Static

    from accountreview.tui import AccountReviewApp
    from accountreview.tui.screens.forms import NewStakeholderForm

    app = AccountReviewApp(open_workspace(db, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_stakeholder_form_for_slot_3(pilot)
        # Meanwhile another program fills the last three slots and closes the review.
        other = open_workspace(db, TODAY)
        other.actor_id = app.ws.actor_id  # the same rep, in a script beside the app
        try:
            slots = [(3, FIVE[1]), (4, FIVE[2]), (5, FIVE[4])]
            rest = ReviewEdits(slots=slots, confirms=range(1, 6), close=True)
            apply_review_edits(other, resolve_account(other, "Acme Corp"), WEEK, rest)
        finally:
            other.close()
        before = content_hash(db)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewStakeholderForm)  # still open, with what was typed
        error = str(app.screen.query_one(".field-error", Static).render())
        assert "closed" in error
        assert content_hash(db) == before  # the stakeholder was not added without the slot
        assert _count(db, "SELECT count(*) FROM stakeholder WHERE name = 'Zed New'") == 0
