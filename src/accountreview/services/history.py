"""An account's history: every close and reopen of its reviews, each close with the five
as frozen then, and its touch timeline."""

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.reviews import AuditRow, ReviewRow
from accountreview.db.stakeholders import TimelineKey, TimelineRow
from accountreview.domain.timestamps import utc_timestamp
from accountreview.services.lookup import resolve_account
from accountreview.services.reviews import SlotView, frozen_slot
from accountreview.services.workspace import Workspace

CLOSED, REOPENED = "review.closed", "review.reopened"
TOUCH_PAGE = 40  # touches read at a time: a tall screenful, however long the history


@dataclass(frozen=True)
class TouchLine:
    """A touch with the stakeholder's name, for an account's timeline; `key` is where
    it stands in it (`touch_page` goes on after it)."""

    on: date
    name: str
    channel: str
    note: str | None
    key: TimelineKey

    @classmethod
    def of(cls, row: TimelineRow) -> "TouchLine":
        return cls(*row)


@dataclass(frozen=True)
class ReviewEvent:
    """One close or reopen: when (ISO 8601 UTC), by whom, why, and for a close its five."""

    action: str
    close_number: int | None
    at: str | None
    by: str | None
    reason: str | None
    five: tuple[SlotView, ...] = ()
    # False for a close whose five is not the review's: two laptops closed it at this
    # close number offline and the other's close reached the hub first (both are facts).
    kept: bool = True

    @property
    def label(self) -> str:
        return {CLOSED: "closed", REOPENED: "reopened"}.get(self.action, self.action)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.label,
            "close_number": self.close_number,
            "at": self.at,
            "by": self.by,
            "reason": self.reason,
            "five": [s.to_json() for s in self.five] if self.action == CLOSED else None,
            "kept": self.kept if self.action == CLOSED else None,
        }


@dataclass(frozen=True)
class PastReview:
    week: str
    status: str
    events: tuple[ReviewEvent, ...] = ()

    @property
    def names(self) -> list[str]:
        """The five of the latest close (empty for a review never closed)."""
        closes = [e for e in self.events if e.action == CLOSED]
        return [e.name or "" for e in closes[-1].five] if closes else []

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "status": self.status,
            "events": [e.to_json() for e in self.events],
        }


@dataclass(frozen=True)
class AccountHistory:
    """An account's reviews, and the first page of its touches (`touch_page` for more)."""

    account_name: str
    reviews: list[PastReview]
    touches: list[TouchLine]
    account_id: str = ""


@dataclass(frozen=True)
class _Fives:
    """A review's fives: the review's own at each close, every origin's, and whose the
    review's is."""

    shown: dict[int, list[SlotView]]
    by_origin: dict[tuple[int, str], list[SlotView]]
    origins: dict[int, str]

    def event(self, a: AuditRow) -> ReviewEvent:
        """The audit entry as an event; a close with the five its own device froze."""
        number = a.close_number or 0
        five: list[SlotView] = []
        kept = True
        if a.action == CLOSED:
            own = self.by_origin.get((number, a.origin or ""))
            five = own if own is not None else self.shown.get(number, [])
            kept = own is None or self.origins.get(number) in (None, a.origin)
        at = utc_timestamp(a.at)
        return ReviewEvent(a.action, a.close_number, at, a.actor_name, a.reason, tuple(five), kept)


def _events(audit: list[AuditRow], fives: _Fives) -> list[ReviewEvent]:
    """The audit entries in order, each close with its five; a close frozen but never
    logged (an older bulk load) is shown too, with no time or author."""
    frozen = fives.shown
    events = [fives.event(a) for a in audit]
    logged = {e.close_number for e in events if e.action == CLOSED}
    unlogged = [
        ReviewEvent(CLOSED, n, None, None, None, tuple(five))
        for n, five in sorted(frozen.items())
        if n not in logged
    ]
    return sorted(unlogged + events, key=lambda e: e.close_number or 0) if unlogged else events


def _past(ws: Workspace, conn: sqlite3.Connection, review: ReviewRow) -> PastReview:
    audit = review_queries.audit_of_review(conn, review.id)
    fives = _Fives(
        {
            n: [frozen_slot(e, ws) for e in five]
            for n, five in review_queries.snapshots_of(conn, review.id).items()
        },
        {
            key: [frozen_slot(e, ws) for e in five]
            for key, five in review_queries.fives_by_origin(conn, review.id).items()
        },
        review_queries.shown_origins(conn, review.id),
    )
    return PastReview(review.week, review.status.value, tuple(_events(audit, fives)))


def account_history(
    ws: Workspace, account_id: str, *, week: str | None = None, touch_limit: int = TOUCH_PAGE
) -> AccountHistory:
    """Every review of the account (newest week first; only `week` if given), each with
    every close and reopen in order, and the newest `touch_limit` of its touches."""
    account = resolve_account(ws, account_id)
    with ws.db.read() as conn:
        past = [
            _past(ws, conn, review)
            for review in review_queries.reviews_of_account(conn, account.id)
            if week is None or review.week == week
        ]
        touches = stakeholder_queries.touches_of_account(conn, account.id, touch_limit)
    return AccountHistory(account.name, past, [TouchLine.of(t) for t in touches], account.id)


def touch_page(
    ws: Workspace, account_id: str, after: TimelineKey | None, limit: int = TOUCH_PAGE
) -> list[TouchLine]:
    """The next `limit` touches of the account's timeline after the touch whose key is
    `after` (from the newest if None); fewer, or none, at the end."""
    account = resolve_account(ws, account_id)
    with ws.db.read() as conn:
        rows = stakeholder_queries.touches_of_account(conn, account.id, limit, after)
    return [TouchLine.of(r) for r in rows]
