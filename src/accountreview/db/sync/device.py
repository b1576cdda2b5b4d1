"""A file found to be a copy of another laptop's file becomes a device of its own.

A file copied to a second machine carries its device id (`sync_state.device`, the
`origin` of every audit entry and frozen five it writes), so both copies number their
next entries alike. When the other copy's entries reached the hub first, the hub holds
another row where this file's first entry waiting to be pushed would go (`waiting_entries`
says where that is; the engine asks the hub before it pushes; `own_chain_taken` tells a
pull's batch that holds them). This file then takes
a new device id and moves its entries from that point on (none of them on the hub yet:
the hub takes a device's entries in order) to the new device's own chain, numbered from
1 and linked and hashed anew, in the order they were written. A close whose five moved
shows it under the new id (`kept_origins`). The entries keep their ids, so the outbox
pushes them as they now stand; the hub then meets them as another laptop's (two
laptops that closed one review offline: the first close to arrive is kept, both fives
stay as facts). The entries before that point stay the old device's, which the other
copy goes on with.

All in the caller's write transaction: the triggers that freeze these rows are set
aside only inside it, and put back before it commits.
"""

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from accountreview.db.chain import CHAINED, local_origin, seal
from accountreview.db.sync.tables import triggers_set_aside
from accountreview.domain import kept as kept_five


def waiting_entries(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Per chained table: (seq, id) of this device's first entry that waits in the outbox
    to be pushed (tables with none left out)."""
    origin, found = local_origin(conn), {}
    for table in CHAINED:
        row = conn.execute(  # from the outbox's side: what waits, each found by its id
            f"SELECT t.seq, t.id FROM sync_outbox o JOIN {table} t ON t.id = o.row_id"
            " WHERE o.tbl = ? AND o.kind = 'insert' AND t.origin = ? AND t.seq IS NOT NULL"
            " ORDER BY t.seq LIMIT 1",
            (table, origin),
        ).fetchone()
        if row is not None:
            found[table] = (int(row[0]), str(row[1]))
    return found


def own_chain_taken(
    conn: sqlite3.Connection, rows_by_table: Mapping[str, Sequence[Mapping[str, Any]]]
) -> int:
    """How many pulled chained rows are of this file's own device but another row here
    holds their number: the file is a copy of another one (one device id, two files)
    that reached the hub first, whose entries this file cannot take."""
    origin, taken = local_origin(conn), 0
    for table in CHAINED:
        for row in rows_by_table.get(table, ()):
            if row.get("origin") != origin:
                continue
            found = conn.execute(
                f"SELECT 1 FROM {table} WHERE origin = ? AND seq = ? AND id <> ?",
                (origin, row.get("seq"), row.get("id")),
            ).fetchone()
            taken += found is not None
    return taken


def become_own_device(conn: sqlite3.Connection, since: Mapping[str, int]) -> str:
    """Give this file a new device id and move its entries of the old one from `since`
    (seq per chained table) on to the new device's chain (see the module); returns the
    new id. In the caller's write transaction."""
    old, new = local_origin(conn), uuid.uuid4().hex
    fives = conn.execute(  # the closes whose fives move
        "SELECT DISTINCT review_id, close_number FROM review_snapshot"
        " WHERE origin = ? AND seq >= ?",
        (old, since["review_snapshot"]),
    ).fetchall() if "review_snapshot" in since else []  # fmt: skip
    held = [sql for table in (*CHAINED, "review") for sql in triggers_set_aside(conn, table)]
    try:
        for table, start in since.items():
            conn.execute(
                f"UPDATE {table} SET origin = ?, seq = NULL, hash = NULL, prev_hash = NULL"
                " WHERE origin = ? AND seq >= ?",
                (new, old, start),
            )
        seal(conn)  # the moved rows, linked in the order written: the new chain
        for review_id, number in fives:
            row = conn.execute(
                "SELECT kept_origins FROM review WHERE id = ?", (review_id,)
            ).fetchone()
            if row is not None and kept_five.shown_origin(row[0], int(number)) == old:
                conn.execute(
                    "UPDATE review SET kept_origins = ? WHERE id = ?",
                    (kept_five.with_close(row[0], int(number), new), review_id),
                )
        conn.execute("UPDATE sync_state SET value = ? WHERE key = 'device'", (new,))
    finally:
        for sql in held:
            conn.execute(sql)
    return new
