"""Demo databases: `build_demo` makes a populated database that always looks current.

Two scales, both a function of (seed, today) alone:

- ``demo``: a manager, three reps, ~40 accounts showing every stage and every
  flag. It is built through the real services (add_stakeholder, log_touch,
  set_slot, close_review…) with "today" moved to each past Friday, so past
  reviews carry real snapshots and audit rows and the build proves the rules
  hold. Same seed and today give the same names, values and counts (ids and
  creation times come from the services, so they differ).
- ``large``: 10 managers, 200 reps, 100,000 accounts, 500,000 stakeholders,
  2,000,000 touches and a year of weekly reviews, bulk-loaded in one
  transaction (`db.bulk`). Every row, ids included, is drawn from the seed.
  ``ACCOUNTREVIEW_LARGE_FACTOR`` scales the counts (tests use 0.002).
"""

import math
import os
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate, chain
from pathlib import Path
from typing import TypeVar

from accountreview.db import accounts as account_queries
from accountreview.db import bulk
from accountreview.db import reps as rep_queries
from accountreview.db.accounts import ACCOUNT_COLUMNS, AccountRow
from accountreview.db.connection import Database, open_database
from accountreview.db.errors import DatabaseProblem
from accountreview.db.reps import RepRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, Level, RepRole, Role
from accountreview.domain.settings import DEFAULT_SETTINGS
from accountreview.services import reviews as review_service
from accountreview.services import stakeholders as people_service
from accountreview.services.demo_names import (
    COMPANY_NAME_COUNT,
    FIRST_NAMES,
    LAST_NAMES,
    PEOPLE_BY_ROLE,
    REP_DOMAIN,
    TOUCH_NOTES,
    company_domain,
    company_name,
)
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.reps import CURRENT_REP_KEY, add_rep, remember_rep
from accountreview.services.setup import DEMO_KEY
from accountreview.services.workspace import Workspace

SCALES = ("demo", "large")
DEMO_SCALE_KEY = "demo_scale"
LARGE_FACTOR_ENV = "ACCOUNTREVIEW_LARGE_FACTOR"
DEMO_PAST_WEEKS = 8

Progress = Callable[[str, int, int], None]
_T = TypeVar("_T")


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
    plan = _LargePlan.scaled(large_factor()) if scale == "large" else None
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
            _build_small(db, today, seed, report)
        else:
            _LargeBuilder(today, seed, plan).load(db, report)
        counts = bulk.count_rows(db.conn)
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


# --- people and their touches, shared by both scales ------------------------------------

# Days between touches of a person the team keeps in touch with, by role. All are
# under the 90-day staleness, so such a person can fill a slot in any week.
_CORE_GAPS: dict[Role | None, tuple[int, int]] = {
    Role.CHAMPION: (5, 15),
    Role.EXECUTIVE_SPONSOR: (20, 45),
    Role.ECONOMIC_BUYER: (20, 45),
    Role.CIO_OFFICE: (15, 50),
    Role.PROCUREMENT: (25, 60),
}
_OTHER_GAP = (15, 45)
# How long ago the latest touch was, per kind of person who is not kept in touch.
_NEWEST: dict[str, tuple[int, int]] = {
    "recent": (0, 30),
    "no role": (0, 60),
    "aging": (31, 90),
    "stale": (91, 330),
}
_ALL_ROLES = tuple(Role)
_CHANNELS = (
    (Channel.IN_PERSON,) * 2
    + (Channel.VIDEO,) * 6
    + (Channel.PHONE,) * 4
    + (Channel.EMAIL,) * 5
    + (Channel.EVENT,)
    + (Channel.CHAT,) * 2
)
_REMOTE_CHANNELS = tuple(c for c in _CHANNELS if c is not Channel.IN_PERSON)
_CHANNEL_VALUES = tuple(c.value for c in _CHANNELS)
_REMOTE_CHANNEL_VALUES = tuple(c.value for c in _REMOTE_CHANNELS)


@dataclass(slots=True)
class _Person:
    """A stakeholder to be: who, and the days (ordinals, ascending) they were touched."""

    name: str
    title: str
    level: Level
    role: Role | None
    email: str | None
    days: list[int] = field(default_factory=list)
    left_on: int | None = None
    next_contact_on: int | None = None
    id: str = ""
    stored: tuple[object, ...] = ()  # id, name, title, level, role as the database keeps them

    def last_contact(self, day: int) -> int | None:
        """The latest touch on or before `day`."""
        index = bisect_right(self.days, day)
        return self.days[index - 1] if index else None

    def present(self, day: int) -> bool:
        return self.left_on is None or self.left_on > day

    def can_fill_slot(self, day: int, stale_after: int) -> bool:
        """Whether a review closed on `day` accepts this person (the close rule)."""
        if self.role is None or not self.present(day):
            return False
        last = self.last_contact(day)
        if last is None:
            return False
        planned = self.next_contact_on is not None and self.next_contact_on >= day
        return day - last <= stale_after or planned


def _five(people: Sequence[_Person], day: int, stale_after: int) -> list[_Person]:
    """The first five people, in the given order, who may fill a slot on `day`."""
    return [p for p in people if p.can_fill_slot(day, stale_after)][:5]


class _People:
    """Makes people and their touch days from one seeded random stream."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today.toordinal()

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def person(self, role: Role | None, domain: str | None, taken: set[str]) -> _Person:
        """Someone new at an account: a name not yet `taken` there, a title fitting the role."""
        while True:
            first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
            name = f"{first} {last}"
            if name not in taken:
                break
        taken.add(name)
        level, title = self.pick(PEOPLE_BY_ROLE[role or Role.OTHER])
        email = f"{first}.{last}@{domain}".lower() if domain else None
        return _Person(name, title, level, role, email)

    def kept_in_touch(self, person: _Person, *, quiet_days: int = 0) -> _Person:
        """Touches all year at the role's pace, ending `quiet_days` ago (or within ten days)."""
        low, high = _CORE_GAPS.get(person.role, _OTHER_GAP)
        day = self.today - 372 - self.between(0, 20)  # before the Friday 52 weeks ago
        last = self.today - max(quiet_days, self.between(0, 10))
        days = []
        while day <= last:
            days.append(day)
            day += self.between(low, high)
        person.days = days
        return person

    def touched(self, person: _Person, kind: str, count: int) -> _Person:
        """`count` touches, the latest as long ago as `kind` says, the rest within a year."""
        if kind == "never" or count <= 0:
            return person
        low, high = _NEWEST[kind]
        newest = self.today - self.between(low, high)
        earlier = [newest - self.between(1, 300) for _ in range(count - 1)]
        person.days = sorted([*earlier, newest])
        return person


# --- the small demo, through the services ------------------------------------------------


@dataclass(frozen=True)
class _Open:
    """An open review: `filled` slots named, plus one not yet ready to close if `unready`."""

    filled: int
    unready: bool = False


CLOSED = "closed"
NOT_STARTED = "not started"
REOPENED = "closed, reopened and closed again"
Action = str | _Open


@dataclass(frozen=True)
class _Spec:
    """One demo account. Date values are days before today; `past` maps weeks ago to
    the review of that week (closed unless it says otherwise)."""

    values: dict[str, object]
    top: bool = False
    people: tuple[str, ...] = ()  # kinds of people beside those kept in touch
    core: tuple[Role, ...] = ()  # top accounts: the people kept in touch all year
    stale: Role | None = None  # this core person went quiet (a next contact is planned)
    champion_left: int | None = None  # days ago the champion left
    remote: bool = False  # no touch in person
    current: Action = NOT_STARTED
    past: dict[int, Action] = field(default_factory=dict)


_CORE = (Role.CHAMPION, Role.EXECUTIVE_SPONSOR, Role.CIO_OFFICE, Role.PROCUREMENT, Role.FINANCE)
_DATE_COLUMNS = frozenset(c for c in ACCOUNT_COLUMNS if c.endswith("_on") or c == "contract_start")


def _top(
    values: dict[str, object],
    current: Action,
    *,
    people: tuple[str, ...] = (),
    core: tuple[Role, ...] = _CORE,
    stale: Role | None = None,
    champion_left: int | None = None,
    remote: bool = False,
    past: dict[int, Action] | None = None,
) -> _Spec:
    return _Spec(
        values,
        top=True,
        people=people,
        core=core,
        stale=stale,
        champion_left=champion_left,
        remote=remote,
        current=current,
        past=past or {},
    )


def _demo_specs(today: date) -> list[tuple[int, _Spec]]:
    """The demo accounts per rep index: together they show every stage and flag."""
    monday = IsoWeek.of(today).monday

    def lost_for(follow_up: int, weekday: int) -> int:
        """Days ago a deal was lost so that its follow-up falls on `weekday` of this week."""
        return (today - (monday + timedelta(days=weekday - follow_up))).days

    annual = {"contract": "annual"}
    specs: list[tuple[int, _Spec]] = [
        # rep 0: small deal at a big company with a renewal shock; rebate; rebate window; year 3
        (0, _top({"potential": 6_000_000, "current": 8_000, "list_price": 10_000,
                  "discount_pct": 20.0, "uplift_pct": 5.0, "signed_on": 330, "live_on": 300,
                  "paid_on": 290, **annual, "contract_start": 300,
                  "penetration_target_pct": 5.0}, CLOSED, people=("never", "stale"))),
        (0, _top({"potential": 400_000, "current": 50_000, "list_price": 50_000,
                  "rebate_pct": 10.0, "uplift_pct": 5.0, "signed_on": 420, "live_on": 380,
                  "paid_on": 370, **annual, "contract_start": 380,
                  "penetration_target_pct": 10.0, "cio_signoff_on": 360,
                  "procurement_signoff_on": 365}, CLOSED, people=("aging",))),
        (0, _top({"potential": 900_000, "current": 30_000, "list_price": 30_000,
                  "rebate_pct": 8.0, "uplift_pct": 3.0, "signed_on": 20},
                 _Open(4, unready=True), people=("never", "aging", "stale"))),
        (0, _top({"potential": 1_500_000, "current": 600_000, "list_price": 600_000,
                  "discount_pct": 5.0, "uplift_pct": 4.0, "signed_on": 800, "live_on": 770,
                  "paid_on": 760, **annual, "contract_start": 770,
                  "penetration_target_pct": 25.0, "cio_signoff_on": 700,
                  "procurement_signoff_on": 720}, _Open(2), stale=Role.PROCUREMENT,
                 people=("no role", "aging", "never", "stale"))),
        (0, _top({"potential": 2_000_000}, NOT_STARTED, people=("never",), past={1: _Open(3)})),
        # rep 1: rebate missed; live not paid; monthly with a champion who left; gates met
        (1, _top({"potential": 750_000, "current": 45_000, "list_price": 45_000,
                  "rebate_pct": 10.0, "uplift_pct": 5.0, "signed_on": 75}, CLOSED,
                 people=("stale",), past={2: REOPENED})),
        (1, _top({"potential": 300_000, "current": 60_000, "list_price": 60_000,
                  "discount_pct": 5.0, "uplift_pct": 5.0, "signed_on": 100, "live_on": 55,
                  **annual, "contract_start": 55}, _Open(3), people=("aging", "never"))),
        (1, _top({"potential": 120_000, "current": 18_000, "list_price": 18_000,
                  "uplift_pct": 5.0, "signed_on": 230, "live_on": 210, "paid_on": 205,
                  "contract": "monthly", "contract_start": 210}, NOT_STARTED,
                 # the champion left on Wednesday two weeks ago
                 core=(*_CORE, Role.USER), champion_left=(today - monday).days + 12,
                 people=("stale",))),
        (1, _top({"potential": 500_000, "current": 150_000, "list_price": 150_000,
                  "uplift_pct": 4.0, "signed_on": 500, "live_on": 470, "paid_on": 460,
                  **annual, "contract_start": 470, "penetration_target_pct": 20.0,
                  "cio_signoff_on": 450, "procurement_signoff_on": 455},
                 _Open(4, unready=True), people=("never", "no role"))),
        (1, _top({"potential": 3_500_000}, NOT_STARTED, remote=True, people=("aging",),
                 core=(Role.CHAMPION, Role.USER, Role.USER, Role.FINANCE, Role.OTHER),
                 past={5: NOT_STARTED})),
        # rep 2: gates not met and a stale champion; not reviewed for two weeks; year 3 monthly
        (2, _top({"potential": 4_000_000, "current": 25_000, "list_price": 25_000,
                  "discount_pct": 15.0, "uplift_pct": 7.0, "signed_on": 200, "live_on": 170,
                  "paid_on": 160, **annual, "contract_start": 170,
                  "penetration_target_pct": 10.0, "cio_signoff_on": 150}, CLOSED,
                 stale=Role.CHAMPION, people=("never", "stale", "aging"))),
        (2, _top({"potential": 800_000}, NOT_STARTED, people=("aging",),
                 past={1: NOT_STARTED, 2: NOT_STARTED})),
        (2, _top({"potential": 250_000, "current": 90_000, "list_price": 90_000,
                  "rebate_pct": 5.0, "uplift_pct": 4.0, "signed_on": 450, "live_on": 420,
                  "paid_on": 410, **annual, "contract_start": 420}, _Open(1),
                 core=(Role.CHAMPION, Role.ECONOMIC_BUYER, Role.CIO_OFFICE, Role.USER,
                       Role.FINANCE))),
        (2, _top({"potential": 350_000, "current": 40_000, "list_price": 40_000,
                  "discount_pct": 5.0, "uplift_pct": 3.0, "signed_on": 8}, NOT_STARTED,
                 people=("never", "stale"))),
        (2, _top({"potential": 600_000, "current": 120_000, "list_price": 120_000,
                  "uplift_pct": 6.0, "signed_on": 780, "live_on": 765, "paid_on": 760,
                  "contract": "monthly", "contract_start": 765}, _Open(4, unready=True),
                 people=("aging",))),
    ]  # fmt: skip
    follow_ups = ((90, 1), (180, 2), (365, 3))
    for rep in range(3):
        k = 1 + rep / 2  # the reps' smaller accounts differ in size
        specs += [
            (rep, _Spec({"potential": int(2_500_000 * k), "lost_on": lost_for(*follow_ups[rep])},
                        people=("stale", "stale", "aging"))),
            (rep, _Spec({"potential": int(400_000 * k), "lost_on": 30}, people=("aging",))),
            (rep, _Spec({"potential": int(200_000 * k), "current": int(40_000 * k),
                         "list_price": int(40_000 * k), "signed_on": 700, "live_on": 680,
                         "paid_on": 670, **annual, "contract_start": 680, "churned_on": 60},
                        people=("stale",))),
            (rep, _Spec({"potential": int(150_000 * k)})),
            (rep, _Spec({"potential": int(1_000_000 * k)}, people=("recent", "never"))),
            (rep, _Spec({"potential": int(80_000 * k), "current": int(20_000 * k),
                         "list_price": int(20_000 * k), "uplift_pct": 3.0, "signed_on": 300,
                         "live_on": 280, "paid_on": 270, **annual, "contract_start": 280},
                        people=("recent",))),
            (rep, _Spec({"potential": int(60_000 * k), "current": int(60_000 * k),
                         "list_price": int(60_000 * k), "signed_on": 900, "live_on": 870,
                         "paid_on": 860, **annual, "contract_start": 870},
                        people=("aging", "recent"))),
            (rep, _Spec({"potential": int(90_000 * k), "current": int(12_000 * k),
                         "list_price": int(12_000 * k), "rebate_pct": 10.0,
                         "signed_on": 35 + 10 * rep}, people=("recent",))),
        ]  # fmt: skip
    return specs


def _stored_values(spec: _Spec, today: date) -> dict[str, object]:
    return {
        key: (today - timedelta(days=value)).isoformat()
        if key in _DATE_COLUMNS and isinstance(value, int)
        else value
        for key, value in spec.values.items()
    }


def _plan_people(maker: _People, spec: _Spec, domain: str) -> list[_Person]:
    """An account's people: those kept in touch first (the order slots are filled in)."""
    taken: set[str] = set()
    people = []
    for role in spec.core:
        person = maker.person(role, domain, taken)
        if role is spec.stale:
            maker.kept_in_touch(person, quiet_days=maker.between(95, 130))
            person.next_contact_on = maker.today + maker.between(3, 21)
        else:
            maker.kept_in_touch(person)
        if role is Role.CHAMPION and spec.champion_left is not None:
            person.left_on = maker.today - spec.champion_left
            person.days = [d for d in person.days if d < person.left_on]
        people.append(person)
    for kind in spec.people:
        extra_role = None if kind == "no role" else maker.pick(_ALL_ROLES)
        person = maker.person(extra_role, domain, taken)
        people.append(maker.touched(person, kind, maker.between(1, 4)))
    return people


@dataclass
class _TopAccount:
    account: AccountRow
    rep: RepRow
    spec: _Spec
    people: list[_Person]


def _build_small(db: Database, today: date, seed: int, report: Progress) -> None:
    rng = random.Random(seed)
    maker = _People(rng, today)
    ws = Workspace(db=db, today=today)
    specs = _demo_specs(today)
    # An affine map of the numbers is a permutation: distinct accounts, distinct names.
    step = _coprime_step(rng, COMPANY_NAME_COUNT)
    offset = int(rng.random() * COMPANY_NAME_COUNT)
    tops: list[_TopAccount] = []
    with db.write() as conn:
        reps = _demo_reps(ws, maker)
        remember_rep(ws, reps[0])
        for number, (rep_index, spec) in enumerate(specs):
            rep = reps[rep_index]
            name = company_name(offset + number * step)
            values = {**_stored_values(spec, today), "name": name, "rep_id": rep.id}
            account_id = account_queries.insert_account(conn, {**values, "is_top": int(spec.top)})
            account = account_queries.get_account(conn, account_id)
            assert account is not None
            people = _plan_people(maker, spec, company_domain(name))
            acting = replace(ws, actor_id=rep.id)
            for person in people:
                _add_person(acting, account, person, maker, spec.remote)
            if spec.top:
                tops.append(_TopAccount(account, rep, spec, people))
            report("accounts", number + 1, len(specs))
        _small_reviews(ws, tops, report)


def _coprime_step(rng: random.Random, modulus: int) -> int:
    while True:
        step = 1 + int(rng.random() * (modulus - 1))
        if math.gcd(step, modulus) == 1:
            return step


def _demo_reps(ws: Workspace, maker: _People) -> list[RepRow]:
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
    ws: Workspace, account: AccountRow, person: _Person, maker: _People, remote: bool
) -> None:
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
    channels = _REMOTE_CHANNELS if remote else _CHANNELS
    for day in person.days:
        note = maker.pick(TOUCH_NOTES) if maker.rng.random() < 0.4 else None
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
            _review(replace(ws, today=day, actor_id=top.rep.id), top, week, action)
        report("reviews", DEMO_PAST_WEEKS + 1 - weeks_ago, DEMO_PAST_WEEKS + 1)


def _review(ws: Workspace, top: _TopAccount, week: IsoWeek, action: Action) -> None:
    if action == NOT_STARTED:
        return
    day = ws.today.toordinal()
    five = _five(top.people, day, ws.settings.stale_after_days)
    filled = action.filled if isinstance(action, _Open) else 5
    account = top.account
    for position, person in enumerate(five[:filled], start=1):
        review_service.set_slot(ws, account, week, position, person.id)
        review_service.confirm_in_role(ws, account, week, position)
    if isinstance(action, _Open):
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


# --- the large demo, bulk-loaded ----------------------------------------------------------


@dataclass(frozen=True)
class _LargePlan:
    """How much the large demo holds; `scaled` shrinks it for tests."""

    managers: int = 10
    reps: int = 200
    accounts: int = 100_000
    top_per_rep: int = 15
    stakeholders: int = 500_000
    touches: int = 2_000_000
    weeks: int = 52
    missed_review_share: float = 0.03
    chunk_accounts: int = 2_000

    @classmethod
    def scaled(cls, factor: float) -> "_LargePlan":
        full = cls()

        def size(count: int, least: int) -> int:
            return max(least, round(count * factor))

        reps = size(full.reps, 2)
        return cls(
            managers=size(full.managers, 1),
            reps=reps,
            accounts=size(full.accounts, reps * full.top_per_rep),
            stakeholders=size(full.stakeholders, 1),
            touches=size(full.touches, 1),
        )

    @property
    def top_accounts(self) -> int:
        return self.reps * self.top_per_rep

    def rows(self) -> int:
        """About how many rows the plan makes (top accounts touch more than the budget)."""
        people = self.managers + self.reps + self.accounts + self.stakeholders
        return people + self.touches + self.top_accounts * (100 + 12 * (self.weeks + 1))


def _id_maker(rng: random.Random, expected: int) -> Callable[[], str]:
    """A function returning ids drawn from the seed, in increasing order, spread out.

    Increasing, so each bulk insert appends to a primary-key B-tree (random ids
    make the load a third slower); spread over the range, so that like random
    ids they differ from the first characters and an id prefix finds one row.
    The layout is that of a version-8 (custom) UUID.
    """
    # Random gaps averaging 2**(gap_bits - 1): `expected` ids use under half the range.
    gap_bits = max(1, 47 - expected.bit_length())
    tails = [
        f"8{rng.getrandbits(12):03x}{(0b10 << 62) | rng.getrandbits(62):016x}" for _ in range(4096)
    ]

    def batches() -> Iterator[list[str]]:
        tick, bits = 0, rng.getrandbits
        while True:
            ticks = list(accumulate((1 + bits(gap_bits) for _ in range(8192)), initial=tick))
            tick = ticks[-1]
            if tick >= 1 << 48:
                raise RuntimeError("demo ids ran out of range; raise the expected count")
            yield [f"{t:012x}{tails[t & 4095]}" for t in ticks[1:]]

    # A bound __next__ of a C iterator: the cheapest call there is, made 4.4M times.
    return chain.from_iterable(batches()).__next__


Rows = dict[str, list[bulk.Row]]


class _LargeBuilder:
    """Rows of the large demo, generated a chunk of accounts at a time."""

    def __init__(self, today: date, seed: int, plan: _LargePlan) -> None:
        self.plan = plan
        self.rng = random.Random(seed)
        self.maker = _People(self.rng, today)
        self.new_id = _id_maker(random.Random(seed + 1), plan.rows())
        self.today = today.toordinal()
        # Stored dates by ordinal, from ~4 years back to a few months ahead.
        self.base = self.today - 1500
        self.iso = [date.fromordinal(self.base + n).isoformat() for n in range(1700)]
        self.logged = [f"{day} 18:00:00.000000" for day in self.iso]
        this_week = IsoWeek.of(today)
        self.weeks = [
            (str(w), self.today if w == this_week else (w.monday + timedelta(days=4)).toordinal())
            for w in (this_week.shift(-n) for n in range(plan.weeks, -1, -1))
        ]
        self.stale_after = DEFAULT_SETTINGS.stale_after_days
        self.people_left = plan.stakeholders
        self.touches_left = plan.touches

    def day(self, ordinal: int | None) -> str | None:
        return None if ordinal is None else self.iso[ordinal - self.base]

    def stamp(self, ordinal: int, clock: str) -> str:
        return f"{self.iso[ordinal - self.base]} {clock}.000000"

    def load(self, db: Database, report: Progress) -> None:
        """Generate and insert everything in one transaction."""
        plan = self.plan
        with bulk.bulk_load(db, on_restore=lambda: report("indexes", 0, 1)) as loader:
            rep_ids = self.reps(loader)
            rep_queries.set_meta(loader.conn, CURRENT_REP_KEY, rep_ids[0])
            done = 0
            for rows in self.chunks(rep_ids):
                for table, batch in rows.items():
                    loader.insert(table, batch)
                done = min(plan.accounts, done + plan.chunk_accounts)
                report("accounts", done, plan.accounts)
        report("indexes", 1, 1)

    def reps(self, loader: bulk.BulkLoader) -> list[str]:
        """Insert the managers and reps; returns the reps' ids (managers have no accounts)."""
        plan = self.plan
        combos = len(FIRST_NAMES) * len(LAST_NAMES)
        picks = self.rng.sample(range(combos), plan.managers + plan.reps)
        rows: list[bulk.Row] = []
        created = self.stamp(self.today - 400, "08:00:00")
        for n, pick in enumerate(picks):
            first, last = FIRST_NAMES[pick // len(LAST_NAMES)], LAST_NAMES[pick % len(LAST_NAMES)]
            email = f"{first}.{last}@{REP_DOMAIN}".lower()
            role = RepRole.MANAGER if n < plan.managers else RepRole.REP
            manager = None if n < plan.managers else rows[n % plan.managers][0]
            rows.append((self.new_id(), f"{first} {last}", email, role.value, manager, created))
        loader.insert("rep", rows)
        return [str(row[0]) for row in rows[plan.managers :]]

    def chunks(self, rep_ids: list[str]) -> Iterator[Rows]:
        plan = self.plan
        step = _coprime_step(self.rng, COMPANY_NAME_COUNT)
        offset = int(self.rng.random() * COMPANY_NAME_COUNT)
        tops = plan.top_accounts
        for start in range(0, plan.accounts, plan.chunk_accounts):
            rows: Rows = {table: [] for table in bulk.COLUMNS if table != "rep"}
            for n in range(start, min(plan.accounts, start + plan.chunk_accounts)):
                # Spread the top accounts evenly; the k-th goes to rep k % reps.
                k = n * tops // plan.accounts
                is_top = k != (n + 1) * tops // plan.accounts
                rep_id = rep_ids[k % plan.reps] if is_top else rep_ids[n % plan.reps]
                name = company_name(offset + n * step)
                self.account(rows, name, rep_id, is_top, plan.accounts - n)
            yield rows

    def account(self, rows: Rows, name: str, rep_id: str, is_top: bool, accounts_left: int) -> None:
        account_id = self.new_id()
        values = self.deal()
        values.update(name=name, rep_id=rep_id, is_top=int(is_top))
        # Created before any of its dates (the earliest is 1,100 days ago).
        created = self.stamp(self.today - self.maker.between(1200, 1400), "09:00:00")
        rows["account"].append((account_id, created, *(values[c] for c in ACCOUNT_COLUMNS)))
        domain = company_domain(name)
        if is_top:
            people = self.top_people(domain)
        else:
            mean = max(0.0, self.people_left / accounts_left)
            people = self.other_people(domain, int(2 * mean * self.rng.random() + 0.5))
        remote = is_top and self.rng.random() < 0.1
        for person in people:
            self.person_rows(rows, account_id, rep_id, person, remote)
        if is_top:
            self.reviews(rows, account_id, rep_id, people)

    def deal(self) -> dict[str, object]:
        """An account's sizes and dates: a prospect, a lost deal, or a signed one."""
        rng, between = self.rng, self.maker.between
        potential = int(10 ** (4 + 3 * rng.random())) // 1000 * 1000
        values: dict[str, object] = dict.fromkeys(ACCOUNT_COLUMNS)
        values.update(potential=potential, current=0, discount_pct=0.0, rebate_pct=0.0)
        values["uplift_pct"] = 0.0
        draw = rng.random()
        if draw < 0.35:
            return values
        if draw < 0.47:
            values["lost_on"] = self.day(self.today - between(1, 700))
            return values
        signed = self.today - between(5, 1100)
        share = 0.005 + 0.6 * rng.random() ** 2
        current = min(potential, max(1_000, int(potential * share) // 1000 * 1000))
        values.update(signed_on=self.day(signed), current=current, list_price=current)
        values["uplift_pct"] = float(between(3, 7))
        pricing = rng.random()
        if pricing < 0.35:
            values["discount_pct"] = float(self.maker.pick((10, 15, 20)))
        elif pricing < 0.7:
            values["rebate_pct"] = float(self.maker.pick((5, 10)))
        live = signed + between(20, 120)
        if live <= self.today and rng.random() < 0.9:
            values.update(live_on=self.day(live), contract_start=self.day(live))
            values["contract"] = "monthly" if rng.random() < 0.15 else "annual"
            paid = live + between(0, 30)
            if paid <= self.today and rng.random() < 0.92:
                values["paid_on"] = self.day(paid)
            if self.today - live > 60 and rng.random() < 0.08:
                values["churned_on"] = self.day(between(live + 30, self.today))
        if rng.random() < 0.3:
            values["penetration_target_pct"] = float(self.maker.pick((5, 10, 20)))
            if rng.random() < 0.6:
                values["cio_signoff_on"] = self.day(signed + between(0, 30))
            if rng.random() < 0.5:
                values["procurement_signoff_on"] = self.day(signed + between(0, 30))
        return values

    def top_people(self, domain: str) -> list[_Person]:
        """Six people kept in touch (one may have left or gone quiet) and a few others."""
        maker, rng = self.maker, self.rng
        core = [Role.CHAMPION, maker.pick((Role.EXECUTIVE_SPONSOR, Role.ECONOMIC_BUYER))]
        core += [Role.CIO_OFFICE, Role.PROCUREMENT]
        if rng.random() < 0.2:  # a gap in coverage
            core[maker.between(1, 3)] = Role.USER
        core += [maker.pick((Role.FINANCE, Role.USER, Role.SECURITY, Role.LEGAL, Role.OTHER))]
        core += [maker.pick((Role.USER, Role.FINANCE, Role.OTHER))]
        spec = _Spec(
            {},
            core=tuple(core),
            stale=Role.CHAMPION if rng.random() < 0.05 else None,
            champion_left=maker.between(5, 200) if rng.random() < 0.03 else None,
            people=tuple(
                maker.pick(("never", "stale", "aging", "recent", "no role"))
                for _ in range(maker.between(2, 6))
            ),
        )
        people = _plan_people(maker, spec, domain)
        self.people_left -= len(people)
        self.touches_left -= sum(len(p.days) for p in people)
        return people

    def other_people(self, domain: str, count: int) -> list[_Person]:
        maker, rng = self.maker, self.rng
        taken: set[str] = set()
        people = []
        for _ in range(min(count, self.people_left)):
            role = maker.pick(_ALL_ROLES) if rng.random() < 0.95 else None
            person = maker.person(role, domain if rng.random() < 0.8 else None, taken)
            if rng.random() < 0.05:
                person.left_on = self.today - maker.between(1, 300)
            if rng.random() < 0.1:
                person.next_contact_on = self.today + maker.between(1, 60)
            mean = self.touches_left / max(1, self.people_left)
            kind = "never" if rng.random() < 0.1 else maker.pick(("recent", "aging", "stale"))
            maker.touched(person, kind, int(2 * mean * rng.random() + 0.5))
            self.people_left -= 1
            self.touches_left -= len(person.days)
            people.append(person)
        return people

    def person_rows(
        self, rows: Rows, account_id: str, rep_id: str, person: _Person, remote: bool
    ) -> None:
        person.id = person_id = self.new_id()
        first = person.days[0] if person.days else self.today - 30
        role = None if person.role is None else person.role.value
        person.stored = (person_id, person.name, person.title, person.level.value, role)
        rows["stakeholder"].append(
            (
                person_id,
                account_id,
                person.name,
                person.email,
                *person.stored[2:],
                self.day(person.left_on),
                self.day(person.next_contact_on),
                self.stamp(first - 1, "09:30:00"),
            )
        )
        # The hottest loop of the build (2M rows): everything it touches is a local.
        channels = _REMOTE_CHANNEL_VALUES if remote else _CHANNEL_VALUES
        new_id, draw, iso, logged, base = (
            self.new_id,
            self.rng.random,
            self.iso,
            self.logged,
            self.base,
        )
        notes, n_notes, n_channels = TOUCH_NOTES, len(TOUCH_NOTES), len(channels)
        rows["touch"].extend(
            (
                new_id(),
                person_id,
                iso[day - base],
                channels[int(draw() * n_channels)],
                notes[int(draw() * n_notes)] if draw() < 0.25 else None,
                rep_id,
                logged[day - base],
            )
            for day in person.days
        )

    def reviews(self, rows: Rows, account_id: str, rep_id: str, people: list[_Person]) -> None:
        """A closed review for most past weeks; this week closed, open or not started."""
        rng = self.rng
        last = len(self.weeks) - 1
        for n, (week, day) in enumerate(self.weeks):
            # The fifth and sixth person take turns each quarter, so the five change.
            order = people if (n // 13) % 2 else [*people[:4], people[5], people[4], *people[6:]]
            five = _five(order, day, self.stale_after)
            if len(five) < 5:
                continue
            if n < last:
                if rng.random() >= self.plan.missed_review_share:
                    self.closed_review(rows, account_id, rep_id, week, day, five)
                continue
            draw = rng.random()
            if draw < 0.35:
                self.closed_review(rows, account_id, rep_id, week, day, five)
            elif draw < 0.65:
                self.open_review(
                    rows, account_id, rep_id, week, day, five[: self.maker.between(1, 5)]
                )

    def open_review(
        self, rows: Rows, account_id: str, rep_id: str, week: str, day: int, named: list[_Person]
    ) -> None:
        review_id = self.new_id()
        opened = self.stamp(day, f"09:{self.maker.between(0, 59):02d}:00")
        rows["review"].append((review_id, account_id, week, "open", 0, opened, rep_id, None, None))
        for position in range(1, 6):
            person_id = named[position - 1].id if position <= len(named) else None
            rows["review_slot"].append(
                (self.new_id(), review_id, position, person_id, None, opened)
            )

    def closed_review(
        self, rows: Rows, account_id: str, rep_id: str, week: str, day: int, five: list[_Person]
    ) -> None:
        new_id, review_id = self.new_id, self.new_id()
        minute = self.maker.between(0, 59)
        opened = self.stamp(day, f"09:{minute:02d}:00")
        closed = self.stamp(day, f"16:{minute:02d}:00")
        rows["review"].append(
            (review_id, account_id, week, "closed", 1, opened, rep_id, closed, rep_id)
        )
        on = self.iso[day - self.base]
        slots, snapshots = rows["review_slot"], rows["review_snapshot"]
        for position, person in enumerate(five, start=1):
            slots.append((new_id(), review_id, position, person.id, on, closed))
            last, planned = self.day(person.last_contact(day)), self.day(person.next_contact_on)
            snapshots.append(
                (new_id(), review_id, 1, position, *person.stored, last, planned, closed)
            )
        rows["audit_log"].append(
            (new_id(), closed, rep_id, "review.closed", account_id, review_id, 1, None)
        )
