"""The hash chains of the audit log and the frozen snapshots, as stored.

`domain.chain` defines the hash; this module reads and writes the `seq` and
`hash` columns. The app links each new row as it writes it (`link`); a bulk
load or the migration that introduced the chain links every row still without
one, in the order the rows were written (`seal`).
"""

import sqlite3
from collections.abc import Iterator

from accountreview.domain.chain import GENESIS, Value, chain_hash

# The chained tables and the columns each hash covers (with `seq`; `hash` itself is not).
CHAINED: dict[str, tuple[str, ...]] = {
    "audit_log": (
        "seq",
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
# The order rows were written in, for rows not linked yet.
_WRITTEN = {"audit_log": "at, rowid", "review_snapshot": "taken_at, rowid"}


def last_link(conn: sqlite3.Connection, table: str) -> tuple[int, str]:
    """The seq and hash of the last row of `table`'s chain ((0, GENESIS) when empty)."""
    row = conn.execute(
        f"SELECT seq, hash FROM {table} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def link(table: str, fields: dict[str, Value], after: tuple[int, str]) -> tuple[int, str]:
    """The seq and hash for a new row of `table` written after the link `after`.
    `fields` holds every column of `CHAINED[table]` but `seq`; it gets `seq`."""
    seq = after[0] + 1
    fields["seq"] = seq
    return seq, chain_hash(table, after[1], {c: fields[c] for c in CHAINED[table]})


def chain_rows(conn: sqlite3.Connection, table: str) -> Iterator[dict[str, Value]]:
    """Every row of `table` in chain order (seq, then rows without one), with `hash`."""
    columns = ", ".join((*CHAINED[table], "hash"))
    cursor = conn.execute(
        f"SELECT {columns} FROM {table} ORDER BY seq IS NULL, seq, {_WRITTEN[table]}"
    )
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, tuple(row), strict=True))


def seal(conn: sqlite3.Connection) -> int:
    """Link every row not linked yet, in the order written, after the chain's end.
    Only where the triggers that freeze these tables are set aside (a bulk load, the
    migration). Returns how many rows were linked."""
    linked = 0
    for table, columns in CHAINED.items():
        after = last_link(conn, table)
        pending = conn.execute(
            f"SELECT rowid, {', '.join(c for c in columns if c != 'seq')} FROM {table}"
            f" WHERE seq IS NULL ORDER BY {_WRITTEN[table]}"
        ).fetchall()
        for row in pending:
            fields: dict[str, Value] = dict(zip(columns[1:], tuple(row)[1:], strict=True))
            after = link(table, fields, after)
            conn.execute(f"UPDATE {table} SET seq = ?, hash = ? WHERE rowid = ?", (*after, row[0]))
            linked += 1
    return linked
