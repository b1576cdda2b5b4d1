"""Planned next contacts: an iCalendar file (one all-day event each), CSV or JSON.

Each stakeholder still at the account with a planned next contact is one
all-day ``VEVENT`` on that day with a reminder at 09:00 (`accountreview.io.ics`).
Its ``UID`` is ``next-contact-<stakeholder id>@accountreview``: one per
stakeholder, the same in every export, so a calendar that imports a newer file
moves the event instead of adding a second one. A next contact stored outside
the accepted dates (by a version that did not check them) is left out of the
calendar and counted; CSV and JSON give it as stored.
"""

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

from accountreview.domain.dates import EARLIEST, LATEST
from accountreview.domain.enums import Role
from accountreview.io.ics import AllDayEvent

HEADER = ("on", "stakeholder", "account", "title", "email", "role", "last_contact", "rep")


def uid_of(stakeholder_id: str) -> str:
    """The event's UID for a stakeholder's next contact (stable across exports)."""
    return f"next-contact-{stakeholder_id}@accountreview"


OUT_OF_RANGE = f"planned before {EARLIEST.isoformat()} or after {LATEST.isoformat()}"


def events(rows: Iterator[sqlite3.Row], skipped: Counter[str]) -> Iterator[AllDayEvent]:
    """One all-day event per row; a date outside the accepted range is counted in `skipped`."""
    for r in rows:
        on = date.fromisoformat(r["next_contact_on"])
        if not EARLIEST <= on <= LATEST:
            skipped[OUT_OF_RANGE] += 1
            continue
        role = Role(r["role"]).label if r["role"] else None
        about = " · ".join(p for p in (r["title"], role) if p)
        lines = [
            f"{r['name']}{f' ({about})' if about else ''} at {r['account_name']}",
            f"Last contact: {r['last_contact_on'] or 'never'}",
        ]
        if r["email"]:
            lines.append(f"Email: {r['email']}")
        yield AllDayEvent(
            uid=uid_of(r["id"]),
            on=on,
            summary=f"Contact {r['name']} ({r['account_name']})",
            description="\n".join(lines),
        )


def rows_of(rows: Iterator[sqlite3.Row]) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r["next_contact_on"],
            r["name"],
            r["account_name"],
            r["title"],
            r["email"],
            r["role"],
            r["last_contact_on"],
            r["rep_name"],
        ]


def objects(rows: Iterator[sqlite3.Row]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {
            "on": r["next_contact_on"],
            "stakeholder": r["name"],
            "stakeholder_id": r["id"],
            "account": r["account_name"],
            "account_id": r["account_id"],
            "title": r["title"],
            "email": r["email"],
            "role": r["role"],
            "last_contact": r["last_contact_on"],
            "rep": r["rep_name"],
            "uid": uid_of(r["id"]),
        }
