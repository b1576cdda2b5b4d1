"""Kill the app with SIGKILL at random moments, hundreds of times: nothing it confirmed is lost.

One database lives through every kill, so its state builds up. Each round
starts one child process on it and kills it at a random moment:

- most rounds, a child making edits through the services the TUI and the CLI
  call (`crash.rep_child`: fast, so many kills land inside a transaction);
- some rounds, the real app driven by keys (`crash.tui_child`);
- some rounds, the real CLI importing a large touches file (`accountreview import`).

After each kill the database must pass `PRAGMA integrity_check` and
`foreign_key_check`, and hold exactly what the children confirmed: every
fact `crash.facts.read_facts` reads (slots, reviews, snapshots, audit rows,
stakeholders, logged touches, rows per import file) must equal the confirmed
state, or that state plus the edit that was in flight, whole. An import is
therefore all its rows or none of them. Some accounts start with a closed review
before the weeks the children edit, so their new reviews start with its five
carried over: the model gets those slots from the app's own rule
(`domain.carry_over`, through `crash.facts.started`), never from an assumption.

ACCOUNTREVIEW_CRASH_KILLS (default 200) sets the number of kills,
ACCOUNTREVIEW_CRASH_SEED replays a run's choices (the seed is printed, and named
in any failure; the kills land by the clock, so a replay may kill elsewhere),
ACCOUNTREVIEW_CRASH_IMPORT_ROWS (default 5000) the size of each import file.
Run with `-s` to see the totals.
"""

import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accountreview.services.importing import PROGRESS_EVERY
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from crash import data, facts
from crash.facts import Facts, Groups
from crash.runner import ChildRun, Cue, python, run_child

KILLS = int(os.environ.get("ACCOUNTREVIEW_CRASH_KILLS") or 200)
IMPORT_ROWS = int(os.environ.get("ACCOUNTREVIEW_CRASH_IMPORT_ROWS") or 5_000)
SEED = int(os.environ.get("ACCOUNTREVIEW_CRASH_SEED") or random.SystemRandom().randrange(10**6))
SHARE = {"tui": 0.1, "import": 0.1}  # the rest: the service child
ACCOUNTS, PEOPLE, BULK_ACCOUNTS = 6, 9, 20
# These accounts have a review closed before the four weeks the children edit, so
# their new reviews start with its five carried over (the others start empty).
CARRYING_ACCOUNTS = [1, 2, 3]
# Imports add touches mostly to accounts nobody reviews (a review reads all of its
# account's touches), and some to the reviewed ones.
IMPORTED_ACCOUNTS = [*range(ACCOUNTS + 1, ACCOUNTS + BULK_ACCOUNTS + 1)] * 5 + [
    *range(1, ACCOUNTS + 1)
]


@dataclass
class Ledger:
    """What the children confirmed so far, and the totals of the run."""

    db: Path
    expected: Facts
    totals: Counter[str] = field(default_factory=Counter)

    def settle(self, run: ChildRun, what: str) -> None:
        """Check the database after a child ended: sound, and exactly what it confirmed."""
        pending: Groups | None = None
        for _, kind, payload in run.lines:
            if kind == "W":
                pending = payload
            elif kind == "D":
                for group in payload:
                    self.count_started(group)
                    self.expected.update(group)
                pending = None
                self.totals["edits confirmed and checked"] += 1
            elif kind == "X":
                pending = None
                self.totals["edits refused (checked unchanged)"] += 1
            elif kind not in {"R", "P"}:
                raise AssertionError(f"{what}: unexpected output {payload!r}")
        actual, problems = facts.check_database(self.db)
        broken = "\n".join(problems)
        assert not problems, f"{what}: the database is damaged or breaks a rule:\n{broken}"
        applied = facts.explain(actual, self.expected, pending)
        assert applied is not None, (
            f"{what}: the database does not hold what was confirmed (plus, at most, the edit"
            f" in flight, whole):\n{facts.difference(actual, self.expected)}"
            f"\nedit in flight: {pending}"
        )
        self.totals["facts compared"] += len(actual)
        if pending is not None:
            self.totals["kills during an edit"] += 1
            whole = "in" if applied == len(pending) else "out" if applied == 0 else "partly in"
            self.totals[f"edits in flight at the kill, found {whole}"] += 1
        self.expected = actual

    def count_started(self, group: Facts) -> None:
        """Count the reviews a confirmed edit started, and those it started with people
        carried over (by the carry-over rule, from the ledger as it stood)."""
        for key in group:
            if key.startswith("review ") and key not in self.expected:
                review = key.removeprefix("review ")
                plan = facts.carried(self.expected, review, TODAY)
                self.totals["reviews started by an edit"] += 1
                if any(c.stakeholder_id for c in plan):
                    self.totals["reviews started with people carried over"] += 1


def check_run(run: ChildRun, what: str) -> None:
    """A child must end by our SIGKILL, or cleanly; never by an error of its own."""
    assert run.killed or run.returncode == 0, (
        f"{what}: the child failed (exit {run.returncode}):\n{run.stderr[-3000:]}"
    )


class Rounds:
    """Runs one kind of child at a time on the shared database, with a seeded kill cue."""

    def __init__(self, db: Path, tmp: Path, rng: random.Random) -> None:
        self.db, self.tmp, self.rng = db, tmp, rng
        self.import_seconds = 0.0
        self.import_key = ""

    def service(self, n: int) -> tuple[ChildRun, str]:
        roll = self.rng.random()
        if roll < 0.15:  # while it opens the database, recovering the last crash's WAL
            cue = Cue(after_start=self.rng.uniform(0.0, 0.25))
        elif roll < 0.6:
            cue = Cue(after_ready=self.rng.uniform(0.0, 0.25))
        else:
            cue = Cue(after_line=("D", self.rng.randint(1, 60)), jitter=self.rng.uniform(0, 0.004))
        seed = self.rng.randrange(2**31)
        command = python("crash.rep_child", self.db, TODAY, seed, f"s{n}")
        return run_child(command, cue), f"service child (seed {seed}), killed {cue}"

    def tui(self, n: int) -> tuple[ChildRun, str]:
        if self.rng.random() < 0.5:
            cue = Cue(after_ready=self.rng.uniform(0.0, 1.2))
        else:
            cue = Cue(after_line=("D", self.rng.randint(1, 3)), jitter=self.rng.uniform(0, 0.2))
        seed = self.rng.randrange(2**31)
        command = python("crash.tui_child", self.db, TODAY, seed, f"t{n}")
        return run_child(command, cue, timeout=60), f"TUI child (seed {seed}), killed {cue}"

    def importing(self, n: int) -> tuple[ChildRun, str]:
        """Half the time the CLI, killed at a random time; else `import_file` in a child,
        killed after a random progress report (so inside the import's transaction)."""
        if self.rng.random() < 0.5:
            return self.import_by_cli(n)
        progress = self.rng.randint(1, max(1, IMPORT_ROWS // PROGRESS_EVERY))
        cue = Cue(after_line=("P", progress), jitter=self.rng.uniform(0, 0.05))
        seed, accounts = self.rng.randrange(2**31), ",".join(map(str, IMPORTED_ACCOUNTS))
        command = python("crash.import_child", self.db, TODAY, seed, f"c{n}")
        command += ["--via", "service", "--rows", str(IMPORT_ROWS), "--at-least", "1"]
        command += ["--accounts", accounts]
        self.import_key = f"import {facts.IMPORT_NOTE}c{n}n0"
        run = run_child(command, cue)
        return run, f"`import_file` of {IMPORT_ROWS} rows (seed {seed}), killed {cue}"

    def import_by_cli(self, n: int, *, kill: bool = True) -> tuple[ChildRun, str]:
        tag = f"c{n}"
        path = data.write_touch_import(
            self.tmp / f"touches-{n}.csv",
            tag,
            IMPORT_ROWS,
            TODAY,
            accounts=IMPORTED_ACCOUNTS,
            people=PEOPLE,
            seed=self.rng.randrange(2**31),
        )
        cue = Cue(after_start=self.rng.uniform(0.1, 0.9) * self.import_seconds) if kill else None
        self.import_key = f"import {facts.IMPORT_NOTE}{tag}"
        groups = [{self.import_key: IMPORT_ROWS}]

        def translate(line: str) -> tuple[str, Any]:
            if line.startswith(f"{path.name}: {IMPORT_ROWS} rows"):
                return "D", groups  # printed once the import is committed
            if line.startswith(f"Reading {path.name}: touches"):
                return "R", line  # the detected kind, printed before the import starts
            return "?", line

        command = python("accountreview", "--db", self.db, "--today", TODAY, "import", path)
        run = run_child(command, cue, translate=translate)
        run.lines.insert(0, (0.0, "W", groups))  # announced by us: the file is the edit
        path.unlink()
        return run, f"`accountreview import` of {IMPORT_ROWS} rows, killed {cue}"


def test_sigkill_at_random_moments_loses_nothing_confirmed(tmp_path: Path) -> None:
    started = time.monotonic()
    db = tmp_path / "crash.db"
    data.seed_database(db, TODAY, accounts=ACCOUNTS, people=PEOPLE, bulk_accounts=BULK_ACCOUNTS)
    data.seed_closed_reviews(db, TODAY, accounts=CARRYING_ACCOUNTS, weeks_back=4)
    initial, problems = facts.check_database(db)
    assert not problems
    rng = random.Random(SEED)
    ledger = Ledger(db, initial)
    rounds = Rounds(db, tmp_path, rng)
    print(f"\ncrash test: seed {SEED} (ACCOUNTREVIEW_CRASH_SEED={SEED} replays it), {KILLS} kills")

    # One import runs to the end: it must be whole, and it times the others' kill window.
    run, what = rounds.import_by_cli(0, kill=False)
    check_run(run, what)
    ledger.settle(run, what)
    rounds.import_seconds = run.seconds
    assert ledger.expected.get(rounds.import_key) == IMPORT_ROWS

    kinds = ["tui"] * round(KILLS * SHARE["tui"]) + ["import"] * round(KILLS * SHARE["import"])
    kinds += ["service"] * (KILLS - len(kinds))
    rng.shuffle(kinds)
    totals = ledger.totals
    seconds: dict[str, float] = dict.fromkeys(sorted(set(kinds)), 0.0)
    n = 0
    while totals["kills"] < KILLS:
        kind = kinds[n % len(kinds)]
        n += 1
        start = {"service": rounds.service, "tui": rounds.tui, "import": rounds.importing}[kind]
        began = time.monotonic()
        run, what = start(n)
        what = f"round {n}, {what}, seed {SEED}"
        check_run(run, what)
        ledger.settle(run, what)
        totals["kills"] += run.killed
        totals[f"kills of the {kind} child"] += run.killed
        if kind == "import":
            whole = ledger.expected.get(rounds.import_key) == IMPORT_ROWS
            totals["imports checked all-or-nothing"] += 1
            if run.killed and any(k == "P" for _, k, _ in run.lines):
                totals["imports killed after a progress report (inside the transaction)"] += 1
            totals["imports found whole" if whole else "imports found absent"] += 1
        if n % 10 == 0:  # the app itself opens it (and checkpoints the WAL)
            open_workspace(db, TODAY).close()
        seconds[kind] += time.monotonic() - began

    facts_now = len(ledger.expected)
    print(f"crash test: {time.monotonic() - started:.0f} s, {facts_now} facts in the final state")
    for name, count in sorted(totals.items()):
        print(f"  {name}: {count}")
    print("  seconds per kind of child: " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()))
    assert totals["kills"] >= KILLS
    assert totals["kills during an edit"] > 0
    assert totals["reviews started with people carried over"] > 0
