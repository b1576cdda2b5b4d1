"""Ids bound a batch at a time, for queries of the form `... IN (?, ?, …)`.

SQLite caps the values one statement may bind (999 before 3.32, 32,766 since), and
a list of ids can be a whole team's accounts: every `IN` list over ids goes through
`id_batches` (positional `?`) or `named_id_batches` (`:prefix0, :prefix1…`, beside
other named parameters), 500 ids at a time, well under either cap.
"""

from collections.abc import Iterable, Iterator
from typing import NamedTuple

BATCH_SIZE = 500  # ids per statement: well under SQLite's oldest limit on bound values


class IdBatch(NamedTuple):
    """Up to `BATCH_SIZE` ids and the placeholders that bind them (`?, ?, ?`)."""

    marks: str
    ids: tuple[str, ...]


class NamedIdBatch(NamedTuple):
    """Up to `BATCH_SIZE` ids as named parameters: `marks` is `:p0, :p1…` and
    `params` maps each name to its id."""

    marks: str
    params: dict[str, str]


def id_batches(ids: Iterable[str], size: int = BATCH_SIZE) -> Iterator[IdBatch]:
    """The ids in order, `size` at a time, each batch with its `?` placeholders (none
    for no ids: a caller's loop then runs no query)."""
    pending = list(ids)
    for start in range(0, len(pending), size):
        batch = tuple(pending[start : start + size])
        yield IdBatch(", ".join("?" for _ in batch), batch)


def named_id_batches(
    ids: Iterable[str], prefix: str, size: int = BATCH_SIZE
) -> Iterator[NamedIdBatch]:
    """As `id_batches`, with named placeholders `:{prefix}0, :{prefix}1…` so that a
    batch can join a query's other named parameters."""
    for batch in id_batches(ids, size):
        names = [f"{prefix}{n}" for n in range(len(batch.ids))]
        yield NamedIdBatch(
            ", ".join(f":{name}" for name in names), dict(zip(names, batch.ids, strict=True))
        )
