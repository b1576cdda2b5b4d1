"""`build_demo`: a new demo database at either scale, and what it made."""

import math
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from accountreview.db import bulk
from accountreview.db import reps as rep_queries
from accountreview.db.connection import connect, open_database, schema_version
from accountreview.db.errors import DatabaseProblem
from accountreview.services.demo.large import LargeBuilder, LargePlan
from accountreview.services.demo.small import build_small
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.progress import Progress
from accountreview.services.setup import DEMO_KEY

SCALES = ("demo", "large")
DEMO_SCALE_KEY = "demo_scale"
DEMO_BUILT_KEY = "demo_built"  # written last: a demo without it was never finished
LARGE_FACTOR_ENV = "ACCOUNTREVIEW_LARGE_FACTOR"


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` made. `reps` counts every rep, managers included."""

    path: Path
    scale: str
    seed: int
    reps: int
    accounts: int
    top_accounts: int
    stakeholders: int
    touches: int
    reviews: int
    seconds: float

    def summary(self) -> str:
        """One line for a person."""
        return (
            f"Demo database ({self.scale}, seed {self.seed}) at {self.path}: "
            f"{self.reps:,} reps and managers, {self.accounts:,} accounts "
            f"({self.top_accounts:,} top), {self.stakeholders:,} stakeholders, "
            f"{self.touches:,} touches, {self.reviews:,} reviews; built in {self.seconds:.1f} s"
        )


def large_factor() -> float:
    """The size of the large demo relative to the full one, from the environment."""
    text = os.environ.get(LARGE_FACTOR_ENV, "").strip()
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 10):
        raise InvalidInput(
            f"{LARGE_FACTOR_ENV}: {text!r} is not valid; expected a number above 0 up to 10"
            " (1 is the full size)"
        )
    return value


def build_demo(
    path: Path,
    today: date,
    *,
    scale: str = "demo",
    seed: int = 7,
    progress: Progress | None = None,
) -> DemoSummary:
    """Create a new demo database at `path` (which must not exist yet).

    `progress(stage, done, total)` is called now and then. On any error the
    half-made file is removed.
    """
    if scale not in SCALES:
        raise InvalidInput(f"scale: {scale!r} is not valid; expected demo or large")
    plan = LargePlan.scaled(large_factor()) if scale == "large" else None
    if path.exists():
        raise Refused(f"{path} already exists; the demo builds a new database only")
    report = progress or _silent
    started = time.perf_counter()
    try:
        db = open_database(path, create=True)
    except DatabaseProblem as problem:
        raise InvalidInput(str(problem)) from None
    try:
        # The marker goes first: a build that dies half-way still reads as a demo.
        with db.write() as conn:
            rep_queries.set_meta(conn, DEMO_KEY, str(seed))
            rep_queries.set_meta(conn, DEMO_SCALE_KEY, scale)
        if plan is None:
            build_small(db, today, seed, report)
        else:
            LargeBuilder(today, seed, plan).load(db, report)
        counts = bulk.count_rows(db.conn)
        with db.write() as conn:
            rep_queries.set_meta(conn, DEMO_BUILT_KEY, "1")
    except BaseException:
        db.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    db.close()
    return DemoSummary(
        path=path,
        scale=scale,
        seed=seed,
        reps=counts["rep"],
        accounts=counts["account"],
        top_accounts=counts["top_account"],
        stakeholders=counts["stakeholder"],
        touches=counts["touch"],
        reviews=counts["review"],
        seconds=time.perf_counter() - started,
    )


def _silent(stage: str, done: int, total: int) -> None:
    """No progress display."""


@dataclass(frozen=True)
class ExistingDemo:
    """A demo database already at a path, and what it was built with."""

    path: Path
    scale: str
    seed: int
    finished: bool  # False: its build was killed half-way, so there is nothing to keep

    def differs(self, scale: str | None, seed: int | None) -> list[str]:
        """The options given that this demo was not built with (`--scale large`…)."""
        wrong = []
        if scale is not None and scale != self.scale:
            wrong.append(f"--scale {scale} (it was built with --scale {self.scale})")
        if seed is not None and seed != self.seed:
            wrong.append(f"--seed {seed} (it was built with --seed {self.seed})")
        return wrong


def existing_demo(path: Path) -> ExistingDemo | None:
    """The demo at `path` if there is one (None when nothing is there).

    Anything else at `path` (a real database, a damaged file) is refused, as the
    demo never opens or replaces real work.
    """
    if not os.path.lexists(path):
        return None
    try:
        conn = connect(path)
        try:
            seed = schema_version(conn) is not None and rep_queries.get_meta(conn, DEMO_KEY)
            scale = rep_queries.get_meta(conn, DEMO_SCALE_KEY) if seed else None
            finished = bool(seed) and rep_queries.get_meta(conn, DEMO_BUILT_KEY) == "1"
        finally:
            conn.close()
    except DatabaseProblem:
        seed, scale, finished = None, None, False
    if not seed or not str(seed).isdigit():
        raise Refused(
            f"{path} exists and is not a demo database; the demo will not open or replace it."
            " Pick another --db path."
        )
    return ExistingDemo(path=path, scale=scale or "demo", seed=int(seed), finished=finished)
