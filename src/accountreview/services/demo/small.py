"""The small demo, built through the real services.

A manager, three reps and the accounts of `specs`: people are added, touches
logged and reviews filled and closed with the services, "today" moved to each
past Friday, so past reviews carry real snapshots and audit rows and the build
proves the rules hold.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from accountreview.db import accounts as account_queries
from accountreview.db.accounts import AccountRow
from accountreview.db.connection import Database
from accountreview.db.records import clock_at
from accountreview.db.reps import RepRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import RepRole
from accountreview.services import reviews as review_service
from accountreview.services import stakeholders as people_service
from accountreview.services.demo.names import REP_DOMAIN, TOUCH_NOTES, company_domain, company_namer
from accountreview.services.demo.people import CHANNELS, REMOTE_CHANNELS, People, Person, first_five
from accountreview.services.demo.specs import (
    CLOSED,
    NOT_STARTED,
    REOPENED,
    Action,
    Open,
    Spec,
    demo_specs,
)
from accountreview.services.progress import Progress
from accountreview.services.reps import add_rep, remember_rep
from accountreview.services.workspace import Workspace

DEMO_PAST_WEEKS = 8


@dataclass
class _TopAccount:
    account: AccountRow
    rep: RepRow
    spec: Spec
    people: list[Person]


def build_small(db: Database, today: date, seed: int, report: Progress) -> None:
    """Fill `db` with the small demo drawn from `seed` as of `today`."""
    rng = random.Random(seed)
    maker = People(rng, today)
    ws = Workspace(db=db, today=today)
    specs = demo_specs(today)
    company_name = company_namer(rng)
    tops: list[_TopAccount] = []
    with db.write() as conn:
        reps = _demo_reps(ws, maker)
        remember_rep(ws, reps[0])
        for number, (rep_index, spec) in enumerate(specs):
            rep = reps[rep_index]
            name = company_name(number)
            values = {**spec.stored_values(today), "name": name, "rep_id": rep.id}
            account_id = account_queries.insert_account(conn, {**values, "is_top": int(spec.top)})
            account = account_queries.get_account(conn, account_id)
            assert account is not None
            people = maker.team(spec.team, company_domain(name))
            acting = replace(ws, actor_id=rep.id)
            for person in people:
                _add_person(acting, account, person, maker, spec.remote)
            if spec.top:
                tops.append(_TopAccount(account, rep, spec, people))
            report("accounts", number + 1, len(specs))
        _small_reviews(ws, tops, report)


def _demo_reps(ws: Workspace, maker: People) -> list[RepRow]:
    """A manager and the three reps who report to them; returns the reps."""
    taken: set[str] = set()
    names = [maker.person(None, None, taken).name for _ in range(4)]

    def email(name: str) -> str:
        return f"{name.replace(' ', '.').lower()}@{REP_DOMAIN}"

    manager = add_rep(ws, name=names[0], email=email(names[0]), role=RepRole.MANAGER)
    return [
        add_rep(ws, name=name, email=email(name), role=RepRole.REP, manager=manager.email)
        for name in names[1:]
    ]


def _add_person(
    ws: Workspace, account: AccountRow, person: Person, maker: People, remote: bool
) -> None:
    # Stamped as if added the day before the first touch and each touch logged on its
    # day, so the audit of a past week sees the demo as it stood then.
    first = person.days[0] if person.days else ws.today.toordinal() - 30
    with clock_at(_at(first - 1, time(9, 30))):
        row = people_service.add_stakeholder(
            ws,
            account,
            name=person.name,
            title=person.title,
            level=person.level,
            role=person.role,
            email=person.email,
        )
    person.id = row.id
    channels = REMOTE_CHANNELS if remote else CHANNELS
    for day in person.days:
        note = maker.pick(TOUCH_NOTES) if maker.rng.random() < 0.4 else None
        with clock_at(_at(day, time(17, 0))):
            people_service.log_touch(
                ws, row, on=date.fromordinal(day), channel=maker.pick(channels), note=note
            )
    if person.next_contact_on is not None:
        people_service.set_next_contact(ws, row, date.fromordinal(person.next_contact_on))
    if person.left_on is not None:
        people_service.mark_left(ws, row, date.fromordinal(person.left_on))


def _small_reviews(ws: Workspace, tops: list[_TopAccount], report: Progress) -> None:
    """Past weeks' reviews closed on their Friday, oldest first; then this week's mix."""
    this_week = IsoWeek.of(ws.today)
    for weeks_ago in range(DEMO_PAST_WEEKS, -1, -1):
        week = this_week.shift(-weeks_ago)
        day = ws.today if weeks_ago == 0 else week.monday + timedelta(days=4)
        for top in tops:
            action = top.spec.current if weeks_ago == 0 else top.spec.past.get(weeks_ago, CLOSED)
            acting = replace(ws, today=day, actor_id=top.rep.id)
            if weeks_ago == 0:  # this week's work is stamped with the real time
                _review(acting, top, week, action)
                continue
            with clock_at(_at(day.toordinal(), time(16, 0))):  # closed on time, that Friday
                _review(acting, top, week, action)
        report("reviews", DEMO_PAST_WEEKS + 1 - weeks_ago, DEMO_PAST_WEEKS + 1)


def _at(day: int, clock: time) -> datetime:
    """A moment of the day with ordinal `day` (UTC), for `clock_at`."""
    return datetime.combine(date.fromordinal(day), clock)


def _review(ws: Workspace, top: _TopAccount, week: IsoWeek, action: Action) -> None:
    if action == NOT_STARTED:
        return
    day = ws.today.toordinal()
    five = first_five(top.people, day, ws.settings.stale_after_days)
    filled = action.filled if isinstance(action, Open) else 5
    account = top.account
    for position in ws.settings.slot_positions:  # the review starts with last week's five: re-pick
        review_service.set_slot(ws, account, week, position, None)
    for position, person in enumerate(five[:filled], start=1):
        review_service.set_slot(ws, account, week, position, person.id)
        review_service.confirm_in_role(ws, account, week, position)
    if isinstance(action, Open):
        stale_after = ws.settings.stale_after_days
        unready = [
            p
            for p in top.people
            if p.role and p.present(day) and not p.can_fill_slot(day, stale_after)
        ]
        if action.unready and unready and filled < 5:
            review_service.set_slot(ws, account, week, filled + 1, unready[0].id)
        return
    review_service.close_review(ws, account, week)
    if action == REOPENED:
        reason = "The champion changed title; checking the five again"
        review_service.reopen_review(ws, account, week, reason)
        review_service.close_review(ws, account, week)
