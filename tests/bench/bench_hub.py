"""Hub benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_hub.py [--touches 20000] [--scale 10]

Starts a throw-away PostgreSQL (tests/postgres.py), makes a hub with one rep, and for a
book of `--touches` touches (one stakeholder per 10, one account per 10 stakeholders)
and for one `--scale` times larger, prints:

- first push: rows/s of `hub.push.push` as the rep (row-level security, triggers and the
  hub_seq lock all apply), every row in one transaction;
- first pull: rows/s of `hub.pull.pull_all` as the rep, and the peak memory
  (`ru_maxrss` of a fresh process that pulls everything and keeps nothing). Streaming
  means the larger hub's peak stays near the smaller one's (target: <= 1.2x).
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
import resource, sys, time
from accountreview.hub.connect import connect
from accountreview.hub.pull import pull_all
started = time.perf_counter()
count = 0
with connect(sys.argv[1]) as conn:
    for batch in pull_all(conn, 0, limit=2000):
        count += batch.count
print(count, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
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


def measure(server: PostgresServer, touches: int) -> tuple[float, float, int]:
    """(push rows/s, pull rows/s, pull peak KiB) for a hub of `touches` touches."""
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
    count, seconds, peak = done.stdout.split()
    server.drop_database(name)
    return total / pushed, int(count) / float(seconds), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--touches", type=int, default=20_000)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    with running_server() as server:
        figures = {}
        for touches in (args.touches, args.touches * args.scale):
            figures[touches] = measure(server, touches)
            push_rate, pull_rate, peak = figures[touches]
            print(
                f"{touches:>9,} touches: first push {push_rate:>8,.0f} rows/s,"
                f" first pull {pull_rate:>8,.0f} rows/s, pull peak {peak / 1024:,.1f} MiB"
            )
        small, large = (figures[t][2] for t in figures)
        print(f"pull peak memory {args.scale}x / 1x: {large / small:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
