"""A team whose audit is known by hand, built through the services.

Today is 2026-11-23 (Monday of 2026-W48). Manager Mia Boss has three reps:

- Ann Done: Alpha and Apex, both closed in W47 and W48 (Apex reopened in W48 with
  a reason, then closed again). Her non-top account Aside has stale people: not counted.
- Bob None: nothing in W48. Bolt was never reviewed and its champion was last
  contacted 120 days ago (2 escalations); Brick was closed in W47 (no escalation).
- Cat Half: Cedar closed in W48; Coral open in W48, not reviewed in W47
  (escalation). Coral: no CIO office and no procurement (missing coverage), a
  user last contacted 100 days ago (stale), a champion at 20 days (overdue: the
  cadence is 14) and a finance person never contacted (overdue), a champion who
  left, and no meeting in person at all.

Dan Other reports to another manager (Oz Far) and must never show in Mia's audit.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from accountreview.db import accounts as account_queries
from accountreview.db.accounts import AccountRow
from accountreview.db.records import clock_at
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, Level, RepRole, Role
from accountreview.services import reviews as review_service
from accountreview.services import stakeholders as people
from accountreview.services.reps import add_rep, remember_rep
from accountreview.services.workspace import Workspace
from conftest import TODAY

WEEK = IsoWeek.of(TODAY)  # 2026-W48
LAST_WEEK = WEEK.previous()  # 2026-W47
LAST_FRIDAY = date(2026, 11, 20)
# Everything up to W47's closes is logged that Friday; W48's work this morning.
LOGGED_LAST_WEEK = datetime.combine(LAST_FRIDAY, time(16, 0))
LOGGED_TODAY = datetime.combine(TODAY, time(10, 0))
REOPEN_REASON = "Champion changed title"

Person = tuple[str, Level, Role, int | None, Channel]  # name, level, role, days ago, channel

GOOD: tuple[Person, ...] = (
    ("Exec", Level.EXECUTIVE, Role.EXECUTIVE_SPONSOR, 10, Channel.IN_PERSON),
    ("Cio", Level.DIRECTOR, Role.CIO_OFFICE, 10, Channel.VIDEO),
    ("Buyer", Level.MANAGER, Role.PROCUREMENT, 10, Channel.VIDEO),
    ("Champ", Level.DIRECTOR, Role.CHAMPION, 5, Channel.VIDEO),
    ("User", Level.INDIVIDUAL, Role.USER, 10, Channel.VIDEO),
)
STALE_CHAMPION = tuple((n, lv, r, 120 if r is Role.CHAMPION else d, c) for n, lv, r, d, c in GOOD)
WEAK: tuple[Person, ...] = (
    ("Exec", Level.EXECUTIVE, Role.ECONOMIC_BUYER, 20, Channel.PHONE),
    ("Champ", Level.DIRECTOR, Role.CHAMPION, 20, Channel.VIDEO),
    ("User", Level.INDIVIDUAL, Role.USER, 100, Channel.VIDEO),
    ("Finance", Level.MANAGER, Role.FINANCE, None, Channel.VIDEO),
    ("Oldchamp", Level.VP, Role.CHAMPION, 60, Channel.VIDEO),  # left 30 days ago
)

# What the audit of W48 must say, per rep: top, closed, open, not started, completion,
# stale, overdue, missing coverage, champions left, no in-person, escalations.
EXPECTED = {
    "Bob None": (2, 0, 0, 2, 0.0, 1, 0, 0, 0, 0, 2),
    "Cat Half": (2, 1, 1, 0, 50.0, 1, 2, 1, 1, 1, 1),
    "Ann Done": (2, 2, 0, 0, 100.0, 0, 0, 0, 0, 0, 0),
}
EXPECTED_TEAM = (6, 3, 1, 2, 50.0, 2, 2, 1, 1, 1, 3)
EXPECTED_ESCALATIONS = [
    ("Bob None", "Bolt", "not reviewed 2 weeks running"),
    ("Bob None", "Bolt", "stale champion"),
    ("Cat Half", "Coral", "not reviewed 2 weeks running"),
]
# Completion of the last 8 weeks (2026-W41 to W48).
EXPECTED_TREND = {
    "Bob None": [0.0] * 6 + [50.0, 0.0],
    "Cat Half": [0.0] * 6 + [0.0, 50.0],
    "Ann Done": [0.0] * 6 + [100.0, 100.0],
}
EXPECTED_TEAM_TREND = [0.0] * 6 + [50.0, 50.0]


@dataclass
class Team:
    manager_id: str
    rep_ids: dict[str, str]
    accounts: dict[str, AccountRow]


def _account(ws: Workspace, name: str, rep_id: str, top: bool) -> AccountRow:
    with ws.db.write() as conn:
        account_id = account_queries.insert_account(
            conn, {"name": name, "rep_id": rep_id, "is_top": int(top), "potential": 500_000}
        )
        row = account_queries.get_account(conn, account_id)
    assert row is not None
    return row


def _people(ws: Workspace, account: AccountRow, team: tuple[Person, ...]) -> list[str]:
    ids = []
    for name, level, role, days, channel in team:
        person = people.add_stakeholder(
            ws, account, name=f"{name} {account.name}", level=level, role=role
        )
        if days is not None:
            person = people.log_touch(ws, person, on=TODAY - timedelta(days=days), channel=channel)
        if name == "Oldchamp":
            people.mark_left(ws, person, TODAY - timedelta(days=30))
        ids.append(person.id)
    return ids


def _close(ws: Workspace, account: AccountRow, week: IsoWeek, five: list[str]) -> None:
    for position, person_id in enumerate(five, start=1):
        review_service.set_slot(ws, account, week, position, person_id)
        review_service.confirm_in_role(ws, account, week, position)  # carried over: confirm
    review_service.close_review(ws, account, week)


def build_team(ws: Workspace) -> Team:
    """Write the team described above into `ws` (remembering Mia Boss as the user)."""
    with clock_at(LOGGED_LAST_WEEK):
        team, five = _last_week(ws)
    with clock_at(LOGGED_TODAY):
        _this_week(ws, team, five)
    return team


def _last_week(ws: Workspace) -> tuple[Team, dict[str, list[str]]]:
    """The people, their touches and W47's closes, as logged on W47's Friday."""
    mia = add_rep(ws, name="Mia Boss", email="mia@example.com", role=RepRole.MANAGER)
    oz = add_rep(ws, name="Oz Far", email="oz@example.com", role=RepRole.MANAGER)
    reps = {
        name: add_rep(ws, name=name, email=email, role=RepRole.REP, manager=boss).id
        for name, email, boss in (
            ("Ann Done", "ann@example.com", mia.email),
            ("Bob None", "bob@example.com", mia.email),
            ("Cat Half", "cat@example.com", mia.email),
            ("Dan Other", "dan@example.com", oz.email),
        )
    }
    remember_rep(ws, mia)
    plan = (
        ("Alpha", "Ann Done", True, GOOD),
        ("Apex", "Ann Done", True, GOOD),
        ("Aside", "Ann Done", False, WEAK),
        ("Bolt", "Bob None", True, STALE_CHAMPION),
        ("Brick", "Bob None", True, GOOD),
        ("Cedar", "Cat Half", True, GOOD),
        ("Coral", "Cat Half", True, WEAK),
        ("Delta", "Dan Other", True, GOOD),
    )
    accounts: dict[str, AccountRow] = {}
    five: dict[str, list[str]] = {}
    for name, rep, top, team in plan:
        acting = replace(ws, actor_id=reps[rep])
        accounts[name] = _account(acting, name, reps[rep], top)
        five[name] = _people(acting, accounts[name], team)
    friday = replace(ws, today=LAST_FRIDAY)
    for name in ("Alpha", "Apex", "Brick"):
        _close(
            replace(friday, actor_id=accounts[name].rep_id), accounts[name], LAST_WEEK, five[name]
        )
    return Team(mia.id, {**reps, "Mia Boss": mia.id, "Oz Far": oz.id}, accounts), five


def _this_week(ws: Workspace, team: Team, five: dict[str, list[str]]) -> None:
    """W48 so far: closes, Apex reopened and closed again, Coral started."""
    accounts, reps = team.accounts, team.rep_ids
    for name in ("Alpha", "Apex", "Cedar", "Delta"):
        _close(replace(ws, actor_id=accounts[name].rep_id), accounts[name], WEEK, five[name])
    ann = replace(ws, actor_id=reps["Ann Done"])
    review_service.reopen_review(ann, accounts["Apex"], WEEK, REOPEN_REASON)
    review_service.close_review(ann, accounts["Apex"], WEEK)
    cat = replace(ws, actor_id=reps["Cat Half"])
    review_service.set_slot(cat, accounts["Coral"], WEEK, 1, five["Coral"][0])
