"""The first pull into a file that holds no synced row yet: a bulk load, not upserts.

Every row the hub sends is the current form of a row this file lacks, so each is one
plain INSERT (`executemany` a chunk at a time), with the secondary indexes and triggers
set aside while loading (`db.bulk`): the outbox triggers cannot fire (a pulled row is
not a change to push back) and nothing a frozen-row trigger guards is changed (every row
is new). The hub's rows are consistent with each other (its own keys and triggers hold
them), so the file ends exactly as the batched `apply_pulled` would leave it: a closed
review with its five and its audit entries as the hub has them, each origin's chain as
pushed. What the insert triggers would have refused is checked once at the end (foreign
keys, closes against their fives and audit entries): any fault fails the
whole load (nothing kept). The cursor is set in the same transaction.
"""

import sqlite3
from collections.abc import Callable, Iterable, Sequence

from accountreview.db.bulk import bulk_load
from accountreview.db.connection import SCHEMA_HEAD, Database
from accountreview.db.errors import DatabaseDamaged
from accountreview.db.records import now_text
from accountreview.db.schema_check import chain_problems_of, review_problems
from accountreview.db.sync.outbox import Row
from accountreview.db.sync.state import set_state
from accountreview.db.sync.tables import SYNCED_TABLES, synced, table_columns


class HubRecordRefused(DatabaseDamaged, ValueError):
    """The hub sent rows this file cannot take: nothing of the pull is kept (exit 3)."""


# The page cache while loading (KiB): a first pull's memory stays small and flat.
FIRST_PULL_CACHE_KIB = 32_000


def never_synced_rows(db: Database) -> bool:
    """Whether the file holds no row of any synced table (a first pull may bulk-load)."""
    return not any(
        db.conn.execute(f"SELECT 1 FROM {synced(t)} LIMIT 1").fetchone() for t in SYNCED_TABLES
    )


def load_first_pull(
    db: Database, chunks: Iterable[tuple[str, Sequence[Row]]], cursor: Callable[[], int]
) -> dict[str, int]:
    """Insert the pulled `chunks` ((table, rows), parents first) into this empty file in
    one transaction, then set `cursor()` (read once every chunk is in). Returns the rows
    inserted per table. Raises HubRecordRefused (a ValueError), keeping nothing, if a row
    points at a row the pull did not bring or the record does not verify."""
    counts = dict.fromkeys(SYNCED_TABLES, 0)
    conn = db.conn
    with bulk_load(
        db,
        cache_kib=FIRST_PULL_CACHE_KIB,
        keep_wal=True,
        on_rebuilt=lambda: _refuse_inconsistent(conn),  # with the indexes: linear
    ):
        columns = {t: table_columns(conn, t) for t in SYNCED_TABLES}
        stamp = now_text()
        for table, rows in chunks:
            if not rows:
                continue
            if table == "review_slot":  # local only: not on the hub
                rows = [{**r, "updated_at": r.get("updated_at", stamp)} for r in rows]
            names = [c for c in columns[synced(table)] if c in rows[0]]
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(names)})"
                f" VALUES ({', '.join('?' for _ in names)})",
                [[r[c] for c in names] for r in rows],
            )
            counts[table] += len(rows)
        set_state(conn, "cursor", str(cursor()))
    return counts


def _refuse_inconsistent(conn: sqlite3.Connection) -> None:
    """What the insert triggers set aside would have refused, checked once for the whole
    load: keys pointing at rows not pulled, a review whose closes and reopens do not match
    its audit entries and frozen fives, a chained row that does not verify alone or a link
    between rows pulled that does not hold. A person sees part of an origin's chain
    (another rep's entries are not theirs to read): gaps are expected, not refused."""
    dangling = conn.execute("PRAGMA foreign_key_check").fetchmany(3)
    if dangling:
        where = ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in dangling)
        raise HubRecordRefused(f"the hub sent rows whose parents it did not send: {where}")
    problems = chain_problems_of(conn, SCHEMA_HEAD) + review_problems(conn)
    if problems:
        listed = "; ".join(problems[:3])
        raise HubRecordRefused(f"the hub sent a record this file cannot take: {listed}")
