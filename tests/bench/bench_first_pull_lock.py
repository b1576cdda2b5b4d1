"""First pull vs another writer: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_first_pull_lock.py [--large-factor 0.05]

Starts a throw-away PostgreSQL (tests/postgres.py), loads the large demo into a hub
(bench_sync.load_large), then runs a manager's first pull into a new file the sync makes
(`sync_file`: loaded in a copy renamed over it) and one into a new file already open
(as the app has it: loaded beside, then copied in short transactions), each in a child
process, between two `COPY … TO STDOUT` of the same rows (their mean is the yardstick:
the shared machine's load drifts), then a second first pull into an open file while
this process writes to that file every 50 ms once its sync started (a row of
`app_meta`, one short write transaction each, waiting up to the app's 10 s). It prints
the first pulls' times next to COPY (goal ≤ 3×) and the peak memory, the second
writer's longest and p95 wait for the lock (its `BEGIN IMMEDIATE`, goal ≤ 0.25 s) and
for its whole write (the commit's fsync
included), and how many of its writes failed (goal 0).
"""

import argparse
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent.parent / "src")]

import bench_sync  # noqa: E402

from postgres import running_server  # noqa: E402


class Writer(threading.Thread):
    """Writes one row to `path` every 50 ms (once the file exists) until stopped."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.stop, self.failed = path, threading.Event(), 0
        self.waits: list[float] = []  # BEGIN IMMEDIATE: the wait for the lock
        self.writes: list[float] = []  # the whole write, its commit's fsync included

    def _once_syncing(self) -> sqlite3.Connection | None:
        """A connection to the file once its sync started (the file made and migrated:
        a new file's migrations are not the first pull's, and take their own time)."""
        while not self.stop.wait(0.01):
            if not self.path.exists():
                continue
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                if conn.execute("SELECT 1 FROM sync_state WHERE key = 'hub'").fetchone():
                    return conn
            except sqlite3.Error:
                pass  # not migrated yet
            conn.close()
        return None

    def run(self) -> None:
        conn = self._once_syncing()
        if conn is None:
            return
        number = 0
        while not self.stop.wait(0.05):
            number += 1
            start = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
                self.waits.append(time.perf_counter() - start)
                conn.execute(
                    "INSERT OR REPLACE INTO app_meta (key, value) VALUES ('bench-writer', ?)",
                    (str(number),),
                )
                conn.execute("COMMIT")
            except sqlite3.Error:
                self.failed += 1
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            self.writes.append(time.perf_counter() - start)
        conn.close()


def pct(ordered: list[float], p: float) -> float:
    return ordered[round(p / 100 * (len(ordered) - 1))]


def main(argv: list[str] | None = None) -> None:
    from accountreview.hub.admin import add_user

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-factor", type=float, default=0.05)
    args = parser.parse_args(argv)
    os.environ["ACCOUNTREVIEW_TODAY"] = bench_sync.TODAY.isoformat()
    with running_server() as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dbname, manager = bench_sync.load_large(server, args.large_factor, folder)
        add_user(server.owner_url(dbname), "Bench Manager", manager, "manager", None,
                 bench_sync.PASSWORD, login="b_lock")  # fmt: skip
        url = server.url_for("b_lock", bench_sync.PASSWORD, dbname)
        copy_before, _ = bench_sync.copy_out_seconds(url)
        alone, rows, peak, (inner, *_) = bench_sync.first_pull(url, folder, "alone.db")
        opened, _, _, _ = bench_sync.first_pull(url, folder, "opened.db", made=False)
        copy_after, _ = bench_sync.copy_out_seconds(url)
        copy_seconds = (copy_before + copy_after) / 2  # the machine's load drifts
        target = folder / "pull.db"
        writer = Writer(target)
        writer.start()
        beside, _, _, _ = bench_sync.first_pull(url, folder, target.name, made=False)
        writer.stop.set()
        writer.join()
        waits, writes = sorted(writer.waits) or [0.0], sorted(writer.writes) or [0.0]
        print(
            f"factor {args.large_factor:g}: first pull of {rows:,} rows into a file `sync`"
            f" made {alone:.2f} s; COPY TO STDOUT {copy_before:.2f} s before,"
            f" {copy_after:.2f} s after -> {alone / copy_seconds:.2f}x (the sync after making"
            f" the file {inner:.2f} s, {inner / copy_seconds:.2f}x); peak"
            f" {peak / 1024:.0f} MiB; into a file the app has open (copied in chunks)"
            f" {opened:.2f} s -> {opened / copy_seconds:.2f}x, with the second writer"
            f" {beside:.2f} s -> {beside / copy_seconds:.2f}x"
        )
        print(
            f"  second writer: {len(writes)} writes, failed {writer.failed}; wait for the lock"
            f" longest {waits[-1] * 1000:.0f} ms, p95 {pct(waits, 95) * 1000:.0f} ms;"
            f" whole write (fsync included) longest {writes[-1] * 1000:.0f} ms,"
            f" p95 {pct(writes, 95) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
