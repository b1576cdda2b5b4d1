"""The hash chain that makes the record tamper-evident.

Each audit-log entry and each frozen snapshot row carries `hash`, chained to the
row before it in its table and origin (by `seq`, 1, 2, 3... per origin: the device
that wrote it, so laptops append offline and every device's rows stay a chain):

    hash = sha256(canonical(table, previous, fields)).hexdigest()

The canonical form is the UTF-8 bytes of the JSON text of the list
``[table, previous, fields]``: `table` is the table's name, `previous` the hash
of the row with the seq before (64 zeros, `GENESIS`, for seq 1), and `fields`
an object of every column but `hash` (`origin` included since schema 0004), with
the values as SQLite stores them (text, integer or null; a boolean as 0 or 1), keys
sorted, no spaces
(``separators=(",", ":")``) and characters as they are (``ensure_ascii=False``).

Each row also stores `prev_hash`, the hash it was chained to (since schema 0006; it
is not hashed: it IS `previous`), so a row verifies alone (`hash` = H(`prev_hash`,
fields)) and a link verifies wherever both of its rows are present (row n's
`prev_hash` == row n-1's `hash`).

A row edited, deleted, inserted or moved, by any means, changes the hashes that
follow it, so `chain_problems` names the first row where a complete chain breaks
(a file that never synced holds every row of its chains). A file that syncs may hold
part of a chain (rows another person's, or moved away): `partial_chain` verifies each
present row alone and each link between present rows, and counts the rows absent.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from operator import itemgetter

GENESIS = "0" * 64
Value = str | int | float | None
PREV = "prev_hash"  # the stored predecessor's hash: not hashed itself
_NOT_HASHED = ("hash", PREV)


def canonical(table: str, previous: str, fields: Mapping[str, Value]) -> bytes:
    """The bytes a row's hash is taken of (see the module's docstring)."""
    text = json.dumps(
        [table, previous, dict(fields)], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return text.encode("utf-8")


def chain_hash(table: str, previous: str, fields: Mapping[str, Value]) -> str:
    """The hash of a row of `table` whose predecessor has the hash `previous`."""
    return hashlib.sha256(canonical(table, previous, fields)).hexdigest()


def chain_problems(
    table: str, rows: Iterable[Mapping[str, Value]], origin: str | None = None
) -> list[str]:
    """What is wrong with one chain of `table` (`origin`'s, named in the problem), given
    its rows in `seq` order (each with `seq`, `hash` and the other columns). Empty when
    every link holds; otherwise the first break is named (what follows a break cannot be
    trusted either)."""
    label = _label(table, origin)
    previous = GENESIS
    for expected, row in enumerate(rows, start=1):
        seq = row.get("seq")
        fields = hashed_fields(row)
        if seq != expected:
            what = "is missing (deleted?)" if isinstance(seq, int) and seq > expected else ""
            return [
                f"{label}: entry {expected} {what or f'has seq {seq!r}'}: the chain is broken"
                " (a row was deleted, inserted or renumbered)"
            ]
        stored = row.get("hash")
        if stored != chain_hash(table, previous, fields):
            return [
                f"{label}: entry {expected} does not match its hash: the row was edited,"
                " inserted or moved, or an earlier one was"
            ]
        if PREV in row and row[PREV] != previous:
            return [f"{label}: entry {expected} names a predecessor it does not follow"]
        previous = str(stored)
    return []


def row_check(table: str, columns: Sequence[str]) -> Callable[[Sequence[Value]], bool]:
    """A test of rows of `table` given as values in `columns` order (`hash` and
    `prev_hash` among them, every other column hashed): whether a row's `hash` is the
    hash of its fields chained to its `prev_hash` (a row without one is not tested here:
    see `partial_chain`). The same bytes as `canonical`, built from a template of the
    keys in their sorted order (a bulk pull tests every row it loads: `json.dumps` of a
    dict, sorted per row, took three times as long)."""
    index = {name: n for n, name in enumerate(columns)}
    keys = sorted(c for c in columns if c not in _NOT_HASHED)
    template = "".join(
        (
            "[",
            encode_basestring(table).replace("%", "%%"),
            ",%s,{",
            ",".join(encode_basestring(k).replace("%", "%%") + ":%s" for k in keys),
            "}]",
        )
    )
    places = [index[k] for k in keys]
    hashed = itemgetter(*places) if len(places) > 1 else lambda row: [row[n] for n in places]
    at_hash, at_prev = index["hash"], index[PREV]

    def holds(row: Sequence[Value]) -> bool:
        previous = row[at_prev]
        if previous is None:
            return True
        text = template % (_json(previous), *map(_json, hashed(row)))
        return row[at_hash] == hashlib.sha256(text.encode("utf-8")).hexdigest()

    return holds


def _json(value: Value) -> str:
    """`value` as `json.dumps` writes it in `canonical` (text, integers and null here;
    anything else by `json.dumps` itself)."""
    # exact types: a bool is an int, but json writes it `true`
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


def hashed_fields(row: Mapping[str, Value]) -> dict[str, Value]:
    """The columns of a chained row its hash covers (all but `hash` and `prev_hash`)."""
    return {k: v for k, v in row.items() if k not in _NOT_HASHED}


def _label(table: str, origin: str | None) -> str:
    return table if origin is None else f"{table} (device {origin[:12]})"


@dataclass
class PartialChain:
    """What `partial_chain` found in one origin's chain: the first problem (if any), how
    many of its rows are not in the file (`absent`), and how many present rows cannot be
    verified yet (`waiting`: no `prev_hash` and no predecessor here; a pull fills it)."""

    problems: list[str]
    absent: int = 0
    waiting: int = 0


def partial_chain(table: str, rows: Iterable[Mapping[str, Value]], origin: str) -> PartialChain:
    """Verify the part of `origin`'s chain of `table` a file holds, rows in `seq` order
    (each with `seq`, `hash`, `prev_hash` and the other columns): each row against its
    own hash, each link between rows present. Gaps are counted, not problems."""
    label, found = _label(table, origin), PartialChain([])
    last_seq, last_hash = 0, GENESIS
    for row in rows:
        seq, stored, prev = row.get("seq"), row.get("hash"), row.get(PREV)
        if not isinstance(seq, int) or seq <= last_seq:
            found.problems.append(f"{label}: a row has seq {seq!r}: the chain is broken")
            return found
        follows = seq == last_seq + 1  # its predecessor is here (or it is the first)
        if follows and prev is not None and prev != last_hash:
            found.problems.append(
                f"{label}: entry {seq} does not link to entry {seq - 1}: a predecessor"
                " named falsely, or a row edited, moved or put in"
            )
            return found
        previous = prev if prev is not None else (last_hash if follows else None)
        if previous is None:
            found.waiting += 1
        elif stored != chain_hash(table, str(previous), hashed_fields(row)):
            found.problems.append(
                f"{label}: entry {seq} does not match its hash: the row was edited or moved"
            )
            return found
        found.absent += seq - last_seq - 1
        last_seq, last_hash = seq, str(stored)
    return found
