"""What the screens and the app share without knowing each other: the account-list
protocol, the review opener the app gives to the screens that list accounts, and the
message a screen posts to move the week (which the app owns).

A screen never imports the app (an import-linter contract says so): it is given
what it needs in its constructor, watches the app's `week` (and its `pulls`, through
`FollowsPulls`), and posts messages.
"""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from textual import events, on
from textual.app import App
from textual.message import Message
from textual.screen import ModalScreen, Screen

from accountreview.domain.dates import IsoWeek


@runtime_checkable
class AccountList(Protocol):
    """A screen listing accounts that a review was opened from (the queue, a rep's audit):
    the review's "next account" asks it which comes next."""

    def next_after(self, account_id: str) -> str | None:
        """The next account after `account_id` whose review is not closed, or None."""

    def move_to(self, account_id: str) -> None:
        """Put the list's cursor on `account_id`."""


class FollowsPulls(Screen[None]):
    """A screen that shows rows of the file, and reads them again when a sync pulled rows
    (the app's `pulls` moved): at once if it is visible (under a dialog too), else the
    next time it is shown. What it reads again is its own `rows_pulled`, which keeps the
    cursor, the filter and whatever is being typed. (Its handlers are `on`-decorated: the
    screen's own `on_mount` and `on_screen_resume` run as well.)"""

    # Rows came in while the screen was out of sight. A screen that reads its rows each
    # time it comes back anyway clears it in that read (its handler runs first).
    pull_unseen = False

    @on(events.Mount)
    def _follow_pulls(self) -> None:
        self.watch(self.app, "pulls", self._pulled, init=False)

    def _pulled(self, _pulls: int) -> None:
        if self.in_sight:
            self.rows_pulled()
        else:
            self.pull_unseen = True

    @property
    def in_sight(self) -> bool:
        """Whether the screen is seen: on top, or under dialogs only. (Textual's
        `is_current` is also true under a full screen: the one just below the top.)"""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        return all(isinstance(s, ModalScreen) for s in stack[stack.index(self) + 1 :])

    @on(events.ScreenResume)
    def _read_pulled_rows(self) -> None:
        if self.pull_unseen:
            self.pull_unseen = False
            self.rows_pulled()

    def rows_pulled(self) -> None:
        """Read what is shown again, keeping the cursor, the filter and any open form."""
        raise NotImplementedError


class OpenReview(Protocol):
    """Opens the review of `account_id` for `week`; its "next account" (after a close,
    or `ctrl+n`) then follows `source`. The app's `open_review`, given to each screen
    that lists accounts. A direct call, not a message: a message reaches the app a
    frame later, and the list under it is drawn once more first (open review p50
    17 → 36 ms in tests/bench/bench_tui.py when it was one)."""

    def __call__(
        self, account_id: str, week: IsoWeek, *, source: AccountList | None = None
    ) -> None: ...


class WeekStepAsked(Message):
    """`[` or `]` was pressed: the app (the week's one owner) moves its `week` by `step`,
    or says why not; the screens that show a week watch it."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step


# The screens built once and reused (pushing a built screen skips composing, styling
# and laying it out). Each holds the workspace it was made with, so when the app
# changes workspace they all go (`forget_reused_screens`): a name must be listed here.
REUSED_SCREENS = ("review", "audit", "rep-audit", "history")

S = TypeVar("S", bound=Screen[Any])


def reused_screen(app: App[Any], name: str, kind: type[S], make: Callable[[], S]) -> S:
    """The screen kept under `name` (one of `REUSED_SCREENS`), made by `make` the first
    time it is asked for."""
    if name not in REUSED_SCREENS:
        raise ValueError(f"{name!r} is not listed in REUSED_SCREENS")
    if not app.is_screen_installed(name):
        app.install_screen(make(), name)
    screen = app.get_screen(name)
    assert isinstance(screen, kind)
    return screen


def forget_reused_screens(app: App[Any]) -> None:
    """Drop every reused screen (they hold a workspace the app no longer uses)."""
    for name in REUSED_SCREENS:
        if app.is_screen_installed(name):
            app.uninstall_screen(name)
