"""A child process playing a rep in a hurry, through the services or through the CLI.

    python -m crash.rep_child DB TODAY SEED TAG [--via services|cli] [--edits N]
                              [--accounts 1,2] [--wait]

It fills slots, confirms people in role, logs touches, plans next contacts,
marks people as left and back, adds people, closes reviews as soon as they
can close and reopens closed ones, over this week and the three before.
`--via services` (the default) calls the service functions the TUI calls;
`--via cli` runs the same edits as `accountreview` commands (Typer's
CliRunner, in this process), one command per edit. Each edit is announced (W)
before it is made and confirmed (D) once it returned, i.e. once it is
committed; see `crash.protocol` for the protocol. It runs until killed, or for
N confirmed edits.
"""

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from accountreview.db.accounts import AccountRow
from accountreview.db.stakeholders import StakeholderRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, ReviewStatus
from accountreview.services import reviews
from accountreview.services import stakeholders as people_service
from accountreview.services.errors import UserError
from accountreview.services.lookup import resolve_account
from accountreview.services.reps import current_rep
from accountreview.services.reviews import ReviewView
from accountreview.services.workspace import Workspace, open_workspace
from crash import data, facts, protocol
from crash.facts import Facts


@dataclass(frozen=True)
class Edit:
    """One edit: the facts it sets, made by a service call or by a command."""

    name: str
    facts: Facts
    service: Callable[[], object]
    command: list[str]


class CommandFailed(Exception):
    """A command failed other than by refusing bad input (exit 2, 3, 4)."""


class Rep:
    """Chooses the next edit from the state of the database, and makes it."""

    def __init__(
        self, ws: Workspace, rng: random.Random, tag: str, accounts: list[AccountRow], via: str
    ) -> None:
        self.ws, self.rng, self.tag, self.accounts, self.via = ws, rng, tag, accounts, via
        this_week = IsoWeek.of(ws.today)
        self.weeks = [this_week.shift(-n) for n in range(4)]
        self.count = 0
        if via == "cli":
            from typer.testing import CliRunner

            self.runner = CliRunner()

    def label(self) -> str:
        self.count += 1
        return f"{facts.TRACKED_NOTE}{self.tag}:{self.count}"

    def step(self) -> bool:
        """Make one edit; True when it was confirmed, False when refused."""
        account = self.rng.choice(self.accounts)
        week = self.rng.choice(self.weeks)
        view = reviews.review_view(self.ws, account, week)
        people = people_service.stakeholders_of(self.ws, account)
        edit = self.choose(account, week, view, people)
        protocol.say("W", [edit.facts])
        try:
            if self.via == "cli":
                self.run_command(edit.command)
            else:
                edit.service()
        except UserError as error:
            protocol.say("X", f"{edit.name}: {error}".replace("\n", " "))
            return False
        protocol.say("D", [edit.facts])
        return True

    def run_command(self, command: list[str]) -> None:
        """`accountreview --db … --today … COMMAND`; exit 2-4 is a refusal, others fail."""
        from accountreview.cli import app

        options = ["--db", str(self.ws.db.path), "--today", self.ws.today.isoformat()]
        result = self.runner.invoke(app, [*options, *command])
        if result.exit_code in {2, 3, 4}:
            raise UserError(result.output)
        if result.exit_code != 0 or "locked" in result.output:
            raise CommandFailed(f"{command}: exit {result.exit_code}: {result.output}")

    # --- choosing ---------------------------------------------------------------------

    def choose(
        self, account: AccountRow, week: IsoWeek, view: ReviewView, people: list[StakeholderRow]
    ) -> Edit:
        if view.status is ReviewStatus.CLOSED:
            if self.rng.random() < 0.5:
                return self.reopen(account, week, view)
            if self.rng.random() < 0.1:  # refused: a closed review is read-only
                return self.set_slot(account, week, view, people, self.rng.randrange(1, 6))
            return self.person_edit(account, people)
        if view.can_close and self.rng.random() < 0.7:
            return self.close(account, week, view)
        if view.blockers and self.rng.random() < 0.6:
            fix = self.fix(account, week, view, people)
            if fix is not None:
                return fix
        roll = self.rng.random()
        filled = [s.position for s in view.slots if s.stakeholder_id]
        if roll < 0.3:
            return self.set_slot(account, week, view, people, self.rng.randrange(1, 6))
        if roll < 0.35 and filled:
            return self.clear(account, week, view, self.rng.choice(filled))
        if roll < 0.5 and filled:
            return self.confirm(account, week, view, self.rng.choice(filled))
        return self.person_edit(account, people)

    def fix(
        self, account: AccountRow, week: IsoWeek, view: ReviewView, people: list[StakeholderRow]
    ) -> Edit | None:
        """The edit that removes the first blocker tied to a slot."""
        for blocker in view.blockers:
            if not blocker.position:
                continue
            slot = view.slots[blocker.position - 1]
            person = next((p for p in people if p.id == slot.stakeholder_id), None)
            if person is None or self.gone(person):
                return self.set_slot(account, week, view, people, blocker.position)
            if person.last_contact_on is None:
                return self.touch(account, person)
            return self.plan_next(account, person, self.ws.today + timedelta(days=7))
        return None

    def gone(self, person: StakeholderRow) -> bool:
        return person.left_on is not None and person.left_on <= self.ws.today

    def person_edit(self, account: AccountRow, people: list[StakeholderRow]) -> Edit:
        roll = self.rng.random()
        here = [p for p in people if not self.gone(p)]
        gone = [p for p in people if self.gone(p)]
        if roll < 0.04 and len(here) > 7:
            return self.left(account, self.rng.choice(here))
        if roll < 0.1 and gone:
            return self.back(account, self.rng.choice(gone))
        if roll < 0.13:
            return self.add(account)
        if roll < 0.35:
            days = self.rng.randrange(0, 30)
            on = None if days == 0 else self.ws.today + timedelta(days=days)
            return self.plan_next(account, self.rng.choice(people), on)
        return self.touch(account, self.rng.choice(people))

    def started(self, view: ReviewView) -> Facts:
        """What the edit creates first if the review is not started yet (`facts.started`)."""
        return facts.started(view, self.ws.db.path, self.ws.today, self.ws.settings)

    # --- the edits ---------------------------------------------------------------------

    def set_slot(
        self,
        account: AccountRow,
        week: IsoWeek,
        view: ReviewView,
        people: list[StakeholderRow],
        position: int,
    ) -> Edit:
        others = {s.stakeholder_id for s in view.slots if s.position != position}
        fit = [p for p in people if p.id not in others and not self.gone(p)]
        contacted = [p for p in fit if p.last_contact_on is not None]
        person = self.rng.choice(contacted or fit)
        return Edit(
            "set_slot",
            facts.slot_set(view, position, person.name, start=self.started(view)),
            lambda: reviews.set_slot(self.ws, account, week, position, person.id),
            ["review", account.name, "--week", str(week), "--slot", f"{position}={person.name}"],
        )

    def clear(self, account: AccountRow, week: IsoWeek, view: ReviewView, position: int) -> Edit:
        return Edit(
            "clear",
            facts.slot_set(view, position, None, start=self.started(view)),
            lambda: reviews.set_slot(self.ws, account, week, position, None),
            ["review", account.name, "--week", str(week), "--slot", f"{position}="],
        )

    def confirm(self, account: AccountRow, week: IsoWeek, view: ReviewView, position: int) -> Edit:
        return Edit(
            "confirm",
            facts.slot_confirmed(view, position, self.ws.today, start=self.started(view)),
            lambda: reviews.confirm_in_role(self.ws, account, week, position),
            ["review", account.name, "--week", str(week), "--confirm", str(position)],
        )

    def touch(self, account: AccountRow, person: StakeholderRow) -> Edit:
        on = self.ws.today - timedelta(days=self.rng.randrange(0, 60))
        channel = self.rng.choice(list(Channel))
        note = self.label()
        command = ["touch", account.name, person.name, "--on", on.isoformat()]
        command += ["--channel", channel.value, "--note", note]
        return Edit(
            "touch",
            facts.touch_logged(person, on, channel.value, note),
            lambda: people_service.log_touch(self.ws, person, on=on, channel=channel, note=note),
            command,
        )

    def plan_next(self, account: AccountRow, person: StakeholderRow, on: date | None) -> Edit:
        return Edit(
            "next",
            facts.person_state(account.name, person, next_on=on),
            lambda: people_service.set_next_contact(self.ws, person, on),
            ["stakeholder", "next", account.name, person.name, "--on", _date_or_none(on)],
        )

    def left(self, account: AccountRow, person: StakeholderRow) -> Edit:
        this_week = reviews.review_view(self.ws, account, IsoWeek.of(self.ws.today))
        return Edit(
            "left",
            facts.person_left(this_week, person, self.ws.today),
            lambda: people_service.mark_left(self.ws, person),
            ["stakeholder", "left", account.name, person.name],
        )

    def back(self, account: AccountRow, person: StakeholderRow) -> Edit:
        return Edit(
            "back",
            facts.person_state(account.name, person, left_on=None),
            lambda: people_service.mark_back(self.ws, person),
            ["stakeholder", "back", account.name, person.name],
        )

    def add(self, account: AccountRow) -> Edit:
        name = f"Nova {self.tag}n{self.count}z"  # never part of another name
        self.count += 1
        return Edit(
            "add",
            facts.person_added(account.name, name),
            lambda: people_service.add_stakeholder(self.ws, account, name=name),
            ["stakeholder", "add", account.name, name],
        )

    def close(self, account: AccountRow, week: IsoWeek, view: ReviewView) -> Edit:
        return Edit(
            "close",
            facts.review_closed(view),
            lambda: reviews.close_review(self.ws, account, week),
            ["review", account.name, "--week", str(week), "--close"],
        )

    def reopen(self, account: AccountRow, week: IsoWeek, view: ReviewView) -> Edit:
        reason = f"reason {self.label()}"
        return Edit(
            "reopen",
            facts.review_reopened(view, reason),
            lambda: reviews.reopen_review(self.ws, account, week, reason),
            ["review", account.name, "--week", str(week), "--reopen", "--reason", reason],
        )


def _date_or_none(on: date | None) -> str:
    return "none" if on is None else on.isoformat()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("today", type=date.fromisoformat)
    parser.add_argument("seed", type=int)
    parser.add_argument("tag")
    parser.add_argument("--via", choices=["services", "cli"], default="services")
    parser.add_argument("--edits", type=int, default=None, help="stop after N confirmed edits")
    parser.add_argument("--accounts", default="1,2,3,4,5,6", help="account numbers to edit")
    parser.add_argument("--wait", action="store_true", help="wait for a line on stdin first")
    args = parser.parse_args(argv)
    ws = open_workspace(args.db, args.today)
    current_rep(ws)
    accounts = [resolve_account(ws, data.account_name(int(n))) for n in args.accounts.split(",")]
    rep = Rep(ws, random.Random(args.seed), args.tag, accounts, args.via)
    protocol.say("R")
    if args.wait:
        sys.stdin.readline()
    done = 0
    while args.edits is None or done < args.edits:
        done += rep.step()
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
