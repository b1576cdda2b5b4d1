"""An account's history: past reviews as frozen at closing, and its touch timeline."""

from dataclasses import dataclass

from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.stakeholders import TouchLine
from accountreview.domain.enums import ReviewStatus
from accountreview.services.lookup import resolve_account
from accountreview.services.workspace import Workspace


@dataclass(frozen=True)
class PastReview:
    week: str
    status: str
    names: list[str]


@dataclass(frozen=True)
class AccountHistory:
    account_name: str
    reviews: list[PastReview]
    touches: list[TouchLine]


def account_history(ws: Workspace, account_id: str, *, touch_limit: int = 500) -> AccountHistory:
    """Past reviews (newest first) with the five names frozen at closing, and touches."""
    account = resolve_account(ws, account_id)
    with ws.db.read() as conn:
        past = []
        for review in review_queries.reviews_of_account(conn, account.id):
            names = (
                [e.name for e in review_queries.latest_snapshot(conn, review.id)]
                if review.status is ReviewStatus.CLOSED
                else []
            )
            past.append(PastReview(review.week, review.status.value, names))
        touches = stakeholder_queries.touches_of_account(conn, account.id, touch_limit)
    return AccountHistory(account.name, past, touches)
