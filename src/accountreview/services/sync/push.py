"""Which outbox changes go to the hub together: batches that never split a close or a
reopen, so the hub can apply each as one unit (hub migration 0004)."""

import sqlite3

from accountreview.db.sync import OutboxChange, outbox_batch
from accountreview.db.sync.outbox import later_close


def _same_review_update(a: OutboxChange, b: OutboxChange) -> bool:
    return a.kind == b.kind == "update" and a.table == b.table == "review" and a.row_id == b.row_id


def unit_batch(conn: sqlite3.Connection, after_seq: int, limit: int) -> list[OutboxChange]:
    """Up to `limit` changes after `after_seq` (see `outbox_batch`), plus the rest of a
    close's or reopen's field changes when the limit fell among them: the fields one
    statement changed on one review travel in one batch. A slot change whose review this
    file closes later in the outbox travels with that close (the hub lets the close
    settle it: a close made here never conflicts with itself, `hub/own_close.py`)."""
    batch = outbox_batch(conn, after_seq, limit)
    while batch and (close := later_close(conn, batch)) is not None:
        batch += outbox_batch(conn, batch[-1].seq, close - batch[-1].seq)
    while batch:
        more = outbox_batch(conn, batch[-1].seq, 1)
        if not more or not _same_review_update(batch[-1], more[0]):
            break
        batch.append(more[0])
    return batch
