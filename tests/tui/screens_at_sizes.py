"""The databases the layout tests and snapshots draw: a review as a rep finds it in
the middle of the week (last week's five carried over, one replaced, one stale), a
closed one, and the seeded account untouched."""

from datetime import timedelta
from pathlib import Path

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import log_touch, set_next_contact
from accountreview.services.workspace import open_workspace
from conftest import TODAY, seed

WEEK = IsoWeek.of(TODAY)
LAST_WEEK = IsoWeek.of(TODAY - timedelta(days=7))
FIVE = ("ceo", "cio", "buyer", "champ", "user")


def build(path: Path, kind: str) -> Path:
    """Write the database `kind` ("seed", "midweek" or "closed") at `path`."""
    ws = open_workspace(path, TODAY, create=True)
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
