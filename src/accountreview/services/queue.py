"""A rep's queue for a week: top accounts, plus lost accounts whose follow-up is due.

Its count ("4 of 5 closed") is the audit's: `services.audit.week_reviews` decides
which reviews a week counts and how each stood, for both.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from accountreview.db import accounts as account_queries
from accountreview.db import reviews as review_queries
from accountreview.db.accounts import AccountAggregates
from accountreview.domain.accounts import due_follow_up
from accountreview.domain.audit import AuditStatus
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus, Stage
from accountreview.services.audit import WeekReview, week_reviews
from accountreview.services.facts import AccountFacts, derive_facts
from accountreview.services.workspace import Workspace

_STATUS_ORDER = {ReviewStatus.NOT_STARTED: 0, ReviewStatus.OPEN: 1, ReviewStatus.CLOSED: 2}


@dataclass(frozen=True)
class QueueItem:
    """One account to review this week, with why it is in the queue."""

    facts: AccountFacts
    status: ReviewStatus
    reason: str

    def to_json(self) -> dict[str, Any]:
        a = self.facts.account
        return {
            "id": a.id,
            "name": a.name,
            "status": self.status.value,
            "reason": self.reason,
            "stage": self.facts.stage.value,
            "current": a.current,
            "potential": a.potential,
            "flags": self.facts.flags,
        }


@dataclass(frozen=True)
class Queue:
    """The week's items, and the reviews it counts (the audit's, `week_reviews`)."""

    week: IsoWeek
    items: list[QueueItem]
    counted: list[WeekReview]

    @property
    def closed(self) -> int:
        """Top accounts whose review counts as closed (for a past week: by its end)."""
        return sum(1 for r in self.counted if r.status is AuditStatus.CLOSED)

    @property
    def closed_late(self) -> int:
        return sum(1 for r in self.counted if r.status is AuditStatus.CLOSED_LATE)

    @property
    def headline(self) -> str:
        """``4 of 5 closed``, then what is not counted: late closes, lost follow-ups."""
        parts = [f"{self.closed} of {len(self.counted)} closed"]
        if self.closed_late:
            parts.append(f"{self.closed_late} closed late")
        follow_ups = len(self.items) - len(self.counted)
        if follow_ups:
            parts.append(f"+{follow_ups} lost follow-up{'s' if follow_ups > 1 else ''}")
        return " · ".join(parts)


def queue_for(ws: Workspace, rep_id: str, week: IsoWeek) -> Queue:
    """The accounts `rep_id` reviews in `week`, those needing attention first."""
    with ws.db.read() as conn:
        counted = week_reviews(conn, [rep_id], week, ws.today)
        top = account_queries.list_accounts(conn, rep_id=rep_id, top_only=True)
        grace = max(ws.settings.follow_up_days) + ws.settings.follow_up_grace_days
        lost = account_queries.lost_accounts(
            conn, rep_id=rep_id, lost_after=week.sunday - timedelta(days=grace)
        )
        candidates: list[tuple[Any, str]] = [(a, "top account") for a in top]
        seen = {a.id for a in top}
        closed_weeks = review_queries.last_closed_week(conn, [a.id for a in lost])
        for a in lost:
            due = due_follow_up(a.lost_on, week, ws.settings)
            if a.id in seen or due is None:
                continue
            closed = closed_weeks.get(a.id, "")
            if closed >= str(IsoWeek.of(due)) and closed != str(week):
                continue  # the follow-up was reviewed in another week
            # (closed this very week, it stays: shown as closed, counted in "N of M")
            candidates.append((a, f"lost: follow-up due {due.isoformat()}"))
        ids = [a.id for a, _ in candidates]
        statuses = review_queries.statuses_for_week(conn, ids, str(week))
        aggs = account_queries.aggregates(conn, ws.today, account_ids=ids)
    empty = AccountAggregates()
    items = [
        QueueItem(
            facts=derive_facts(a, aggs.get(a.id, empty), ws.today, ws.settings),
            status=ReviewStatus(statuses.get(a.id, ReviewStatus.NOT_STARTED.value)),
            reason=reason,
        )
        for a, reason in candidates
    ]
    items.sort(
        key=lambda i: (
            _STATUS_ORDER[i.status],
            -len(i.facts.flags),
            i.facts.stage is Stage.LOST,
            i.facts.account.name.lower(),
        )
    )
    return Queue(week=week, items=items, counted=counted)
