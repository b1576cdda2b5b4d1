"""Which outbox changes go to the hub together: batches that never split a close or a
reopen, so the hub can apply each as one unit (hub migration 0004)."""

import sqlite3

from accountreview.db.sync import OutboxChange, outbox_batch


def _same_review_update(a: OutboxChange, b: OutboxChange) -> bool:
    return a.kind == b.kind == "update" and a.table == b.table == "review" and a.row_id == b.row_id


def unit_batch(conn: sqlite3.Connection, after_seq: int, limit: int) -> list[OutboxChange]:
    """Up to `limit` changes after `after_seq` (see `outbox_batch`), plus the rest of a
    close's or reopen's field changes when the limit fell among them: the fields one
    statement changed on one review travel in one batch."""
    batch = outbox_batch(conn, after_seq, limit)
    while batch:
        more = outbox_batch(conn, batch[-1].seq, 1)
        if not more or not _same_review_update(batch[-1], more[0]):
            break
        batch.append(more[0])
    return batch
