"""Hub benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_hub.py [--touches 20000] [--scale 10]

Starts a throw-away PostgreSQL (tests/postgres.py), makes a hub with one rep, and for a
book of `--touches` touches (one stakeholder per 10, one account per 10 stakeholders)
and for one `--scale` times larger, prints:

- first push: rows/s of `hub.push.push` as the rep (row-level security, triggers and the
  hub_seq lock all apply), every row in one transaction;
- first pull: rows/s of `hub.pull.pull_all` as the rep, and the memory of a fresh process
  that pulls everything and keeps nothing: its peak RSS (VmHWM), how much that grew
  while pulling, and the Python heap's peak after the first batch (tracemalloc).
  Streaming means the larger hub's figures stay near the smaller one's (target <= 1.2x).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from accountreview.hub.admin import init_hub  # noqa: E402
from accountreview.hub.connect import connect  # noqa: E402
from accountreview.hub.push import push  # noqa: E402
from hubdata import account_row, make_team, stakeholder_row, touch_row  # noqa: E402
from postgres import PostgresServer, running_server  # noqa: E402

PULLER = """
import sys, time, tracemalloc
from accountreview.hub.connect import connect
from accountreview.hub.pull import pull_all
def high_water():  # KiB; VmHWM starts afresh at exec (ru_maxrss keeps the parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
count = 0
with connect(sys.argv[1]) as conn:
    before = high_water()
    started = time.perf_counter()
    for n, batch in enumerate(pull_all(conn, 0, limit=2000)):
        count += batch.count
        if n == 0:
            tracemalloc.start()
    seconds = time.perf_counter() - started
peak = high_water()
print(count, seconds, before, peak, tracemalloc.get_traced_memory()[1] // 1024)
"""


def book(rep: str, touches: int) -> dict[str, list[dict[str, object]]]:
    """A rep's accounts, stakeholders and touches in the local file's forms."""
    accounts = [account_row(rep, name=f"Account {n}") for n in range(max(1, touches // 100))]
    people = [
        stakeholder_row(accounts[n % len(accounts)]["id"], name=f"Person {n}")
        for n in range(max(1, touches // 10))
    ]
    rows = [touch_row(people[n % len(people)]["id"], rep) for n in range(touches)]
    return {"account": accounts, "stakeholder": people, "touch": rows}


def measure(server: PostgresServer, touches: int) -> dict[str, float]:
    """Push and pull rates and the pull's memory for a hub of `touches` touches."""
    name = server.create_database()
    init_hub(server.owner_url(name))
    team = make_team(server, server.owner_url(name))
    rows = book(team.ann.id, touches)
    total = sum(len(r) for r in rows.values())
    started = time.perf_counter()
    with connect(team.ann.url) as conn:
        result = push(conn, [], rows)
    pushed = time.perf_counter() - started
    assert result.applied == total, (result.applied, total, result.refused[:3])
    done = subprocess.run(
        [sys.executable, "-c", PULLER, team.ann.url], capture_output=True, text=True, check=True
    )
    count, seconds, before, peak, traced = (float(x) for x in done.stdout.split())
    server.drop_database(name)
    return {
        "push": total / pushed,
        "pull": count / seconds,
        "rss": peak / 1024,
        "growth": (peak - before) / 1024,
        "traced": traced / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--touches", type=int, default=20_000)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    with running_server() as server:
        figures = []
        for touches in (args.touches, args.touches * args.scale):
            f = measure(server, touches)
            figures.append(f)
            print(
                f"{touches:>9,} touches: first push {f['push']:>7,.0f} rows/s,"
                f" first pull {f['pull']:>7,.0f} rows/s; pull: peak RSS {f['rss']:,.1f} MiB"
                f" (+{f['growth']:,.1f} while pulling), Python heap peak {f['traced']:,.1f} MiB"
            )
        small, large = figures
        print(
            f"pull memory {args.scale}x / 1x: Python heap peak"
            f" {large['traced'] / small['traced']:.2f}, peak RSS {large['rss'] / small['rss']:.2f}"
            " (target <= 1.2)"
        )


if __name__ == "__main__":
    main()
