"""Sync benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_sync.py [--reps 20] [--large-factor 0.02]

Starts a throw-away PostgreSQL (tests/postgres.py) and prints:

- **weekly sync**: `--reps` reps (and their manager) each do a week of work on their own
  laptop file (5 top accounts, 25 slots filled and closed, 50 touches), then sync into
  one hub: time per sync, p50/p95 (goal < 1 s); then a sync with nothing to do (goal
  < 0.3 s); then the manager's pull of the whole team.
- **first pull of a large hub**: the large demo (`--large-factor` of 100k accounts, 500k
  stakeholders, 2M touches; `ACCOUNTREVIEW_LARGE_FACTOR` too) loaded into the hub, then
  pulled by one of its managers into a new file `sync` makes, next to `COPY … TO STDOUT` of the
  same rows by the same role on the same server (goal ≤ 3×), and the puller's peak
  memory (VmHWM of a fresh process) at that size and twice it (goal: flat), and the
  syncs after it (nothing to do, p50/p95: the batched pull's cost on a large hub; the
  goal is a figure that does not grow with the hub).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent / "src")]

from accountreview.db.sync import SYNCED_TABLES  # noqa: E402
from accountreview.domain.dates import IsoWeek  # noqa: E402
from accountreview.services.workspace import Workspace, open_workspace  # noqa: E402
from postgres import PostgresServer, running_server  # noqa: E402
from sync.team import ACCOUNT_HEADER  # noqa: E402

TODAY = date(2026, 11, 23)
PASSWORD = "bench-Pass-1"
TABLES = SYNCED_TABLES


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(label: str, seconds: list[float]) -> None:
    print(
        f"  {label:<28} p50 {statistics.median(seconds) * 1000:7.1f} ms"
        f"   p95 {pct(seconds, 95) * 1000:7.1f} ms   ({len(seconds)} syncs)"
    )


def hub_for(server: PostgresServer) -> tuple[str, str]:
    from accountreview.hub.admin import init_hub

    dbname = server.create_database()
    owner = server.owner_url(dbname)
    init_hub(owner)
    return dbname, owner


def week_of_work(ws: Workspace, folder: Path, email: str, tag: str) -> None:
    """5 top accounts of 5 people, 10 touches each, the 5 reviews filled and closed."""
    from accountreview.services.importing import ImportOptions, import_file
    from accountreview.services.lookup import resolve_account
    from accountreview.services.reviews import close_review, set_slot
    from accountreview.services.stakeholders import stakeholders_of

    names = [f"{tag} Account {n}" for n in range(1, 6)]
    (folder / "a.csv").write_text(
        ACCOUNT_HEADER + "\n" + "".join(f"{n},{email},yes,900000{',' * 15}\n" for n in names)
    )
    roles = ("champion", "executive-sponsor", "cio-office", "procurement", "finance")
    people = [(a, f"P{k} {a}", roles[k]) for a in names for k in range(5)]
    (folder / "s.csv").write_text(
        "account,name,email,title,level,role,left_on\n"
        + "".join(f"{a},{p},,,,{r},\n" for a, p, r in people)
    )
    touches = [
        f"{a},{p},{(TODAY - timedelta(days=d)).isoformat()},video,call {d}\n"
        for a, p, _ in people
        for d in (1, 8)
    ]
    (folder / "t.csv").write_text("account,stakeholder,on,channel,note\n" + "".join(touches))
    for name in ("a", "s", "t"):
        import_file(ws, folder / f"{name}.csv", options=ImportOptions(rep=email))
    week = IsoWeek.of(TODAY)
    for name in names:
        account = resolve_account(ws, name)
        for position, person in enumerate(stakeholders_of(ws, account)[:5], start=1):
            set_slot(ws, account, week, position, person.id)
        close_review(ws, account, week)


def rep_week(url: str, folder: Path, login: str, email: str) -> tuple[float, float]:
    """A new laptop of the rep `login` synced, a week of work done on it, then synced:
    (seconds of that sync, of the one after it with nothing to do)."""
    from accountreview.services.reps import current_rep
    from accountreview.services.sync import sync_once

    ws = open_workspace(folder / f"{login}.db", TODAY, create=True)
    try:
        sync_once(ws, url)  # a new laptop: its person's rep row
        current_rep(ws, email)
        work = folder / login
        work.mkdir()
        week_of_work(ws, work, email, login)
        start = time.perf_counter()
        report = sync_once(ws, url)
        weekly = time.perf_counter() - start
        assert report.pushed > 0 and not report.refused, report
        start = time.perf_counter()
        sync_once(ws, url)
        return weekly, time.perf_counter() - start
    finally:
        ws.close()


def bench_weekly(server: PostgresServer, reps: int, folder: Path) -> None:
    from accountreview.hub.admin import add_user
    from accountreview.services.sync import sync_once

    dbname, owner = hub_for(server)
    add_user(owner, "Mia Boss", "mia@bench.example", "manager", None, PASSWORD, login="b_mia")
    people = [(f"b_rep{n}", f"rep{n}@bench.example") for n in range(reps)]
    for login, email in people:
        add_user(owner, login, email, "rep", "mia@bench.example", PASSWORD, login=login)
    weekly: list[float] = []
    idle: list[float] = []
    for login, email in people:
        week, nothing = rep_week(server.url_for(login, PASSWORD, dbname), folder, login, email)
        weekly.append(week)
        idle.append(nothing)
    print(f"weekly sync, {reps} reps into one hub (each: 5 accounts, 25 slots, 50 touches)")
    figures("weekly sync (push + pull)", weekly)
    figures("nothing to do", idle)
    ws = open_workspace(folder / "mia.db", TODAY, create=True)
    try:
        start = time.perf_counter()
        report = sync_once(ws, server.url_for("b_mia", PASSWORD, dbname))
        took = time.perf_counter() - start
    finally:
        ws.close()
    print(f"  manager's first pull of the team: {report.pulled:,} rows in {took:.2f} s")
    server.drop_database(dbname)


def load_large(server: PostgresServer, factor: float, folder: Path) -> tuple[str, str]:
    """The large demo built in a local file, then pushed into a new hub by its owner (the
    first-push path: every row, parents first); returns (dbname, a manager's email)."""
    import psycopg

    from accountreview.db.sync import SYNCED_TABLES, all_rows
    from accountreview.hub.push import push
    from accountreview.services.demo.build import LARGE_FACTOR_ENV, build_demo

    path = folder / f"large-{factor}.db"
    os.environ[LARGE_FACTOR_ENV] = str(factor)
    build_demo(path, TODAY, scale="large")
    dbname, owner = hub_for(server)
    ws = open_workspace(path, TODAY)
    start, rows = time.perf_counter(), 0
    with psycopg.connect(owner) as hub:
        for table in SYNCED_TABLES:
            for batch in all_rows(ws.db.conn, table, 5000):
                result = push(hub, [], {table: batch})
                assert not result.refused, result.refused[:3]
                rows += len(batch)
    print(f"  (loaded {rows:,} rows into the hub in {time.perf_counter() - start:.1f} s)")
    manager = ws.db.conn.execute(
        "SELECT email FROM rep WHERE role = 'manager' ORDER BY email LIMIT 1"
    ).fetchone()[0]
    ws.close()
    return dbname, str(manager)


def copy_out_seconds(url: str) -> tuple[float, int]:
    """COPY (SELECT * FROM t) TO STDOUT of every synced table, as the role of `url`."""
    import psycopg
    from psycopg import sql

    start = time.perf_counter()
    size = 0
    with psycopg.connect(url) as conn:
        for table in TABLES:
            query = sql.SQL("COPY (SELECT * FROM {}) TO STDOUT").format(sql.Identifier(table))
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    size += len(block)
    return time.perf_counter() - start, size


# The peak is VmHWM, not ru_maxrss: Linux carries the parent's high-water mark over into
# a child's ru_maxrss across fork and exec, so it grew with what this bench had loaded.
PULL_CHILD = """
import sys, time
from datetime import date
from accountreview.services.sync import sync_file, sync_once
from accountreview.services.workspace import open_workspace
import accountreview.services.sync.engine as engine
inner = []  # the sync itself, without making the new file (its migrations)
def timed(*args, real=engine.sync_once):
    start = time.perf_counter()
    try:
        return real(*args)
    finally:
        inner.append(time.perf_counter() - start)
engine.sync_once = timed
if sys.argv[3] == "made":  # `accountreview sync` of a new file: the sync makes it
    start = time.perf_counter()
    report = sync_file(sys.argv[1], date(2026, 11, 23), sys.argv[2])
    took = time.perf_counter() - start
    ws = open_workspace(sys.argv[1], date(2026, 11, 23))
else:  # a new, empty file the app made and has open (the first pull copies, see pull.py)
    ws = open_workspace(sys.argv[1], date(2026, 11, 23), create=True)
    start = time.perf_counter()
    report = sync_once(ws, sys.argv[2])
    took = time.perf_counter() - start
status = open("/proc/self/status").read()
idle = []
for _ in range(IDLE):  # the next syncs: nothing to do, on this large hub
    start = time.perf_counter()
    sync_once(ws, sys.argv[2])
    idle.append(time.perf_counter() - start)
from accountreview.hub.connect import connect
from accountreview.hub.pull import pull
from accountreview.services.sync.state import cursor
with connect(sys.argv[2]) as hub:  # the pull's own statements, nothing new past the cursor
    queries = []
    for _ in range(3 * IDLE):
        start = time.perf_counter()
        assert pull(hub, cursor(ws)).count == 0
        queries.append(time.perf_counter() - start)
def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]
alone = inner[0] if inner else took  # a file made first: the sync is all of it
print(took, report.pulled, status.split("VmHWM:")[1].split()[0], alone, p(idle, 0.5),
      p(idle, 0.95), p(queries, 0.5), p(queries, 0.95))
"""
IDLE_SYNCS = 15  # nothing-to-do syncs timed after the first pull (p50, p95)


def first_pull(
    url: str, folder: Path, name: str, *, made: bool = True
) -> tuple[float, int, int, list[float]]:
    """(seconds, rows, peak KiB) of a first pull into a new file, in a fresh process, and
    the seconds of the sync alone (`made`: without making the file), the p50 and p95
    seconds of the syncs after it (nothing to do), then of the pull's own statements
    (over one open connection, nothing new). `made`: the sync makes the file
    (`sync_file`, as `accountreview sync` of a new file); else the file is made first and
    open (as in the app), and the first pull copies into it."""
    child = f"IDLE = {IDLE_SYNCS}\n" + PULL_CHILD
    run = subprocess.run(
        [sys.executable, "-c", child, str(folder / name), url, "made" if made else "open"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, PYTHONPATH=str(HERE.parent.parent / "src")),
    )
    if run.returncode:
        raise SystemExit(f"the first pull failed ({run.returncode}): {run.stderr[-2000:]}")
    seconds, rows, peak, *idle = run.stdout.split()
    return float(seconds), int(rows), int(peak), [float(v) for v in idle]


def bench_large(server: PostgresServer, factor: float, folder: Path) -> None:
    from accountreview.hub.admin import add_user

    print(f"first pull of the large demo (factor {factor:g}; 1 = 100k accounts)")
    peaks: list[tuple[float, int, int]] = []
    for size in (factor, factor * 2):
        dbname, manager = load_large(server, size, folder)
        add_user(server.owner_url(dbname), "Bench Manager", manager, "manager", None, PASSWORD,
                 login="b_large")  # fmt: skip
        url = server.url_for("b_large", PASSWORD, dbname)
        seconds, rows, peak, (inner, idle, idle95, query, query95) = first_pull(
            url, folder, f"pull-{size}.db"
        )
        copy_seconds, size_bytes = copy_out_seconds(url)
        print(
            f"  factor {size:g}: pulled {rows:,} rows in {seconds:.2f} s;"
            f" COPY TO STDOUT of the same rows {copy_seconds:.2f} s ({size_bytes / 1e6:.0f} MB)"
            f" -> {seconds / copy_seconds:.1f}x (the sync after making the file {inner:.2f} s,"
            f" {inner / copy_seconds:.1f}x); peak {peak / 1024:.0f} MiB;"
            f" then nothing to do: p50 {idle * 1000:.0f} ms, p95 {idle95 * 1000:.0f} ms"
            f" ({IDLE_SYNCS} syncs; the pull's statements alone p50 {query * 1000:.1f} ms,"
            f" p95 {query95 * 1000:.1f} ms)"
        )
        add_user(server.owner_url(dbname), "Week Rep", "week@bench.example", "rep", manager,
                 PASSWORD, login="b_week")  # fmt: skip
        week_url = server.url_for("b_week", PASSWORD, dbname)
        weeks = [
            rep_week(week_url, folder, f"b_week{n}-{size}", "week@bench.example") for n in range(3)
        ]
        print(
            f"  a rep's weekly sync on this hub (5 accounts, 25 slots, 50 touches; 3 weeks):"
            f" {', '.join(f'{w * 1000:.0f}' for w, _ in weeks)} ms; then nothing to do:"
            f" {', '.join(f'{i * 1000:.0f}' for _, i in weeks)} ms"
        )
        peaks.append((size, rows, peak))
        server.drop_database(dbname)
    (_, rows1, peak1), (_, rows2, peak2) = peaks
    print(f"  peak memory at 2x the rows: {peak2 / peak1:.2f}x of 1x ({rows2 / rows1:.1f}x rows)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_SYNC_REPS", 20)))
    parser.add_argument(
        "--large-factor",
        type=float,
        default=float(os.environ.get("ACCOUNTREVIEW_LARGE_FACTOR") or 0.02),
    )
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args(argv)
    os.environ["ACCOUNTREVIEW_TODAY"] = TODAY.isoformat()
    with running_server() as server, tempfile.TemporaryDirectory() as tmp:
        bench_weekly(server, args.reps, Path(tmp))
        if not args.skip_large:
            bench_large(server, args.large_factor, Path(tmp))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"(bench process peak {peak / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
