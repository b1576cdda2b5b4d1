"""The first pull of a file that holds no synced row: one hub snapshot, bulk-loaded.

The batched pull (`engine._pull`) asks the hub for the next few hundred numbers again
and again; under row-level security every such query builds the policies' subplans over
the whole hub, so a first pull of a large hub cost in proportion to the hub for every
batch. This path reads each table once, in one snapshot, and writes it with
`executemany` a chunk at a time: the time of a COPY of the same rows, and the memory
of one chunk. It is all-or-nothing (one local transaction): a kill leaves the file
empty with cursor 0, and the next sync starts the first pull again.
"""

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from accountreview.services.sync.checkpoint import checkpoint
from accountreview.services.sync.report import SyncReport
from accountreview.services.workspace import Workspace

if TYPE_CHECKING:
    from accountreview.hub.push import Conn

FIRST_PULL_CHUNK = 5000  # rows per fetch and per executemany


def can_bulk_pull(ws: Workspace, cursor: int) -> bool:
    """Whether this pull is a first pull into a file with no synced row yet."""
    from accountreview.db.sync.first_pull import never_synced_rows

    return cursor == 0 and never_synced_rows(ws.db)


def bulk_first_pull(ws: Workspace, hub: "Conn", report: SyncReport, chunk: int) -> None:
    """Every row the signed-in person may see, into this empty file (see the module)."""
    from accountreview.db.sync.first_pull import load_first_pull
    from accountreview.hub.pull import Snapshot

    snapshot = Snapshot(hub, chunk)
    counts = load_first_pull(ws.db, _marked(snapshot.chunks()), lambda: snapshot.cursor)
    checkpoint("pull-applied")
    report.first_pull = True
    report.pulled += sum(counts.values())


def _marked(chunks: Iterable[Any]) -> Iterator[Any]:
    """The chunks, with the crash tests' `pull-fetched` point after the first one."""
    for number, item in enumerate(chunks):
        yield item
        if number == 0:
            checkpoint("pull-fetched")
