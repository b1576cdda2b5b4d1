"""The schema, declared once as SQLModel tables.

These classes are the source of truth for the Alembic migrations (a test checks
that autogenerate finds no difference). At run time the app talks to SQLite
through the standard library driver (see `db.connection`), because importing
SQLAlchemy alone costs more than a whole CLI command may take; the column names
here are the ones the queries use.

Ids are UUIDs stored as 32 hex characters (SQLAlchemy's own SQLite form), money
is whole currency units, dates are ISO dates.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from accountreview.domain.settings import MAX_SLOTS_PER_REVIEW


class Rep(SQLModel, table=True):
    __tablename__ = "rep"
    __table_args__ = (
        CheckConstraint("role IN ('rep', 'manager')", name="rep_role"),
        Index("uq_rep_crm", "crm_source", "crm_id", unique=True),
    )

    id: uuid.UUID = Field(primary_key=True)
    name: str
    email: str = Field(unique=True)
    role: str = "rep"
    manager_id: uuid.UUID | None = Field(default=None, foreign_key="rep.id")
    created_at: datetime
    crm_source: str | None = None
    crm_id: str | None = None


class Account(SQLModel, table=True):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("potential >= 0 AND current >= 0", name="account_sizes"),
        CheckConstraint("contract IS NULL OR contract IN ('annual', 'monthly')", name="contract"),
        Index("ix_account_rep_top", "rep_id", "is_top"),
        Index("ix_account_lost_on", "lost_on"),
        Index("uq_account_crm", "crm_source", "crm_id", unique=True),
    )

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(index=True)
    rep_id: uuid.UUID = Field(foreign_key="rep.id")
    is_top: bool = False
    potential: int = 0
    current: int = 0
    list_price: int | None = None
    discount_pct: float = 0.0
    rebate_pct: float = 0.0
    uplift_pct: float = 0.0
    signed_on: date | None = None
    live_on: date | None = None
    paid_on: date | None = None
    lost_on: date | None = None
    churned_on: date | None = None
    contract: str | None = None
    contract_start: date | None = None
    cio_signoff_on: date | None = None
    procurement_signoff_on: date | None = None
    penetration_target_pct: float | None = None
    created_at: datetime
    crm_source: str | None = None
    crm_id: str | None = None


class Stakeholder(SQLModel, table=True):
    __tablename__ = "stakeholder"
    __table_args__ = (
        Index("ix_stakeholder_account_name", "account_id", "name"),
        Index("uq_stakeholder_crm", "crm_source", "crm_id", unique=True),
    )

    id: uuid.UUID = Field(primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id")
    name: str
    email: str | None = Field(default=None, index=True)
    title: str | None = None
    level: str | None = None
    role: str | None = None
    left_on: date | None = None
    next_contact_on: date | None = None
    created_at: datetime
    crm_source: str | None = None
    crm_id: str | None = None


class Touch(SQLModel, table=True):
    __tablename__ = "touch"
    __table_args__ = (
        Index("ix_touch_stakeholder_on", "stakeholder_id", "touched_on"),
        CheckConstraint(
            "channel IN ('in-person', 'video', 'phone', 'email', 'event', 'chat')",
            name="touch_channel",
        ),
        Index("uq_touch_crm", "crm_source", "crm_id", unique=True),
    )

    id: uuid.UUID = Field(primary_key=True)
    stakeholder_id: uuid.UUID = Field(foreign_key="stakeholder.id")
    touched_on: date
    channel: str
    note: str | None = None
    logged_by_id: uuid.UUID | None = Field(default=None, foreign_key="rep.id")
    created_at: datetime
    crm_source: str | None = None
    crm_id: str | None = None


class Review(SQLModel, table=True):
    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("account_id", "week", name="uq_review_account_week"),
        CheckConstraint("status IN ('open', 'closed')", name="review_status"),
        Index("ix_review_week_status", "week", "status"),
    )

    id: uuid.UUID = Field(primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id")
    week: str
    status: str = "open"
    close_count: int = 0
    opened_at: datetime
    opened_by_id: uuid.UUID | None = Field(default=None, foreign_key="rep.id")
    closed_at: datetime | None = None
    closed_by_id: uuid.UUID | None = Field(default=None, foreign_key="rep.id")
    # Whose five each close shows (two laptops closed it offline): see migration 0006.
    kept_origins: str | None = None


class ReviewSlot(SQLModel, table=True):
    __tablename__ = "review_slot"
    __table_args__ = (
        UniqueConstraint("review_id", "position", name="uq_slot_review_position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_SLOTS_PER_REVIEW}", name="slot_position"),
    )

    id: uuid.UUID = Field(primary_key=True)
    review_id: uuid.UUID = Field(foreign_key="review.id")
    position: int
    stakeholder_id: uuid.UUID | None = Field(default=None, foreign_key="stakeholder.id", index=True)
    confirmed_in_role_on: date | None = None
    updated_at: datetime


class ReviewSnapshot(SQLModel, table=True):
    """One slot as it stood when the review was closed (the n-th time).

    `origin` is the device that wrote the row; `seq` and `hash` chain each origin's
    rows (see `domain.chain`); `confirmed_in_role` is whether the person had been
    confirmed in role that week (NULL: closed by a version before 0003, which did not
    record it). Two laptops that closed one review offline each keep their five.
    """

    __tablename__ = "review_snapshot"
    __table_args__ = (
        UniqueConstraint(
            "review_id", "close_number", "origin", "position", name="uq_snapshot_slot"
        ),
        Index("uq_review_snapshot_origin_seq", "origin", "seq", unique=True),
    )

    id: uuid.UUID = Field(primary_key=True)
    review_id: uuid.UUID = Field(foreign_key="review.id")
    close_number: int
    position: int
    stakeholder_id: uuid.UUID = Field(foreign_key="stakeholder.id")
    name: str
    title: str | None = None
    level: str | None = None
    role: str | None = None
    last_contact_on: date | None = None
    next_contact_on: date | None = None
    taken_at: datetime
    confirmed_in_role: bool | None = None
    origin: str
    seq: int | None = None
    hash: str | None = None
    prev_hash: str | None = None


class AuditLog(SQLModel, table=True):
    """Append-only record of what happened to reviews (close, reopen) and why, each entry
    chained to the one its device (`origin`) wrote before by `seq` and `hash` (see
    `domain.chain`)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("uq_audit_log_origin_seq", "origin", "seq", unique=True),)

    id: uuid.UUID = Field(primary_key=True)
    at: datetime
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="rep.id")
    action: str
    account_id: uuid.UUID | None = Field(default=None, foreign_key="account.id")
    review_id: uuid.UUID | None = Field(default=None, foreign_key="review.id", index=True)
    close_number: int | None = None
    reason: str | None = None
    origin: str
    seq: int | None = None
    hash: str | None = None
    prev_hash: str | None = None


class AppMeta(SQLModel, table=True):
    """Small key/value settings kept in the database (current rep, demo marker)."""

    __tablename__ = "app_meta"

    key: str = Field(primary_key=True)
    value: str


class SyncState(SQLModel, table=True):
    """What this file knows of the hub: `device` (this file's origin), `hub` (the URL,
    without password, once a sync succeeded), `cursor`, `last_sync_at`, `last_error`,
    and `applying` (only inside the transaction that applies pulled rows)."""

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True)
    value: str


class SyncOutbox(SQLModel, table=True):
    """Changes waiting to be pushed, one row per inserted row or changed field; written
    only by triggers, and only when a hub is set and pulled rows are not being applied.
    `old_value` / `new_value` are JSON text of the values as SQLite stores them."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        CheckConstraint("kind IN ('insert', 'update')", name="sync_outbox_kind"),
        {"sqlite_autoincrement": True},
    )

    seq: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(unique=True)
    kind: str
    tbl: str
    row_id: str
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    made_at: str


class SyncConflict(SQLModel, table=True):
    """A change the hub did not take as it was (mine / theirs as JSON text) until the
    person chooses (`resolution` 'mine' or 'theirs')."""

    __tablename__ = "sync_conflict"

    id: str = Field(primary_key=True)
    tbl: str
    row_id: str
    field: str | None = None
    mine: str | None = None
    theirs: str | None = None
    reason: str
    made_at: str
    resolved_at: str | None = None
    resolution: str | None = None
