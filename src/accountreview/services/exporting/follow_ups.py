"""Lost small deals at big companies, with their follow-up dates, for a marketing campaign.

A lost account (not churned) whose size made it a small deal at a big company
(`domain.accounts.is_small_deal_at_big_company`) stays an opportunity: it is
followed up 90, 180 and 365 days after the loss (`Settings.follow_up_days`).
The CSV has one row per stakeholder still at the account (a campaign list
addresses people), with the account's columns repeated; an account with no one
left has one row with empty person columns. JSON has one object per account
with its ``contacts``.
"""

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from accountreview.db import exporting as export_queries
from accountreview.domain.accounts import follow_up_dates, is_small_deal_at_big_company
from accountreview.domain.settings import Settings


def header(settings: Settings) -> tuple[str, ...]:
    days = tuple(f"follow_up_{n}" for n in settings.follow_up_days)
    return (
        "account",
        "rep",
        "potential",
        "current",
        "lost_on",
        *days,
        "next_follow_up",
        "contact",
        "title",
        "role",
        "email",
    )


def _lost_small_deals(
    conn: sqlite3.Connection, rows: Iterator[sqlite3.Row], today: date, settings: Settings
) -> Iterator[tuple[sqlite3.Row, list[date], list[sqlite3.Row]]]:
    for r in rows:
        if not is_small_deal_at_big_company(r["current"], r["potential"], settings):
            continue
        dates = follow_up_dates(date.fromisoformat(r["lost_on"]), settings)
        yield r, dates, export_queries.people_of(conn, r["id"], today)


def _next(dates: list[date], today: date) -> str | None:
    return next((d.isoformat() for d in dates if d >= today), None)


def rows_of(
    conn: sqlite3.Connection, rows: Iterator[sqlite3.Row], today: date, settings: Settings
) -> Iterator[list[Any]]:
    for r, dates, people in _lost_small_deals(conn, rows, today, settings):
        account = [
            r["name"],
            r["rep_name"],
            r["potential"],
            r["current"],
            r["lost_on"],
            *(d.isoformat() for d in dates),
            _next(dates, today),
        ]
        everyone: list[sqlite3.Row | None] = [*people] or [None]
        for p in everyone:
            person = [None] * 4 if p is None else [p["name"], p["title"], p["role"], p["email"]]
            yield account + person


def objects(
    conn: sqlite3.Connection, rows: Iterator[sqlite3.Row], today: date, settings: Settings
) -> Iterator[dict[str, Any]]:
    for r, dates, people in _lost_small_deals(conn, rows, today, settings):
        yield {
            "account": r["name"],
            "account_id": r["id"],
            "rep": r["rep_name"],
            "potential": r["potential"],
            "current": r["current"],
            "lost_on": r["lost_on"],
            "follow_ups": [d.isoformat() for d in dates],
            "next_follow_up": _next(dates, today),
            "contacts": [
                {"name": p["name"], "title": p["title"], "role": p["role"], "email": p["email"]}
                for p in people
            ],
        }
