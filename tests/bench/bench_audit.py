"""Audit speed benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_audit.py [--db PATH] [--runs 21] [--manager NAME] [--no-tui]
                                      [--week 2026-W47]

On the large demo database (read only; built once if missing, see bench_tui.py) it
times, for one manager's team (20 reps, 300 top accounts) and one week (2026-W48,
today 2026-11-23; or --week, e.g. last week, judged as it stood at its Sunday's end):
  - `audit_week` (the service the CLI and the TUI call: rules, trend, reopened), and
  - REFERENCE_SQL below: the same counts written by hand as one SQL statement (plus
    the reopened reviews), on a plain sqlite3 connection,
as the medians of interleaved runs, and prints the ratio (target: <= 1.2x). It also
checks that both give the same numbers. Then it times the TUI, from a key to the
first frame and to the frame showing the numbers: opening the audit (`a`), changing
the week (`]`, `[`; the weeks either side are read ahead, and one is timed as if
it had not been), drilling to a rep (`enter`) and back (`escape`).
"""

import argparse
import asyncio
import sqlite3
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

# The app first, as in real use (see bench_tui.py).
from bench_tui import TODAY, TimedApp, database, percentile  # isort: skip

from rich.console import RenderableType
from textual.pilot import Pilot
from textual.screen import Screen

from accountreview.domain.dates import IsoWeek
from accountreview.services.audit import WeekAudit, audit_week
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.audit_rep import RepAuditScreen

WEEK = IsoWeek.of(TODAY)
TREND_WEEKS = 8

# Written by hand from the rules (default settings): stale = last contact over 90
# days ago; overdue = not stale and past the role's cadence, or never contacted;
# coverage among people still there; no meeting in person in 180 days; escalation =
# no closed review this week nor last, or a champion never contacted or stale.
# A past week (:cut, the end of its Sunday, not NULL) sees only people added and
# touches logged before :cut; a review counts closed if its last close or reopen
# before :cut was a close, closed late if it is closed now but was not then.
STOOD_CLOSED = """(SELECT l.action = 'review.closed' FROM audit_log l
    WHERE l.review_id = {review} AND l.action IN ('review.closed', 'review.reopened')
    AND l.at < {cut} ORDER BY l.at DESC, l.rowid DESC LIMIT 1)"""
REFERENCE_SQL = (
    """
WITH
k AS MATERIALIZED (SELECT date(:on, '-90 days') AS stale_before,
    date(:on, '-180 days') AS met_since),
cuts(week, cut) AS MATERIALIZED (VALUES {cuts}),
team AS (SELECT id, name FROM rep WHERE manager_id = :manager),
cadence(role, overdue_before) AS MATERIALIZED (VALUES
    ('champion', date(:on, '-14 days')), ('economic-buyer', date(:on, '-30 days')),
    ('executive-sponsor', date(:on, '-45 days')), ('cio-office', date(:on, '-60 days')),
    ('procurement', date(:on, '-90 days')), ('finance', date(:on, '-90 days')),
    ('security', date(:on, '-90 days')), ('legal', date(:on, '-90 days')),
    ('user', date(:on, '-30 days')), ('other', date(:on, '-60 days'))),
reviewed AS MATERIALIZED (
    SELECT a.id, a.name, a.rep_id, r.status AS now, r.opened_at,
        CASE WHEN :cut IS NULL THEN r.status = 'closed'
            ELSE coalesce("""
    + STOOD_CLOSED.format(review="r.id", cut=":cut")
    + """, 0) END AS closed,
        CASE WHEN :cut IS NULL THEN p.status = 'closed'
            ELSE coalesce("""
    + STOOD_CLOSED.format(review="p.id", cut=":cut")
    + """, 0) END AS before
    FROM team JOIN account a ON a.rep_id = team.id AND a.is_top = 1
    LEFT JOIN review r ON r.account_id = a.id AND r.week = :week
    LEFT JOIN review p ON p.account_id = a.id AND p.week = :last_week),
top AS MATERIALIZED (
    SELECT id, name, rep_id, before,
        CASE WHEN closed THEN 'closed' WHEN now = 'closed' THEN 'closed late'
            WHEN now IS NOT NULL AND (:cut IS NULL OR opened_at < :cut) THEN 'open' END AS status
    FROM reviewed),
person AS MATERIALIZED (
    SELECT s.account_id, s.role,
        s.left_on IS NULL OR s.left_on > :on AS present,
        s.level = 'executive' OR s.role IN ('executive-sponsor', 'economic-buyer') AS executive,
        coalesce((SELECT overdue_before FROM cadence c WHERE c.role = s.role),
            (SELECT overdue_before FROM cadence WHERE role = 'other')) AS overdue_before,
        (SELECT max(touched_on) FROM touch WHERE stakeholder_id = s.id
         AND touched_on <= :on{logged}) AS last,
        (SELECT max(touched_on) FROM touch WHERE stakeholder_id = s.id
         AND touched_on BETWEEN k.met_since AND :on AND channel = 'in-person'
         {logged}) AS met
    FROM k, top JOIN stakeholder s ON s.account_id = top.id
    WHERE 1{added}),
account_audit AS (
    SELECT top.id, top.name, top.rep_id, top.status, top.before,
        coalesce(sum(p.present AND p.last < k.stale_before), 0) AS stale,
        coalesce(sum(p.present AND (p.last IS NULL OR
            (p.last >= k.stale_before AND p.last < p.overdue_before))), 0) AS overdue,
        coalesce(max(p.present AND p.executive), 0) AND coalesce(max(p.present AND
            p.role = 'cio-office'), 0) AND coalesce(max(p.present AND p.role = 'procurement'), 0)
            AND coalesce(max(p.present AND p.role = 'champion'), 0) AS covered,
        coalesce(sum(NOT p.present AND p.role = 'champion'), 0) AS champions_left,
        max(p.met) IS NULL AS no_meeting,
        coalesce(max(p.present AND p.role = 'champion'
            AND (p.last IS NULL OR p.last < k.stale_before)), 0) AS stale_champion
    FROM k, top LEFT JOIN person p ON p.account_id = top.id
    GROUP BY top.id),
trend AS (
    SELECT rep_id, group_concat(week || '=' || n, ' ') AS closed_weeks
    FROM (SELECT rep_id, week, count(*) AS n FROM
          (SELECT top.rep_id, r.week, CASE WHEN c.cut IS NULL THEN r.status = 'closed'
              ELSE """
    + STOOD_CLOSED.format(review="r.id", cut="c.cut")
    + """ END AS closed
           FROM top CROSS JOIN review r ON r.account_id = top.id
           AND r.week BETWEEN :first_week AND :week JOIN cuts c ON c.week = r.week)
          WHERE closed GROUP BY rep_id, week)
    GROUP BY rep_id)
SELECT team.name, count(x.id),
    coalesce(sum(x.status = 'closed'), 0), coalesce(sum(x.status = 'closed late'), 0),
    coalesce(sum(x.status = 'open'), 0),
    coalesce(sum(x.id IS NOT NULL AND x.status IS NULL), 0),
    coalesce(sum(x.stale), 0), coalesce(sum(x.overdue), 0),
    coalesce(sum(NOT x.covered), 0), coalesce(sum(x.champions_left), 0),
    coalesce(sum(x.no_meeting), 0),
    group_concat(CASE WHEN coalesce(x.status, '') != 'closed' AND NOT coalesce(x.before, 0)
        THEN x.name || ': not reviewed 2 weeks running' END, char(10)),
    group_concat(CASE WHEN x.stale_champion THEN x.name || ': stale champion' END, char(10)),
    trend.closed_weeks
FROM team LEFT JOIN account_audit x ON x.rep_id = team.id
LEFT JOIN trend ON trend.rep_id = team.id
GROUP BY team.id
"""
)

REOPENED_SQL = """
SELECT l.at, a.name, owner.name, actor.name, l.reason
FROM rep owner CROSS JOIN account a ON a.rep_id = owner.id AND a.is_top = 1
CROSS JOIN review r ON r.account_id = a.id AND r.week = :week
JOIN audit_log l ON l.review_id = r.id AND l.action = 'review.reopened'
LEFT JOIN rep actor ON actor.id = l.actor_id
WHERE owner.manager_id = :manager
"""


def _cut(week: IsoWeek) -> str | None:
    """The end of a past week's Sunday (UTC) as stored text; None for this week."""
    return None if week.sunday >= TODAY else f"{week.sunday + timedelta(days=1)} 00:00:00"


def reference(conn: sqlite3.Connection, manager_id: str, week: IsoWeek) -> dict[str, Any]:
    """The hand-written query: per rep, the counts, escalations and closed per week."""
    weeks = [week.shift(-n) for n in range(TREND_WEEKS)]
    params: dict[str, object] = {
        "manager": manager_id,
        "on": min(TODAY, week.sunday).isoformat(),
        "cut": _cut(week),
        "week": str(week),
        "last_week": str(week.previous()),
        "first_week": str(weeks[-1]),
    }
    cuts = []
    for n, w in enumerate(weeks):
        params[f"w{n}"], params[f"c{n}"] = str(w), _cut(w)
        cuts.append(f"(:w{n}, :c{n})")
    past = params["cut"] is not None
    sql = REFERENCE_SQL.format(
        cuts=", ".join(cuts),
        logged=" AND created_at < :cut" if past else "",
        added=" AND s.created_at < :cut" if past else "",
    )
    reps = {row[0]: row[1:] for row in conn.execute(sql, params)}
    reopened = conn.execute(REOPENED_SQL, params).fetchall()
    return {"reps": reps, "reopened": reopened}


def ours_as_reference(audit: WeekAudit) -> dict[str, tuple[object, ...]]:
    """The service's result in the reference's shape, to check both agree."""
    shaped: dict[str, tuple[object, ...]] = {}
    for r in audit.reps:
        t = r.tally
        not_reviewed = [
            a.name for a in r.accounts if "not reviewed 2 weeks running" in a.escalations
        ]
        stale = [a.name for a in r.accounts if "stale champion" in a.escalations]
        weeks = {str(p.week): p.closed for p in r.trend if p.closed}
        shaped[r.rep.name] = (
            t.top_accounts, t.closed, t.closed_late, t.open, t.not_started, t.stale_contacts,
            t.overdue_contacts, t.missing_coverage, t.champions_left, t.no_in_person,
            sorted(not_reviewed), sorted(stale), weeks,
        )  # fmt: skip
    return shaped


def reference_shaped(result: dict[str, Any]) -> dict[str, tuple[object, ...]]:
    shaped: dict[str, tuple[object, ...]] = {}
    for name, row in result["reps"].items():
        *counts, not_reviewed, stale, weeks = row

        def names(text: str | None) -> list[str]:
            return sorted(line.rsplit(": ", 1)[0] for line in (text or "").split("\n") if line)

        closed = dict(pair.split("=") for pair in (weeks or "").split())
        shaped[name] = (
            *counts,
            names(not_reviewed),
            names(stale),
            {week: int(n) for week, n in closed.items()},
        )
    return shaped


def time_both(
    ws: Workspace, ref: sqlite3.Connection, manager_id: str, runs: int, week: IsoWeek
) -> None:
    ours: list[float] = []
    theirs: list[float] = []
    audit_week(ws, week)  # warm both page caches once
    reference(ref, manager_id, week)
    for _ in range(runs):
        start = time.perf_counter()
        audit = audit_week(ws, week)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = reference(ref, manager_id, week)
        theirs.append(time.perf_counter() - start)
    mine, hand = statistics.median(ours), statistics.median(theirs)
    agree = ours_as_reference(audit) == reference_shaped(result)
    reopened_agree = len(audit.reopened) == len(result["reopened"])
    print(
        f"audit_week {week}, {len(audit.reps)} reps, {audit.team.top_accounts} top accounts:"
        f" {mine * 1000:.1f} ms (median of {runs})"
    )
    print(f"hand-written SQL, same counts:       {hand * 1000:.1f} ms (median of {runs})")
    print(f"ratio audit / SQL: {mine / hand:.2f}x (target <= 1.5x; we aim at 1.2x)")
    print(f"same numbers: {'yes' if agree and reopened_agree else 'NO'}")
    if not agree:
        theirs_shaped = reference_shaped(result)
        for name, row in ours_as_reference(audit).items():
            if row != theirs_shaped.get(name):
                print(
                    f"  {name}: audit {row}\n  {' ' * len(name)}  SQL   {theirs_shaped.get(name)}"
                )


class AuditTimedApp(TimedApp):
    """Records the first frame after a key, and the first showing the numbers asked for."""

    first_at = 0.0
    shown_at = 0.0

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is None or AuditTimedApp.shown_at:
            return
        if not AuditTimedApp.first_at:
            AuditTimedApp.first_at = time.perf_counter()
        if isinstance(screen, AuditScreen):
            shown = screen.audit is not None and screen.audit.week == self.week
        else:
            shown = isinstance(screen, RepAuditScreen) and screen.audit is not None
        if shown:
            AuditTimedApp.shown_at = time.perf_counter()


async def tui_latencies(path: Path, manager_id: str, runs: int) -> dict[str, list[float]]:
    """Key -> first frame, and key -> the frame showing the numbers, per kind of key."""
    results: dict[str, list[float]] = {}
    app = AuditTimedApp(open_workspace(path, TODAY, create=True), rep=manager_id)

    async def timed(pilot: Pilot[None], key: str, bucket: str) -> None:
        AuditTimedApp.first_at = AuditTimedApp.shown_at = 0.0
        await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if AuditTimedApp.first_at:
            results.setdefault(f"{bucket}: first frame", []).append(
                (AuditTimedApp.first_at - TimedApp.key_at) * 1000
            )
        if AuditTimedApp.shown_at:
            results.setdefault(f"{bucket}: numbers", []).append(
                (AuditTimedApp.shown_at - TimedApp.key_at) * 1000
            )

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for n in range(runs):
            await timed(pilot, "a", "open audit (a)" if n else "open audit, first time")
            assert isinstance(app.screen, AuditScreen)
            for key in ("right_square_bracket", "left_square_bracket"):
                await timed(pilot, key, "week ] [, read ahead")
            app.screen._read.clear()  # as if the data had changed: the week is read again
            await timed(pilot, "right_square_bracket", "week ], not read yet")
            await timed(pilot, "left_square_bracket", "week [, read ahead")
            await timed(pilot, "enter", "drill to a rep")
            assert isinstance(app.screen, RepAuditScreen)
            await timed(pilot, "escape", "back to the team")
            await pilot.press("escape")
            await pilot.pause()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a large demo database [default: the bench one]")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--manager", help="whose team [default: the first manager by name]")
    parser.add_argument("--no-tui", action="store_true", help="skip the TUI latencies")
    parser.add_argument("--week", type=IsoWeek.parse, default=WEEK, help="ISO week to audit")
    args = parser.parse_args()
    path = args.db or database("large")
    ref = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    query = "SELECT id, name FROM rep WHERE role = 'manager'"
    managers = ref.execute(f"{query} ORDER BY name").fetchall()
    manager_id, name = next((m for m in managers if m[1] == args.manager), managers[0])
    print(f"{path}: manager {name}, week {args.week}, today {TODAY}")
    ws = open_workspace(path, TODAY)
    ws.actor_id = manager_id
    time_both(ws, ref, manager_id, args.runs, args.week)
    ws.close()
    ref.close()
    if not args.no_tui:
        for bucket, values in asyncio.run(tui_latencies(path, manager_id, 8)).items():
            print(
                f"TUI {bucket:38} p50 {percentile(values, 50):6.1f} ms"
                f"   p95 {percentile(values, 95):6.1f} ms   (n={len(values)})"
            )


if __name__ == "__main__":
    main()
