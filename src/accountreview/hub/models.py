"""The hub's schema, declared once as SQLModel tables (the source of its Alembic migrations).

The hub holds the eight tables of a local file with the same columns, and stores each
value in the form the SQLite file stores it: ids as 32-hex text, dates and datetimes as
the same ISO text, booleans as 0/1, integers as bigint, reals as double precision. So a
value pushed and pulled back is identical, and the hub's compare-and-set compares like
with like. Every table adds `hub_seq` (set by a trigger, see the migration) and `rep`
adds `login`, the PostgreSQL role its person signs in as. `owner_id` (hub 0007) is the
rep whose account a row hangs off, kept by the hub's triggers for row-level security and
never pulled. `review_slot.updated_at` is local only and not here.

These tables live in their own SQLAlchemy registry: the local schema (`db.models`) uses
the same table names in SQLModel's default one.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Double, Index, Text, UniqueConstraint, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class HubModel(SQLModel, registry=registry()):
    """Base of the hub's tables (its own metadata)."""


def _text(primary: bool = False, nullable: bool = True, **kw: Any) -> Any:
    return Field(
        sa_column=Column(Text, primary_key=primary, nullable=nullable and not primary, **kw)
    )


def _int(nullable: bool = True) -> Any:
    return Field(sa_column=Column(BigInteger, nullable=nullable))


def _real(nullable: bool = True) -> Any:
    return Field(sa_column=Column(Double, nullable=nullable))


def _moment(nullable: bool = False) -> Any:
    default = None if nullable else text("now()")
    return Field(
        sa_column=Column(DateTime(timezone=True), nullable=nullable, server_default=default)
    )


def _seq() -> Any:
    return Field(sa_column=Column(BigInteger, nullable=False, index=True))


def _owner_index(table: str) -> Index:
    """ "My rows past my cursor" as an index range: (owner_id, hub_seq) (hub 0007)."""
    return Index(f"ix_{table}_owner_seq", "owner_id", "hub_seq")


def _chain_index(table: str) -> Index:
    """The row before a chained row, found by its device and number (hub 0009)."""
    return Index(f"ix_{table}_origin_seq", "origin", "seq")


class Rep(HubModel, table=True):
    __tablename__ = "rep"
    __table_args__ = (
        UniqueConstraint("email", name="uq_rep_email"),
        UniqueConstraint("login", name="uq_rep_login"),
        _owner_index("rep"),
    )

    id: str = _text(primary=True)
    name: str = _text(nullable=False)
    email: str = _text(nullable=False)
    role: str = _text(nullable=False)
    manager_id: str | None = _text()
    created_at: str = _text(nullable=False)
    crm_source: str | None = _text()
    crm_id: str | None = _text()
    login: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class Account(HubModel, table=True):
    __tablename__ = "account"
    __table_args__ = (Index("ix_account_rep", "rep_id"), _owner_index("account"))

    id: str = _text(primary=True)
    name: str = _text(nullable=False)
    rep_id: str = _text(nullable=False)
    is_top: int = _int(nullable=False)
    potential: int = _int(nullable=False)
    current: int = _int(nullable=False)
    list_price: int | None = _int()
    discount_pct: float = _real(nullable=False)
    rebate_pct: float = _real(nullable=False)
    uplift_pct: float = _real(nullable=False)
    signed_on: str | None = _text()
    live_on: str | None = _text()
    paid_on: str | None = _text()
    lost_on: str | None = _text()
    churned_on: str | None = _text()
    contract: str | None = _text()
    contract_start: str | None = _text()
    cio_signoff_on: str | None = _text()
    procurement_signoff_on: str | None = _text()
    penetration_target_pct: float | None = _real()
    created_at: str = _text(nullable=False)
    crm_source: str | None = _text()
    crm_id: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class Stakeholder(HubModel, table=True):
    __tablename__ = "stakeholder"
    __table_args__ = (Index("ix_stakeholder_account", "account_id"), _owner_index("stakeholder"))

    id: str = _text(primary=True)
    account_id: str = _text(nullable=False)
    name: str = _text(nullable=False)
    email: str | None = _text()
    title: str | None = _text()
    level: str | None = _text()
    role: str | None = _text()
    left_on: str | None = _text()
    next_contact_on: str | None = _text()
    created_at: str = _text(nullable=False)
    crm_source: str | None = _text()
    crm_id: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class Touch(HubModel, table=True):
    __tablename__ = "touch"
    __table_args__ = (Index("ix_touch_stakeholder", "stakeholder_id"), _owner_index("touch"))

    id: str = _text(primary=True)
    stakeholder_id: str = _text(nullable=False)
    touched_on: str = _text(nullable=False)
    channel: str = _text(nullable=False)
    note: str | None = _text()
    logged_by_id: str | None = _text()
    created_at: str = _text(nullable=False)
    crm_source: str | None = _text()
    crm_id: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class Review(HubModel, table=True):
    __tablename__ = "review"
    __table_args__ = (Index("ix_review_account", "account_id"), _owner_index("review"))

    id: str = _text(primary=True)
    account_id: str = _text(nullable=False)
    week: str = _text(nullable=False)
    status: str = _text(nullable=False)
    close_count: int = _int(nullable=False)
    opened_at: str = _text(nullable=False)
    opened_by_id: str | None = _text()
    closed_at: str | None = _text()
    closed_by_id: str | None = _text()
    kept_origins: str | None = _text()  # whose five each close kept (hub migration 0005)
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class ReviewSlot(HubModel, table=True):
    __tablename__ = "review_slot"
    __table_args__ = (Index("ix_review_slot_review", "review_id"), _owner_index("review_slot"))

    id: str = _text(primary=True)
    review_id: str = _text(nullable=False)
    position: int = _int(nullable=False)
    stakeholder_id: str | None = _text()
    confirmed_in_role_on: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class ReviewSnapshot(HubModel, table=True):
    __tablename__ = "review_snapshot"
    __table_args__ = (
        Index("ix_review_snapshot_review", "review_id"),
        _owner_index("review_snapshot"),
        _chain_index("review_snapshot"),
        # a five's place, as a local file keys it: one device's close, once (hub 0010)
        Index("ix_review_snapshot_close_origin", "review_id", "close_number", "origin", "position"),
    )

    id: str = _text(primary=True)
    review_id: str = _text(nullable=False)
    close_number: int = _int(nullable=False)
    position: int = _int(nullable=False)
    stakeholder_id: str = _text(nullable=False)
    name: str = _text(nullable=False)
    title: str | None = _text()
    level: str | None = _text()
    role: str | None = _text()
    last_contact_on: str | None = _text()
    next_contact_on: str | None = _text()
    taken_at: str = _text(nullable=False)
    confirmed_in_role: int | None = _int()
    origin: str | None = _text()
    seq: int | None = _int()
    hash: str | None = _text()
    prev_hash: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class AuditLog(HubModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_review", "review_id"),
        _owner_index("audit_log"),
        _chain_index("audit_log"),
    )

    id: str = _text(primary=True)
    at: str = _text(nullable=False)
    actor_id: str | None = _text()
    action: str = _text(nullable=False)
    account_id: str | None = _text()
    review_id: str | None = _text()
    close_number: int | None = _int()
    reason: str | None = _text()
    origin: str | None = _text()
    seq: int | None = _int()
    hash: str | None = _text()
    prev_hash: str | None = _text()
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class HubChange(HubModel, table=True):
    """Every field change the hub has seen, by its id: the second push of one is a no-op."""

    __tablename__ = "hub_change"

    change_id: str = _text(primary=True)
    login: str = _text(nullable=False)
    outcome: str = _text(nullable=False)
    at: datetime = _moment()


class HubConflict(HubModel, table=True):
    """A change the hub did not apply: its value (mine) and the hub's (theirs), as JSON."""

    __tablename__ = "hub_conflict"
    __table_args__ = (Index("ix_hub_conflict_account", "account_id"), _owner_index("hub_conflict"))

    id: str = _text(primary=True)
    change_id: str = _text(nullable=False)
    tbl: str = _text(nullable=False)
    row_id: str = _text(nullable=False)
    field: str | None = _text()
    mine: str | None = _text()
    theirs: str | None = _text()
    reason: str = _text(nullable=False)
    login: str = _text(nullable=False)
    account_id: str | None = _text()
    made_at: datetime = _moment()
    resolved_at: datetime | None = _moment(nullable=True)
    resolution: str | None = _text()  # 'mine' or 'theirs' (hub schema 0006)
    resolved_by: str | None = _text()  # the login that resolved it
    hub_seq: int = _seq()
    owner_id: str | None = _text()  # hub only: the rep whose account the row hangs off


class HubDeparture(HubModel, table=True):
    """An account that left someone's sight (moved to another rep, or its rep to another
    manager) at `hub_seq`: pulled by `reader_id`, whose laptop then drops the account."""

    __tablename__ = "hub_departure"
    __table_args__ = (Index("ix_hub_departure_reader_seq", "reader_id", "hub_seq"),)

    id: str = _text(primary=True)
    account_id: str = _text(nullable=False)
    reader_id: str = _text(nullable=False)
    to_rep_id: str | None = _text()
    at: datetime = _moment()
    hub_seq: int = _seq()


# The eight tables a local file shares, parents first (the order inserts are applied in).
SYNCED = (Rep, Account, Stakeholder, Touch, Review, ReviewSlot, ReviewSnapshot, AuditLog)
HUB_ONLY_COLUMNS = frozenset({"hub_seq", "login", "owner_id"})


def columns(model: type[HubModel]) -> tuple[str, ...]:
    """The columns a local file has for `model`'s table (the hub-only ones left out)."""
    table = model.__table__  # type: ignore[attr-defined]
    return tuple(c.name for c in table.columns if c.name not in HUB_ONLY_COLUMNS)
