"""A rep, an account and a stakeholder as every layer sees them.

The database builds them (`db/`), the services take and return them, and the TUI
and CLI draw them: one type for each, defined here so that no interface imports a
`db` module to name what a service gave it.

NamedTuples rather than frozen dataclasses: one is built in a fraction of the time
and the class costs far less to define, and these are on the start-up path of every
command (a queue builds thousands of accounts).
"""

from datetime import date
from typing import NamedTuple

from accountreview.domain.enums import ContractKind, Level, RepRole, Role


class Rep(NamedTuple):
    """A sales rep or a manager."""

    id: str
    name: str
    email: str
    role: RepRole
    manager_id: str | None


class Account(NamedTuple):
    """An account as stored, with real dates and enums (and its rep's name)."""

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


class Stakeholder(NamedTuple):
    """A person at an account, with their last contact up to the day asked."""

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
