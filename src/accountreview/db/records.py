"""Typed rows read from the database, with domain enums and real dates."""

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from accountreview.domain.enums import (
    Channel,
    ContractKind,
    Level,
    RepRole,
    ReviewStatus,
    Role,
)


def new_id() -> str:
    """A new UUID in the stored form (32 hex characters)."""
    return uuid.uuid4().hex


def now_text() -> str:
    """The current UTC time in the stored form."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def as_date(value: object) -> date | None:
    """A stored ISO date (or NULL) as a date."""
    return None if value is None else date.fromisoformat(str(value)[:10])


def date_text(value: date | None) -> str | None:
    """A date in the stored form."""
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class RepRow:
    id: str
    name: str
    email: str
    role: RepRole
    manager_id: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "RepRow":
        return cls(row["id"], row["name"], row["email"], RepRole(row["role"]), row["manager_id"])


@dataclass(frozen=True)
class AccountRow:
    id: str
    name: str
    rep_id: str
    rep_name: str
    is_top: bool
    potential: int
    current: int
    list_price: int | None
    discount_pct: float
    rebate_pct: float
    uplift_pct: float
    signed_on: date | None
    live_on: date | None
    paid_on: date | None
    lost_on: date | None
    churned_on: date | None
    contract: ContractKind | None
    contract_start: date | None
    cio_signoff_on: date | None
    procurement_signoff_on: date | None
    penetration_target_pct: float | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "AccountRow":
        return cls(
            id=row["id"],
            name=row["name"],
            rep_id=row["rep_id"],
            rep_name=row["rep_name"],
            is_top=bool(row["is_top"]),
            potential=row["potential"],
            current=row["current"],
            list_price=row["list_price"],
            discount_pct=row["discount_pct"],
            rebate_pct=row["rebate_pct"],
            uplift_pct=row["uplift_pct"],
            signed_on=as_date(row["signed_on"]),
            live_on=as_date(row["live_on"]),
            paid_on=as_date(row["paid_on"]),
            lost_on=as_date(row["lost_on"]),
            churned_on=as_date(row["churned_on"]),
            contract=None if row["contract"] is None else ContractKind(row["contract"]),
            contract_start=as_date(row["contract_start"]),
            cio_signoff_on=as_date(row["cio_signoff_on"]),
            procurement_signoff_on=as_date(row["procurement_signoff_on"]),
            penetration_target_pct=row["penetration_target_pct"],
        )


@dataclass(frozen=True)
class StakeholderRow:
    id: str
    account_id: str
    name: str
    email: str | None
    title: str | None
    level: Level | None
    role: Role | None
    left_on: date | None
    next_contact_on: date | None
    last_contact_on: date | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "StakeholderRow":
        return cls(
            id=row["id"],
            account_id=row["account_id"],
            name=row["name"],
            email=row["email"],
            title=row["title"],
            level=None if row["level"] is None else Level(row["level"]),
            role=None if row["role"] is None else Role(row["role"]),
            left_on=as_date(row["left_on"]),
            next_contact_on=as_date(row["next_contact_on"]),
            last_contact_on=as_date(row["last_contact_on"]),
        )


@dataclass(frozen=True)
class TouchRow:
    id: str
    stakeholder_id: str
    touched_on: date
    channel: Channel
    note: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "TouchRow":
        return cls(
            row["id"],
            row["stakeholder_id"],
            date.fromisoformat(row["touched_on"]),
            Channel(row["channel"]),
            row["note"],
        )


@dataclass(frozen=True)
class ReviewRow:
    id: str
    account_id: str
    week: str
    status: ReviewStatus
    close_count: int
    closed_at: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "ReviewRow":
        return cls(
            row["id"],
            row["account_id"],
            row["week"],
            ReviewStatus(row["status"]),
            row["close_count"],
            row["closed_at"],
        )


@dataclass(frozen=True)
class SlotRow:
    position: int
    stakeholder_id: str | None
    confirmed_in_role_on: date | None


@dataclass(frozen=True)
class SnapshotRow:
    position: int
    stakeholder_id: str
    name: str
    title: str | None
    level: Level | None
    role: Role | None
    last_contact_on: date | None
    next_contact_on: date | None


@dataclass(frozen=True)
class AuditRow:
    at: str
    actor_name: str | None
    action: str
    account_name: str | None
    week: str | None
    close_number: int | None
    reason: str | None
