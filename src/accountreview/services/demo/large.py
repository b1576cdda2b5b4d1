"""The large demo, bulk-loaded: every row, ids included, drawn from the seed.

`LargePlan` says how much it holds (``ACCOUNTREVIEW_LARGE_FACTOR`` scales it);
`LargeBuilder` generates the rows a chunk of accounts at a time and inserts
them in one transaction (`db.bulk`), past reviews written as closing them
would have left them.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from accountreview.db import bulk
from accountreview.db import reps as rep_queries
from accountreview.db.accounts import ACCOUNT_COLUMNS
from accountreview.db.chain import local_origin
from accountreview.db.connection import Database
from accountreview.domain import ids
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import RepRole, Role
from accountreview.domain.settings import DEFAULT_SETTINGS
from accountreview.services.demo.ids import id_maker
from accountreview.services.demo.names import (
    FIRST_NAMES,
    LAST_NAMES,
    REP_DOMAIN,
    TOUCH_NOTES,
    company_domain,
    company_namer,
)
from accountreview.services.demo.people import (
    ALL_ROLES,
    CHANNEL_VALUES,
    REMOTE_CHANNEL_VALUES,
    People,
    Person,
    Team,
    first_five,
)
from accountreview.services.progress import Progress
from accountreview.services.reps import CURRENT_REP_KEY


@dataclass(frozen=True)
class LargePlan:
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
    def scaled(cls, factor: float) -> "LargePlan":
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


Rows = dict[str, list[bulk.Row]]
# Rows keyed by derived ids (`domain.ids`), which are not increasing as generated ids
# are, go in a chunk at a time sorted by that key, so that each insert lands beside the
# one before in its index (random inserts made the load's inserts twice as slow).
_SORT_BY: dict[str, Callable[[bulk.Row], tuple[str, ...]]] = {
    "stakeholder": lambda row: (str(row[0]),),
    "review": lambda row: (str(row[0]),),
    "review_slot": lambda row: (str(row[0]),),
    # By review, close and position: the unique key; a close's five stay in order.
    "review_snapshot": lambda row: (str(row[1]), str(row[2]), str(row[3])),
}


class LargeBuilder:
    """Rows of the large demo, generated a chunk of accounts at a time."""

    def __init__(self, today: date, seed: int, plan: LargePlan) -> None:
        self.plan = plan
        self.rng = random.Random(seed)
        self.maker = People(self.rng, today)
        self.new_id = id_maker(random.Random(seed + 1), plan.rows())
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
        self.origin = ""  # the file's device, read when the load starts

    def day(self, ordinal: int | None) -> str | None:
        return None if ordinal is None else self.iso[ordinal - self.base]

    def stamp(self, ordinal: int, clock: str) -> str:
        return f"{self.iso[ordinal - self.base]} {clock}.000000"

    def load(self, db: Database, report: Progress) -> None:
        """Generate and insert everything in one transaction."""
        plan = self.plan
        with bulk.bulk_load(db, on_restore=lambda: report("indexes", 0, 1)) as loader:
            self.origin = local_origin(loader.conn)  # the device its record is chained to
            rep_ids = self.reps(loader)
            rep_queries.set_meta(loader.conn, CURRENT_REP_KEY, rep_ids[0])
            done = 0
            for rows in self.chunks(rep_ids):
                for table, batch in rows.items():
                    if table in _SORT_BY:  # each insert lands beside the one before
                        batch.sort(key=_SORT_BY[table])
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
            rows.append((ids.rep_id(email), f"{first} {last}", email, role.value, manager, created))
        loader.insert("rep", rows)
        return [str(row[0]) for row in rows[plan.managers :]]

    def chunks(self, rep_ids: list[str]) -> Iterator[Rows]:
        plan = self.plan
        company_name = company_namer(self.rng)
        tops = plan.top_accounts
        for start in range(0, plan.accounts, plan.chunk_accounts):
            rows: Rows = {table: [] for table in bulk.COLUMNS if table != "rep"}
            for n in range(start, min(plan.accounts, start + plan.chunk_accounts)):
                # Spread the top accounts evenly; the k-th goes to rep k % reps.
                k = n * tops // plan.accounts
                is_top = k != (n + 1) * tops // plan.accounts
                rep_id = rep_ids[k % plan.reps] if is_top else rep_ids[n % plan.reps]
                name = company_name(n)
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
        taken: set[str] = set()  # the account's stakeholder ids, for `ids.stakeholder_id`
        for person in people:
            self.person_rows(rows, account_id, rep_id, person, remote, taken)
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

    def top_people(self, domain: str) -> list[Person]:
        """Six people kept in touch (one may have left or gone quiet) and a few others."""
        maker, rng = self.maker, self.rng
        core = [Role.CHAMPION, maker.pick((Role.EXECUTIVE_SPONSOR, Role.ECONOMIC_BUYER))]
        core += [Role.CIO_OFFICE, Role.PROCUREMENT]
        if rng.random() < 0.2:  # a gap in coverage
            core[maker.between(1, 3)] = Role.USER
        core += [maker.pick((Role.FINANCE, Role.USER, Role.SECURITY, Role.LEGAL, Role.OTHER))]
        core += [maker.pick((Role.USER, Role.FINANCE, Role.OTHER))]
        team = Team(
            core=tuple(core),
            stale=Role.CHAMPION if rng.random() < 0.05 else None,
            champion_left=maker.between(5, 200) if rng.random() < 0.03 else None,
            others=tuple(
                maker.pick(("never", "stale", "aging", "recent", "no role"))
                for _ in range(maker.between(2, 6))
            ),
        )
        people = maker.team(team, domain)
        self.people_left -= len(people)
        self.touches_left -= sum(len(p.days) for p in people)
        return people

    def other_people(self, domain: str, count: int) -> list[Person]:
        maker, rng = self.maker, self.rng
        taken: set[str] = set()
        people = []
        for _ in range(min(count, self.people_left)):
            role = maker.pick(ALL_ROLES) if rng.random() < 0.95 else None
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
        self,
        rows: Rows,
        account_id: str,
        rep_id: str,
        person: Person,
        remote: bool,
        taken: set[str],
    ) -> None:
        person_id = ids.stakeholder_id(account_id, person.email, person.name, taken.__contains__)
        person.id = person_id
        taken.add(person_id)
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
        channels = REMOTE_CHANNEL_VALUES if remote else CHANNEL_VALUES
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

    def reviews(self, rows: Rows, account_id: str, rep_id: str, people: list[Person]) -> None:
        """A closed review for most past weeks; this week closed, open or not started."""
        rng = self.rng
        last = len(self.weeks) - 1
        for n, (week, day) in enumerate(self.weeks):
            # The fifth and sixth person take turns each quarter, so the five change.
            order = people if (n // 13) % 2 else [*people[:4], people[5], people[4], *people[6:]]
            five = first_five(order, day, self.stale_after)
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
        self, rows: Rows, account_id: str, rep_id: str, week: str, day: int, named: list[Person]
    ) -> None:
        review_id = ids.review_id(account_id, week)
        opened = self.stamp(day, f"09:{self.maker.between(0, 59):02d}:00")
        rows["review"].append((review_id, account_id, week, "open", 0, opened, rep_id, None, None))
        for position in range(1, 6):
            person_id = named[position - 1].id if position <= len(named) else None
            rows["review_slot"].append(
                (ids.slot_id(review_id, position), review_id, position, person_id, None, opened)
            )

    def closed_review(
        self, rows: Rows, account_id: str, rep_id: str, week: str, day: int, five: list[Person]
    ) -> None:
        new_id, review_id, origin = self.new_id, ids.review_id(account_id, week), self.origin
        minute = self.maker.between(0, 59)
        opened = self.stamp(day, f"09:{minute:02d}:00")
        closed = self.stamp(day, f"16:{minute:02d}:00")
        rows["review"].append(
            (review_id, account_id, week, "closed", 1, opened, rep_id, closed, rep_id)
        )
        on = self.iso[day - self.base]
        slots, snapshots = rows["review_slot"], rows["review_snapshot"]
        for position, person in enumerate(five, start=1):
            slot = ids.slot_id(review_id, position)
            slots.append((slot, review_id, position, person.id, on, closed))
            last, planned = self.day(person.last_contact(day)), self.day(person.next_contact_on)
            snapshots.append(
                (new_id(), review_id, 1, position, *person.stored, last, planned, 1, closed, origin)
            )
        rows["audit_log"].append(
            (new_id(), closed, rep_id, "review.closed", account_id, review_id, 1, None, origin)
        )
