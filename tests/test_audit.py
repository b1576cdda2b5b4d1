"""The audit service on a team with a known answer, who may see what, and the SQL
counts held to the pure rules on the (tiny) large demo."""

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from accountreview.db import audit as audit_queries
from accountreview.db.records import as_date
from accountreview.domain.audit import AuditContact, as_of, count_contacts, gap_cutoffs
from accountreview.domain.contacts import needs_in_person
from accountreview.domain.enums import Level, Role
from accountreview.domain.settings import Settings
from accountreview.services.audit import WeekAudit, audit_week
from accountreview.services.demo import LARGE_FACTOR_ENV, build_demo
from accountreview.services.errors import InvalidInput, NotFound, Refused
from accountreview.services.facts import list_account_facts
from accountreview.services.workspace import Workspace, open_workspace
from audit_team import (
    EXPECTED,
    EXPECTED_ESCALATIONS,
    EXPECTED_TEAM,
    EXPECTED_TEAM_TREND,
    EXPECTED_TREND,
    LAST_WEEK,
    REOPEN_REASON,
    WEEK,
    Team,
    build_team,
)
from conftest import TODAY


@pytest.fixture
def team(ws: Workspace) -> Team:
    return build_team(ws)


def as_manager(ws: Workspace, team: Team) -> Workspace:
    return replace(ws, actor_id=team.manager_id)


COUNTS = (
    "top_accounts",
    "closed",
    "open",
    "not_started",
    "completion_pct",
    "stale_contacts",
    "overdue_contacts",
    "missing_coverage",
    "champions_left",
    "no_in_person",
    "escalations",
)


def counts(t: object) -> tuple[object, ...]:
    return tuple(getattr(t, n) for n in COUNTS)


def test_manager_sees_each_rep_with_the_known_counts(ws: Workspace, team: Team) -> None:
    audit = audit_week(as_manager(ws, team), WEEK)
    assert [r.rep.name for r in audit.reps] == list(EXPECTED)  # escalations first, then least done
    for r in audit.reps:
        assert counts(r.tally) == EXPECTED[r.rep.name], r.rep.name
    assert counts(audit.team) == EXPECTED_TEAM
    assert audit.on == TODAY


def test_escalations_are_listed_first_with_their_reasons(ws: Workspace, team: Team) -> None:
    audit = audit_week(as_manager(ws, team), WEEK)
    assert [(r.rep.name, a.name, why) for r, a, why in audit.escalations] == EXPECTED_ESCALATIONS
    bob = audit.reps[0]
    assert [a.name for a in bob.accounts] == ["Bolt", "Brick"]  # the escalated account first
    coral = next(a for a in audit.reps[1].accounts if a.name == "Coral")
    assert coral.coverage.missing() == ["CIO office / IT", "procurement"]
    assert coral.champions_left == ("Oldchamp Coral",)
    assert coral.no_in_person and not coral.stale_champion


def test_trend_of_eight_weeks_per_rep_and_team(ws: Workspace, team: Team) -> None:
    audit = audit_week(as_manager(ws, team), WEEK)
    assert str(audit.team_trend[0].week) == "2026-W41"
    assert [p.completion_pct for p in audit.team_trend] == EXPECTED_TEAM_TREND
    for r in audit.reps:
        assert [p.completion_pct for p in r.trend] == EXPECTED_TREND[r.rep.name]
    short = audit_week(as_manager(ws, team), WEEK, weeks=2)
    assert [str(p.week) for p in short.team_trend] == ["2026-W47", "2026-W48"]


def test_reopened_reviews_of_the_week_with_their_reason(ws: Workspace, team: Team) -> None:
    audit = audit_week(as_manager(ws, team), WEEK)
    assert [(x.account, x.rep, x.by, x.reason) for x in audit.reopened] == [
        ("Apex", "Ann Done", "Ann Done", REOPEN_REASON)
    ]
    assert audit_week(as_manager(ws, team), LAST_WEEK).reopened == []


def test_a_past_week_is_judged_at_its_end(ws: Workspace, team: Team) -> None:
    audit = audit_week(as_manager(ws, team), LAST_WEEK)
    assert audit.on == date(2026, 11, 22)
    done = {r.rep.name: r.tally.completion_pct for r in audit.reps}
    assert done == {"Ann Done": 100.0, "Bob None": 50.0, "Cat Half": 0.0}
    escalated = {(a.name, why) for _, a, why in audit.escalations}
    assert escalated == {
        ("Bolt", "not reviewed 2 weeks running"),
        ("Bolt", "stale champion"),
        ("Cedar", "not reviewed 2 weeks running"),
        ("Coral", "not reviewed 2 weeks running"),
    }


def test_a_week_before_anything_was_logged_counts_nobody(ws: Workspace, team: Team) -> None:
    early = audit_week(as_manager(ws, team), WEEK.shift(-30))
    ann = next(r for r in early.reps if r.rep.name == "Ann Done")
    # The stakeholders were added (and their touches logged) long after that week:
    # as it stood then, nobody was named, so nobody is stale or overdue.
    assert (ann.tally.stale_contacts, ann.tally.overdue_contacts) == (0, 0)
    assert ann.tally.closed == 0 and ann.tally.no_in_person == 2


def test_manager_narrows_to_one_rep_and_may_not_see_others(ws: Workspace, team: Team) -> None:
    mia = as_manager(ws, team)
    only = audit_week(mia, WEEK, rep="cat@example.com")
    assert [r.rep.name for r in only.reps] == ["Cat Half"]
    assert counts(only.team) == EXPECTED["Cat Half"]
    with pytest.raises(Refused, match="Dan Other does not report to Mia Boss"):
        audit_week(mia, WEEK, rep="Dan Other")
    assert audit_week(mia, WEEK, rep="Mia Boss").reps[0].tally.top_accounts == 0
    with pytest.raises(NotFound):
        audit_week(mia, WEEK, rep="Nobody Here")


def test_a_rep_sees_only_themselves(ws: Workspace, team: Team) -> None:
    dan = replace(ws, actor_id=team.rep_ids["Dan Other"])
    audit = audit_week(dan, WEEK)
    assert [r.rep.name for r in audit.reps] == ["Dan Other"]
    assert counts(audit.team)[:5] == (1, 1, 0, 0, 100.0)
    assert audit_week(dan, WEEK, rep="dan@example.com").reps[0].rep.name == "Dan Other"
    with pytest.raises(Refused, match="can audit only their own"):
        audit_week(dan, WEEK, rep="Ann Done")


def test_a_manager_without_reps_and_nobody_acting(ws: Workspace, team: Team) -> None:
    with ws.db.write() as conn:
        conn.execute("UPDATE rep SET manager_id = NULL WHERE name = 'Dan Other'")
    empty = audit_week(replace(ws, actor_id=team.rep_ids["Oz Far"]), WEEK)
    assert empty.reps == [] and empty.team.top_accounts == 0 and empty.below_target == []
    with pytest.raises(InvalidInput, match="--rep"):
        audit_week(replace(ws, actor_id=None), WEEK)
    with pytest.raises(InvalidInput, match="--weeks"):
        audit_week(as_manager(ws, team), WEEK, weeks=0)


def test_json_has_the_documented_shape(ws: Workspace, team: Team) -> None:
    data = audit_week(as_manager(ws, team), WEEK).to_json()
    assert data["week"] == "2026-W48"
    assert set(data) == {"week", "as_of", "logged_before", "viewer", "team", "reps", "reopened"}
    assert data["logged_before"] is None  # this week: all that is logged so far counts
    assert data["team"]["closed_late"] == 0
    past = audit_week(as_manager(ws, team), LAST_WEEK).to_json()
    assert past["logged_before"] == "2026-11-23T00:00:00Z"
    bob = data["reps"][0]
    assert {"rep", "escalations", "trend", *COUNTS} <= set(bob)
    assert bob["escalations"][0] == {"account": "Bolt", "reason": "not reviewed 2 weeks running"}
    assert bob["trend"][-1] == {"week": "2026-W48", "completion_pct": 0.0}
    assert data["reopened"][0]["reason"] == REOPEN_REASON


# --- the SQL counts against the pure rules ---------------------------------------------


@pytest.fixture(scope="module")
def tiny_large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audit-large") / "large.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LARGE_FACTOR_ENV, "0.002")
        build_demo(path, TODAY, scale="large")
    return path


@pytest.fixture
def large_ws(tiny_large: Path) -> Iterator[Workspace]:
    ws = open_workspace(tiny_large, TODAY)
    yield ws
    ws.close()


def reference_contacts(
    conn: sqlite3.Connection, on: date, cut: datetime | None = None
) -> dict[str, list[AuditContact]]:
    """Every stakeholder of every top account as of `on`, read plainly (full history,
    or only what was logged before `cut`)."""
    # Not "9999": compared with a DATETIME column it would be taken as a number.
    stamp = "9999-12-31" if cut is None else cut.isoformat(" ")
    rows = conn.execute(
        "SELECT s.account_id, s.name, s.level, s.role, s.left_on,"
        " (SELECT max(touched_on) FROM touch WHERE stakeholder_id = s.id AND touched_on <= ?"
        "  AND created_at < ?),"
        " (SELECT max(touched_on) FROM touch WHERE stakeholder_id = s.id AND touched_on <= ?"
        "  AND channel = 'in-person' AND created_at < ?)"
        " FROM stakeholder s JOIN account a ON a.id = s.account_id"
        " WHERE a.is_top = 1 AND s.created_at < ?",
        (on.isoformat(), stamp, on.isoformat(), stamp, stamp),
    ).fetchall()
    result: dict[str, list[AuditContact]] = defaultdict(list)
    for account_id, name, level, role, left_on, last, met in rows:
        result[account_id].append(
            AuditContact(
                name,
                None if level is None else Level(level),
                None if role is None else Role(role),
                as_date(left_on),
                as_date(last),
                as_date(met),
            )
        )
    return result


def assert_sql_agrees(
    ws: Workspace, on: date, settings: Settings, cut: datetime | None = None
) -> None:
    conn = ws.db.conn
    rep_ids = [r[0] for r in conn.execute("SELECT id FROM rep WHERE role = 'rep'")]
    sql = audit_queries.contact_counts(
        conn, rep_ids, on, gap_cutoffs(on, settings), settings.in_person_window_days, cut
    )
    expected = reference_contacts(conn, on, cut)
    assert set(sql) == set(expected) and len(sql) == (30 if cut is None else len(expected)) > 0
    for account_id, people in expected.items():
        pure = count_contacts(people, on, settings)
        got = sql[account_id]
        assert replace(got, last_in_person_on=None) == replace(pure, last_in_person_on=None)
        assert needs_in_person(got.last_in_person_on, on, settings) == needs_in_person(
            pure.last_in_person_on, on, settings
        )


@pytest.mark.parametrize("days_back", [0, 45, 200])
@pytest.mark.parametrize(
    "settings",
    [Settings(), Settings(stale_after_days=40, cadence_days={Role.PROCUREMENT: 120})],
    ids=["default", "custom"],
)
def test_sql_counts_agree_with_the_pure_rules(
    large_ws: Workspace, days_back: int, settings: Settings
) -> None:
    assert_sql_agrees(large_ws, TODAY - timedelta(days=days_back), settings)


@pytest.mark.parametrize("days_back", [0, 3, 45])
def test_sql_counts_agree_with_the_pure_rules_on_what_was_logged_by_then(
    large_ws: Workspace, days_back: int
) -> None:
    """A past week sees only the people added and touches logged before its end."""
    on = TODAY - timedelta(days=days_back)
    cut = datetime.combine(on, time(12))
    logged = large_ws.db.conn.execute(
        "SELECT count(*) FROM touch WHERE touched_on <= ? AND created_at >= ?",
        (on.isoformat(), cut.isoformat(" ")),
    ).fetchone()[0]
    assert logged or days_back, "the demo logs some touches after their day"
    assert_sql_agrees(large_ws, on, Settings(), cut)


def test_sql_counts_agree_on_the_day_people_left(large_ws: Workspace) -> None:
    """On the very day someone left they no longer count (the boundary of `left_on`)."""
    days = large_ws.db.conn.execute(
        "SELECT DISTINCT s.left_on FROM stakeholder s JOIN account a ON a.id = s.account_id"
        " WHERE a.is_top = 1 AND s.left_on IS NOT NULL ORDER BY s.role = 'champion' DESC LIMIT 3"
    ).fetchall()
    assert days
    for (day,) in days:
        assert_sql_agrees(large_ws, date.fromisoformat(day), Settings())


def test_the_data_exercises_every_count(large_ws: Workspace) -> None:
    people = reference_contacts(large_ws.db.conn, TODAY).values()
    counted = [count_contacts(p, TODAY) for p in people]
    assert any(c.stale_contacts for c in counted) and any(c.overdue_contacts for c in counted)
    assert any(c.champions_left for c in counted) and any(c.stale_champion for c in counted)
    assert any(c.coverage.missing() for c in counted)


def test_audit_agrees_with_the_account_facts(large_ws: Workspace) -> None:
    """Coverage, stale champion and the in-person flag mean what the account shows."""
    facts = {f.account.id: f for f in list_account_facts(large_ws, top_only=True)}
    manager = large_ws.db.conn.execute("SELECT id FROM rep WHERE role = 'manager'").fetchone()[0]
    audit: WeekAudit = audit_week(replace(large_ws, actor_id=manager), WEEK)
    accounts = [a for r in audit.reps for a in r.accounts]
    assert len(accounts) == len(facts) == 30
    for a in accounts:
        f = facts[a.account_id]
        assert a.coverage == f.coverage
        assert a.stale_champion == f.stale_champion
        assert a.no_in_person == ("no in-person meeting in 180 days" in f.flags)
    assert as_of(WEEK, TODAY) == TODAY


# --- what the audit screen's cache relies on ---------------------------------------------


def test_change_token_moves_with_any_write_and_only_then(ws: Workspace, team: Team) -> None:
    from accountreview.services.workspace import change_token, reopen_workspace

    before = change_token(ws)
    audit_week(as_manager(ws, team), WEEK)
    assert change_token(ws) == before  # reading changes nothing
    with ws.db.write() as conn:
        conn.execute("UPDATE account SET potential = potential + 1 WHERE name = 'Alpha'")
    mine = change_token(ws)
    assert mine != before  # this connection wrote
    other = reopen_workspace(ws)
    try:
        assert other.actor_id == ws.actor_id and other.db.conn is not ws.db.conn
        with other.db.write() as conn:
            conn.execute("UPDATE account SET potential = potential + 1 WHERE name = 'Alpha'")
    finally:
        other.close()
    assert change_token(ws) != mine  # another connection wrote
