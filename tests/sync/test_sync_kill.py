"""`kill -9` of a real `accountreview sync` during push and during pull, at named moments
and at random ones: the re-run completes, nothing is lost and nothing is there twice.

`ACCOUNTREVIEW_SYNC_KILLS` sets how many random kills (default 6)."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from sync.team import SYNCED, Laptop, Team, hub_rows, import_account, local_conn, outbox_count

KILLS = int(os.environ.get("ACCOUNTREVIEW_SYNC_KILLS") or 6)


def start_sync(laptop: Laptop, pause: str | None = None) -> subprocess.Popen[str]:
    """`accountreview --db FILE sync --hub URL` in a process of its own, small batches so a
    sync has several steps to be killed between."""
    env = dict(os.environ, ACCOUNTREVIEW_SYNC_BATCH="7")
    env.pop("ACCOUNTREVIEW_SYNC_PAUSE", None)
    if pause:
        env["ACCOUNTREVIEW_SYNC_PAUSE"] = pause
    command = [sys.executable, "-m", "accountreview", "--db", str(laptop.path)]
    return subprocess.Popen(
        [*command, "sync", "--hub", laptop.url, "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when_paused(process: subprocess.Popen[str], point: str) -> None:
    """Wait for the sync to say it paused at `point`, then SIGKILL it."""
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.strip() == f"sync paused at {point}", line + process.stderr.read()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def assert_same_as_hub(team: Team, laptop: Laptop) -> None:
    with team.hub_as(laptop.person.key) as hub:
        for table in SYNCED:
            assert laptop.rows(table) == hub_rows(hub, table), table
    code, out, err = laptop.cli("check")
    assert code == 0, out + err


def busy_laptop(team: Team, name: str, people: int = 20) -> Laptop:
    """Ann's laptop, synced once, then with an account of `people` waiting to be pushed."""
    laptop = team.laptop("ann", name)
    assert laptop.sync_cli()[0] == 0
    import_account(laptop, f"Acme {name}", people=people)
    assert outbox_count(laptop.path) > 2 * 7
    return laptop


def test_killed_after_the_hub_committed_a_push_the_rerun_sends_nothing_twice(
    team: Team,
) -> None:
    ann = busy_laptop(team, "ann-push")
    waiting = outbox_count(ann.path)
    kill_when_paused(start_sync(ann, "push-committed"), "push-committed")
    assert outbox_count(ann.path) == waiting  # not forgotten: the kill came first
    code, report, err = ann.sync_cli()
    assert code == 0, err
    assert report is not None and report["already"] >= 1  # the hub had that batch
    assert outbox_count(ann.path) == 0
    assert_same_as_hub(team, ann)


@pytest.mark.parametrize("point", ["pull-fetched", "pull-applied"])
def test_killed_during_a_pull_the_rerun_completes(team: Team, point: str) -> None:
    ann = busy_laptop(team, "ann-source")
    assert ann.sync_cli()[0] == 0
    fresh = team.laptop("ann", f"ann-{point}")
    kill_when_paused(start_sync(fresh, point), point)
    if point == "pull-applied":  # a first pull is one transaction: it was all committed
        assert_same_as_hub(team, fresh)
    code, report, err = fresh.sync_cli()
    assert code == 0, err
    assert report is not None and (report["pulled"] > 0) == (point == "pull-fetched")
    assert_same_as_hub(team, fresh)
    code, report, err = fresh.sync_cli()
    assert (code, report and report["pushed"], report and report["pulled"]) == (0, 0, 0)


def test_kill_9_at_random_moments_loses_nothing(team: Team) -> None:
    chance = random.Random(int(os.environ.get("ACCOUNTREVIEW_SYNC_SEED") or 15))
    pusher = busy_laptop(team, "ann-random", people=10)
    took = _seconds(start_sync(pusher))  # a whole run of the real command
    command = [sys.executable, "-m", "accountreview", "--db", str(pusher.path), "sync", "status"]
    ready = _seconds(subprocess.Popen(command, stdout=subprocess.DEVNULL))  # start-up alone
    caught = 0  # kills that landed with work half done (printed: timing is not ours)
    for round_ in range(KILLS):
        import_account(pusher, f"Round {round_}", people=4)
        fresh = team.laptop("ann", f"ann-random-{round_}")
        for laptop in (pusher, fresh):
            process = start_sync(laptop)
            time.sleep(chance.uniform(ready * 0.8, took))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            caught += process.returncode == -signal.SIGKILL and _half_done(laptop)
            code, _, err = laptop.sync_cli()
            assert code == 0, err
        assert outbox_count(pusher.path) == 0
        assert_same_as_hub(team, pusher)
        assert_same_as_hub(team, fresh)
    print(f"{caught} of {2 * KILLS} kills landed mid-sync (one run takes {took:.2f} s)")


def _seconds(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> float:
    start = time.monotonic()
    assert process.wait(timeout=60) == 0
    return time.monotonic() - start


def _half_done(laptop: Laptop) -> bool:
    """The file exists and still has changes to push or has not finished its first pull."""
    if not laptop.path.exists():
        return False
    with local_conn(laptop.path) as conn:
        waiting = conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
        cursor = conn.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()
    return bool(waiting) or cursor is None


def test_a_conflict_survives_a_kill_after_the_hub_recorded_it(team: Team) -> None:
    one, two = team.laptop("ann", "ann-one"), team.laptop("ann", "ann-two")
    assert one.sync_cli()[0] == 0
    import_account(one, "Acme")
    assert one.sync_cli()[0] == 0
    assert two.sync_cli()[0] == 0
    person = "Person 1 of Acme"
    for laptop, title in ((one, "CTO"), (two, "VP Engineering")):
        code, out, err = laptop.cli("stakeholder", "edit", "Acme", person, "--title", title)
        assert code == 0, out + err
    assert one.sync_cli()[0] == 0
    kill_when_paused(start_sync(two, "push-committed"), "push-committed")
    code, report, err = two.sync_cli()
    assert code == 0 and report is not None, err
    [conflict] = report["conflicts"]  # the hub answers a change seen before the same way
    assert (conflict["mine"], conflict["theirs"]) == ("VP Engineering", "CTO")
    code, report, err = two.sync_cli()
    assert code == 0 and report is not None and report["conflicts"] == [], err
    code, out, _ = two.cli("sync", "conflicts", "--format", "json")
    assert [c["id"] for c in json.loads(out)] == [conflict["id"]]  # kept once
    assert_same_as_hub(team, two)
