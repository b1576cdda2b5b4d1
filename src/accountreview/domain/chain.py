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

A row edited, deleted, inserted or moved, by any means, changes the hashes that
follow it, so `chain_problems` names the first row where the chain breaks.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping

GENESIS = "0" * 64
Value = str | int | float | None


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
    label = table if origin is None else f"{table} (device {origin[:12]})"
    previous = GENESIS
    for expected, row in enumerate(rows, start=1):
        seq = row.get("seq")
        fields = {k: v for k, v in row.items() if k != "hash"}
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
        previous = str(stored)
    return []
