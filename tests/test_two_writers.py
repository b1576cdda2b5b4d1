"""Two processes write the same database at the same time: both succeed, nothing is lost.

Each pair starts together (both open the database, say they are ready, and are
released at the same instant), then:

- a rep editing through the services the TUI calls, and a rep running the
  real CLI commands (`touch`, `review --slot/--confirm/--close/--reopen`,
  `stakeholder next/left/back/add`, through Typer's CliRunner), 1,000 edits
  each (ACCOUNTREVIEW_TWO_WRITERS_EDITS);
- the real app driven by keys, and `accountreview import` of 5,000-row files
  run again and again until the app is done: the app's edits wait for the
  import's write lock. Pilot waits for the app to be idle after every key, so
  an app edit takes about half a second; 15 edits (ACCOUNTREVIEW_TWO_WRITERS_TUI_EDITS)
  span several imports, which is what this proves.

Every command and edit must succeed (no "database is locked", no error exit),
the two must have overlapped in time, and afterwards the database must hold
exactly what both confirmed (`crash.facts.read_facts`). The writers work on
different accounts, so each fact has one writer and its final value is known.

Last, a writer that keeps the lock past the busy timeout (an import of more than
~100,000 rows holds it over 10 s): a save in the app or the CLI is then refused
with a message saying the database is busy, nothing is saved, and the app stays up.
"""

import itertools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accountreview.cli import app as cli_app
from accountreview.db import connection
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY
from crash import data, facts
from crash.facts import Facts
from crash.runner import ChildRun, python, run_together

EDITS = int(os.environ.get("ACCOUNTREVIEW_TWO_WRITERS_EDITS") or 1000)
TUI_EDITS = int(os.environ.get("ACCOUNTREVIEW_TWO_WRITERS_TUI_EDITS") or 15)
SERVICE_EDITS_PER_CLI_EDIT = 5
IMPORT_ROWS = 5000


def confirmed(run: ChildRun) -> list[tuple[float, Facts]]:
    """(time, facts) of every confirmed edit of a child (its groups merged)."""
    return [
        (at, {key: value for group in groups for key, value in group.items()})
        for at, kind, groups in run.lines
        if kind == "D"
    ]


def assert_succeeded(run: ChildRun, who: str) -> None:
    assert run.returncode == 0, f"{who} failed (exit {run.returncode}):\n{run.stderr[-3000:]}"
    assert "locked" not in run.stderr, f"{who}:\n{run.stderr[-3000:]}"
    assert not [payload for _, kind, payload in run.lines if kind not in "RWDX"], who


def assert_holds_exactly(db: Path, before: Facts, runs: list[ChildRun]) -> int:
    """The database holds the state before plus every confirmed edit of each writer."""
    expected = dict(before)
    keys_of = [{key for _, edit in confirmed(run) for key in edit} for run in runs]
    assert not keys_of[0] & keys_of[1], "the writers must not share a fact"
    for run in runs:
        for _, edit in confirmed(run):
            expected.update(edit)
    actual, problems = facts.check_database(db)
    assert not problems, "\n".join(problems)
    assert actual == expected, facts.difference(actual, expected)
    return len(actual)


def switches(a: list[float], b: list[float]) -> int:
    """How often the merged sequence of confirmations passes from one writer to the other."""
    merged = sorted([(t, 0) for t in a] + [(t, 1) for t in b])
    return sum(1 for x, y in itertools.pairwise(merged) if x[1] != y[1])


def test_services_and_cli_write_at_once_and_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    data.seed_database(db, TODAY)
    before, _ = facts.check_database(db)
    # An edit through the services takes a fraction of a CLI command (0.7 s for 1,000 against
    # 6 s here): the services writer makes more, so that it is still writing while the CLI is.
    edits = {"services writer": SERVICE_EDITS_PER_CLI_EDIT * EDITS, "CLI writer": EDITS}
    runs = run_together(
        [
            python("crash.rep_child", db, TODAY, 1, "a", *["--accounts", "1,2,3"],
                   "--edits", edits["services writer"], "--wait"),
            python("crash.rep_child", db, TODAY, 2, "b", *["--accounts", "4,5,6"],
                   "--edits", EDITS, "--wait", "--via", "cli"),
        ]
    )  # fmt: skip
    for run, who in zip(runs, edits, strict=True):
        assert_succeeded(run, who)
        assert len(confirmed(run)) == edits[who], who
    checked = assert_holds_exactly(db, before, runs)

    a, b = ([at for at, _ in confirmed(run)] for run in runs)
    both_from, both_until = max(a[0], b[0]), min(a[-1], b[-1])
    a_during = sum(both_from <= t <= both_until for t in a)
    b_during = sum(both_from <= t <= both_until for t in b)
    print(
        f"\ntwo writers: services {len(a)} edits in {a[-1]:.1f} s, CLI {EDITS} commands in"
        f" {b[-1]:.1f} s; while both ran: {a_during} + {b_during} edits, {switches(a, b)}"
        f" switches between them; {checked} facts checked; refused (unchanged):"
        f" {sum(k == 'X' for r in runs for _, k, _ in r.lines)}"
    )
    assert both_until > both_from
    assert min(a_during, b_during) >= min(EDITS // 10, 50), "the writers did not overlap"
    assert switches(a, b) >= min(EDITS // 10, 50)


def test_app_and_big_imports_write_at_once_and_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    data.seed_database(db, TODAY, bulk_accounts=10)
    before, _ = facts.check_database(db)
    bulk = ",".join(str(n) for n in range(7, 17))  # the app's snapshots stay the app's
    importing = ["--rows", IMPORT_ROWS, "--accounts", bulk, "--wait"]
    runs = run_together(
        [
            python("crash.tui_child", db, TODAY, 3, "t", "--edits", TUI_EDITS, "--wait"),
            python("crash.import_child", db, TODAY, 4, "i", *importing),
        ],
        stop_others=True,
    )
    app, imports = runs
    assert_succeeded(app, "the app")
    assert_succeeded(imports, "the imports")
    assert len(confirmed(app)) == TUI_EDITS
    checked = assert_holds_exactly(db, before, runs)

    starts = [at for at, kind, _ in imports.lines if kind == "W"]
    ends = [at for at, _ in confirmed(imports)]
    spans = list(zip(starts, ends, strict=False))
    during = sum(any(s <= at <= e for s, e in spans) for at, _ in confirmed(app))
    print(
        f"\ntwo writers: the app made {TUI_EDITS} edits in {confirmed(app)[-1][0]:.1f} s"
        f" while {len(ends)} imports of {IMPORT_ROWS} rows ran ({len(ends) * IMPORT_ROWS} rows);"
        f" {during} app edits saved during an import; {checked} facts checked"
    )
    assert len(ends) >= 2
    assert during >= min(TUI_EDITS // 3, 10), "the app and the imports did not overlap"


# --- a writer that holds the lock longer than the busy timeout -----------------------------
#
# Every write waits up to BUSY_TIMEOUT_MS for the lock, then gives up. A large import
# (over ~100,000 rows) holds it longer than the 10 s default; these tests hold it with
# a raw connection and lower the timeout, so they take a fraction of a second.


@pytest.fixture
def locked_by_another_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """A seeded database whose write lock another connection holds (until it lets go)."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)
    db = tmp_path / "busy.db"
    data.seed_database(db, TODAY)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield db, holder
    holder.close()


async def test_an_app_save_that_waits_out_the_lock_is_refused_with_a_message(
    locked_by_another_program: tuple[Path, sqlite3.Connection],
) -> None:
    db, holder = locked_by_another_program
    app = AccountReviewApp(open_workspace(db, TODAY, create=True))
    shown: list[str] = []
    notify = app.notify

    def spy(message: str, **options: Any) -> None:
        shown.append(message)
        notify(message, **options)

    app.notify = spy  # type: ignore[method-assign]
    filled = "SELECT count(*) FROM review_slot WHERE stakeholder_id IS NOT NULL"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the first review of the queue
        await pilot.press("enter", "down", "enter")  # slot 1: the first person listed
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen), "the app must stay up"
        assert any("database is busy" in text for text in shown), shown
        assert holder.execute(filled).fetchone() == (0,)

        holder.execute("ROLLBACK")  # the other program is done: the same keys save
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert holder.execute(filled).fetchone() == (1,)


def test_a_cli_edit_that_waits_out_the_lock_says_so_without_a_traceback(
    locked_by_another_program: tuple[Path, sqlite3.Connection],
) -> None:
    db, holder = locked_by_another_program
    touch = ["touch", data.account_name(1), data.person_name(1, 0), "--on", "today", "-c", "video"]
    result = CliRunner().invoke(cli_app, ["--db", str(db), *touch])
    assert result.exit_code == 5  # busy: see the exit codes in README.md
    assert "database is busy" in result.output and "Traceback" not in result.output
    logged = holder.execute("SELECT count(*) FROM touch WHERE touched_on = ?", (str(TODAY),))
    assert logged.fetchone() == (0,), "nothing was saved"
