"""TUI speed benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_tui.py [--scale demo|large|both] [--runs 20]

For each database size it prints:
  - start to interactive queue (a fresh process: interpreter start to the first
    frame showing the loaded queue), beside a bare
    `python -c "import sqlmodel, textual.app, typer"`;
  - p50 / p95 of key -> screen updated, for moving the cursor, opening a review
    and saving a slot. Timed inside the app: from the moment the key event reaches
    the app to the last frame the compositor produced for it.
Targets (issue 4): large start within 1.25x of the bare import and within 1.10x of
the demo start; key -> screen p95 <= 30 ms at the large scale.

The large database takes about a minute to build the first time; it is kept in
$ACCOUNTREVIEW_BENCH_DIR (default /tmp/accountreview-bench) and reused.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

# The app first, as in real use: it sets Textual's frame rate before Textual loads.
from accountreview.tui import AccountReviewApp  # isort: skip
from accountreview.tui.screens.queue import QueueScreen  # isort: skip
from accountreview.services.workspace import open_workspace  # isort: skip
from textual import events  # isort: skip
from textual.screen import Screen  # isort: skip
from big_account import add_big_account  # isort: skip
from rich.console import RenderableType  # isort: skip
from textual.pilot import Pilot  # isort: skip

TODAY = date(2026, 11, 23)
BENCH_DIR = Path(os.environ.get("ACCOUNTREVIEW_BENCH_DIR", "/tmp/accountreview-bench"))

CHILD = """
import sys, time
from datetime import date
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen

class Timed(AccountReviewApp):
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if isinstance(screen, QueueScreen) and screen.queue is not None:
            print(time.time(), flush=True)
            self.exit()

async def main():
    app = Timed(open_workspace(sys.argv[1], date(2026, 11, 23), create=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
import asyncio
asyncio.run(main())
"""


class TimedApp(AccountReviewApp):
    """Records when each key arrives and when each frame is produced."""

    key_at = 0.0
    frame_at = 0.0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            TimedApp.key_at = time.perf_counter()
        await super().on_event(event)

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            TimedApp.frame_at = time.perf_counter()


def database(scale: str) -> Path:
    """A fresh copy of the bench's database at `scale` (built once, then reused), the
    big account added at the large scale."""
    master = BENCH_DIR / f"{scale}.db"
    if not master.exists():
        from accountreview.services.demo import build_demo

        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        build_demo(master, TODAY, scale=scale)
        print(f"built {scale} database in {time.perf_counter() - started:.1f} s")
    work = BENCH_DIR / f"{scale}-run.db"
    for stale in (work, work.with_name(f"{work.name}-wal"), work.with_name(f"{work.name}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(master, work)
    if scale == "large":
        add_big_account(work, TODAY)
    return work


def start_seconds(path: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        begin = time.time()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
        )
        samples.append(float(out.stdout.split()[0]) - begin)
    return statistics.median(samples)


def bare_import_seconds(runs: int) -> float:
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlmodel, textual.app, typer"], check=True)
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples)


async def key_latencies(path: Path, runs: int, big: bool) -> dict[str, list[float]]:
    """Key -> frame times on the queue, on its first account, and (`big`) on the big one."""
    results: dict[str, list[float]] = {"move": []}
    app = TimedApp(open_workspace(path, TODAY, create=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        for n in range(runs):
            await timed(pilot, "down" if n % 2 == 0 else "up", results["move"])
        queue = app.screen
        await account_latencies(pilot, queue, first_bench_account(app, queue), runs, results, "")
        if big:
            big_id = add_big_account(path, TODAY)
            await account_latencies(pilot, queue, big_id, runs, results, "big ")
    return results


async def timed(pilot: Pilot[None], key: str, bucket: list[float]) -> None:
    """Press `key`, wait for the screen to settle, and keep the time to its last frame."""
    await pilot.press(key)
    await pilot.pause()
    bucket.append((TimedApp.frame_at - TimedApp.key_at) * 1000)


async def account_latencies(
    pilot: Pilot[None],
    queue: QueueScreen,
    account_id: str,
    runs: int,
    results: dict[str, list[float]],
    tag: str,
) -> None:
    """Open the review of `account_id` from the queue, save slot 1, log a contact with
    slot 1's person and open the history, `runs` times each; back on the queue after."""
    buckets = {name: results.setdefault(f"{tag}{name}", []) for name in ACCOUNT_KEYS}
    queue.move_to(account_id)
    await pilot.pause()
    for _ in range(runs):
        await timed(pilot, "enter", buckets["open review"])
        await pilot.press("escape")
        await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, AccountReviewApp)
    first, second = recent_people(app, account_id)[:2]
    for n in range(runs):
        await pilot.press("enter")  # open the picker on slot 1
        await pilot.pause()
        await pilot.press(*(first if n % 2 == 0 else second))
        await pilot.pause()
        await timed(pilot, "enter", buckets["save slot"])
    for _ in range(runs):
        await pilot.press("t")  # the contact form, its date "today"
        await pilot.pause()
        await timed(pilot, "enter", buckets["log contact"])
    for _ in range(runs):
        await timed(pilot, "h", buckets["history"])
        await pilot.press("escape")
        await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


ACCOUNT_KEYS = ("open review", "save slot", "log contact", "history")


def recent_people(app: AccountReviewApp, account_id: str) -> list[str]:
    """Names of the people of an open (or not started) review's account, contacted in
    the last 90 days and in no slot but the first (empty for a closed review)."""
    from accountreview.services.lookup import resolve_account
    from accountreview.services.reviews import review_view
    from accountreview.services.stakeholders import stakeholders_of

    account = resolve_account(app.ws, account_id)
    view = review_view(app.ws, account, app.week)
    if view.status.value == "closed":
        return []
    taken = {s.stakeholder_id for s in view.slots[1:]}
    return [
        p.name
        for p in stakeholders_of(app.ws, account)
        if p.id not in taken
        and p.left_on is None
        and p.last_contact_on is not None
        and (app.ws.today - p.last_contact_on).days <= 90
    ]


def first_bench_account(app: AccountReviewApp, queue: QueueScreen) -> str:
    """The first account of the queue whose slot 1 can take two recently contacted people
    in turn (so that a save is all that happens: a never-contacted pick would open the
    touch form as well)."""
    assert queue.queue is not None
    for item in queue.queue.items:
        if len(recent_people(app, item.facts.account.id)) >= 2:
            return item.facts.account.id
    raise AssertionError("the bench needs an account with two recently contacted people")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["demo", "large", "both"], default="both")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    scales = ["demo", "large"] if args.scale == "both" else [args.scale]
    bare = bare_import_seconds(5)
    print(f"bare `import sqlmodel, textual.app, typer`: {bare * 1000:.0f} ms (median of 5)")
    starts: dict[str, float] = {}
    for scale in scales:
        path = database(scale)
        starts[scale] = start_seconds(path, 5)
        print(
            f"[{scale}] start to interactive queue: {starts[scale] * 1000:.0f} ms"
            f" ({starts[scale] / bare:.2f}x bare import)"
        )
        latencies = asyncio.run(key_latencies(path, args.runs, big=scale == "large"))
        for name, values in latencies.items():
            print(
                f"[{scale}] {name:16} p50 {percentile(values, 50):6.1f} ms"
                f"   p95 {percentile(values, 95):6.1f} ms   (n={len(values)})"
            )
        for name in ACCOUNT_KEYS if scale == "large" else ():
            big, small = percentile(latencies[f"big {name}"], 95), percentile(latencies[name], 95)
            print(f"[{scale}] big / first account, {name:12} p95: {big / small:.2f}x")
    if "demo" in starts and "large" in starts:
        print(f"large start / demo start: {starts['large'] / starts['demo']:.2f}x")


if __name__ == "__main__":
    main()
