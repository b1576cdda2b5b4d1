"""Pulling from the hub: what changed after a cursor, in the hub's order, never by clocks.

Every hub row carries `hub_seq`, taken under one advisory lock held until its writer
commits (see migration 0002), so numbers become visible in order: reading every row with
`hub_seq > cursor` up to the batch's highest number never skips a row that commits later.
Row-level security decides what the signed-in person gets.

A batch is the next `limit` numbers (rows of every table merged by `hub_seq`), read in one
REPEATABLE READ snapshot. A row updated since it was made carries its newest number, so a
batch can hold a child (a touch) whose parent (its stakeholder) comes later: such parents
are added to the batch in their current form, so every batch can be applied on its own
with foreign keys on (the parent comes again with its own number; applying is an upsert).
`pull_all` streams batches: memory stays that of one batch however large the hub.

Row-level security reads `owner_id` (hub 0007: the rep a row's account belongs to, kept
by the hub's triggers), indexed with `hub_seq`: each statement is an index range per
person the puller may read, so a pull with nothing new costs the same on any size of
hub. `owner_id` is the hub's alone: the column lists leave it out. A batch also holds
the puller's departures (`hub_departure`: an account that left their sight at that
number), under the key `DEPARTED`; the laptop removes those accounts.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from accountreview.hub.connect import HubRefused, classify, describe, require_idle
from accountreview.hub.models import SYNCED, columns

Conn = psycopg.Connection[tuple[Any, ...]]
TABLES: tuple[str, ...] = tuple(m.__tablename__ for m in SYNCED)
COLUMNS = {m.__tablename__: columns(m) for m in SYNCED}
DEPARTED = "hub_departure"  # the batch key (and hub table) of accounts that left the puller
# child table -> (its column, the parent table it points at); read children first.
PARENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "audit_log": (("review_id", "review"), ("account_id", "account"), ("actor_id", "rep")),
    "review_snapshot": (("review_id", "review"), ("stakeholder_id", "stakeholder")),
    "review_slot": (("review_id", "review"), ("stakeholder_id", "stakeholder")),
    "review": (("account_id", "account"), ("opened_by_id", "rep"), ("closed_by_id", "rep")),
    "touch": (("stakeholder_id", "stakeholder"), ("logged_by_id", "rep")),
    "stakeholder": (("account_id", "account"),),
    "account": (("rep_id", "rep"),),
    "rep": (("manager_id", "rep"),),
}


@dataclass(frozen=True)
class PullBatch:
    """Rows by table (the local columns, and `hub_seq`), and the cursor to remember once
    applied."""

    rows: dict[str, list[dict[str, Any]]]
    cursor: int

    @property
    def count(self) -> int:
        """How many rows the batch holds."""
        return sum(len(rows) for rows in self.rows.values())


def whoami(conn: Conn) -> dict[str, Any]:
    """The signed-in person's rep row (local columns); refused if they have none."""
    names = sql.SQL(", ").join(map(sql.Identifier, COLUMNS["rep"]))
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            sql.SQL("SELECT {} FROM rep WHERE login = current_user").format(names)
        ).fetchone()
        login = conn.execute("SELECT current_user").fetchone()
    conn.rollback()
    if row is None:
        who = login[0] if login else "?"
        raise HubRefused(
            f"{who} signs in to the hub but is nobody on its team: the hub's owner runs"
            f" `accountreview hub user add` for them"
        )
    return dict(row)


def chain_entry(conn: Conn, table: str, origin: str, seq: int) -> str | None:
    """The id of the hub's entry `seq` of device `origin` in the chained `table`, if the
    signed-in person may read it (None: the hub has none there, that they may see)."""
    if table not in ("review_snapshot", "audit_log"):
        raise ValueError(f"not a chained table: {table}")
    require_idle(conn)
    query = sql.SQL("SELECT id FROM {} WHERE origin = %s AND seq = %s").format(
        sql.Identifier(table)
    )
    try:
        row = conn.execute(query, (origin, seq)).fetchone()
        conn.rollback()
    except psycopg.Error as error:
        raise classify(error, describe(conn)) from error
    return None if row is None else str(row[0])


def pull(conn: Conn, cursor: int, limit: int = 1000) -> PullBatch:
    """The next batch after `cursor`: at most `limit` numbers (plus parents they need)."""
    require_idle(conn)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            upper = _upper(conn, cursor, limit)
            if upper is None:
                return PullBatch({}, cursor)
            rows = {
                t: _rows(conn, t, "hub_seq > %s AND hub_seq <= %s", (cursor, upper)) for t in TABLES
            }
            _add_parents(conn, rows, upper)
            rows[DEPARTED] = _departures(conn, cursor, upper)
    except psycopg.Error as error:
        raise classify(error, describe(conn)) from error
    return PullBatch({t: r for t, r in rows.items() if r}, upper)


def pull_all(conn: Conn, cursor: int, limit: int = 1000) -> Iterator[PullBatch]:
    """Batches after `cursor` until the hub has nothing newer (the first pull of a file)."""
    while True:
        batch = pull(conn, cursor, limit)
        if batch.cursor == cursor:
            return
        yield batch
        cursor = batch.cursor


def _upper(conn: Conn, cursor: int, limit: int) -> int | None:
    """The highest number of the next `limit` numbers after `cursor` (None: nothing new)."""
    union = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "(SELECT hub_seq FROM {} WHERE hub_seq > %(c)s ORDER BY hub_seq LIMIT %(n)s)"
        ).format(sql.Identifier(t))
        for t in (*TABLES, DEPARTED)
    )
    query = sql.SQL(
        "SELECT max(hub_seq) FROM (SELECT hub_seq FROM ({}) s ORDER BY hub_seq LIMIT %(n)s) t"
    ).format(union)
    row = conn.execute(query, {"c": cursor, "n": limit}).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _rows(conn: Conn, table: str, where: str, params: Any) -> list[dict[str, Any]]:
    # hub_seq too: the hub's order of a review's closes and reopens, which a local file
    # replays by it (never by the laptops' clocks); the file stores no such column.
    names = sql.SQL(", ").join(map(sql.Identifier, (*COLUMNS[table], "hub_seq")))
    query = sql.SQL("SELECT {} FROM {} WHERE " + where + " ORDER BY hub_seq").format(
        names, sql.Identifier(table)
    )
    with conn.cursor(row_factory=dict_row) as cur:
        return list(cur.execute(query, params).fetchall())


def _departures(conn: Conn, cursor: int, upper: int) -> list[dict[str, Any]]:
    """The accounts that left the puller's sight in these numbers, and to whom (row-level
    security: only the puller's own departures)."""
    with conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(
            "SELECT d.id, d.account_id, d.to_rep_id, r.name AS to_rep_name, d.hub_seq"
            " FROM hub_departure d LEFT JOIN rep r ON r.id = d.to_rep_id"
            " WHERE d.hub_seq > %s AND d.hub_seq <= %s ORDER BY d.hub_seq",
            (cursor, upper),
        )
        return list(found.fetchall())


def _add_parents(conn: Conn, rows: dict[str, list[dict[str, Any]]], upper: int) -> None:
    """Add, in their current form, the parents a row of the batch points at that come
    later than the batch (children first, so a parent added brings its own parents)."""
    for child, links in PARENTS.items():
        for column, parent in links:
            present = {row["id"] for row in rows[parent]}
            wanted = {row[column] for row in rows[child] if row[column] is not None} - present
            if wanted:
                rows[parent] += _rows(
                    conn, parent, "id = ANY(%s) AND hub_seq > %s", (sorted(wanted), upper)
                )
    if any(r["manager_id"] for r in rows["rep"]):  # managers of managers: until none is missing
        _add_managers(conn, rows["rep"], upper)


def _add_managers(conn: Conn, reps: list[dict[str, Any]], upper: int) -> None:
    while True:
        present = {row["id"] for row in reps}
        wanted = {row["manager_id"] for row in reps if row["manager_id"]} - present
        found = (
            _rows(conn, "rep", "id = ANY(%s) AND hub_seq > %s", (sorted(wanted), upper))
            if wanted
            else []
        )
        if not found:
            return
        reps += found


class Chunk(NamedTuple):
    """Up to a chunk of one table's rows from a `Snapshot`: `rows` are tuples of the
    values in `columns` order (the local columns: no `hub_seq`, no hub-only column)."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass
class Snapshot:
    """The first pull of a file: every row the signed-in person may see, table by table
    (parents first), read from one REPEATABLE READ snapshot; `cursor` is the highest
    `hub_seq` among them, set once `chunks` is exhausted."""

    conn: Conn
    chunk: int
    cursor: int = 0

    def chunks(self) -> Iterator[Chunk]:
        """Each table's rows in the hub's snapshot, `chunk` at a time.

        One statement per table (a server-side cursor, memory that of one chunk), so the
        row-level security policies are planned once per table, not once per batch. Rows
        come as tuples (psycopg's own: no dict per row), in id order, so the file's
        primary-key indexes are appended to (rows in the hub's order of creation, random
        ids, loaded 1.5 times slower). The cursor is the highest number of the rows read,
        asked in the same snapshot once they are."""
        require_idle(self.conn)
        try:
            with self.conn.transaction():
                self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                # Every row is read: plan the cursors for all of them. PostgreSQL plans a
                # cursor for its first tenth by default, which here means the primary key
                # in id order with the policy as a filter, every row of the table read
                # whoever is signed in (a rep's 22,000 rows on a hub of 4.4 million: 1.7 s
                # of reads, 0.13 s planned for all of them: the owner index, then a sort).
                self.conn.execute("SET LOCAL cursor_tuple_fraction = 1")
                for table in TABLES:
                    yield from self._table(table)
                self.cursor = self._newest()
        except psycopg.Error as error:
            raise classify(error, describe(self.conn)) from error

    def _table(self, table: str) -> Iterator[Chunk]:
        names = sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table]))
        query = sql.SQL("SELECT {} FROM {} ORDER BY id").format(names, sql.Identifier(table))
        with self.conn.cursor(name=f"first_pull_{table}") as cur:
            cur.itersize = self.chunk
            cur.execute(query)
            while rows := cur.fetchmany(self.chunk):
                yield Chunk(table, COLUMNS[table], rows)

    def _newest(self) -> int:
        newest = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT max(hub_seq) FROM {}").format(sql.Identifier(t)) for t in TABLES
        )
        row = self.conn.execute(sql.SQL("SELECT max(m) FROM ({}) AS t(m)").format(newest))
        found = row.fetchone()
        return 0 if found is None or found[0] is None else int(found[0])


CONFLICT_COLUMNS = (
    "id", "change_id", "tbl", "row_id", "field", "mine", "theirs", "reason", "made_at",
    "resolved_at", "resolution", "hub_seq",
)  # fmt: skip


def pull_conflicts(conn: Conn, cursor: int, limit: int = 1000) -> list[dict[str, Any]]:
    """The conflicts after `cursor` (their own `hub_seq`: made or resolved since), at most
    `limit`, in the hub's order; row-level security gives the signed-in person those they
    pushed and those on their own accounts. `mine`/`theirs` stay JSON text."""
    require_idle(conn)
    names = sql.SQL(", ").join(map(sql.Identifier, CONFLICT_COLUMNS))
    query = sql.SQL(
        "SELECT {} FROM hub_conflict WHERE hub_seq > %s ORDER BY hub_seq LIMIT %s"
    ).format(names)
    try:
        with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            return list(cur.execute(query, (cursor, limit)).fetchall())
    except psycopg.Error as error:
        raise classify(error, describe(conn)) from error
