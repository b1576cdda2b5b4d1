"""The app's own CSV format: one file per kind of record, the kind told by the header.

File
    UTF-8 text, with or without a byte-order mark (Excel's "CSV UTF-8" writes one);
    also UTF-16 or Windows-1252, and semicolons or tabs instead of commas, as
    Excel saves them (see `accountreview.io.csv_source`).
    A cell holding a comma, a double quote or a line break is
    quoted with double quotes, a quote inside it doubled (RFC 4180). The first row
    is the header. Rows are numbered as a spreadsheet shows them: the header is
    row 1, the first data row is row 2; a blank line is a row (and is skipped), a
    line break inside a quoted cell is not. Cells are trimmed of surrounding spaces.

Header
    The set of column names tells the kind: any order, any case, a space or hyphen
    counts as an underscore (``List Price`` is ``list_price``). It must be exactly
    the set of one kind below, plus, for accounts, stakeholders and touches, the
    optional ``id`` and the optional pair ``crm_source, crm_id`` (below). A
    column with an empty header is ignored and its cells must be empty. Every row
    has a cell for each column (empty or not): a row with fewer cells than the
    header is refused, naming the columns it lacks; a row with more is refused
    unless the extra cells are empty.

Cell types
    text      one line, at most 200 characters (a touch note: 2000), no control
              characters
    email     text containing ``@``, without spaces
    money     a whole amount ≥ 0 in currency units: ``250000``, ``250,000``,
              ``$250,000``, ``250k``, ``1.2m``
    percent   0 to 100: ``20``, ``12.5``, ``20%``
    date      ``YYYY-MM-DD``, from 1970-01-01 to 2100-12-31
    yes/no    yes/no, y/n, true/false, 1/0, x; empty is no
    Empty optional cells are stored as "not known" (NULL); empty percentages
    (except ``penetration_target_pct``) and sizes are stored as 0.

reps: name, email, role, manager
    name       text, required
    email      email, required; identifies the rep (any case)
    role       ``rep`` or ``manager``; empty is ``rep``
    manager    empty, or the name or email of another rep, already in the database
               or in an earlier row of the file

accounts: name, rep, top, potential, current, list_price, discount_pct, rebate_pct,
uplift_pct, signed_on, live_on, paid_on, lost_on, churned_on, contract,
contract_start, cio_signoff_on, procurement_signoff_on, penetration_target_pct
    name       text, required; identifies the account (any case)
    rep        name or email of the owning rep, required
    top        yes/no: reviewed every week
    potential, current             money (what the company could spend; spends now)
    list_price                     money or empty
    discount_pct, rebate_pct, uplift_pct, penetration_target_pct   percent
    signed_on, live_on, paid_on, lost_on, churned_on, contract_start,
    cio_signoff_on, procurement_signoff_on                         date or empty
    contract   ``annual``, ``monthly`` or empty
    id         optional: the account's id (a UUID, 32 hex digits as `export` writes
               it), or empty. A row with an id is matched by it first; an id this
               database does not know (a file moved from another one) is matched as
               a row without one (by CRM id, else name, never an account an earlier
               row matched), and an account it adds keeps that id. So two accounts
               of one name, which the other files then name by id, move together.

stakeholders: account, name, email, title, level, role, left_on
    account    exact name (any case) or id of an account, required
    name       text, required
    email      email or empty
    title      text or empty
    level      executive, vp, director, manager, individual, or empty
    role       champion, economic-buyer, executive-sponsor, cio-office, procurement,
               finance, security, legal, user, other (or their words, e.g.
               ``CIO office / IT``), or empty
    left_on    date or empty: the day they left the company
    id         optional: the stakeholder's id (a UUID, 32 hex digits as `export`
               writes it), or empty
    A row with an id is matched by it first: the account's stakeholder with that
    id; an id of another account's stakeholder is an error. An id this database
    does not know (a file moved from another one) is matched as a row without one,
    and a stakeholder it adds keeps that id. Otherwise a stakeholder is identified
    by (account, email), or else by (account, name), never one that an earlier row
    of the file matched: so two people of one name and no email, exported with
    their ids, re-import as two.

touches: account, stakeholder, on, channel, note
    account      exact name (any case) or id of an account, required
    stakeholder  id, email or name of a stakeholder of that account, required
    on           date, required, not after today
    channel      in-person, video, phone, email, event or chat, required
    note         text (up to 2000 characters) or empty
    id           optional: the touch's id (as for stakeholders), or empty
    A row with an id is matched by it first (another account's touch is an error;
    a matched touch takes the row's stakeholder, date, channel and note). Otherwise
    a touch is identified by (stakeholder, on, channel, note), and a row with an id
    new here never matches a touch an earlier row matched: the same conversation
    logged twice moves as two touches, each keeping its id.

crm_source, crm_id (optional, accounts, stakeholders and touches)
    The CRM record the row was imported from: ``salesforce`` with its id (15 or
    18 characters) or ``hubspot`` with its record id; both empty for a record
    made in the app. `accountreview export` writes them, so that a file moved
    to another database keeps its links, and a later CRM import there updates
    the record instead of adding a copy. A row with a CRM id is matched by it
    first.

A cell starting with a quote followed by ``=``, ``+``, ``-``, ``@``, a tab, a CR
or another quote is read without that one quote: that is how our exports
neutralise what a spreadsheet would run as a formula, and a text that itself
starts with a quote (see `accountreview.io.export_csv`), so ``''=x`` reads as
``'=x`` and ``'=x`` as ``=x``.

An import is all-or-nothing and re-importing the same file changes nothing; those
rules, and the matching of references, are the import service's
(``accountreview.services.importing``). This module reads and checks cells only;
reading the file itself (encoding, rows, header names) is `accountreview.io.csv_source`'s.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar, cast
from uuid import UUID

from accountreview.domain.dates import parse_date
from accountreview.domain.enums import Channel, ContractKind, Level, RepRole, Role
from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import (
    clean_text,
    parse_bool,
    parse_email,
    parse_money,
    parse_percent,
)
from accountreview.io.crm.records import CrmLink, crm_link

# What `NativeCsv` yields and raises, so that its callers need this module alone.
from accountreview.io.csv_source import MalformedCsv as MalformedCsv
from accountreview.io.csv_source import Row as Row
from accountreview.io.csv_source import RowProblem as RowProblem
from accountreview.io.csv_source import UnreadableFile as UnreadableFile
from accountreview.io.csv_source import normalise_column

T = TypeVar("T")
EnumT = TypeVar("EnumT", RepRole, Level, Role, Channel, ContractKind)

COLUMNS: dict[str, tuple[str, ...]] = {
    "reps": ("name", "email", "role", "manager"),
    "accounts": (
        "name",
        "rep",
        "top",
        "potential",
        "current",
        "list_price",
        "discount_pct",
        "rebate_pct",
        "uplift_pct",
        "signed_on",
        "live_on",
        "paid_on",
        "lost_on",
        "churned_on",
        "contract",
        "contract_start",
        "cio_signoff_on",
        "procurement_signoff_on",
        "penetration_target_pct",
    ),
    "stakeholders": ("account", "name", "email", "title", "level", "role", "left_on"),
    "touches": ("account", "stakeholder", "on", "channel", "note"),
}
NOTE_MAX_LENGTH = 2000
CRM_SOURCES = ("salesforce", "hubspot")


OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "reps": (),
    "accounts": ("id", "crm_source", "crm_id"),
    "stakeholders": ("id", "crm_source", "crm_id"),
    "touches": ("id", "crm_source", "crm_id"),
}


class UnknownHeader(Exception):
    """The header row matches none of the kinds; the message lists what was found and wanted."""


def native_kind(header: list[str]) -> str | None:
    """The kind whose columns the header has (each once; the optional ones may be left out)."""
    names = [normalise_column(cell) for cell in header if cell.strip()]
    found = set(names)
    if len(found) != len(names):
        return None
    for kind, columns in COLUMNS.items():
        if set(columns) <= found <= set(columns) | set(OPTIONAL_COLUMNS[kind]):
            return kind
    return None


def detect_kind(file: str, header: list[str]) -> str:
    """The kind whose column set the header has; `UnknownHeader` otherwise."""
    kind = native_kind(header)
    if kind is None:
        raise UnknownHeader(unknown_header_message(file, header))
    return kind


def unknown_header_message(file: str, header: list[str], *, more: tuple[str, ...] = ()) -> str:
    """What a header that matches no kind holds, what is closest and what is accepted.

    `more` adds lines on other formats (the CRM exports) to the list of what is accepted.
    """
    names = [normalise_column(cell) for cell in header if cell.strip()]
    found = set(names)
    lines = [f"{file}, row 1: the header matches no import format."]
    if not names:
        lines.append("The first row is empty; it must be the header.")
    else:
        lines.append(f"Columns found: {', '.join(names)}")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            lines.append(f"Named twice: {', '.join(twice)}")
        kind = max(COLUMNS, key=lambda k: len(found & set(COLUMNS[k])))
        missing = [c for c in COLUMNS[kind] if c not in found]
        allowed = (*COLUMNS[kind], *OPTIONAL_COLUMNS[kind])
        extra = [n for n in names if n not in allowed]
        closest = [f"missing {', '.join(missing)}"] if missing else []
        closest += [f"not expected {', '.join(extra)}"] if extra else []
        lines.append(f"Closest is {kind}: {'; '.join(closest) or 'its columns, named twice'}")
    lines.append("Expected the columns of one of these (any order, any case):")
    lines.extend(f"  {kind}: {', '.join(columns)}" for kind, columns in COLUMNS.items())
    lines.extend(more)
    return "\n    ".join(lines)


class _Cells:
    """Reads typed cells from a row, collecting a problem for each bad one."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.problems: list[RowProblem] = []

    def read(self, column: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """The parsed cell, or None when empty (a problem if required) or invalid."""
        text = self.row.text(column)
        if not text:
            if required:
                self.problems.append(self.row.problem(column, "a value (this column is required)"))
            return None
        try:
            return parse(text)
        except InvalidValue as error:
            self.problems.append(self.row.problem(column, error.expected))
            return None

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str | None:
        return self.read(
            column, lambda t: clean_text(t, column, max_length=max_length), required=required
        )

    def email(self, column: str, *, required: bool = False) -> str | None:
        return self.read(column, lambda t: parse_email(t, column), required=required)

    def date(self, column: str) -> date | None:
        return self.read(column, lambda t: parse_date(t, column))

    def money(self, column: str) -> int | None:
        return self.read(column, lambda t: parse_money(t, column))

    def percent(self, column: str) -> float | None:
        return self.read(column, lambda t: parse_percent(t, column))

    def crm(self) -> CrmLink | None:
        """The optional `crm_source` and `crm_id` pair: both, or neither."""
        source, crm_id = self.row.text("crm_source"), self.row.text("crm_id")
        if not source and not crm_id:
            return None
        if not source or not crm_id:
            empty = "crm_id" if source else "crm_source"
            self.problems.append(
                self.row.problem(empty, "a value when the other CRM column has one")
            )
            return None
        if source.casefold() not in CRM_SOURCES:
            self.problems.append(self.row.problem("crm_source", "salesforce or hubspot"))
            return None
        return self.read("crm_id", lambda t: crm_link(source, t))


def parse_record_id(text: str) -> str:
    """A record's id in its stored form (32 hex digits); a UUID with dashes is accepted."""
    try:
        return UUID(text).hex
    except ValueError:
        expected = "a record id as `export` writes it (32 hex digits)"
        raise InvalidValue("id", text, expected) from None


_MEMBERS: dict[tuple[type[StrEnum], str], StrEnum] = {}


def _member(kind: type[EnumT], text: str, what: str) -> EnumT:
    """`kind.parse(text)`, remembered: a file repeats the same few words on every row."""
    found = _MEMBERS.get((kind, text))
    if found is None:
        found = kind.parse(text, what)
        if len(_MEMBERS) < 4096:
            _MEMBERS[(kind, text)] = found
    return cast(EnumT, found)


@dataclass(frozen=True)
class RepRecord:
    name: str
    email: str
    role: RepRole
    manager: str | None


@dataclass(frozen=True)
class AccountRecord:
    name: str
    rep: str
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
    crm: CrmLink | None = None
    id: str | None = None


@dataclass(frozen=True)
class StakeholderRecord:
    account: str
    name: str
    email: str | None
    title: str | None
    level: Level | None
    role: Role | None
    left_on: date | None
    crm: CrmLink | None = None
    id: str | None = None


@dataclass(frozen=True)
class TouchRecord:
    account: str
    stakeholder: str
    on: date
    channel: Channel
    note: str | None
    crm: CrmLink | None = None
    id: str | None = None


# Reference cells (rep, manager, account, stakeholder) are only checked for presence
# here: whether they name a record is for the import service to say.


def read_rep(row: Row) -> tuple[RepRecord | None, list[RowProblem]]:
    """A reps row as a record, or the problems of its cells."""
    cells = _Cells(row)
    name = cells.text("name", required=True)
    email = cells.email("email", required=True)
    role = cells.read("role", lambda t: _member(RepRole, t, "role")) or RepRole.REP
    if name is None or email is None or cells.problems:
        return None, cells.problems
    return RepRecord(name, email, role, row.text("manager") or None), []


def read_account(row: Row) -> tuple[AccountRecord | None, list[RowProblem]]:
    """An accounts row as a record, or the problems of its cells."""
    cells = _Cells(row)
    name = cells.text("name", required=True)
    rep = cells.read("rep", str, required=True)
    is_top = cells.read("top", lambda t: parse_bool(t, "top")) or False
    money = {c: cells.money(c) for c in ("potential", "current", "list_price")}
    pcts = {c: cells.percent(c) for c in ("discount_pct", "rebate_pct", "uplift_pct")}
    signed_on, live_on, paid_on = (cells.date(c) for c in ("signed_on", "live_on", "paid_on"))
    lost_on, churned_on = cells.date("lost_on"), cells.date("churned_on")
    contract = cells.read("contract", lambda t: _member(ContractKind, t, "contract"))
    contract_start = cells.date("contract_start")
    cio_signoff_on = cells.date("cio_signoff_on")
    procurement_signoff_on = cells.date("procurement_signoff_on")
    target = cells.percent("penetration_target_pct")
    crm = cells.crm()
    record_id = cells.read("id", parse_record_id)
    if name is None or rep is None or cells.problems:
        return None, cells.problems
    record = AccountRecord(
        name=name,
        rep=rep,
        is_top=is_top,
        potential=money["potential"] or 0,
        current=money["current"] or 0,
        list_price=money["list_price"],
        discount_pct=pcts["discount_pct"] or 0.0,
        rebate_pct=pcts["rebate_pct"] or 0.0,
        uplift_pct=pcts["uplift_pct"] or 0.0,
        signed_on=signed_on,
        live_on=live_on,
        paid_on=paid_on,
        lost_on=lost_on,
        churned_on=churned_on,
        contract=contract,
        contract_start=contract_start,
        cio_signoff_on=cio_signoff_on,
        procurement_signoff_on=procurement_signoff_on,
        penetration_target_pct=target,
        crm=crm,
        id=record_id,
    )
    return record, []


def read_stakeholder(row: Row) -> tuple[StakeholderRecord | None, list[RowProblem]]:
    """A stakeholders row as a record, or the problems of its cells."""
    cells = _Cells(row)
    account = cells.read("account", str, required=True)
    name = cells.text("name", required=True)
    email = cells.email("email")
    title = cells.text("title")
    level = cells.read("level", lambda t: _member(Level, t, "level"))
    role = cells.read("role", lambda t: _member(Role, t, "role"))
    left_on = cells.date("left_on")
    crm = cells.crm()
    record_id = cells.read("id", parse_record_id)
    if account is None or name is None or cells.problems:
        return None, cells.problems
    return StakeholderRecord(account, name, email, title, level, role, left_on, crm, record_id), []


def read_touch(row: Row, today: date) -> tuple[TouchRecord | None, list[RowProblem]]:
    """A touches row as a record, or the problems of its cells (`on` may not pass `today`)."""
    cells = _Cells(row)
    account = cells.read("account", str, required=True)
    stakeholder = cells.read("stakeholder", str, required=True)
    on = cells.read("on", lambda t: parse_date(t, "on"), required=True)
    if on is not None and on > today:
        expected = f"a date not in the future (today is {today.isoformat()})"
        cells.problems.append(row.problem("on", expected))
    channel = cells.read("channel", lambda t: _member(Channel, t, "channel"), required=True)
    note = cells.text("note", max_length=NOTE_MAX_LENGTH)
    crm = cells.crm()
    record_id = cells.read("id", parse_record_id)
    if account is None or stakeholder is None or on is None or channel is None or cells.problems:
        return None, cells.problems
    return TouchRecord(account, stakeholder, on, channel, note, crm, record_id), []
