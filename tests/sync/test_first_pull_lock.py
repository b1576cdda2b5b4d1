"""A first pull never keeps another writer of the file waiting (services/sync/pull.py,
db/sync/first_copy.py): the hub is read into a side file, then copied a chunk per
transaction. While it runs, another connection finds the file's write lock free (during
the hub read and between every two chunks), and what it writes meanwhile (a touch on a
pulled person, a new account, a review the hub has too) is kept and pushed at the next
sync, after which the file equals the hub's view and `check` passes; no committed state
lacks a trigger. A kill at any moment of the first pull, or a side file gone after one,
still ends with the file equal to the hub's view."""

import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accountreview.db import bulk
from accountreview.services.sync import pull, sync_once
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from sync.team import SYNCED, Laptop, Team, hub_rows, import_account, local_conn, outbox_count
from sync.team import person_name as name_of
from sync.test_first_pull import busy_history, hub_reads
from sync.test_sync_kill import assert_same_as_hub, kill_when_paused, start_sync

BATCH = "7"  # rows per chunk: a first pull of the busy history has dozens of them


def assert_done_as_hub(team: Team, laptop: Laptop) -> None:
    """The file equals the hub's view, `check` passes, and the side file is gone."""
    assert_same_as_hub(team, laptop)
    assert not Path(f"{laptop.path}.first-pull").exists()


def lock_is_free(path: Path) -> bool:
    """Whether another connection gets the file's write lock at once (no wait at all)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def triggers(path: Path) -> set[str]:
    with local_conn(path) as conn:
        return {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }


def count(path: Path, table: str) -> int:
    with local_conn(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def copying(path: Path) -> str:
    """The table a first pull's copy is at ('' before it starts)."""
    with local_conn(path) as conn:
        row = conn.execute("SELECT value FROM sync_state WHERE key = 'first-pull'").fetchone()
    return str(row[0]).split()[0] if row else ""


def pull_with(
    laptop: Laptop, monkeypatch: pytest.MonkeyPatch, at_point: Callable[[str], None]
) -> None:
    """The first sync of `laptop`'s new file in this thread, `at_point(name)` called at each
    checkpoint of the first pull (another connection acts there)."""
    monkeypatch.setenv("ACCOUNTREVIEW_SYNC_BATCH", BATCH)
    monkeypatch.setattr(pull, "checkpoint", at_point)
    ws = open_workspace(laptop.path, TODAY, create=True)
    try:
        report = sync_once(ws, laptop.url)
    finally:
        ws.close()
    assert report.first_pull and report.pulled > 40


def test_a_copied_chunk_shrinks_to_fit_its_time_and_grows_back() -> None:
    target = pull.FIRST_COPY_SECONDS
    assert pull.next_chunk(5000, target * 4, 5000) == 1250  # 4x too long: a quarter
    assert pull.next_chunk(1000, target * 1.01, 5000) == 990  # a little too long: smaller
    assert pull.next_chunk(2, target * 100, 5000) == 1  # never none
    assert pull.next_chunk(1000, target / 4, 5000) == 2000  # quick: doubled
    assert pull.next_chunk(4000, target / 4, 5000) == 5000  # up to the most
    assert pull.next_chunk(1000, target * 0.75, 5000) == 1000  # about right: kept


def test_another_writer_never_waits_and_its_edits_are_kept_and_pushed(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_history(team)
    fresh = team.laptop("ann", "ann-fresh")
    schema = triggers(team.laptop("ann", "ann-history").path)
    seen: list[str] = []
    edits: list[str] = []

    def at_point(name: str) -> None:
        seen.append(name)
        assert lock_is_free(fresh.path), f"the write lock was held at {name}"
        assert triggers(fresh.path) == schema, f"a trigger was missing at {name}"
        if name != "first-pull-copied":
            return
        if "touch" not in edits and copying(fresh.path) in SYNCED[3:]:  # people are in
            code, out, err = fresh.cli(
                "--rep", fresh.person.email, "touch", "Acme", name_of("Acme", 1),
                "--on", TODAY.isoformat(), "--channel", "phone", "--note", "while the pull ran",
            )  # fmt: skip
            assert code == 0, out + err
            edits.append("touch")
        if "account" not in edits and copying(fresh.path) == "account":
            import_account(fresh, "Made Meanwhile", people=2)
            edits.append("account")

    pull_with(fresh, monkeypatch, at_point)
    assert seen.count("first-pull-copied") >= 5 and "pull-fetched" in seen  # several chunks
    assert sorted(edits) == ["account", "touch"]
    assert outbox_count(fresh.path) > 0  # the edits wait to be pushed; the pulled rows not
    assert not Path(f"{fresh.path}.first-pull").exists()
    assert bulk.schema_objects(open_workspace(fresh.path, TODAY).db.conn)  # schema intact
    monkeypatch.undo()
    code, report, err = fresh.sync_cli()
    assert code == 0 and report is not None and report["pushed"] > 0, err
    assert outbox_count(fresh.path) == 0
    assert_done_as_hub(team, fresh)
    with team.hub_as("ann") as hub:
        notes = [r["note"] for r in hub_rows(hub, "touch")]
        names = [r["name"] for r in hub_rows(hub, "account")]
    assert "while the pull ran" in notes and "Made Meanwhile" in names


def test_a_review_opened_meanwhile_that_the_hub_has_takes_the_hubs_record(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = busy_history(team)
    code, out, err = ann.cli("review", "Globex", f"--slot=1={name_of('Globex', 2)}")
    assert code == 0 and ann.sync_cli()[0] == 0, out + err  # Globex's review open on the hub
    fresh = team.laptop("ann", "ann-review")
    opened: list[bool] = []

    def at_point(name: str) -> None:
        if name == "first-pull-copied" and not opened and copying(fresh.path) == "touch":
            code, out, err = fresh.cli(
                "--rep", fresh.person.email, "review", "Globex", f"--slot=2={name_of('Globex', 3)}"
            )
            assert code == 0, out + err  # the same review (its id derived), opened here
            opened.append(True)

    pull_with(fresh, monkeypatch, at_point)
    assert opened
    monkeypatch.undo()
    code, _, err = fresh.sync_cli()
    assert code == 0, err
    assert_done_as_hub(team, fresh)
    with local_conn(fresh.path) as conn:
        slots = conn.execute(
            "SELECT l.position, s.name FROM review_slot l JOIN review r ON r.id = l.review_id"
            " JOIN account a ON a.id = r.account_id JOIN stakeholder s ON s.id = l.stakeholder_id"
            " WHERE a.name = 'Globex' ORDER BY l.position"
        ).fetchall()
    assert [tuple(r) for r in slots] == [(1, name_of("Globex", 2)), (2, name_of("Globex", 3))]


@pytest.mark.parametrize("point", ["pull-fetched", "first-pull-copied"])
def test_killed_during_a_first_pull_an_edit_meanwhile_survives_the_rerun(
    team: Team, point: str
) -> None:
    busy_history(team)
    fresh = team.laptop("ann", f"ann-{point}")
    open_workspace(fresh.path, TODAY, create=True).close()  # as the app has it: copied into
    kill_when_paused(start_sync(fresh, point), point)
    if point == "first-pull-copied":  # part of the rows are in, the copy's progress saved
        assert sum(count(fresh.path, t) for t in SYNCED) > 0 and count(fresh.path, "touch") == 0
        code, out, err = fresh.cli("account", "show", "Acme")
        assert code in (0, 4), out + err  # a half-copied file reads, never fails
    code, report, err = fresh.sync_cli()
    assert code == 0 and report is not None and report["pulled"] > 0, err
    assert_done_as_hub(team, fresh)
    code, out, err = fresh.cli(
        "touch", "Acme", name_of("Acme", 2), "--on", TODAY.isoformat(), "--channel", "email"
    )
    assert code == 0, out + err
    code, report, err = fresh.sync_cli()
    assert code == 0 and report is not None and report["pushed"] == 1, err
    assert_done_as_hub(team, fresh)


def test_a_copy_whose_side_file_is_gone_is_finished_by_the_batched_pull(team: Team) -> None:
    busy_history(team)
    fresh = team.laptop("ann", "ann-gone")
    open_workspace(fresh.path, TODAY, create=True).close()  # as the app has it: copied into
    kill_when_paused(start_sync(fresh, "first-pull-copied"), "first-pull-copied")
    Path(f"{fresh.path}.first-pull").unlink()
    code, report, err = fresh.sync_cli()
    assert code == 0 and report is not None and report["pulled"] > 0, err
    assert_done_as_hub(team, fresh)


def test_kill_9_at_random_moments_of_a_first_pull_loses_nothing(team: Team) -> None:
    chance = random.Random(int(os.environ.get("ACCOUNTREVIEW_SYNC_SEED") or 6))
    busy_history(team)
    probe = team.laptop("ann", "ann-probe")
    start = time.monotonic()
    assert start_sync(probe).wait(timeout=60) == 0
    took = time.monotonic() - start
    kills = int(os.environ.get("ACCOUNTREVIEW_SYNC_KILLS") or 6)
    for round_ in range(kills):
        fresh = team.laptop("ann", f"ann-random-{round_}")
        for _ in range(2):  # killed twice, maybe at two moments of the same first pull
            process = start_sync(fresh)
            time.sleep(chance.uniform(took * 0.3, took))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        code, _, err = fresh.sync_cli()
        assert code == 0, err
        assert_done_as_hub(team, fresh)


def test_a_second_sync_while_a_first_pull_loads_is_busy_and_leaves_its_side_file(
    team: Team,
) -> None:
    busy_history(team)
    fresh = team.laptop("ann", "ann-twice")
    open_workspace(fresh.path, TODAY, create=True).close()  # the file made, nothing pulled
    side = Path(f"{fresh.path}.first-pull")
    loader = sqlite3.connect(side, isolation_level=None)  # as a first pull's load holds it
    try:
        loader.execute("CREATE TABLE being_loaded (x)")
        loader.execute("BEGIN IMMEDIATE")
        loader.execute("INSERT INTO being_loaded VALUES (1)")
        code, _, err = fresh.sync_cli()
        assert code == 5 and "another sync is pulling" in err, err
        assert side.exists()
    finally:
        loader.close()
    code, _, err = fresh.sync_cli()  # the other one gone: this one pulls
    assert code == 0, err
    assert_done_as_hub(team, fresh)


def test_a_hub_record_that_does_not_hold_together_changes_nothing_in_the_file(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accountreview.hub.pull import Chunk

    busy_history(team)
    fresh = team.laptop("ann", "ann-forged")

    def one_frozen_slot_short(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        dropped = False
        for chunk in chunks:
            if chunk.table == "review_snapshot" and not dropped:
                chunk, dropped = chunk._replace(rows=chunk.rows[1:]), True
            yield chunk

    hub_reads(monkeypatch, one_frozen_slot_short)
    ws = open_workspace(fresh.path, TODAY, create=True)
    try:
        with pytest.raises(ValueError, match="a record this file cannot take"):
            sync_once(ws, fresh.url)
    finally:
        ws.close()
    assert sum(count(fresh.path, t) for t in SYNCED) == 0  # not one row came in
    assert not Path(f"{fresh.path}.first-pull").exists()
    monkeypatch.undo()
    code, _, err = fresh.sync_cli()
    assert code == 0, err
    assert_done_as_hub(team, fresh)
