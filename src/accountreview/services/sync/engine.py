"""`sync_once`: push this file's changes to the hub, then pull what the hub has.

Crash-safe and idempotent by construction, whatever moment a sync is killed at:
- **Push.** A batch of the outbox (or, for a file that never synced, of every row) is
  sent in ONE hub transaction. Only after the hub committed does this file forget the
  batch, in a local transaction that also records the conflicts the hub reported. A kill
  in between re-sends the batch next time: the hub does nothing the second time (a change
  id it has seen, a row id it has).
- **Pull.** Each batch of rows the hub has past this file's cursor is applied together
  with the new cursor in one local transaction: a kill leaves the cursor where the rows
  are, and the next run pulls from there.
- The hub's order is its own sequence number, never a laptop's clock.
"""

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date
from typing import TYPE_CHECKING, Any

from accountreview.db.connection import path_from_target
from accountreview.db.files import remove_with_sidecars
from accountreview.db.sync.first_pull import HubRecordRefused
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.sync import state
from accountreview.services.sync.address import HubAddress, choose_hub
from accountreview.services.sync.checkpoint import checkpoint
from accountreview.services.sync.conflicts import (
    local_conflict,
    overrule,
    overruled_view,
    pulled,
    reopen,
    take_theirs,
    view,
)
from accountreview.services.sync.pull import (
    FIRST_PULL_CHUNK,
    bulk_first_pull,
    can_bulk_pull,
    made_by_this_sync,
)
from accountreview.services.sync.report import (
    CopiedFile,
    HubOffline,
    HubRefusedSync,
    RefusedChange,
    SyncReport,
)
from accountreview.services.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from accountreview.hub.push import Conn

PUSH_BATCH = 500
CONFLICT_CURSOR_KEY = "conflict_cursor"  # the hub_seq of the last conflict pulled
PULL_BATCH = 500  # measured: larger batches make the hub's pull query slower per row (bench_sync)
# Smaller batches on request, so a crash test has several steps to kill a sync between.
BATCH_ENV = "ACCOUNTREVIEW_SYNC_BATCH"
NO_HUB = (
    "no hub to sync with: give --hub postgresql://user@host:port/dbname"
    " (or set ACCOUNTREVIEW_HUB); it is remembered after the first sync"
)


def sync_once(ws: Workspace, hub_url: str | None = None) -> SyncReport:
    """Push this file's waiting changes to the hub, then pull what the signed-in person may
    see; see the module docstring for why a kill at any moment loses nothing.

    `hub_url` (--hub) wins over ACCOUNTREVIEW_HUB and the remembered hub. Raises
    HubOffline (exit 4) or HubRefusedSync (exit 3) with nothing changed locally but the
    recorded error; a change the hub refused is listed in the report (`refused`)."""
    address = _address(ws, hub_url)
    from accountreview.hub.connect import HubError, HubRefused, HubUnreachable

    try:
        with _hub_session(address) as hub:
            report = _exchange(ws, hub, address)
    except HubUnreachable as error:
        state.record_failure(ws, f"offline: {error}")
        raise HubOffline(str(error)) from None
    except HubRefused as error:
        state.record_failure(ws, f"refused: {error}")
        raise HubRefusedSync(str(error)) from None
    except HubError as error:  # anything else the hub layer says a person can fix
        state.record_failure(ws, str(error))
        raise InvalidInput(str(error)) from None
    except (HubRecordRefused, CopiedFile) as error:  # the hub's rows do not fit this file
        state.record_failure(ws, f"refused: {error}")
        raise
    state.record_success(ws)
    return report


def sync_file(target: str, today: date, hub_url: str | None = None) -> SyncReport:
    """`sync_once` on the database at `target`; a file that does not exist yet is made for
    it (the first pull fills it) and removed again if the sync fails, so a failed first
    sync leaves nothing behind; a missing or bad hub URL is refused before it is made."""
    path = path_from_target(target)
    new = not os.path.lexists(path)
    if new and choose_hub(hub_url, None) is None:
        raise InvalidInput(NO_HUB)
    ws = open_workspace(target, today, create=new)
    try:
        with made_by_this_sync(path) if new else nullcontext():  # a first pull renames
            return sync_once(ws, hub_url)
    except BaseException:
        if new:
            ws.close()
            remove_with_sidecars(path)
        raise
    finally:
        ws.close()


def _batch(default: int) -> int:
    text = os.environ.get(BATCH_ENV, "")
    return int(text) if text.isdigit() and int(text) > 0 else default


def _address(ws: Workspace, hub_url: str | None) -> HubAddress:
    remembered = state.remembered_hub(ws)
    address = choose_hub(hub_url, remembered)
    if address is None:
        raise InvalidInput(NO_HUB)
    if remembered and address.shown != remembered:
        raise Refused(
            f"{ws.db.path} syncs with {remembered}, not {address.shown}: a file follows one"
            " hub (its cursor counts that hub's changes); use another --db for that hub"
        )
    return address


@contextmanager
def _hub_session(address: HubAddress) -> "Iterator[Conn]":
    from accountreview.hub.connect import connect

    conn = connect(address.url)
    try:
        yield conn
    finally:
        conn.close()


def _exchange(ws: Workspace, hub: "Conn", address: HubAddress) -> SyncReport:
    from accountreview.hub.pull import whoami

    me = whoami(hub)
    report = SyncReport(hub=address.shown, signed_in_as=_who(me))
    never_synced = state.start_outbox(ws, address.shown)
    if never_synced:
        _push_every_row(ws, hub, report)
    _own_device_if_copied(ws, hub, report)
    _push_outbox(ws, hub, report)
    _refuse_a_copy(ws, report)
    _pull(ws, hub, report)
    _pull_conflicts(ws, hub)
    state.adopt_signed_in(ws, str(me["id"]))
    return report


def _own_device_if_copied(ws: Workspace, hub: "Conn", report: SyncReport) -> None:
    """A copy of another laptop's file whose entries reached the hub first (the hub holds
    another row where this file's first waiting entry would go) becomes a device of its
    own before it pushes (`db.sync.device`): its entries then go as another laptop's."""
    from accountreview.db.chain import local_origin
    from accountreview.db.sync.device import become_own_device, waiting_entries
    from accountreview.hub.pull import chain_entry

    origin, waiting = local_origin(ws.db.conn), waiting_entries(ws.db.conn)
    if not any(
        chain_entry(hub, table, origin, seq) not in (None, row_id)
        for table, (seq, row_id) in waiting.items()
    ):
        return
    with ws.db.write() as conn:
        since = {table: seq for table, (seq, _) in waiting_entries(conn).items()}
        report.new_device = become_own_device(conn, since)


def _refuse_a_copy(ws: Workspace, report: SyncReport) -> None:
    """Stop (exit 3) when the hub refused entries of this file as its device's numbers
    taken (hub 0010): a copy of a file that reached the hub first, whose pull could not
    take the other file's entries either."""
    from accountreview.hub.push import COPIED_DEVICE

    taken = [r for r in report.refused if COPIED_DEVICE in r.reason]
    if taken:
        raise CopiedFile(ws.db.path, len(taken))


def _who(me: Mapping[str, Any]) -> str:
    return f"{me.get('name')} <{me.get('email')}>"


def _push_every_row(ws: Workspace, hub: "Conn", report: SyncReport) -> None:
    """The first push of a file that never synced: every row it has, parents first, the
    slots last, each batch of them with the closes (and reopens) of their reviews as
    units: the hub ends as if the closes had come from the outbox (a review it had open
    takes this file's close; the slots that close set are no conflict)."""
    from accountreview.db.chain import local_origin
    from accountreview.db.sync import SYNCED_TABLES, all_rows
    from accountreview.db.sync.outbox import review_units
    from accountreview.hub.push import push

    origin = local_origin(ws.db.conn)
    tables = [t for t in SYNCED_TABLES if t != "review_slot"] + ["review_slot"]
    for table in tables:
        for rows in all_rows(ws.db.conn, table, _batch(PUSH_BATCH)):
            closes: list[Any] = []
            reopens: list[Any] = []
            if table == "review_slot":
                closes, reopens = review_units(ws.db.conn, (r["review_id"] for r in rows))
            _first_push_step(ws, report, push(hub, closes, {table: rows}, origin=origin))
            if reopens:
                _first_push_step(ws, report, push(hub, reopens, origin=origin))


def _first_push_step(ws: Workspace, report: SyncReport, result: Any) -> None:
    from accountreview.db.sync import record_conflicts

    checkpoint("push-committed")
    conflicts = [local_conflict(c) for c in result.conflicts]
    if conflicts:  # rows the hub had with other values (made on two devices)
        with ws.db.write() as conn:
            record_conflicts(conn, conflicts)
    _tally(report, result, conflicts)


def _push_outbox(ws: Workspace, hub: "Conn", report: SyncReport) -> None:
    """The outbox, a batch at a time: the hub commits, then this file forgets the batch
    and takes the hub's value of each field in conflict (the conflict keeps both)."""
    from accountreview.db.chain import local_origin
    from accountreview.db.sync import forget_pushed, keep_refused, record_conflicts
    from accountreview.hub.push import push
    from accountreview.services.sync.push import unit_batch

    after, origin = 0, local_origin(ws.db.conn)
    while batch := unit_batch(ws.db.conn, after, _batch(PUSH_BATCH)):
        result = push(hub, batch, origin=origin)  # a close or reopen goes as one unit
        checkpoint("push-committed")
        conflicts = [local_conflict(c) for c in result.conflicts]
        with ws.db.write() as conn:
            keep_refused(conn, batch, result.refused)  # not lost: kept as conflicts
            forget_pushed(conn, batch[-1].seq)
            record_conflicts(conn, conflicts)
            take_theirs(conn, conflicts)
            _settle_resolutions(conn, result)
        _tally(report, result, conflicts)
        report.overruled.extend(overruled_view(o) for o in result.overruled)
        after = batch[-1].seq


def _settle_resolutions(conn: "sqlite3.Connection", result: Any) -> None:
    """What the hub said of this batch's resolutions: one that came second takes the
    first's choice; one the hub refused is open here again."""
    from accountreview.hub.push import RESOLUTIONS

    for told in result.overruled:
        overrule(conn, told)
    for refused in result.refused:
        if refused.table == RESOLUTIONS:
            reopen(conn, refused.row_id)


def _pull(ws: Workspace, hub: "Conn", report: SyncReport) -> None:
    """What the hub has past the cursor, a batch at a time, each saved with its cursor."""
    from accountreview.db.sync import apply_pulled
    from accountreview.db.sync.device import own_chain_taken
    from accountreview.hub.pull import pull_all

    cursor = state.cursor(ws)
    report.first_pull = cursor == 0
    if can_bulk_pull(ws, cursor):  # an empty file: one snapshot, bulk-loaded (pull.py)
        bulk_first_pull(ws, hub, report, max(_batch(FIRST_PULL_CHUNK), 1))
        return
    for batch in pull_all(hub, cursor, _batch(PULL_BATCH)):
        checkpoint("pull-fetched")
        try:
            with ws.db.write() as conn:
                applied = apply_pulled(conn, batch.rows, batch.cursor)
        except sqlite3.IntegrityError as error:  # e.g. a value the hub's owner set by hand
            if own_chain_taken(ws.db.conn, batch.rows):
                raise CopiedFile(ws.db.path) from None
            raise HubRecordRefused(
                f"the hub sent a row this file cannot take ({error}); this file keeps what it"
                " had and its cursor, so nothing is skipped: ask the hub's owner to correct"
                " the row, then sync again"
            ) from None
        checkpoint("pull-applied")
        report.pulled += applied.changed  # not the rows that came: this file's own came back


def _pull_conflicts(ws: Workspace, hub: "Conn") -> None:
    """The conflicts made or resolved on the hub since this file's conflict cursor (its
    own: the first pull of data is a snapshot, conflicts follow after it), a batch at a
    time, each saved with its cursor: this person's other laptops' conflicts, those
    someone else's push made on their accounts, and every resolution made elsewhere."""
    from accountreview.db.sync import get_state, set_state
    from accountreview.db.sync.conflicts import merge_pulled
    from accountreview.hub.pull import pull_conflicts

    size = _batch(PULL_BATCH)
    cursor = int(get_state(ws.db.conn, CONFLICT_CURSOR_KEY) or 0)
    while rows := pull_conflicts(hub, cursor, size):
        cursor = max(int(r["hub_seq"]) for r in rows)
        with ws.db.write() as conn:
            merge_pulled(conn, pulled(rows))
            set_state(conn, CONFLICT_CURSOR_KEY, str(cursor))
        if len(rows) < size:
            return


def _tally(report: SyncReport, result: Any, conflicts: Sequence[Any]) -> None:
    """What one push told: rows applied and already there, its conflicts (as kept here)
    and the changes the hub refused."""
    report.pushed += result.applied
    report.already += result.already
    report.conflicts.extend(view(c) for c in conflicts)
    for item in result.refused:
        report.refused.append(
            RefusedChange(table=item.table, row_id=item.row_id, reason=item.reason)
        )
