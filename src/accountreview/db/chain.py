"""The hash chains of the audit log and the frozen snapshots, as stored.

`domain.chain` defines the hash; this module reads and writes the `origin`, `seq`
and `hash` columns. Since schema 0004 each table holds one chain per origin (the
device that wrote the rows: `sync_state.device`), so that two laptops append
offline and their rows still chain when they meet. The app links each new row as
it writes it (`link`); a bulk load or a migration links every row still without
one, in the order the rows were written (`seal`), or re-hashes a chain whose
fields changed under it (`reseal`, the 0004 migration only). Since schema 0006 each
row also stores `prev_hash` (the hash it is chained to), set by the same writers.
"""

import sqlite3
from collections.abc import Iterator, Sequence

from accountreview.domain.chain import GENESIS, PREV, Value, chain_hash

# The chained tables and the columns each hash covers (with `seq`; `hash` itself is not).
CHAINED: dict[str, tuple[str, ...]] = {
    "audit_log": (
        "seq",
        "origin",
        "id",
        "at",
        "actor_id",
        "action",
        "account_id",
        "review_id",
        "close_number",
        "reason",
    ),
    "review_snapshot": (
        "seq",
        "origin",
        "id",
        "review_id",
        "close_number",
        "position",
        "stakeholder_id",
        "name",
        "title",
        "level",
        "role",
        "last_contact_on",
        "next_contact_on",
        "confirmed_in_role",
        "taken_at",
    ),
}
PER_ORIGIN_SINCE = "0004"  # before it: one chain per table, `origin` not a column
# The order rows were written in, for rows not linked yet.
_WRITTEN = {"audit_log": "at, rowid", "review_snapshot": "taken_at, rowid"}
_BATCH = 5_000  # rows re-hashed per read: the 0004 migration streams large files


def chained_columns(table: str, revision: str) -> tuple[str, ...]:
    """The columns `table`'s hash covers in a file at schema `revision`."""
    if revision < PER_ORIGIN_SINCE:
        return tuple(c for c in CHAINED[table] if c != "origin")
    return CHAINED[table]


def local_origin(conn: sqlite3.Connection) -> str:
    """This file's device id: the origin of every chained row it writes."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = 'device'").fetchone()
    if row is None:
        raise sqlite3.IntegrityError("sync_state holds no device id (schema 0004 makes one)")
    return str(row[0])


def origins(conn: sqlite3.Connection, table: str) -> list[str]:
    """The origins whose rows `table` holds, in order."""
    rows = conn.execute(f"SELECT DISTINCT origin FROM {table} ORDER BY origin").fetchall()
    return [str(r[0]) for r in rows]


def last_link(conn: sqlite3.Connection, table: str, origin: str | None) -> tuple[int, str]:
    """The seq and hash of the last row of `origin`'s chain in `table` ((0, GENESIS) when
    it has none; origin None: the table's one chain, before 0004)."""
    where, params = ("", ()) if origin is None else ("origin = ? AND ", (origin,))
    row = conn.execute(
        f"SELECT seq, hash FROM {table} WHERE {where}seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
        params,
    ).fetchone()
    last = (0, GENESIS) if row is None else (int(row[0]), str(row[1]))
    return max(last, removed_tail(conn, table, origin) or last)


def removed_tail(
    conn: sqlite3.Connection, table: str, origin: str | None
) -> tuple[int, str] | None:
    """The last link of `origin`'s chain that left this file with a departed account
    (local 0007: `chain-tail:TABLE:ORIGIN`), which the chain continues after."""
    if origin is None:
        return None
    key = f"chain-tail:{table}:{origin}"  # written by db.sync.departures
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:  # a file before 0004: no sync_state
        return None
    if row is None:
        return None
    seq, hashed = str(row[0]).split(" ", 1)
    return int(seq), hashed


def link(table: str, fields: dict[str, Value], after: tuple[int, str]) -> tuple[int, str]:
    """The seq and hash for a new row of `table` written after the link `after`.
    `fields` holds every column of `CHAINED[table]` but `seq`; it gets `seq` and
    `prev_hash` (the hash it is chained to)."""
    seq = after[0] + 1
    fields["seq"], fields[PREV] = seq, after[1]
    return seq, chain_hash(table, after[1], {c: fields[c] for c in CHAINED[table]})


def stores_prev(conn: sqlite3.Connection, table: str) -> bool:
    """Whether `table` has the `prev_hash` column (schema 0006 on)."""
    return any(r[1] == PREV for r in conn.execute(f"PRAGMA table_info({table})"))


def chain_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str] | None = None,
    origin: str | None = None,
) -> Iterator[dict[str, Value]]:
    """The rows of one chain of `table` in chain order (seq, then rows without one), with
    `hash` (and `prev_hash`, from 0006): `origin`'s (None: every row, as before 0004),
    `columns` as hashed."""
    stored = ("hash", PREV) if stores_prev(conn, table) else ("hash",)
    names = ", ".join((*(columns or CHAINED[table]), *stored))
    where, params = ("", ()) if origin is None else (" WHERE origin = ?", (origin,))
    cursor = conn.execute(
        f"SELECT {names} FROM {table}{where} ORDER BY seq IS NULL, seq, {_WRITTEN[table]}",
        params,
    )
    described = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(described, tuple(row), strict=True))


def seal(conn: sqlite3.Connection, revision: str = PER_ORIGIN_SINCE) -> int:
    """Link every row not linked yet, in the order written, after the end of its origin's
    chain (of its table's chain, for a migration to a `revision` before 0004). Only where
    the triggers that freeze these tables are set aside (a bulk load, a migration).
    Returns how many rows were linked."""
    linked = 0
    for table in CHAINED:
        columns = chained_columns(table, revision)
        per_origin = "origin" in columns
        set_prev = ", prev_hash = ?" if stores_prev(conn, table) else ""
        for origin in origins(conn, table) if per_origin else [None]:
            after = last_link(conn, table, origin)
            where, params = ("origin = ? AND ", (origin,)) if per_origin else ("", ())
            pending = conn.execute(
                f"SELECT rowid, {', '.join(c for c in columns if c != 'seq')} FROM {table}"
                f" WHERE {where}seq IS NULL ORDER BY {_WRITTEN[table]}",
                params,
            ).fetchall()
            for row in pending:
                fields: dict[str, Value] = dict(zip(columns[1:], tuple(row)[1:], strict=True))
                seq, previous = after[0] + 1, after[1]
                after = seq, chain_hash(table, previous, {"seq": seq, **fields})
                conn.execute(
                    f"UPDATE {table} SET seq = ?, hash = ?{set_prev} WHERE rowid = ?",
                    (*after, *((previous,) if set_prev else ()), row[0]),
                )
                linked += 1
    return linked


def reseal(conn: sqlite3.Connection, table: str, columns: Sequence[str]) -> int:
    """Re-hash every row of `table` over `columns`, each origin's chain in seq order (the
    rows keep their seq), reading a batch at a time. For a migration that rewrote fields
    of rows whose chain it verified first, with the freezing triggers set aside."""
    done = 0
    has_origin = "origin" in columns
    for origin in origins(conn, table) if has_origin else [None]:
        previous, seq = GENESIS, 0
        where = "origin = ? AND " if has_origin else ""
        while True:
            rows = conn.execute(
                f"SELECT rowid, {', '.join(columns)} FROM {table}"
                f" WHERE {where}seq > ? ORDER BY seq LIMIT {_BATCH}",
                (origin, seq) if has_origin else (seq,),
            ).fetchall()
            if not rows:
                break
            updates = []
            for row in rows:
                fields = dict(zip(columns, tuple(row)[1:], strict=True))
                previous = chain_hash(table, previous, fields)
                updates.append((previous, row[0]))
            conn.executemany(f"UPDATE {table} SET hash = ? WHERE rowid = ?", updates)
            seq, done = int(rows[-1][columns.index("seq") + 1]), done + len(rows)
    return done
