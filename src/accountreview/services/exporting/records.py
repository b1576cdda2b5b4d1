"""Accounts, stakeholders, touches and reviews as export rows (CSV) and objects (JSON).

CSV files of accounts, stakeholders and touches are the app's own import format
(`accountreview.io.native_csv`) with the optional ``crm_source, crm_id``
columns (and the record's ``id``, which tells apart two people the other
columns cannot), so an export re-imports unchanged (into this database, or another).
JSON objects carry more: ids, last and next contact, the rep who logged a touch.
"""

import itertools
import sqlite3
from collections.abc import Iterator
from typing import Any

from accountreview.db.accounts import ACCOUNT_COLUMNS
from accountreview.domain.timestamps import utc_timestamp
from accountreview.io.native_csv import COLUMNS

CRM_COLUMNS = ("crm_source", "crm_id")
HEADERS = {
    "accounts": (*COLUMNS["accounts"], "id", *CRM_COLUMNS),
    "stakeholders": (*COLUMNS["stakeholders"], "id", *CRM_COLUMNS),
    "touches": (*COLUMNS["touches"], "id", *CRM_COLUMNS),
    "reviews": (
        "week",
        "account",
        "account_id",
        "rep",
        "status",
        "closed_at",
        "position",
        "stakeholder",
        "stakeholder_id",
        "title",
        "level",
        "role",
        "last_contact",
        "next_contact",
    ),
}
_ACCOUNT_VALUES = tuple(c for c in ACCOUNT_COLUMNS if c not in ("name", "rep_id", "is_top"))


def _crm(row: sqlite3.Row, prefix: str = "") -> dict[str, str] | None:
    source = row[f"{prefix}crm_source"]
    return None if source is None else {"source": source, "id": row[f"{prefix}crm_id"]}


def account_rows(rows: Iterator[sqlite3.Row]) -> Iterator[list[Any]]:
    for r in rows:
        yield (
            [r["name"], r["rep_email"], bool(r["is_top"])]
            + [r[c] for c in _ACCOUNT_VALUES]
            + [
                r["id"],
                r["crm_source"],
                r["crm_id"],
            ]
        )


def account_objects(rows: Iterator[sqlite3.Row]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {
            "id": r["id"],
            "name": r["name"],
            "rep": r["rep_name"],
            "rep_email": r["rep_email"],
            "top": bool(r["is_top"]),
            **{c: r[c] for c in _ACCOUNT_VALUES},
            "crm": _crm(r),
        }


def stakeholder_rows(rows: Iterator[sqlite3.Row]) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r["account_ref"],
            r["name"],
            r["email"],
            r["title"],
            r["level"],
            r["role"],
            r["left_on"],
            r["id"],
            r["crm_source"],
            r["crm_id"],
        ]


def stakeholder_objects(rows: Iterator[sqlite3.Row]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {
            "id": r["id"],
            "account": r["account_name"],
            "account_id": r["account_id"],
            "name": r["name"],
            "email": r["email"],
            "title": r["title"],
            "level": r["level"],
            "role": r["role"],
            "left_on": r["left_on"],
            "last_contact": r["last_contact_on"],
            "next_contact": r["next_contact_on"],
            "crm": _crm(r),
        }


def touch_rows(rows: Iterator[sqlite3.Row]) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r["account_ref"],
            r["stakeholder_ref"],
            r["touched_on"],
            r["channel"],
            r["note"],
            r["id"],
            r["crm_source"],
            r["crm_id"],
        ]


def touch_objects(rows: Iterator[sqlite3.Row]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {
            "id": r["id"],
            "account": r["account_name"],
            "account_id": r["account_id"],
            "stakeholder": r["stakeholder_name"],
            "stakeholder_id": r["stakeholder_id"],
            "on": r["touched_on"],
            "channel": r["channel"],
            "note": r["note"],
            "logged_by": r["logged_by"],
            "crm": _crm(r),
        }


def review_rows(rows: Iterator[sqlite3.Row]) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r["week"],
            r["account_name"],
            r["account_id"],
            r["rep_name"],
            r["status"],
            _stamp(r["closed_at"]),
            r["position"],
            r["name"],
            r["stakeholder_id"],
            r["title"],
            r["level"],
            r["role"],
            r["last_contact_on"],
            r["next_contact_on"],
        ]


def review_objects(rows: Iterator[sqlite3.Row]) -> Iterator[dict[str, Any]]:
    """One object per review, its slots in order (rows come grouped by review)."""
    for _, group in itertools.groupby(rows, key=lambda r: r["review_id"]):
        slots = list(group)
        first = slots[0]
        yield {
            "week": first["week"],
            "account": first["account_name"],
            "account_id": first["account_id"],
            "rep": first["rep_name"],
            "status": first["status"],
            "closed_at": _stamp(first["closed_at"]),
            "slots": [
                {
                    "position": s["position"],
                    "stakeholder": s["name"],
                    "stakeholder_id": s["stakeholder_id"],
                    "title": s["title"],
                    "level": s["level"],
                    "role": s["role"],
                    "last_contact": s["last_contact_on"],
                    "next_contact": s["next_contact_on"],
                }
                for s in slots
            ],
        }


def _stamp(value: str | None) -> str | None:
    """A stored UTC timestamp as ISO 8601 to the second (``2026-11-23T09:14:02Z``)."""
    return utc_timestamp(value)
