"""Ids bound a batch at a time, for queries of the form `... IN (?, ?, …)`.

SQLite caps the values one statement may bind (999 before 3.32, 32,766 since), and
a list of ids can be a whole team's accounts: every `IN` list over ids goes through
`id_batches` (positional `?`) or `named_id_batches` (`:prefix0, :prefix1…`, beside
other named parameters), 500 ids at a time, well under either cap.
"""

from collections.abc import Iterable, Iterator

BATCH_SIZE = 500  # ids per statement: well under SQLite's oldest limit on bound values

# Plain tuples, not NamedTuples: this module is on every command's start-up path.
IdBatch = tuple[str, tuple[str, ...]]  # the placeholders ("?, ?, ?") and their ids
NamedIdBatch = tuple[str, dict[str, str]]  # ":p0, :p1…" and each name's id


def id_batches(ids: Iterable[str], size: int = BATCH_SIZE) -> Iterator[IdBatch]:
    """The ids in order, `size` at a time, each batch with its `?` placeholders (none
    for no ids: a caller's loop then runs no query)."""
    pending = list(ids)
    for start in range(0, len(pending), size):
        batch = tuple(pending[start : start + size])
        yield ", ".join("?" for _ in batch), batch


def named_id_batches(
    ids: Iterable[str], prefix: str, size: int = BATCH_SIZE
) -> Iterator[NamedIdBatch]:
    """As `id_batches`, with named placeholders `:{prefix}0, :{prefix}1…` so that a
    batch can join a query's other named parameters."""
    for _marks, batch in id_batches(ids, size):
        names = [f"{prefix}{n}" for n in range(len(batch))]
        yield ", ".join(f":{name}" for name in names), dict(zip(names, batch, strict=True))
