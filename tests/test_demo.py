"""The demo databases: the small one built through the services, the large one bulk-loaded."""

import os
import sqlite3
import stat
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from accountreview.db import bulk
from accountreview.db.connection import connect, open_database
from accountreview.db.reps import get_meta
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import RepRole, ReviewStatus, Stage
from accountreview.services.demo import LARGE_FACTOR_ENV, DemoSummary, build_demo
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.facts import AccountFacts, list_account_facts
from accountreview.services.queue import queue_for
from accountreview.services.reps import list_reps
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY

WEEK = IsoWeek.of(TODAY)
TINY = "0.002"

# Everything but ids and creation times, which the services draw at run time.
DUMP = {
    "reps": "SELECT r.name, r.email, r.role, m.name FROM rep r"
    " LEFT JOIN rep m ON m.id = r.manager_id",
    "accounts": "SELECT a.name, r.name, a.is_top, a.potential, a.current, a.list_price,"
    " a.discount_pct, a.rebate_pct, a.uplift_pct, a.signed_on, a.live_on, a.paid_on, a.lost_on,"
    " a.churned_on, a.contract, a.contract_start, a.cio_signoff_on, a.procurement_signoff_on,"
    " a.penetration_target_pct FROM account a JOIN rep r ON r.id = a.rep_id",
    "stakeholders": "SELECT a.name, s.name, s.email, s.title, s.level, s.role, s.left_on,"
    " s.next_contact_on FROM stakeholder s JOIN account a ON a.id = s.account_id",
    "touches": "SELECT s.name, t.touched_on, t.channel, t.note, r.name FROM touch t"
    " JOIN stakeholder s ON s.id = t.stakeholder_id JOIN rep r ON r.id = t.logged_by_id",
    "reviews": "SELECT a.name, v.week, v.status, v.close_count FROM review v"
    " JOIN account a ON a.id = v.account_id",
    "slots": "SELECT v.week, l.position, s.name, l.confirmed_in_role_on FROM review_slot l"
    " JOIN review v ON v.id = l.review_id LEFT JOIN stakeholder s ON s.id = l.stakeholder_id",
    "snapshots": "SELECT v.week, n.close_number, n.position, n.name, n.title, n.level, n.role,"
    " n.last_contact_on, n.next_contact_on FROM review_snapshot n"
    " JOIN review v ON v.id = n.review_id",
    "audit": "SELECT v.week, l.action, l.close_number, l.reason, r.name FROM audit_log l"
    " JOIN review v ON v.id = l.review_id JOIN rep r ON r.id = l.actor_id",
}


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            name: sorted((tuple(r) for r in conn.execute(sql)), key=repr)
            for name, sql in DUMP.items()
        }
    finally:
        conn.close()


def friday(week: str) -> str:
    return (IsoWeek.parse(week).monday + timedelta(days=4)).isoformat()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build_demo(path, TODAY)


@pytest.fixture
def demo_ws(demo: tuple[Path, DemoSummary]) -> Iterator[Workspace]:
    ws = open_workspace(demo[0], TODAY)
    yield ws
    ws.close()


@pytest.fixture
def facts(demo_ws: Workspace) -> list[AccountFacts]:
    return list_account_facts(demo_ws)


# --- the demo scale ---------------------------------------------------------------------


def test_demo_is_the_same_for_the_same_seed_and_today(
    demo: tuple[Path, DemoSummary], tmp_path: Path
) -> None:
    again = build_demo(tmp_path / "again.db", TODAY)
    other = build_demo(tmp_path / "other.db", TODAY, seed=8)
    first = dump(demo[0])
    assert dump(again.path) == first
    assert all(first.values())
    assert dump(other.path)["accounts"] != first["accounts"]
    assert (other.accounts, other.top_accounts) == (demo[1].accounts, demo[1].top_accounts)


@pytest.mark.parametrize("today", [date(2027, 1, 3), date(2028, 2, 29)])  # W53 Sunday; leap day
def test_demo_builds_for_any_today(
    today: date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = build_demo(tmp_path / "demo.db", today)
    ws = open_workspace(summary.path, today)
    facts = list_account_facts(ws)
    ws.close()
    assert {f.stage for f in facts} == set(Stage)
    week = IsoWeek.of(today)
    assert all(week.contains(f.follow_up_due) for f in facts if f.follow_up_due)
    monkeypatch.setenv(LARGE_FACTOR_ENV, TINY)
    assert build_demo(tmp_path / "large.db", today, scale="large").top_accounts == 30


def test_demo_summary_counts_what_is_in_the_file(demo: tuple[Path, DemoSummary]) -> None:
    path, summary = demo
    conn = connect(path)
    counts = bulk.count_rows(conn)
    conn.close()
    assert (summary.reps, summary.accounts, summary.top_accounts) == (4, counts["account"], 15)
    assert summary.stakeholders == counts["stakeholder"]
    assert summary.touches == counts["touch"]
    assert summary.reviews == counts["review"]
    assert 35 <= summary.accounts <= 45
    assert "15 top" in summary.summary() and str(path) in summary.summary()


def test_demo_is_marked_as_a_demo_and_private(demo: tuple[Path, DemoSummary]) -> None:
    path = demo[0]
    conn = connect(path)
    assert (get_meta(conn, "demo_seed"), get_meta(conn, "demo_scale")) == ("7", "demo")
    conn.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_demo_has_three_reps_and_their_manager(demo_ws: Workspace) -> None:
    reps = list_reps(demo_ws)
    managers = [r for r in reps if r.role is RepRole.MANAGER]
    sellers = [r for r in reps if r.role is RepRole.REP]
    assert len(managers) == 1 and len(sellers) == 3
    assert {r.manager_id for r in sellers} == {managers[0].id}


def test_demo_has_five_top_accounts_per_rep(facts: list[AccountFacts]) -> None:
    tops = Counter(f.account.rep_name for f in facts if f.account.is_top)
    assert sorted(tops.values()) == [5, 5, 5]


def test_demo_shows_every_stage(facts: list[AccountFacts]) -> None:
    assert {f.stage for f in facts} == set(Stage)


def test_demo_shows_every_account_flag(facts: list[AccountFacts]) -> None:
    assert any(f.small_deal_at_big_company for f in facts if f.stage is Stage.CUSTOMER)
    rebate_windows = [f.rebate_days_left for f in facts if f.rebate_days_left is not None]
    assert any(days >= 0 for days in rebate_windows)
    assert any(days < 0 for days in rebate_windows)
    shock = [
        f
        for f in facts
        if (f.account.list_price, f.account.discount_pct, f.account.uplift_pct) == (10_000, 20, 5)
    ]
    assert shock and shock[0].renewal is not None and shock[0].renewal.shock
    rebates = [f for f in facts if f.account.rebate_pct > 0 and f.rebate_earned]
    assert any(f.renewal is not None and not f.renewal.shock for f in rebates)
    assert any(f.contract_year == 3 for f in facts)
    assert any("monthly contract" in f.flags for f in facts)
    assert any(f.gates.met and f.account.penetration_target_pct for f in facts)
    assert any(not f.gates.met and f.account.penetration_target_pct for f in facts)


def test_demo_lost_follow_ups_fall_due_this_week_for_every_rep(
    facts: list[AccountFacts], demo_ws: Workspace
) -> None:
    due = [
        (f.account.rep_name, f.follow_up_due, f.account.lost_on)
        for f in facts
        if f.stage is Stage.LOST and f.follow_up_due and f.account.lost_on
    ]
    assert len({rep for rep, _, _ in due}) == 3
    assert all(WEEK.contains(day) for _, day, _ in due)
    assert {(day - lost).days for _, day, lost in due} == {90, 180, 365}
    for rep in list_reps(demo_ws):
        if rep.role is RepRole.REP:
            reasons = [i.reason for i in queue_for(demo_ws, rep.id, WEEK).items]
            assert any(r.startswith("lost: follow-up due") for r in reasons)


def test_demo_people_are_mapped_and_touched_over_the_year(demo_ws: Workspace) -> None:
    conn = demo_ws.db.conn
    per_top = conn.execute(
        "SELECT count(s.id) FROM account a LEFT JOIN stakeholder s ON s.account_id = a.id"
        " WHERE a.is_top GROUP BY a.id"
    ).fetchall()
    assert all(4 <= r[0] <= 9 for r in per_top)
    last = (
        "SELECT s.role, s.left_on, (SELECT max(touched_on) FROM touch t"
        " WHERE t.stakeholder_id = s.id) AS last FROM stakeholder s"
    )
    people = conn.execute(last).fetchall()
    assert any(p["last"] is None for p in people)
    stale_before = (TODAY - timedelta(days=90)).isoformat()
    assert any(p["last"] is not None and p["last"] < stale_before for p in people)
    assert any(p["role"] == "champion" and p["left_on"] for p in people)
    span = conn.execute("SELECT min(touched_on), max(touched_on) FROM touch").fetchone()
    assert span[0] <= (TODAY - timedelta(days=360)).isoformat()
    assert span[1] <= TODAY.isoformat()
    channels = {r[0] for r in conn.execute("SELECT DISTINCT channel FROM touch")}
    assert len(channels) >= 5


def test_demo_past_weeks_have_closed_reviews_with_snapshots(demo_ws: Workspace) -> None:
    conn = demo_ws.db.conn
    closed = conn.execute(
        "SELECT v.id, v.week, v.close_count, a.id AS account_id FROM review v"
        " JOIN account a ON a.id = v.account_id WHERE v.status = 'closed'"
    ).fetchall()
    past = [r for r in closed if r["week"] < str(WEEK)]
    assert len(past) >= 15 * 6
    for review in closed:
        snapshot = conn.execute(
            "SELECT n.position, n.name, n.last_contact_on, s.account_id, s.name AS now_name,"
            " (SELECT max(touched_on) FROM touch t WHERE t.stakeholder_id = n.stakeholder_id"
            "  AND t.touched_on <= :day) AS expected"
            " FROM review_snapshot n JOIN stakeholder s ON s.id = n.stakeholder_id"
            " WHERE n.review_id = :id AND n.close_number = :close ORDER BY n.position",
            {
                "id": review["id"],
                "close": review["close_count"],
                "day": TODAY.isoformat() if review["week"] == str(WEEK) else friday(review["week"]),
            },
        ).fetchall()
        assert [s["position"] for s in snapshot] == [1, 2, 3, 4, 5]
        assert all(s["account_id"] == review["account_id"] for s in snapshot)
        assert all(s["name"] == s["now_name"] for s in snapshot)
        assert all(s["last_contact_on"] == s["expected"] for s in snapshot)
    closes = conn.execute("SELECT sum(close_count) FROM review").fetchone()[0]
    actions = Counter(r[0] for r in conn.execute("SELECT action FROM audit_log"))
    assert actions == {"review.closed": closes, "review.reopened": 1}


def test_demo_has_an_account_not_reviewed_for_two_weeks(demo_ws: Workspace) -> None:
    recent = {str(WEEK.shift(-1)), str(WEEK.shift(-2)), str(WEEK)}
    unreviewed = demo_ws.db.conn.execute(
        "SELECT a.name FROM account a WHERE a.is_top AND NOT EXISTS (SELECT 1 FROM review v"
        f" WHERE v.account_id = a.id AND v.week IN ({', '.join('?' for _ in recent)}))",
        sorted(recent),
    ).fetchall()
    assert len(unreviewed) == 1


def test_demo_this_week_is_a_mix_of_closed_open_and_not_started(
    demo_ws: Workspace, facts: list[AccountFacts]
) -> None:
    from accountreview.services.reviews import review_view

    views = [review_view(demo_ws, f.account, WEEK) for f in facts if f.account.is_top]
    statuses = Counter(v.status for v in views)
    assert all(statuses[s] >= 3 for s in ReviewStatus)
    open_views = [v for v in views if v.status is ReviewStatus.OPEN]
    assert all(any(s.stakeholder_id for s in v.slots) for v in open_views)
    assert any(v.blockers for v in open_views)
    assert any(any("Champion" in r and "left" in r for r in v.risks) for v in views)


# --- the large scale at a tiny size --------------------------------------------------------


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary, list[str]]:
    path = tmp_path_factory.mktemp("large") / "large.db"
    stages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LARGE_FACTOR_ENV, TINY)
        summary = build_demo(
            path, TODAY, scale="large", progress=lambda s, d, t: stages.append(f"{s} {d}/{t}")
        )
    return path, summary, stages


@pytest.fixture
def large_conn(large: tuple[Path, DemoSummary, list[str]]) -> Iterator[sqlite3.Connection]:
    conn = connect(large[0])
    yield conn
    conn.close()


def test_large_counts_follow_the_plan(large: tuple[Path, DemoSummary, list[str]]) -> None:
    _, summary, stages = large
    assert (summary.reps, summary.accounts, summary.top_accounts) == (3, 200, 30)
    assert 900 <= summary.stakeholders <= 1_100
    assert summary.touches >= 4_000
    assert summary.reviews >= 30 * 52 * 0.9
    assert stages[-1] == "indexes 1/1" and "accounts 200/200" in stages


def test_large_is_the_same_row_for_row_ids_included(
    large: tuple[Path, DemoSummary, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LARGE_FACTOR_ENV, TINY)
    again = build_demo(tmp_path / "again.db", TODAY, scale="large")
    first, second = sqlite3.connect(large[0]), sqlite3.connect(again.path)
    for table, columns in bulk.COLUMNS.items():
        # But the device the record is chained to (`origin`, and so `hash`): each file's own.
        query = f"SELECT {', '.join(c for c in columns if c != 'origin')} FROM {table} ORDER BY id"
        assert first.execute(query).fetchall() == second.execute(query).fetchall(), table
    first.close()
    second.close()


def test_large_passes_the_integrity_checks(large_conn: sqlite3.Connection) -> None:
    assert large_conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # quick_check also verifies every CHECK constraint, which the load did not enforce.
    assert [tuple(r) for r in large_conn.execute("PRAGMA quick_check")] == [("ok",)]


def test_large_record_is_chained_and_its_closes_say_who_was_confirmed(
    large: tuple[Path, DemoSummary, list[str]], large_conn: sqlite3.Connection
) -> None:
    from accountreview.db.maintenance import check_file

    assert check_file(large[0]).problems == []  # the schema, and the sealed hash chains
    unconfirmed = large_conn.execute(
        "SELECT count(*) FROM review_snapshot n JOIN review_slot l"
        " ON l.review_id = n.review_id AND l.position = n.position"
        " WHERE n.confirmed_in_role IS NOT (l.confirmed_in_role_on IS NOT NULL)"
    ).fetchone()[0]
    assert unconfirmed == 0


def test_large_keeps_the_migrations_indexes_and_triggers(
    large_conn: sqlite3.Connection, tmp_path: Path
) -> None:
    fresh = open_database(tmp_path / "fresh.db", create=True)
    expected = bulk.schema_objects(fresh.conn)
    fresh.close()
    assert bulk.schema_objects(large_conn) == expected
    assert sum(1 for sql in expected.values() if sql.startswith("CREATE TRIGGER")) == 29
    assert large_conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_large_closed_review_cannot_be_updated(large_conn: sqlite3.Connection) -> None:
    review_id = large_conn.execute("SELECT id FROM review WHERE status = 'closed'").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="read-only"):
        large_conn.execute("UPDATE review SET status = 'open' WHERE id = ?", (review_id,))
    with pytest.raises(sqlite3.IntegrityError, match="read-only"):
        large_conn.execute("DELETE FROM review_slot WHERE review_id = ?", (review_id,))


def test_large_slots_name_people_of_the_same_account(large_conn: sqlite3.Connection) -> None:
    wrong = large_conn.execute(
        "SELECT count(*) FROM review_slot l JOIN review v ON v.id = l.review_id"
        " JOIN stakeholder s ON s.id = l.stakeholder_id WHERE s.account_id != v.account_id"
    ).fetchone()[0]
    assert wrong == 0
    per_review = large_conn.execute(
        "SELECT count(*) FROM review v WHERE (SELECT count(*) FROM review_slot l"
        " WHERE l.review_id = v.id) != 5"
    ).fetchone()[0]
    assert per_review == 0


def test_large_closed_reviews_meet_the_close_rule_and_match_their_snapshot(
    large_conn: sqlite3.Connection,
) -> None:
    rows = large_conn.execute(
        "SELECT v.id, date(v.closed_at) AS day, l.position, l.stakeholder_id AS slot_person,"
        " n.stakeholder_id AS snap_person, n.name, s.name AS now_name, n.role, s.left_on,"
        " n.last_contact_on, n.next_contact_on,"
        " (SELECT max(touched_on) FROM touch t WHERE t.stakeholder_id = n.stakeholder_id"
        "  AND t.touched_on <= date(v.closed_at)) AS expected"
        " FROM review v JOIN review_slot l ON l.review_id = v.id"
        " JOIN review_snapshot n ON n.review_id = v.id AND n.position = l.position"
        " JOIN stakeholder s ON s.id = n.stakeholder_id WHERE v.status = 'closed'"
    ).fetchall()
    reviews = Counter(r["id"] for r in rows)
    assert reviews and set(reviews.values()) == {5}
    for r in rows:
        assert r["slot_person"] == r["snap_person"]
        assert r["name"] == r["now_name"] and r["role"] is not None
        assert r["left_on"] is None or r["left_on"] > r["day"]
        assert r["last_contact_on"] == r["expected"] is not None
        days = (date.fromisoformat(r["day"]) - date.fromisoformat(r["expected"])).days
        assert days <= 90 or (r["next_contact_on"] or "") >= r["day"]
    distinct = large_conn.execute(
        "SELECT count(*) FROM (SELECT review_id FROM review_snapshot"
        " GROUP BY review_id HAVING count(DISTINCT stakeholder_id) != 5)"
    ).fetchone()[0]
    assert distinct == 0
    audits = large_conn.execute(
        "SELECT count(*) FROM review v WHERE v.status = 'closed' AND (SELECT count(*)"
        " FROM audit_log l WHERE l.review_id = v.id AND l.action = 'review.closed') != 1"
    ).fetchone()[0]
    assert audits == 0


def test_large_has_a_year_of_weeks_and_a_mixed_current_week(
    large_conn: sqlite3.Connection,
) -> None:
    weeks = {r[0] for r in large_conn.execute("SELECT DISTINCT week FROM review")}
    assert weeks == {str(WEEK.shift(-n)) for n in range(53)}
    current = dict(
        large_conn.execute(
            "SELECT status, count(*) FROM review WHERE week = ? GROUP BY status", (str(WEEK),)
        ).fetchall()
    )
    assert current.get("closed", 0) > 0 and current.get("open", 0) > 0
    assert current["closed"] + current["open"] < 30  # the rest not started


def test_large_opens_in_the_services(large: tuple[Path, DemoSummary, list[str]]) -> None:
    ws = open_workspace(large[0], TODAY)
    try:
        tops = list_account_facts(ws, top_only=True)
        assert len(tops) == 30
        rep = next(r for r in list_reps(ws) if r.role is RepRole.REP)
        assert len(queue_for(ws, rep.id, WEEK).items) >= 15
    finally:
        ws.close()


# --- guards and the bulk loader ---------------------------------------------------------------


def test_build_demo_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.db"
    path.write_text("precious")
    with pytest.raises(Refused):
        build_demo(path, TODAY)
    assert path.read_text() == "precious"


def test_build_demo_refuses_unknown_scale_and_factor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInput, match="scale"):
        build_demo(tmp_path / "a.db", TODAY, scale="huge")
    monkeypatch.setenv(LARGE_FACTOR_ENV, "lots")
    with pytest.raises(InvalidInput, match=LARGE_FACTOR_ENV):
        build_demo(tmp_path / "a.db", TODAY, scale="large")
    assert not (tmp_path / "a.db").exists()


def test_a_failed_build_leaves_no_file(tmp_path: Path) -> None:
    def fail(stage: str, done: int, total: int) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        build_demo(tmp_path / "a.db", TODAY, progress=fail)
    assert list(tmp_path.iterdir()) == []


def test_bulk_load_puts_back_settings_and_keeps_nothing_on_error(tmp_path: Path) -> None:
    db = open_database(tmp_path / "b.db", create=True)
    conn = db.conn
    pragmas = ("synchronous", "foreign_keys", "cache_size", "ignore_check_constraints")
    before = {p: conn.execute(f"PRAGMA {p}").fetchone()[0] for p in pragmas}
    objects = bulk.schema_objects(conn)
    with pytest.raises(RuntimeError), bulk.bulk_load(db) as loader:
        loader.insert("rep", [("r1", "Ann", "ann@x.example", "rep", None, "2026-01-01")])
        assert bulk.schema_objects(conn) == {}
        raise RuntimeError("stop")
    assert {p: conn.execute(f"PRAGMA {p}").fetchone()[0] for p in pragmas} == before
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert bulk.schema_objects(conn) == objects
    assert conn.execute("SELECT count(*) FROM rep").fetchone()[0] == 0
    db.close()
