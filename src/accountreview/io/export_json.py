"""Writing a JSON list one item at a time, so a large export never sits in memory.

The output is one stable document: keys in the order the caller gives them,
UTF-8 (not ``\\u`` escapes), one item per line between ``[`` and ``]``.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO


def write_json_list(stream: TextIO, items: Iterable[Mapping[str, Any]]) -> int:
    """Write `items` as a JSON list (streamed); return how many."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    count = 0
    stream.write("[")
    for item in items:
        stream.write(",\n" if count else "\n")
        stream.write(encoder.encode(item))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count
