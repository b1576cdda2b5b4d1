"""Is the schema exactly the one this version's migrations create, and does the record's
hash chain hold?

The expected schema of each revision is kept in `schema.json` beside this module: for
every table, index and trigger in `sqlite_master`, the sha256 of its SQL with
whitespace collapsed. It is written by `python -m accountreview.db.schema_check` from
databases freshly migrated to each revision, and a test checks that it still matches
the migrations, so a dropped, added or altered trigger (or table, or index) in a file
is named by `check` and `restore`.
"""

import hashlib
import json
import re
import sqlite3
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

from accountreview.db.chain import CHAINED, chain_rows, chained_columns, origins, stores_prev
from accountreview.domain.chain import GENESIS, PREV, chain_problems, partial_chain
from accountreview.text import plural

FINGERPRINTS = Path(__file__).with_name("schema.json")


def fingerprint(conn: sqlite3.Connection) -> dict[str, str]:
    """ "type name" -> sha256 of the SQL, for every table, index and trigger we could make."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    return {
        f"{kind} {name}": hashlib.sha256(" ".join(str(sql).split()).encode()).hexdigest()
        for kind, name, sql in rows
    }


@cache
def expected_fingerprints() -> dict[str, dict[str, str]]:
    """The fingerprint of each revision's schema, as the migrations create it."""
    loaded: dict[str, dict[str, str]] = json.loads(FINGERPRINTS.read_text(encoding="utf-8"))
    return loaded


def schema_problems(conn: sqlite3.Connection, revision: str) -> list[str]:
    """Each table, index or trigger that is missing, extra or not as `revision` makes it."""
    expected = expected_fingerprints().get(revision)
    if expected is None:
        return [f"no known schema for revision {revision}"]
    actual = fingerprint(conn)
    problems = [f"{key} is missing (dropped?)" for key in expected if key not in actual]
    problems += [
        f"{key} is not one this version creates (added)" for key in actual if key not in expected
    ]
    problems += [
        f"{key} is not as this version creates it (altered)"
        for key in expected
        if key in actual and actual[key] != expected[key]
    ]
    return problems


def chain_problems_of(conn: sqlite3.Connection, revision: str) -> list[str]:
    """Breaks in the hash chains of a file at schema `revision`: every origin's chain of
    each chained table (one chain per table before 0004)."""
    return chain_findings(conn, revision)[0]


# What `check` calls each chained table when it counts rows not in the file.
_DEVICES = ("devices' chains", "device's chain")
_ENTRIES = {"audit_log": ("audit entry", "audit entries"), "review_snapshot": ("frozen slot",)}


def chain_findings(conn: sqlite3.Connection, revision: str) -> tuple[list[str], list[str]]:
    """(problems, notes) of the hash chains. A file that never synced must hold every
    chain whole: a gap is a break. In a file that syncs (from 0006, which stores each
    row's `prev_hash`), each row must verify alone and each link between rows present
    hold; rows not in the file are counted in the notes (the hub holds them)."""
    problems: list[str] = []
    notes: list[str] = []
    partial = syncs(conn)
    for table in CHAINED:
        columns = chained_columns(table, revision)
        if "origin" not in columns:
            problems += chain_problems(table, chain_rows(conn, table, columns))
            continue
        absent, waiting, devices = 0, 0, 0
        for origin in origins(conn, table):
            rows = chain_rows(conn, table, columns, origin)
            if not partial:
                problems += chain_problems(table, rows, origin)
                continue
            found = partial_chain(table, rows, origin)
            problems += found.problems
            absent, waiting = absent + found.absent, waiting + found.waiting
            devices += bool(found.absent)
        notes += _gap_notes(table, absent, devices, waiting)
    return problems, notes


def _gap_notes(table: str, absent: int, devices: int, waiting: int) -> list[str]:
    names = _ENTRIES[table]
    notes = []
    if absent:
        notes.append(
            f"{plural(absent, *names)} of {devices:,} {_DEVICES[devices == 1]} are not in"
            " this file (not yours to see, or moved away); the hub holds them"
        )
    if waiting:
        notes.append(
            f"{plural(waiting, *names)} cannot be verified yet: the row before each is not"
            " in this file and the hub has not sent its link (sync to fetch it)"
        )
    return notes


def syncs(conn: sqlite3.Connection) -> bool:
    """Whether the file syncs with a hub (one is set, or it has pulled), and stores the
    links a partial chain is verified by (schema 0006 on)."""
    if not stores_prev(conn, "audit_log"):
        return False
    found = conn.execute(
        "SELECT 1 FROM sync_state WHERE key IN ('hub', 'cursor') LIMIT 1"
    ).fetchone()
    return found is not None


def record_findings(conn: sqlite3.Connection, revision: str) -> tuple[list[str], list[str]]:
    """(problems, notes) of the record: breaks in the hash chains, and reviews whose
    closes and reopens do not match the audit log and the frozen slots (a close or reopen
    deleted, or added, with its rows). Two laptops that closed one review offline both
    keep their five: a close number counts once, its five slots once. The notes count
    the rows of chains a synced file does not hold."""
    problems, notes = chain_findings(conn, revision)
    return problems + review_problems(conn), notes


def record_problems(conn: sqlite3.Connection, revision: str) -> list[str]:
    """The problems of `record_findings`."""
    return record_findings(conn, revision)[0]


def review_problems(conn: sqlite3.Connection) -> list[str]:
    """Reviews whose closes and reopens do not match the audit log and the frozen slots.
    Each table is counted once, grouped by review (a count per review in a subquery took
    twice as long: a first pull checks every review it loads)."""
    problems: list[str] = []
    rows = conn.execute(
        "SELECT r.week, a.name, r.status, r.close_count,"
        " coalesce(l.closes, 0), coalesce(l.reopens, 0), coalesce(f.frozen, 0)"
        " FROM review r LEFT JOIN account a ON a.id = r.account_id"
        " LEFT JOIN (SELECT review_id,"
        "  count(DISTINCT CASE WHEN action = 'review.closed' THEN close_number END) AS closes,"
        "  count(DISTINCT CASE WHEN action = 'review.reopened' THEN close_number END)"
        "  AS reopens FROM audit_log WHERE review_id IS NOT NULL GROUP BY review_id) l"
        " ON l.review_id = r.id"
        " LEFT JOIN (SELECT review_id, count(DISTINCT close_number * 8 + position) AS frozen"
        "  FROM review_snapshot GROUP BY review_id) f ON f.review_id = r.id"
        # each close but a standing one was followed by a reopen
        " WHERE coalesce(l.closes, 0) != r.close_count"
        " OR coalesce(f.frozen, 0) != 5 * r.close_count OR coalesce(l.reopens, 0)"
        " != CASE WHEN r.status = 'closed' THEN r.close_count - 1 ELSE r.close_count END"
        " ORDER BY r.week, a.name"
    ).fetchall()
    for week, account, status, closes, logged, reopens, frozen in rows:
        problems.append(
            f"the review of {account!r} for {week} ({status}) was closed {closes} time(s),"
            f" but the record holds {logged} logged close(s), {reopens} reopen(s) and"
            f" {frozen} frozen slot(s)"
        )
    return problems


def link_problems(conn: sqlite3.Connection, waiting: Collection[tuple[str, str]] = ()) -> list[str]:
    """The chain checks of a bulk load whose rows were each verified alone as they came
    (`domain.chain.row_check`), asked of the file in SQL: every `seq` a positive integer,
    each row linked to the row before it in its origin's chain where that row is here
    (the unique (origin, seq) index finds it), the first of a chain to `GENESIS`, each
    value stored as the hub sent it (`_retyped`). The
    (table, origin) chains in `waiting` sent rows without `prev_hash` (from before hub
    0005): they are verified whole by `partial_chain` instead. The first problem of each
    table is named."""
    problems: list[str] = []
    for table in CHAINED:
        bad = conn.execute(
            f"SELECT origin, seq FROM {table} WHERE typeof(seq) != 'integer' OR seq < 1 LIMIT 1"
        ).fetchone()
        if bad:
            problems.append(
                f"{_device(table, bad[0])}: a row has seq {bad[1]!r}: the chain is broken"
            )
            continue
        if found := _retyped(conn, table):
            problems.append(found)
            continue
        bad = conn.execute(
            f"SELECT b.origin, b.seq FROM {table} b LEFT JOIN {table} a"
            " ON a.origin = b.origin AND a.seq = b.seq - 1"
            f" WHERE b.{PREV} IS NOT NULL AND (b.seq = 1 AND b.{PREV} != ?"
            f" OR a.seq IS NOT NULL AND b.{PREV} IS NOT a.hash) LIMIT 1",
            (GENESIS,),
        ).fetchone()
        if bad:
            seq = int(bad[1])
            problems.append(
                f"{_device(table, bad[0])}: entry {seq} does not link to entry {seq - 1}:"
                " a predecessor named falsely, or a row edited, moved or put in"
            )
            continue
        for origin in sorted(o for t, o in waiting if t == table):
            problems += partial_chain(
                table, chain_rows(conn, table, origin=origin), origin
            ).problems
    return problems


def _retyped(conn: sqlite3.Connection, table: str) -> str | None:
    """A chained row whose date or time a DATE or DATETIME column's NUMERIC affinity
    stored as a number (text such as '12' sent for it): its hash was taken of the text
    sent, not of the number stored. The other columns store what the hub's types send
    as sent (text in TEXT columns; its bigint columns send integers)."""
    dates = [
        str(name)
        for _cid, name, declared, *_ in conn.execute(f"PRAGMA table_info({table})")
        if str(declared).upper() in ("DATE", "DATETIME")
    ]
    if not dates:
        return None
    kinds = ", ".join(f'typeof("{name}")' for name in dates)
    stored = " OR ".join(f"typeof(\"{name}\") NOT IN ('text', 'null')" for name in dates)
    row = conn.execute(
        f"SELECT origin, seq, {kinds} FROM {table} WHERE {stored} LIMIT 1"  # one scan
    ).fetchone()
    if row is None:
        return None
    name, kind = next(
        (n, k) for n, k in zip(dates, row[2:], strict=True) if k not in ("text", "null")
    )
    return (
        f"{_device(table, row[0])}: entry {row[1]} holds its {name} as {kind},"
        " not as the text its hash was taken of"
    )


def _device(table: str, origin: object) -> str:
    return f"{table} (device {str(origin)[:12]})"


_CHECK = re.compile(r"(?:\bCONSTRAINT\s+(\w+)\s+)?\bCHECK\s*\(", re.IGNORECASE)


def check_rules(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, expression) of each CHECK rule in `table`'s definition, as the file holds
    it (an unnamed rule is called by its table)."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    text = "" if row is None else str(row[0])
    rules = []
    for found in _CHECK.finditer(text):
        body = _balanced(text, found.end())
        rules.append((found.group(1) or f"a CHECK rule of {table}", body))
    return rules


def _balanced(text: str, start: int) -> str:
    """The text from `start` to the parenthesis that closes the one before it (quoted
    strings and names skipped)."""
    depth, at, quote = 1, start, ""
    while at < len(text):
        char = text[at]
        if quote:
            quote = "" if char == quote else quote  # a doubled quote reopens at once
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[start:at]
        at += 1
    raise ValueError(f"an unclosed CHECK rule in: {text[:80]}")


def broken_rules(conn: sqlite3.Connection, tables: Iterable[str]) -> list[str]:
    """Each CHECK rule of `tables` that a row breaks (a load that set them aside), with
    the first such row's id: what an insert with the rules in force would have refused."""
    problems = []
    for table in tables:
        for name, rule in check_rules(conn, table):
            row = conn.execute(f"SELECT id FROM {table} WHERE NOT ({rule}) LIMIT 1").fetchone()
            if row is not None:
                problems.append(f"{table} row {row[0]} breaks its rule {name} ({rule})")
    return problems


def write_fingerprints(scratch: Path) -> None:
    """Rewrite `schema.json` from fresh databases migrated to each revision (in `scratch`)."""
    from accountreview.db.connection import REVISIONS
    from accountreview.db.files import create_private_file
    from accountreview.db.migrate import upgrade_to_head

    result: dict[str, dict[str, str]] = {}
    for revision in REVISIONS:
        path = scratch / f"schema-{revision}.db"
        create_private_file(path)
        upgrade_to_head(path, revision)
        conn = sqlite3.connect(path)
        try:
            result[revision] = fingerprint(conn)
        finally:
            conn.close()
    FINGERPRINTS.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="accountreview-schema-") as folder:
        write_fingerprints(Path(folder))
    print(f"wrote {FINGERPRINTS}")
