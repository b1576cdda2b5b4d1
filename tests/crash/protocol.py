"""The lines a child process writes on stdout, one per event, flushed at once.

    R                       ready: the database is open (a child started with
                            --wait then waits for a line on stdin)
    W [{"key": value}, ...] about to make an edit: the facts it will set, in
                            groups, one per transaction (most edits have one;
                            an edit that saves twice has two)
    D [{"key": value}, ...] the edit returned, so it is committed: same facts
    X message               the edit was refused, so it must have changed nothing
    P bytes                 progress of an import, inside its transaction

A line is written with one write() well under PIPE_BUF, so a kill never cuts
one in half. Facts are described in `crash.facts`.
"""

import json
import sys
from typing import Any


def say(kind: str, payload: object = None) -> None:
    """Write one protocol line and flush it at once."""
    text = kind if payload is None else f"{kind} {json.dumps(payload)}"
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def parse_line(line: str) -> tuple[str, Any]:
    kind, _, rest = line.partition(" ")
    if kind in {"W", "D"}:
        return kind, json.loads(rest)
    return kind, rest
