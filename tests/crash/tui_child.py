"""A child process that edits reviews by pressing keys in the real app (Textual Pilot).

    python -m crash.tui_child DB TODAY SEED TAG [--edits N] [--wait]

It opens `AccountReviewApp` on the database, as `accountreview` does, and walks
the queue: opens a review, picks stakeholders into slots by typing their name,
logs contacts with `t`, plans next contacts with `n`, confirms with `c`, adds
a new stakeholder from the picker, marks people as left with `l`, closes with
ctrl+d and reopens with `o`. Each edit is announced (W) before the key that
saves it and confirmed (D) once the app shows the result; see `crash.protocol`.
"""

import argparse
import asyncio
import random
import sys
from collections.abc import Callable
from datetime import date, timedelta

from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from accountreview.db.stakeholders import StakeholderRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus
from accountreview.services import reviews
from accountreview.services.reviews import ReviewView
from accountreview.services.stakeholders import stakeholders_of
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.forms import NextContactForm, TouchForm
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.widgets.stakeholder_picker import StakeholderPicker
from crash import facts, protocol
from crash.facts import Facts, Groups


def needle(person: StakeholderRow, people: list[StakeholderRow]) -> str:
    """The shortest start of a name that picks that person alone (typing costs time)."""
    others = [
        " ".join(filter(None, [p.name, p.title, p.email, p.role.label if p.role else None]))
        for p in people
        if p.id != person.id
    ]
    name = person.name.lower()
    for end in range(2, len(name)):
        if not any(name[:end] in other.lower() for other in others):
            return name[:end]
    return name


class Rep:
    """Chooses the next thing to do from what the screen shows, and does it by keys."""

    def __init__(self, app: AccountReviewApp, pilot: Pilot[None], rng: random.Random, tag: str):
        self.app, self.pilot, self.rng, self.tag = app, pilot, rng, tag
        self.today = app.ws.today
        self.this_week = IsoWeek.of(self.today)
        self.count = 0

    def label(self) -> str:
        self.count += 1
        return f"{facts.TRACKED_NOTE}{self.tag}:{self.count}"

    async def keys(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def edit(self, groups: Groups, keys: list[str], saved: Callable[[], bool]) -> bool:
        """Announce, press the keys that save, and confirm if the app shows it saved."""
        protocol.say("W", groups)
        await self.keys(*keys)
        if saved():
            protocol.say("D", groups)
            return True
        protocol.say("X", f"not saved: {groups}")
        return False

    # --- one step ------------------------------------------------------------------------

    async def step(self) -> bool | None:
        """Do one thing; True for a confirmed edit, False refused, None for a move."""
        screen = self.app.screen
        if isinstance(screen, TouchForm):
            return await self.fill_touch(screen)
        if isinstance(screen, NextContactForm):
            return await self.fill_next(screen)
        if isinstance(screen, QueueScreen):
            await self.open_a_review(screen)
            return None
        if not isinstance(screen, ReviewScreen):
            await self.keys("escape")  # a refusal, a help screen: back to the review
            return None
        return await self.review_step(screen)

    async def open_a_review(self, screen: QueueScreen) -> None:
        if self.rng.random() < 0.3:  # this week or the one before
            back = self.app.week != self.this_week
            await self.keys("right_square_bracket" if back else "left_square_bracket")
        rows = len(screen.queue.items) if screen.queue else 0
        if rows:
            await self.keys(*["down"] * self.rng.randrange(rows), "enter")

    async def review_step(self, screen: ReviewScreen) -> bool | None:
        view = screen.view
        assert view is not None
        if view.status is ReviewStatus.CLOSED:
            if self.rng.random() < 0.6:
                return await self.reopen(screen)
            await self.keys(self.rng.choice(["ctrl+n", "escape"]))
            return None
        if view.can_close and self.rng.random() < 0.7:
            return await self.close(screen)
        people = stakeholders_of(self.app.ws, screen.account)
        if view.blockers and self.rng.random() < 0.7:
            blocker = next((b for b in view.blockers if b.position), None)
            if blocker is not None and blocker.position is not None:
                await self.go_to_slot(screen, blocker.position)
                slot = view.slots[blocker.position - 1]
                person = next((p for p in people if p.id == slot.stakeholder_id), None)
                if person is None or self.gone(person):
                    return await self.pick(screen, people)
                if person.last_contact_on is None:
                    return await self.touch(screen)
                return await self.plan(screen)
        roll = self.rng.random()
        await self.go_to_slot(screen, self.rng.randrange(1, 6))
        filled = screen.current_slot().stakeholder_id is not None
        if roll < 0.35 or not filled:
            if self.rng.random() < 0.05:
                return await self.add_new(screen)
            return await self.pick(screen, people)
        if roll < 0.5:
            return await self.touch(screen)
        if roll < 0.6:
            return await self.plan(screen)
        if roll < 0.75:
            return await self.confirm(screen)
        if roll < 0.8:
            return await self.clear(screen)
        if roll < 0.83 and sum(not self.gone(p) for p in people) > 7:
            return await self.left(screen, people)
        if roll < 0.9:
            await self.keys(self.rng.choice(["ctrl+n", "escape", "h", "escape"]))
            return None
        return await self.touch(screen)

    def gone(self, person: StakeholderRow) -> bool:
        return person.left_on is not None and person.left_on <= self.today

    async def go_to_slot(self, screen: ReviewScreen, position: int) -> None:
        now = (screen.query_one("#slots", OptionList).highlighted or 0) + 1
        if position != now:
            await self.keys(*["down" if position > now else "up"] * abs(position - now))

    def started(self, view: ReviewView) -> Facts:
        """What the edit creates first if the review is not started yet (`facts.started`)."""
        ws = self.app.ws
        return facts.started(view, ws.db.path, ws.today, ws.settings)

    # --- edits ---------------------------------------------------------------------------

    async def pick(self, screen: ReviewScreen, people: list[StakeholderRow]) -> bool | None:
        view = screen.view
        assert view is not None
        slot = screen.current_slot()
        others = {s.stakeholder_id for s in view.slots if s.position != slot.position}
        fit = [p for p in people if p.id not in others and not self.gone(p)]
        if not fit:
            return None
        person = self.rng.choice(fit)
        await self.keys("enter", *needle(person, people))
        picker = screen.query_one(StakeholderPicker)
        options = picker.query_one("#people", OptionList)
        index = options.highlighted
        if index is None or options.get_option_at_index(index).id != person.id:
            await self.keys("escape")  # the filter did not single them out
            return None
        groups = [facts.slot_set(view, slot.position, person.name, start=self.started(view))]
        position = slot.position
        return await self.edit(
            groups, ["enter"], lambda: self.slot_name(screen, position) == person.name
        )

    def slot_name(self, screen: ReviewScreen, position: int) -> str | None:
        return None if screen.view is None else screen.view.slots[position - 1].name

    async def add_new(self, screen: ReviewScreen) -> bool | None:
        """Pick "+ Add a new stakeholder…", fill the form: the person is added and slotted."""
        view = screen.view
        assert view is not None
        position = screen.current_slot().position
        await self.keys("enter", "enter")  # the picker, then its first option: add someone
        name = f"Nova {self.tag}n{self.count}z"
        self.count += 1
        await self.keys(*name)
        groups = [
            facts.person_added(view.account_name, name),
            facts.slot_set(view, position, name, start=self.started(view)),
        ]
        return await self.edit(groups, ["enter"], lambda: self.slot_name(screen, position) == name)

    async def touch(self, screen: ReviewScreen) -> bool | None:
        await self.keys("t")
        if not isinstance(self.app.screen, TouchForm):
            return None
        return await self.fill_touch(self.app.screen)

    async def fill_touch(self, form: TouchForm) -> bool | None:
        days = self.rng.choice([0, 0, 1, 3, 10])
        note = self.label()
        when = [] if days == 0 else ["ctrl+u", *f"{days}d"]  # the field starts as "today"
        await self.keys(*when, "shift+tab", *note)  # back from the first field: the note
        on = self.today - timedelta(days=days)
        channel = str(form.query_one("#channel", Select).value)
        groups = [facts.touch_logged(form.person, on, channel, note)]
        return await self.edit(groups, ["enter"], lambda: self.app.screen is not form)

    async def plan(self, screen: ReviewScreen) -> bool | None:
        await self.keys("n")
        if not isinstance(self.app.screen, NextContactForm):
            return None
        return await self.fill_next(self.app.screen)

    async def fill_next(self, form: NextContactForm) -> bool | None:
        days = self.rng.choice([None, 1, 7, 14, 30])
        typed = [] if days is None else list(f"+{days}d")
        await self.keys("ctrl+u", *typed)
        on = None if days is None else self.today + timedelta(days=days)
        review = self.app.get_screen("review")
        assert isinstance(review, ReviewScreen)  # the forms open from the review
        groups = [facts.person_state(review.account.name, form.person, next_on=on)]
        return await self.edit(groups, ["enter"], lambda: self.app.screen is not form)

    async def confirm(self, screen: ReviewScreen) -> bool | None:
        view = screen.view
        assert view is not None
        position = screen.current_slot().position
        groups = [facts.slot_confirmed(view, position, self.today, start=self.started(view))]

        def saved() -> bool:
            return screen.view is not None and screen.view.slots[position - 1].confirmed_in_role

        return await self.edit(groups, ["c"], saved)

    async def clear(self, screen: ReviewScreen) -> bool | None:
        view = screen.view
        assert view is not None
        position = screen.current_slot().position
        groups = [facts.slot_set(view, position, None, start=self.started(view))]
        return await self.edit(groups, ["x"], lambda: self.slot_name(screen, position) is None)

    async def left(self, screen: ReviewScreen, people: list[StakeholderRow]) -> bool | None:
        slot = screen.current_slot()
        person = next(p for p in people if p.id == slot.stakeholder_id)
        this_week = reviews.review_view(self.app.ws, screen.account, self.this_week)
        groups = [facts.person_left(this_week, person, self.today)]
        await self.keys("l")

        def saved() -> bool:
            now = stakeholders_of(self.app.ws, screen.account)
            return any(p.id == person.id and p.left_on == self.today for p in now)

        return await self.edit(groups, ["y"], saved)

    async def close(self, screen: ReviewScreen) -> bool | None:
        view = screen.view
        assert view is not None
        account, week = screen.account, screen.week
        groups = [facts.review_closed(view)]

        def saved() -> bool:
            now = reviews.review_view(self.app.ws, account, week)
            return now.status is ReviewStatus.CLOSED and now.close_count == view.close_count + 1

        return await self.edit(groups, ["ctrl+d"], saved)

    async def reopen(self, screen: ReviewScreen) -> bool | None:
        view = screen.view
        assert view is not None
        reason = self.label()
        await self.keys("o", *reason)
        groups = [facts.review_reopened(view, reason)]

        def saved() -> bool:
            return screen.view is not None and screen.view.status is ReviewStatus.OPEN

        return await self.edit(groups, ["enter"], saved)


async def drive(args: argparse.Namespace) -> None:
    app = AccountReviewApp(open_workspace(args.db, args.today, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rep = Rep(app, pilot, random.Random(args.seed), args.tag)
        protocol.say("R")
        if args.wait:
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        done = 0
        while args.edits is None or done < args.edits:
            done += bool(await rep.step())
        await pilot.press("ctrl+q")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("today", type=date.fromisoformat)
    parser.add_argument("seed", type=int)
    parser.add_argument("tag")
    parser.add_argument("--edits", type=int, default=None, help="stop after N confirmed edits")
    parser.add_argument("--wait", action="store_true", help="wait for a line on stdin first")
    asyncio.run(drive(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
