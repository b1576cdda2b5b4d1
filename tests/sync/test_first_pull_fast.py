"""The first pull into a file the sync itself made (services/sync/pull._load_as_file,
db/sync/first_pull.adopt_side): the hub's rows are loaded into a copy of the whole file,
which is then renamed over it, each row written once. The file ends as the hub has it,
with its own `sync_state` (device id, hub), private, with no side file left; a kill
before the rename leaves the file as the sync made it (the next sync pulls again), after
it the file is whole; a file found open elsewhere (a write-ahead log) is never replaced:
the copy path takes the loaded rows instead."""

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from accountreview.db.chain import local_origin
from accountreview.db.sync.first_pull import HubRecordRefused, adopt_side, side_path
from accountreview.services.sync import pull, sync_file, sync_once
from accountreview.services.sync.report import HubOffline
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from sync.team import Team, local_conn, outbox_count
from sync.test_first_pull import busy_history, hub_reads
from sync.test_first_pull_lock import assert_done_as_hub
from sync.test_sync_kill import kill_when_paused, start_sync


def synced_rows(path: Path) -> int:
    """Rows of the synced tables in the file at `path` (0: nothing pulled yet)."""
    with local_conn(path) as conn:
        return int(conn.execute("SELECT count(*) FROM stakeholder").fetchone()[0]) + int(
            conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        )


def sync_state(path: Path) -> dict[str, str]:
    """The file's `sync_state`, its progress keys left out."""
    with local_conn(path) as conn:
        rows = conn.execute("SELECT key, value FROM sync_state").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def test_a_first_pull_into_a_file_the_sync_made_renames_a_whole_loaded_copy(
    team: Team,
) -> None:
    busy_history(team)
    fresh = team.laptop("ann", "ann-fresh")
    kill_when_paused(start_sync(fresh, "first-pull-loaded"), "first-pull-loaded")
    assert side_path(fresh.path).is_file()  # loaded and checked, not yet renamed
    assert synced_rows(fresh.path) == 0  # the file is still the one the sync made
    before = sync_state(fresh.path)
    code, report, err = fresh.sync_cli()  # an existing file now: the side-and-copy path
    assert code == 0, err
    assert report is not None and report["first_pull"] and report["pulled"] > 40
    assert_done_as_hub(team, fresh)
    assert int(sync_state(fresh.path)["cursor"]) > 0
    assert sync_state(fresh.path)["hub"] == before["hub"]


def test_killed_just_after_the_rename_the_file_is_whole(team: Team) -> None:
    busy_history(team)
    fresh = team.laptop("ann", "ann-renamed")
    kill_when_paused(start_sync(fresh, "first-pull-renamed"), "first-pull-renamed")
    assert_done_as_hub(team, fresh)  # every row, the side file gone, `check` passes
    assert stat.S_IMODE(os.stat(fresh.path).st_mode) == 0o600
    code, report, err = fresh.sync_cli()
    assert code == 0, err
    assert report is not None and (report["pulled"], report["pushed"]) == (0, 0)
    assert outbox_count(fresh.path) == 0


def test_a_made_file_keeps_its_origin_and_the_app_edits_it_after(team: Team) -> None:
    busy_history(team)
    fresh = team.laptop("ann", "ann-made")
    ws = open_workspace(fresh.path, TODAY, create=True)
    try:
        origin, inode = local_origin(ws.db.conn), os.stat(fresh.path).st_ino
        with pull.made_by_this_sync(fresh.path):
            report = sync_once(ws, fresh.url)
        assert report.first_pull and report.pulled > 40
        assert os.stat(fresh.path).st_ino != inode  # the loaded copy renamed over it
        assert local_origin(ws.db.conn) == origin  # the workspace's connection reopened
    finally:
        ws.close()
    assert_done_as_hub(team, fresh)
    assert stat.S_IMODE(os.stat(fresh.path).st_mode) == 0o600
    code, out, err = fresh.cli("review", "Acme", "--reopen", "--reason", "after the rename")
    assert code == 0, out + err
    assert outbox_count(fresh.path) > 0  # the triggers were put back in the renamed file
    assert fresh.sync_cli()[0] == 0
    assert_done_as_hub(team, fresh)


def test_a_made_file_open_elsewhere_is_not_replaced_but_copied_into(team: Team) -> None:
    busy_history(team)
    laptop = team.laptop("ann", "ann-open")
    ws = open_workspace(laptop.path, TODAY, create=True)
    other = sqlite3.connect(laptop.path)  # another connection: its WAL stays
    try:
        other.execute("SELECT count(*) FROM stakeholder").fetchone()
        assert Path(f"{laptop.path}-wal").exists()
        inode = os.stat(laptop.path).st_ino
        with pull.made_by_this_sync(laptop.path):
            report = sync_once(ws, laptop.url)
        assert report.first_pull and report.pulled > 40
        assert os.stat(laptop.path).st_ino == inode  # not renamed over
        assert int(other.execute("SELECT count(*) FROM stakeholder").fetchone()[0]) > 0
    finally:
        other.close()
        ws.close()
    assert_done_as_hub(team, laptop)


def test_adopt_side_refuses_a_file_with_a_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"file")
    side_path(path).write_bytes(b"side")
    Path(f"{path}-wal").write_bytes(b"log")
    assert not adopt_side(path)
    assert (path.read_bytes(), side_path(path).read_bytes()) == (b"file", b"side")
    os.remove(f"{path}-wal")
    assert adopt_side(path)
    assert path.read_bytes() == b"side" and not side_path(path).exists()


def reader_threads() -> list[threading.Thread]:
    """The first pull's hub readers still alive (none once a pull ended, however)."""
    return [t for t in threading.enumerate() if t.name == "first-pull-read" and t.is_alive()]


def test_the_hub_read_ahead_gives_every_chunk_in_order_and_stops_with_the_writer() -> None:
    closed: list[bool] = []

    def chunks() -> Iterator[tuple[str, list[int]]]:
        try:
            for n in range(50):
                yield "t", [n]
        finally:
            closed.append(True)  # in the reader's thread: its hub transaction ends there

    assert [rows[0] for _, rows in pull._read_ahead(chunks())] == list(range(50))
    ahead = pull._read_ahead(chunks(), depth=1)
    assert next(ahead) == ("t", [0])
    ahead.close()  # the writer stopped early (a refused row, a full disk)
    assert closed == [True, True] and not reader_threads()


def test_a_hub_lost_mid_read_fails_the_first_pull_keeping_nothing(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accountreview.hub.connect import HubUnreachable
    from accountreview.hub.pull import Chunk

    busy_history(team)
    fresh = team.laptop("ann", "ann-lost")

    def lost_after_two(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        for number, item in enumerate(chunks):
            if number == 2:
                raise HubUnreachable("the hub went away mid-read")
            yield item

    hub_reads(monkeypatch, lost_after_two)
    monkeypatch.setenv("ACCOUNTREVIEW_SYNC_BATCH", "3")
    with pytest.raises(HubOffline, match="went away mid-read"):
        sync_file(str(fresh.path), TODAY, fresh.url)
    assert not fresh.path.exists() and not side_path(fresh.path).exists()  # nothing left
    assert not reader_threads()
    monkeypatch.undo()
    code, _, err = fresh.sync_cli()
    assert code == 0, err
    assert_done_as_hub(team, fresh)


def test_a_load_refused_mid_read_stops_the_reader_and_keeps_nothing(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accountreview.hub.pull import Chunk

    busy_history(team)
    fresh = team.laptop("ann", "ann-twice-sent")

    def first_chunk_twice(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        first = next(chunks)
        yield first
        yield first  # the same ids again: the insert fails while the reader reads on
        yield from chunks

    hub_reads(monkeypatch, first_chunk_twice)
    monkeypatch.setenv("ACCOUNTREVIEW_SYNC_BATCH", "2")
    with pytest.raises(HubRecordRefused, match=r"cannot take.*UNIQUE"):  # exit 3, not 1
        sync_file(str(fresh.path), TODAY, fresh.url)
    assert not fresh.path.exists() and not side_path(fresh.path).exists()
    assert not reader_threads()
