"""Large demo build benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_demo.py [--factor 1.0] [--seed 7] [--check]

Builds `accountreview demo --scale large` (100k accounts, 500k stakeholders, 2M
touches, a year of weekly reviews) in a temporary directory and prints the build
time, the rows per table and the file size. Target: at most 60 s on 2 cores.
With --check it then times `PRAGMA quick_check` and `PRAGMA foreign_key_check`
(not part of the build).
"""

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from accountreview.db.bulk import count_rows
from accountreview.services.demo import LARGE_FACTOR_ENV, build_demo

TARGET_SECONDS = 60.0
TODAY = date(2026, 11, 23)


class Stages:
    """Prints when each stage of the build ends, with the time since the start."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.current = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.current:
            if self.current:
                print(f"  {self.current:<10} done at {time.perf_counter() - self.start:6.1f} s")
            self.current = stage
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="also time the integrity checks")
    args = parser.parse_args()
    os.environ[LARGE_FACTOR_ENV] = str(args.factor)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.db"
        stages = Stages()
        summary = build_demo(path, TODAY, scale="large", seed=args.seed, progress=stages)
        print(f"  {stages.current:<10} done at {time.perf_counter() - stages.start:6.1f} s")
        verdict = "ok" if summary.seconds <= TARGET_SECONDS else "OVER the target"
        print(f"large demo build (factor {args.factor:g}, seed {args.seed})")
        print(f"  build time   {summary.seconds:8.1f} s   target {TARGET_SECONDS:.0f} s: {verdict}")
        print(f"  file size    {path.stat().st_size / 2**20:8.0f} MiB")
        conn = sqlite3.connect(path)
        for table, count in count_rows(conn).items():
            print(f"  {table:<16}{count:>12,}")
        if args.check:
            for pragma in ("quick_check", "foreign_key_check"):
                start = time.perf_counter()
                result = conn.execute(f"PRAGMA {pragma}").fetchall()
                shown = "ok" if result in ([], [("ok",)]) else f"{len(result)} problem(s)"
                print(f"  {pragma:<18} {time.perf_counter() - start:6.1f} s  {shown}")
        conn.close()


if __name__ == "__main__":
    main()
