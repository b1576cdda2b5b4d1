"""The first pull of a file that holds no synced row: one hub snapshot, bulk-loaded into
a side file, then copied into the file in short transactions.

The batched pull (`engine._pull`) asks the hub for the next few hundred numbers again
and again; under row-level security every such query builds the policies' subplans over
the whole hub, so a first pull of a large hub cost in proportion to the hub for every
batch. This path reads each table once, in one snapshot, and writes it a chunk at a
time into a side file next to the person's (no one else writes there, so one long
transaction keeps nobody waiting), where it is checked whole (`first_pull`): a hub
sending rows that do not hold together changes nothing in the person's file.
Then the side file's rows are copied into the file `chunk` rows per transaction, so an
edit made meanwhile (the app syncs in a worker) waits for one chunk at most. When the
sync made the file itself (`made_by_this_sync`: no one else can have it open), the side
file is a copy of the whole file instead, and once loaded it is renamed over the file:
no copy, each row written once. The hub is read by a thread of its own a few chunks
ahead (`_read_ahead`), so its rows arrive while the last ones are written.

A kill at any moment loses nothing: during the load the file is untouched (the next
sync loads again), and the rename is one step; during the copy each chunk is saved
with its progress, and the next sync goes on from there (or, if the side file is
gone, pulls what is missing by the batched path). Rows the person made meanwhile are
kept and pushed (see `first_copy`).
"""

import queue
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any

from accountreview.services.sync.checkpoint import checkpoint
from accountreview.services.sync.report import SyncReport
from accountreview.services.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from accountreview.hub.push import Conn

FIRST_PULL_CHUNK = 5000  # rows per fetch from the hub, and per write to the side file
READ_AHEAD = 2  # chunks read from the hub while the one before is written
# A copied transaction's target length: another writer waits at most about this long.
# Each chunk's size follows from the last one's time (`next_chunk`), from a start small
# enough for a slow, loaded machine, up to `FIRST_COPY_GROWTH` fetches' rows. Measured
# (bench_first_pull_lock.py, F=0.1): 50 ms and at most 5,000 rows, 4.5-5.7x COPY with
# waits up to 79 ms; 100 ms and at most 20,000 rows, 3.8x with waits up to 110 ms (each
# short transaction rewrites the index pages it touches: fewer, larger ones do it less).
FIRST_COPY_SECONDS = 0.1
FIRST_COPY_START = 1000
FIRST_COPY_GROWTH = 4


@dataclass(frozen=True)
class FirstPullProgress:
    """How far a first pull is: rows read from the hub so far (`total` None), or rows
    copied into the file of `total`."""

    done: int
    total: int | None = None


_PROGRESS: dict[Path, FirstPullProgress] = {}  # by file; written by the pull's thread


def first_pull_progress(path: Path) -> FirstPullProgress | None:
    """The progress of a first pull running in this process into the file at `path`
    (read by the app's status line while its worker pulls), None when none runs."""
    return _PROGRESS.get(path)


def can_bulk_pull(ws: Workspace, cursor: int) -> bool:
    """Whether this pull is a first pull into a file with no synced row yet, or the copy
    of one that a kill stopped (its side file still there). A copy whose side file is gone
    is forgotten (the batched path pulls what is missing), and a side file left by a
    finished one removed."""
    from accountreview.db.sync.first_copy import copy_progress, forget_copy
    from accountreview.db.sync.first_pull import never_synced_rows, remove_side, side_ready

    if cursor != 0:
        remove_side(ws.db.path)
        return False
    if copy_progress(ws.db.conn) is not None:
        if side_ready(ws.db.path):
            return True
        forget_copy(ws.db)
        return False
    return never_synced_rows(ws.db)


@contextmanager
def made_by_this_sync(path: Path) -> Iterator[None]:
    """While the sync that made the file at `path` runs (`engine.sync_file`): no other
    program can have it open, so its first pull loads a copy of the whole file and
    renames it over the file (`_load_as_file`), each row written once."""
    _MADE.add(path)
    try:
        yield
    finally:
        _MADE.discard(path)


_MADE: set[Path] = set()  # files the sync running on them made (see made_by_this_sync)


def bulk_first_pull(ws: Workspace, hub: "Conn", report: SyncReport, chunk: int) -> None:
    """Every row the signed-in person may see, into this file (see the module)."""
    from accountreview.db.sync.first_copy import copy_progress

    path = ws.db.path
    try:
        loaded = None
        if copy_progress(ws.db.conn) is None:
            if path in _MADE:
                loaded = _load_as_file(ws, hub, chunk)
            else:
                _load_side(ws, hub, chunk)
        report.pulled += _copy_side(ws, chunk) if loaded is None else loaded
    finally:
        _PROGRESS.pop(path, None)
    checkpoint("pull-applied")
    report.first_pull = True


def _load_side(ws: Workspace, hub: "Conn", chunk: int, *, whole: bool = False) -> int:
    """The hub's snapshot into a new side file (`whole`: a copy of the whole file),
    checked whole; removed if it fails. Returns the rows loaded."""
    from accountreview.db.sync.first_pull import load_first_pull, open_side, remove_side
    from accountreview.hub.pull import Snapshot

    side = open_side(ws.db, whole=whole)
    snapshot = Snapshot(hub, chunk)
    ahead = _read_ahead(snapshot.chunks())
    try:
        chunks = _counted(ws.db.path, _marked(ahead))
        counts = load_first_pull(side, chunks, lambda: snapshot.cursor)
    except BaseException:
        ahead.close()  # the reader stopped, its hub transaction ended, before the hub closes
        side.close()
        remove_side(ws.db.path)
        raise
    side.close()
    return sum(counts.values())


def _load_as_file(ws: Workspace, hub: "Conn", chunk: int) -> int | None:
    """The first pull of a file this sync made: the snapshot into a copy of the whole
    file, which then replaces it in one rename (its connection closed and opened
    again); returns the rows loaded. None if the file turned out to be open elsewhere
    (a write-ahead log left): the copy path then takes the loaded side file's rows."""
    from accountreview.db.sync.first_pull import adopt_side

    loaded = _load_side(ws, hub, chunk, whole=True)
    checkpoint("first-pull-loaded")
    path = ws.db.path
    ws.db.close()
    try:
        adopted = adopt_side(path)
    finally:
        ws.db = open_workspace(path, ws.today, settings=ws.settings).db
    checkpoint("first-pull-renamed")
    return loaded if adopted else None


def _copy_side(ws: Workspace, chunk: int) -> int:
    """The side file's rows into this file, as many per transaction as fit in
    `FIRST_COPY_SECONDS` (at most `FIRST_COPY_GROWTH` times `chunk`), from where a copy
    stopped; the cursor set last, the side file removed. Returns the rows the side file
    held."""
    from accountreview.db.sync import SYNCED_TABLES
    from accountreview.db.sync.first_copy import (
        attach_side,
        copied_before,
        copy_chunk,
        copy_progress,
        copy_settings,
        detach_side,
        finish_copy,
        side_counts,
    )
    from accountreview.db.sync.first_pull import remove_side, side_path

    db, path = ws.db, ws.db.path
    attach_side(db, side_path(path))
    try:
        total = sum(side_counts(db.conn).values())
        start, after = copy_progress(db.conn) or (SYNCED_TABLES[0], 0)
        done = copied_before(db.conn, start, after)
        size, most = min(chunk, FIRST_COPY_START), chunk * FIRST_COPY_GROWTH
        with copy_settings(db):  # no key lookups (checked in the side file), no fsync each
            for table in SYNCED_TABLES[SYNCED_TABLES.index(start) :]:
                while True:
                    started = perf_counter()
                    if (copied := copy_chunk(db, table, after, size)) is None:
                        break
                    after, count = copied
                    done += count
                    size = next_chunk(size, perf_counter() - started, most)
                    _PROGRESS[path] = FirstPullProgress(done, total)
                    checkpoint("first-pull-copied")
                after = 0
        finish_copy(db)
    finally:
        detach_side(db)
    remove_side(path)
    return total


def next_chunk(size: int, took: float, most: int) -> int:
    """The next copied chunk's size after one of `size` rows took `took` seconds: shrunk
    to what fits `FIRST_COPY_SECONDS` when it was longer, doubled (up to `most`) when it
    took less than half of it."""
    if took > FIRST_COPY_SECONDS:
        return max(1, min(size - 1, int(size * FIRST_COPY_SECONDS / took)))
    if took < FIRST_COPY_SECONDS / 2:
        return min(most, size * 2)
    return size


def _counted(path: Path, chunks: Iterable[Any]) -> Iterator[Any]:
    """The chunks, counting the rows read for the progress a person sees."""
    done = 0
    for item in chunks:
        done += len(item.rows)
        _PROGRESS[path] = FirstPullProgress(done)
        yield item


def _read_ahead(chunks: Iterator[Any], depth: int = READ_AHEAD) -> Generator[Any, None, None]:
    """The chunks, read from the hub by a thread of their own up to `depth` chunks ahead,
    so the hub sends the next rows while these are written (psycopg waits for the network,
    SQLite for its pages, each without the interpreter's lock). Memory stays that of
    `depth` chunks. The reader's error is raised here; when this stops early, the reader
    stops too and the hub's transaction ends in its thread (`chunks` closed there)."""
    ahead: queue.Queue[tuple[str, Any]] = queue.Queue(depth)
    stop = threading.Event()

    def offer(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not offer(("chunk", chunk)):
                    chunks.close()  # type: ignore[attr-defined]  # stopped: the hub's end
                    return
            offer(("end", None))
        except BaseException as error:  # told to the writer (dropped once it stopped)
            offer(("error", error))

    reader = threading.Thread(target=read, name="first-pull-read", daemon=True)
    reader.start()
    try:
        while (got := ahead.get())[0] == "chunk":
            yield got[1]
        if got[0] == "error":
            raise got[1]
    finally:
        stop.set()
        reader.join()


def _marked(chunks: Iterable[Any]) -> Iterator[Any]:
    """The chunks, with the crash tests' `pull-fetched` point after the first one."""
    for number, item in enumerate(chunks):
        yield item
        if number == 0:
            checkpoint("pull-fetched")
