"""Data for hub tests: a team on a fresh hub (Mia manages Ann; Bob is in Kim's team; the
`hub_team` fixture in conftest.py), and row builders in the local file's forms (every
column a local file has)."""

import hashlib
import itertools
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg

from accountreview.db.chain import CHAINED
from accountreview.domain.chain import GENESIS, chain_hash
from accountreview.domain.ids import rep_id
from accountreview.hub.admin import add_user
from postgres import PostgresServer

NOW = "2026-11-23 09:00:00.000000"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    id: str
    url: str  # signs in as this person (password in the URL)


@dataclass(frozen=True)
class Team:
    owner_url: str
    ann: Person  # rep, reports to Mia
    mia: Person  # manager
    bob: Person  # rep, reports to Kim
    kim: Person  # manager of another team


def new_id() -> str:
    return f"{next(_ids):032x}"


def make_team(hub_server: PostgresServer, hub_url: str) -> Team:
    dbname = hub_url.rsplit("/", 1)[1]
    tag = secrets.token_hex(3)  # roles are cluster-wide: new logins for every test
    people: dict[str, Person] = {}
    for key, role, manager in (
        ("mia", "manager", None),
        ("kim", "manager", None),
        ("ann", "rep", "mia"),
        ("bob", "rep", "kim"),
    ):
        email = f"{key}.{tag}@example.com"
        password = secrets.token_urlsafe(9)
        manager_email = people[manager].email if manager else None
        added = add_user(hub_url, key.title(), email, role, manager_email, password)
        people[key] = Person(
            key.title(), email, rep_id(email), hub_server.url_for(added.login, password, dbname)
        )
    return Team(hub_url, **people)


def account_row(rep: str, **values: Any) -> dict[str, Any]:
    row = {
        "id": new_id(), "name": "Acme", "rep_id": rep, "is_top": 1, "potential": 1000,
        "current": 10, "list_price": None, "discount_pct": 0.0, "rebate_pct": 0.0,
        "uplift_pct": 5.0, "signed_on": None, "live_on": None, "paid_on": None, "lost_on": None,
        "churned_on": None, "contract": None, "contract_start": None, "cio_signoff_on": None,
        "procurement_signoff_on": None, "penetration_target_pct": None, "created_at": NOW,
        "crm_source": None, "crm_id": None,
    }  # fmt: skip
    return row | values


def stakeholder_row(account: str, **values: Any) -> dict[str, Any]:
    row = {
        "id": new_id(), "account_id": account, "name": "Carla", "email": None, "title": None,
        "level": "executive", "role": "champion", "left_on": None, "next_contact_on": None,
        "created_at": NOW, "crm_source": None, "crm_id": None,
    }  # fmt: skip
    return row | values


def touch_row(stakeholder: str, by: str | None, **values: Any) -> dict[str, Any]:
    row = {
        "id": new_id(), "stakeholder_id": stakeholder, "touched_on": "2026-11-20",
        "channel": "video", "note": None, "logged_by_id": by, "created_at": NOW,
        "crm_source": None, "crm_id": None,
    }  # fmt: skip
    return row | values


def review_row(account: str, by: str | None, **values: Any) -> dict[str, Any]:
    row = {
        "id": new_id(), "account_id": account, "week": "2026-W48", "status": "open",
        "close_count": 0, "opened_at": NOW, "opened_by_id": by, "closed_at": None,
        "closed_by_id": None,
    }  # fmt: skip
    return row | values


def slot_row(review: str, position: int, stakeholder: str | None = None) -> dict[str, Any]:
    return {
        "id": new_id(), "review_id": review, "position": position,
        "stakeholder_id": stakeholder, "confirmed_in_role_on": None, "updated_at": NOW,
    }  # fmt: skip


def snapshot_row(review: str, stakeholder: str, **values: Any) -> dict[str, Any]:
    row = {
        "id": new_id(), "review_id": review, "close_number": 1, "position": 1,
        "stakeholder_id": stakeholder, "name": "Carla", "title": None, "level": None,
        "role": "champion", "last_contact_on": "2026-11-20", "next_contact_on": None,
        "taken_at": NOW, "confirmed_in_role": 1, "origin": "a" * 32, "seq": 1,
    }  # fmt: skip
    return sealed("review_snapshot", row | values)


def audit_row(account: str, review: str, actor: str | None, **values: Any) -> dict[str, Any]:
    row = {
        "id": new_id(), "at": NOW, "actor_id": actor, "action": "close", "account_id": account,
        "review_id": review, "close_number": 1, "reason": None, "origin": "a" * 32, "seq": 1,
    }  # fmt: skip
    return sealed("audit_log", row | values)


def sealed(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """`row` with `prev_hash` (GENESIS unless given) and its true `hash` (unless given):
    the hub refuses a chained row whose hash does not verify."""
    row = {"prev_hash": GENESIS, **row}
    fields = {c: row[c] for c in CHAINED[table]}
    return {"hash": chain_hash(table, row["prev_hash"], fields), **row}


@dataclass(frozen=True)
class Book:
    """One account of a rep with a person, a touch, an open review with a slot, a closed
    review with its slot, snapshot and audit entry (ids by name)."""

    account: str
    stakeholder: str
    touch: str
    review: str
    slot: str
    closed: str
    closed_slot: str
    snapshot: str
    audit: str
    origin: str  # the device its audit entry and frozen slot were written on


def device_of(rep: str) -> str:
    """The device a rep's seeded book was written on: one of their own (two files never
    sync as one device; the hub refuses a device's number twice, hub 0010)."""
    return hashlib.md5(rep.encode(), usedforsecurity=False).hexdigest()


def seed_book(owner_url: str, rep: str) -> Book:
    """Write one rep's account and what hangs off it, as the hub's owner (its audit entry
    and frozen slot: entry 1 of the rep's device, `device_of`)."""
    origin = device_of(rep)
    account = account_row(rep)
    person = stakeholder_row(account["id"])
    touch = touch_row(person["id"], rep)
    review = review_row(account["id"], rep)
    slot = slot_row(review["id"], 1, person["id"])
    closed = review_row(account["id"], rep, week="2026-W47", status="closed", close_count=1,
                        closed_at=NOW, closed_by_id=rep)  # fmt: skip
    closed_slot = slot_row(closed["id"], 1, person["id"])
    snapshot = snapshot_row(closed["id"], person["id"], origin=origin)
    audit = audit_row(account["id"], closed["id"], rep, origin=origin)
    rows = {
        "account": [account], "stakeholder": [person], "touch": [touch],
        "review": [review, closed], "review_slot": [slot, closed_slot],
        "review_snapshot": [snapshot], "audit_log": [audit],
    }  # fmt: skip
    with psycopg.connect(owner_url) as conn:
        for table, table_rows in rows.items():
            for row in table_rows:
                row = {k: v for k, v in row.items() if k != "updated_at"}
                names = ", ".join(row)
                marks = ", ".join(["%s"] * len(row))
                conn.execute(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})".encode(), list(row.values())
                )
    return Book(account["id"], person["id"], touch["id"], review["id"], slot["id"],
                closed["id"], closed_slot["id"], snapshot["id"], audit["id"], origin)  # fmt: skip


def migrate_hub(url: str, revision: str, *, down: bool = False) -> None:
    """Run the hub's own Alembic migrations on the database at `url` up (or `down`) to
    `revision`, in one transaction, as `hub init` runs them."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from accountreview.hub.admin import _alembic_config
    from accountreview.hub.connect import connect

    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: connect(url), poolclass=NullPool
    )
    try:
        with engine.begin() as connection:
            (command.downgrade if down else command.upgrade)(_alembic_config(connection), revision)
    finally:
        engine.dispose()
