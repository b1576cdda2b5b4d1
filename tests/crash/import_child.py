"""A child process that imports large files, one after another.

    python -m crash.import_child DB TODAY SEED TAG [--via cli|service] [--rows N]
                                 [--at-least K] [--accounts 1,2] [--wait]

Each round writes a new touches file of N rows (the app's own CSV format) and
imports it, announcing it (W) before and confirming it (D) once it is in; see
`crash.protocol`. `--via cli` (the default) runs `accountreview import` in a
subprocess; `--via service` calls `import_file` in this process and reports
its progress (a P line every 1,000 rows, all inside the import's transaction).
It stops after K imports once "stop" arrives on stdin, or stdin closes. A
failed import (any exit code but 0, or "locked" in its output) ends it with an
error.
"""

import argparse
import select
import subprocess
import sys
from datetime import date
from pathlib import Path

from accountreview.services.importing import import_file
from accountreview.services.workspace import open_workspace
from crash import data, facts, protocol


def told_to_stop() -> bool:
    """Whether "stop" (or the end of stdin) is waiting on stdin."""
    if not select.select([sys.stdin], [], [], 0)[0]:
        return False
    line = sys.stdin.readline()
    return not line or line.strip() == "stop"


def run_cli(args: argparse.Namespace, path: Path) -> None:
    """`accountreview import FILE` in a subprocess; it must succeed."""
    command = [sys.executable, "-m", "accountreview", "--db", args.db]
    command += ["--today", args.today.isoformat(), "import", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0 or "locked" in output or f": {args.rows} rows" not in output:
        sys.exit(f"import {path.name} failed (exit {result.returncode}): {output}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("today", type=date.fromisoformat)
    parser.add_argument("seed", type=int)
    parser.add_argument("tag")
    parser.add_argument("--via", choices=["cli", "service"], default="cli")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--at-least", type=int, default=2, help="imports before stopping")
    parser.add_argument("--accounts", default="1,2,3,4,5,6", help="account numbers to touch")
    parser.add_argument("--people", type=int, default=9)
    parser.add_argument("--wait", action="store_true", help="wait for a line on stdin first")
    args = parser.parse_args(argv)
    accounts = [int(n) for n in args.accounts.split(",")]
    folder = Path(args.db).parent
    ws = open_workspace(args.db, args.today) if args.via == "service" else None
    protocol.say("R")
    if args.wait:
        sys.stdin.readline()
    done, stop = 0, False
    while not (stop and done >= args.at_least):
        tag = f"{args.tag}n{done}"
        path = data.write_touch_import(
            folder / f"import-{tag}.csv",
            tag,
            args.rows,
            args.today,
            accounts=accounts,
            people=args.people,
            seed=args.seed + done,
        )
        groups = [{f"import {facts.IMPORT_NOTE}{tag}": args.rows}]
        protocol.say("W", groups)
        if ws is None:
            run_cli(args, path)
        else:
            import_file(ws, path, progress=lambda _kind, done, _size: protocol.say("P", done))
        protocol.say("D", groups)
        path.unlink()
        done += 1
        stop = stop or told_to_stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
