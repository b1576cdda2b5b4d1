"""Whose five a close of a review shows, when two laptops closed it at the same close
number offline (both fives are kept as facts).

Every replica shows the five the hub kept: the close that reached it first. A review
row carries `kept_origins`, a JSON array whose n-th item is the origin (device) of the
five close n shows (null when not known). A laptop that closes writes its own origin
there; the hub writes the origin of the close it applies, and its value replaces the
laptop's at the next pull for every close it knows. The text is compact JSON
(`["a1",null]`), as the hub writes it, so replicas that agree hold the same text.
"""

import json


def parse(kept: str | None) -> list[str | None]:
    """The origins of `kept_origins` (an empty list for NULL or a text that is not an
    array of strings and nulls)."""
    try:
        items = json.loads(kept) if kept else []
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    return [item if isinstance(item, str) else None for item in items]


def shown_origin(kept: str | None, number: int) -> str | None:
    """The origin whose five close `number` shows, per `kept` (None: not known)."""
    origins = parse(kept)
    return origins[number - 1] if 0 < number <= len(origins) else None


def text(origins: list[str | None]) -> str:
    """The `kept_origins` text of `origins` (compact JSON, as the hub writes it)."""
    return json.dumps(origins, separators=(",", ":"), ensure_ascii=False)


def with_close(kept: str | None, number: int, origin: str) -> str:
    """`kept` with close `number`'s five set to `origin`'s."""
    origins = parse(kept)
    origins += [None] * (number - len(origins))
    origins[number - 1] = origin
    return text(origins)


def merged(hub: str | None, local: str | None) -> str | None:
    """The hub's `kept_origins` where it knows a close, this file's for the closes it
    does not (closed here, not pushed yet); the hub's own text when that is all of it."""
    theirs, mine = parse(hub), parse(local)
    pairs = list(zip(theirs, mine, strict=False))
    if len(theirs) >= len(mine) and all(t is not None or m is None for t, m in pairs):
        return hub if hub is not None else local
    joined = [t if t is not None else m for t, m in pairs]
    joined += theirs[len(mine) :] + mine[len(theirs) :]
    return text(joined)
