"""Browser speed benchmark for `accountreview serve`: prints figures, asserts nothing.

    python tests/bench/bench_serve.py [--runs 20]

On a fresh demo database, in Debian's chromium (headless), it prints:
  - opening the address (with the token) to a usable queue (the queue's header drawn);
  - p50 / p95 of key -> frame for moving the cursor in the queue and for saving a slot
    (the `enter` that picks a person, and the `x` that empties the slot): from the
    keydown in the page to the last WebSocket frame of the app's answer (frames less
    than 100 ms apart count as one answer), both timed by the page's own clock;
  - the memory of one session's app process (RSS and PSS).
Compare with `tests/bench/bench_tui.py --scale demo` for the terminal's figures.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "serve"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import Page, sync_playwright
from serving import serving
from textual.pilot import Pilot

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLAGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]
TIMING = """
window.__frames = []; window.__keys = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Native(...args);
  ws.addEventListener("message", () => window.__frames.push(performance.now()));
  return ws;
};
window.WebSocket.prototype = Native.prototype;
document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
"""
DRAWN = "() => window.__frames.length"
TODAY = date(2026, 11, 23)


def key_to_frame(page: Page, key: str) -> float:
    """Milliseconds from the keydown to the last frame of the answer."""
    page.keyboard.press(key)
    page.wait_for_timeout(300)
    return float(
        page.evaluate(
            """() => {
            const key = window.__keys[window.__keys.length - 1];
            const after = window.__frames.filter(t => t >= key);
            let last = after[0];
            for (const t of after) { if (t - last < 100) last = t; else break; }
            return last === undefined ? NaN : last - key;
        }"""
        )
    )


def review_target(db: Path) -> tuple[int, tuple[str, str], str]:
    """The first queue account with two people contacted in the last 90 days and in no
    slot but the first (picking them saves the slot and opens no form, as in
    bench_tui.py): its place in the queue, the two names and the account's id."""
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.queue import queue_for
    from accountreview.services.reps import current_rep
    from accountreview.services.reviews import review_view
    from accountreview.services.stakeholders import stakeholders_of
    from accountreview.services.workspace import open_workspace

    ws = open_workspace(db, TODAY)
    try:
        rep = current_rep(ws, None)
        assert rep is not None
        for place, item in enumerate(queue_for(ws, rep.id, IsoWeek.of(TODAY)).items):
            account = item.facts.account
            slots = review_view(ws, account, IsoWeek.of(TODAY)).slots
            taken = {s.stakeholder_id for s in slots[1:]}
            names = [
                p.name
                for p in stakeholders_of(ws, account)
                if p.id not in taken
                and p.left_on is None
                and p.last_contact_on is not None
                and (TODAY - p.last_contact_on).days <= 90
            ]
            if len(names) >= 2:
                return place, (names[0], names[1]), account.id
        raise SystemExit("no queue account has two people contacted lately")
    finally:
        ws.close()


async def terminal_latencies(
    db: Path, place: int, people: tuple[str, str], runs: int
) -> dict[str, list[float]]:
    """The same keys in the terminal app (Textual's test driver), timed as bench_tui.py."""
    from bench_tui import TimedApp

    from accountreview.services.workspace import open_workspace

    results: dict[str, list[float]] = {"move": [], "save": []}
    app = TimedApp(open_workspace(db, TODAY, create=True))

    async def timed(pilot: Pilot[None], key: str, bucket: str) -> None:
        await pilot.press(key)
        await pilot.pause()
        results[bucket].append((TimedApp.frame_at - TimedApp.key_at) * 1000)

    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        for n in range(runs):
            await timed(pilot, "down" if n % 2 == 0 else "up", "move")
        await pilot.press(*["down"] * place, "enter")
        await pilot.pause()
        for n in range(runs):
            await pilot.press("enter", *people[n % 2])
            await pilot.pause()
            await timed(pilot, "enter", "save")
    return results


def slot_one(db: Path, account_id: str) -> str | None:
    """Who fills slot 1 of that account's review, as saved."""
    from accountreview.db.accounts import get_account
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.reviews import review_view
    from accountreview.services.workspace import open_workspace

    ws = open_workspace(db, TODAY)
    try:
        account = get_account(ws.db.conn, account_id)
        assert account is not None
        return review_view(ws, account, IsoWeek.of(TODAY)).slots[0].name
    finally:
        ws.close()


def memory(pid: int) -> tuple[int, int]:
    rss = next(
        int(line.split()[1])
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmRSS")
    )
    pss = next(
        int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        if line.startswith("Pss:")
    )
    return rss, pss


def show(name: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    print(f"  {name:<34} p50 {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    os.environ["ACCOUNTREVIEW_TODAY"] = TODAY.isoformat()  # the server's too
    folder = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    db = folder / "demo.db"
    cli = [sys.executable, "-m", "accountreview", "--today", "2026-11-23", "--db", str(db)]
    subprocess.run([*cli, "demo", "--no-open"], check=True, capture_output=True)
    with serving(db) as served, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(folder / "profile"), executable_path="/usr/bin/chromium", headless=True, args=FLAGS
        )
        page = context.new_page()
        page.add_init_script(TIMING)
        page.set_viewport_size({"width": 1100, "height": 700})
        start = time.perf_counter()
        page.goto(served.signin_url)
        page.wait_for_function(DRAWN + " > 5")
        page.wait_for_function("() => document.body.classList.contains('-first-byte')")
        frames = page.evaluate(DRAWN)
        page.wait_for_timeout(50)
        while page.evaluate(DRAWN) != frames:  # drawn until quiet: the queue is up
            frames = page.evaluate(DRAWN)
            page.wait_for_timeout(50)
        print(f"open the address -> usable queue: {(time.perf_counter() - start - 0.05):.2f} s")
        page.locator(".xterm-helper-textarea").focus()
        moves = [key_to_frame(page, "ArrowUp" if i % 2 else "ArrowDown") for i in range(runs)]
        place, people, account_id = review_target(db)
        for _ in range(place):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")  # open that account's review
        page.wait_for_timeout(500)
        saves = []
        for n in range(runs):
            page.keyboard.press("Enter")  # the picker on slot 1
            page.wait_for_timeout(200)
            page.keyboard.type(people[n % 2], delay=10)
            page.wait_for_timeout(300)
            saves.append(key_to_frame(page, "Enter"))  # pick: the slot is saved
            page.wait_for_timeout(200)
        saved = slot_one(db, account_id)
        print(f"key -> frame in the browser (slot 1 now {saved!r}, saved by the keys):")
        show("move the cursor (queue)", moves)
        show("save a slot (pick)", saves)
        pid = served.app_pids()[0]
        rss, pss = memory(pid)
        print(f"one session's app process: RSS {rss / 1024:.0f} MiB, PSS {pss / 1024:.0f} MiB")
        context.close()
    terminal = asyncio.run(terminal_latencies(db, place, people, runs))
    print("key -> frame in the terminal (the same keys, timed as bench_tui.py):")
    show("move the cursor (queue)", terminal["move"])
    show("save a slot (pick)", terminal["save"])


if __name__ == "__main__":
    main()
