"""The databases the layout tests and snapshots draw: a review as a rep finds it in
the middle of the week (last week's five carried over, one replaced, one stale), a
closed one, and the seeded account untouched."""

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import log_touch, set_next_contact
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from conftest import TODAY, seed

SIZES = ((60, 20), (80, 24), (160, 48))
WAIT = "wait"  # not a key: wait for the workers (the audit is read in one)

# Each screen: the database it is drawn on and the keys that reach it from the queue.
SCREENS: dict[str, tuple[str, tuple[str, ...]]] = {
    "queue": ("midweek", ()),
    "review": ("midweek", ("enter",)),
    "picker": ("midweek", ("enter", "enter")),
    "touch": ("midweek", ("enter", "t", "tab", "enter")),  # its drop-down open
    "next_contact": ("midweek", ("enter", "n")),
    "edit_person": ("midweek", ("enter", "e", "tab", "tab", "tab", "enter")),  # role open
    "refusal": ("midweek", ("enter", "ctrl+d")),
    "reopen": ("closed", ("enter", "o")),
    "help": ("midweek", ("enter", "question_mark")),
    "audit": ("team", ("a", WAIT)),
    "audit_rep": ("team", ("a", WAIT, "down", "enter")),
}


def app_on(path: Path, kind: str) -> AccountReviewApp:
    """The app on a new database `kind` at `path`."""
    return AccountReviewApp(open_workspace(build(path, kind), TODAY, create=True))


async def reach(pilot: Pilot[None], keys: Sequence[str]) -> None:
    """Press `keys` one at a time, letting each one's screen settle."""
    await pilot.pause()
    for key in keys:
        if key == WAIT:
            await pilot.app.workers.wait_for_complete()
        else:
            await pilot.press(key)
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


WEEK = IsoWeek.of(TODAY)
LAST_WEEK = IsoWeek.of(TODAY - timedelta(days=7))
FIVE = ("ceo", "cio", "buyer", "champ", "user")


def build(path: Path, kind: str) -> Path:
    """Write the database `kind` ("seed", "midweek", "closed" or "team") at `path`."""
    ws = open_workspace(path, TODAY, create=True)
    if kind == "team":
        from audit_team import build_team

        build_team(ws)
        ws.close()
        return path
    seeded = seed(ws)
    account = resolve_account(ws, seeded.account_id)
    if kind in ("midweek", "closed"):
        for position, key in enumerate(FIVE, start=1):
            reviews.set_slot(ws, account, LAST_WEEK, position, seeded.people[key])
        set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
        reviews.close_review(ws, account, LAST_WEEK)
        reviews.review_view(ws, account, WEEK)  # this week's review: the five carried over
        reviews.set_slot(ws, account, WEEK, 5, seeded.people["new"])
        reviews.confirm_in_role(ws, account, WEEK, 1)
    if kind == "closed":
        for position in range(2, 5):
            reviews.confirm_in_role(ws, account, WEEK, position)
        nina = resolve_stakeholder(ws, account, "Nina Park")
        log_touch(ws, nina, on=TODAY, channel=Channel.PHONE, note=None)
        reviews.close_review(ws, account, WEEK)
    ws.close()
    return path
