"""Keys while the app syncs: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_sync_tui.py [--runs 200] [--accounts 10] [--people 150]

Starts a throw-away PostgreSQL (tests/postgres.py), signs a team up on a hub, and gives
Ann a laptop with `--accounts` top accounts of `--people` stakeholders (each with a
touch). Then, on the queue, it presses ↓/↑ `--runs` times and times key -> last frame
as tests/bench/bench_tui.py does (from the key event reaching the app to the last frame
the compositor produced for it):
  - with no sync running (the first sync, on start, pushes every row of the file;
    the keys pressed during it are left out);
  - syncing back to back while Ann's second laptop (another process) imports a new
    account of `--people` people every half second and syncs it, so that each sync of
    the app signs in, asks the hub and pulls and applies those rows; counting only the
    keys pressed while a sync was running.
Goal (issue 15): a key pressed while a sync runs answers as fast as without.
"""

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "bench")]

from accountreview.services.workspace import open_workspace  # noqa: E402

from accountreview.tui import AccountReviewApp  # noqa: E402, F401  # isort: skip
from bench_tui import TimedApp, percentile  # noqa: E402
from rich.console import RenderableType  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from accountreview.tui.screens.queue import QueueScreen  # noqa: E402
from accountreview.tui.sync_worker import SyncTimings  # noqa: E402
from accountreview.tui.widgets.line import Line  # noqa: E402
from conftest import TODAY  # noqa: E402
from postgres import PostgresServer, running_server  # noqa: E402
from sync.team import Laptop, Team, import_account, setup_team  # noqa: E402

OTHER_LAPTOP = """
import sys, time
from dataclasses import replace
from pathlib import Path
sys.path[:0] = [sys.argv[1]]
from sync.team import PEOPLE, Laptop, import_account
ann = replace(next(p for p in PEOPLE if p.key == "ann"), login=sys.argv[3])
laptop = Laptop(path=Path(sys.argv[2]), person=ann, url=sys.argv[4])
assert laptop.sync_cli()[0] == 0
n = 0
while True:
    import_account(laptop, f"Other {n:04}", people=int(sys.argv[5]))
    assert laptop.sync_cli()[0] == 0
    n += 1
    time.sleep(0.5)
"""
BACK_TO_BACK = SyncTimings(quiet=0.0, period=0.0, tick=0.02)
IDLE = SyncTimings(quiet=3600.0, period=3600.0, tick=1.0)  # the sync on start, then none


class FirstFrameApp(TimedApp):
    """Also records the first frame that shows a key's whole effect: the queue's cursor
    on row `want` and the line below it describing that row's account."""

    want: tuple[int, str] | None = None
    shown_at = 0.0

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is None or self.want is None or not isinstance(screen, QueueScreen):
            return
        row, name = self.want
        detail = str(screen.query_one("#queue-detail", Line).content)
        if screen.query_one(DataTable).cursor_row == row and detail.startswith(name):
            self.shown_at, self.want = time.perf_counter(), None


async def key_times(app: FirstFrameApp, runs: int, during_sync: bool) -> list[float]:
    """Key -> first frame showing it, for ↓/↑ on the queue (only the keys pressed while
    a sync ran, when `during_sync`)."""
    times: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.queue is not None
        names = [item.facts.account.name for item in screen.queue.items]
        presses = 0
        while len(times) < runs and presses < runs * 50:
            running = app.sync_shown.running
            row = 1 if presses % 2 == 0 else 0
            app.want = (row, names[row])
            await pilot.press("down" if row else "up")
            for _ in range(5000):
                if app.want is None:
                    break
                await asyncio.sleep(0.001)
            presses += 1
            if running == during_sync and app.want is None:
                times.append((app.shown_at - app.key_at) * 1000)
            await asyncio.sleep(0.01)  # a person does not type faster than this
    return times


def laptop_with_work(
    server: PostgresServer, folder: Path, accounts: int, people: int
) -> tuple[Team, Laptop]:
    """Ann's laptop with her accounts imported, on a fresh hub (the first sync pushes them)."""
    from accountreview.hub.admin import init_hub

    dbname = server.create_database()
    init_hub(server.owner_url(dbname))
    team = setup_team(server.port, server.owner_url(dbname), folder)
    laptop = team.laptop("ann")
    assert laptop.sync_cli()[0] == 0  # Ann's rep record, from the hub
    for n in range(accounts):
        import_account(laptop, f"Account {n:03}", people=people)
    return team, laptop


def other_laptop(team: Team, people: int) -> subprocess.Popen[bytes]:
    """Ann's second laptop, importing and syncing new accounts until stopped."""
    ann = team.people["ann"]
    path = team.folder / "ann-other.db"
    args = [str(TESTS), str(path), ann.login, team.url("ann"), str(people)]
    return subprocess.Popen([sys.executable, "-c", OTHER_LAPTOP, *args])


def stakeholders_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM stakeholder").fetchone()[0])
    finally:
        conn.close()


def report(name: str, values: list[float]) -> None:
    print(
        f"{name:34} p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms"
        f"   max {max(values):6.1f} ms   (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--people", type=int, default=150)
    args = parser.parse_args()
    with running_server() as server, tempfile.TemporaryDirectory() as folder:
        team, laptop = laptop_with_work(server, Path(folder), args.accounts, args.people)
        print(f"Ann's file: {args.accounts} top accounts x {args.people} stakeholders + touches")
        os.environ["ACCOUNTREVIEW_HUB"] = laptop.url
        plain = FirstFrameApp(
            open_workspace(laptop.path, TODAY, create=True), rep=laptop.person.email
        )
        plain.sync_timings = IDLE
        quiet = asyncio.run(key_times(plain, args.runs, False))
        report("no sync running: ↓/↑", quiet)
        app = FirstFrameApp(
            open_workspace(laptop.path, TODAY, create=True), rep=laptop.person.email
        )
        app.sync_timings = BACK_TO_BACK
        before, started = stakeholders_in(laptop.path), time.perf_counter()
        other = other_laptop(team, args.people)
        try:
            busy = asyncio.run(key_times(app, args.runs, True))
        finally:
            other.terminate()
            other.wait()
        report("while a sync runs: ↓/↑", busy)
        print(
            f"(in {time.perf_counter() - started:.1f} s the app ran {app.syncs_started} syncs"
            f" and pulled {stakeholders_in(laptop.path) - before:,} stakeholders)"
        )
        ratio = statistics.median(busy) / statistics.median(quiet)
        print(f"p50 while syncing / without: {ratio:.2f}x")


if __name__ == "__main__":
    main()
