"""What the screens and the app share without knowing each other: the account-list
protocol and the messages a screen posts to ask the app (which owns the navigation
and the week shown) for something.

A screen never imports the app (an import-linter contract says so): it is given
what it needs in its constructor, watches the app's `week`, and posts these.
"""

from typing import Protocol, runtime_checkable

from textual.message import Message

from accountreview.domain.dates import IsoWeek


@runtime_checkable
class AccountList(Protocol):
    """A screen listing accounts that a review was opened from (the queue, a rep's audit):
    the review's "next account" asks it which comes next."""

    def next_after(self, account_id: str) -> str | None:
        """The next account after `account_id` whose review is not closed, or None."""

    def move_to(self, account_id: str) -> None:
        """Put the list's cursor on `account_id`."""


class AccountChosen(Message):
    """An account of a list was chosen: the app opens its review for `week`, and the
    review's "next account" (after a close, or `ctrl+n`) then follows `source`."""

    def __init__(self, source: AccountList, account_id: str, week: IsoWeek) -> None:
        super().__init__()
        self.source = source
        self.account_id = account_id
        self.week = week


class WeekStepAsked(Message):
    """`[` or `]` was pressed: the app (the week's one owner) moves its `week` by `step`,
    or says why not; the screens that show a week watch it."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step
