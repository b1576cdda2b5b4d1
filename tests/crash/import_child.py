"""A child process that runs `accountreview import` of large files, one after another.

    python -m crash.import_child DB TODAY SEED TAG [--rows N] [--at-least K] [--wait]

Each round writes a new touches file of N rows (the app's own CSV format) and
imports it with the real CLI in a subprocess, announcing it (W) before and
confirming it (D) after the command ended well; see `crash.harness`. It stops
after K imports once "stop" arrives on stdin (or at once when stdin closes).
A failed import (any exit code but 0, or "locked" in its output) ends it with
an error.
"""

import argparse
import selectors
import subprocess
import sys
from datetime import date
from pathlib import Path

from crash import harness


def told_to_stop(selector: selectors.BaseSelector) -> bool:
    if not selector.select(0):
        return False
    line = sys.stdin.readline()
    return not line or line.strip() == "stop"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("today", type=date.fromisoformat)
    parser.add_argument("seed", type=int)
    parser.add_argument("tag")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--at-least", type=int, default=2, help="imports before stopping")
    parser.add_argument("--accounts", default="1,2,3,4,5,6", help="account numbers to touch")
    parser.add_argument("--people", type=int, default=9)
    parser.add_argument("--wait", action="store_true", help="wait for a line on stdin first")
    args = parser.parse_args(argv)
    accounts = [int(n) for n in args.accounts.split(",")]
    folder = Path(args.db).parent
    harness.say("R")
    if args.wait:
        sys.stdin.readline()
    selector = selectors.DefaultSelector()
    selector.register(sys.stdin, selectors.EVENT_READ)
    done, stop = 0, False
    while not (stop and done >= args.at_least):
        tag = f"{args.tag}n{done}"
        path = harness.write_touch_import(
            folder / f"import-{tag}.csv",
            tag,
            args.rows,
            args.today,
            accounts=accounts,
            people=args.people,
            seed=args.seed + done,
        )
        groups = [{f"import {harness.IMPORT_NOTE}{tag}": args.rows}]
        harness.say("W", groups)
        command = [sys.executable, "-m", "accountreview", "--db", args.db]
        command += ["--today", args.today.isoformat(), "import", str(path)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        output = result.stdout + result.stderr
        if result.returncode != 0 or "locked" in output or f": {args.rows} rows" not in output:
            sys.exit(f"import {path.name} failed (exit {result.returncode}): {output}")
        harness.say("D", groups)
        path.unlink()
        done += 1
        stop = stop or told_to_stop(selector)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
