"""Queries on accounts, and the per-account aggregates the facts need."""

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from accountreview.db.records import as_date, new_id, now_text
from accountreview.domain import ids
from accountreview.domain.enums import ContractKind


class AccountRow(NamedTuple):
    """An account as stored, with real dates and enums.

    A NamedTuple rather than a dataclass: it is built in a fraction of the time,
    and this module is on the start-up path of every read-only command.
    """

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


ACCOUNT_COLUMNS = (
    "name",
    "rep_id",
    "is_top",
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
)

# Columns that are NOT NULL in the schema, with the value an insert uses when none is given.
ACCOUNT_DEFAULTS: dict[str, Any] = {
    "is_top": 0,
    "potential": 0,
    "current": 0,
    "discount_pct": 0.0,
    "rebate_pct": 0.0,
    "uplift_pct": 0.0,
}

_SELECT = "SELECT a.*, r.name AS rep_name FROM account a JOIN rep r ON r.id = a.rep_id"


def insert_account(
    conn: sqlite3.Connection, values: Mapping[str, Any], *, account_id: str | None = None
) -> str:
    """Insert an account from stored-form values keyed by column name (and its CRM link);
    its id is `account_id` when given (a record moved from another database), else one
    derived from its CRM link (two laptops importing one export agree), else new."""
    crm = (values.get("crm_source"), values.get("crm_id"))
    if account_id is None and crm[0] is not None and crm[1] is not None:
        account_id = ids.crm_id_for("account", str(crm[0]), str(crm[1]))
    account_id = account_id or new_id()
    values = {**ACCOUNT_DEFAULTS, **values}
    columns = [c for c in (*ACCOUNT_COLUMNS, "crm_source", "crm_id") if c in values]
    conn.execute(
        f"INSERT INTO account (id, created_at, {', '.join(columns)})"
        f" VALUES (?, ?, {', '.join('?' for _ in columns)})",
        (account_id, now_text(), *(values[c] for c in columns)),
    )
    return account_id


def update_account(conn: sqlite3.Connection, account_id: str, values: Mapping[str, Any]) -> None:
    """Update the given columns of an account."""
    columns = [c for c in ACCOUNT_COLUMNS if c in values]
    if columns:
        conn.execute(
            f"UPDATE account SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            (*(values[c] for c in columns), account_id),
        )


def stored_values(conn: sqlite3.Connection, account_id: str) -> dict[str, Any]:
    """An account's columns in stored form (to compare with an import)."""
    row = conn.execute(
        f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM account WHERE id = ?", (account_id,)
    ).fetchone()
    return {} if row is None else dict(row)


def get_account(conn: sqlite3.Connection, account_id: str) -> AccountRow | None:
    row = conn.execute(f"{_SELECT} WHERE a.id = ?", (account_id,)).fetchone()
    return None if row is None else AccountRow.from_row(row)


def find_accounts(conn: sqlite3.Connection, text: str) -> list[AccountRow]:
    """Accounts whose id, exact name, name in any case or 6+ character id prefix is `text`.

    Tried in that order, stopping at the first that matches: the first two use an
    index, so the usual lookups stay instant on 100k accounts.
    """
    for where, params in (
        ("a.id = ?", (text,)),
        ("a.name = ?", (text,)),
        (
            "a.name = ? COLLATE NOCASE OR (length(?) >= 6 AND a.id >= ? AND a.id < ? || 'g')",
            (text, text, text.lower(), text.lower()),
        ),
    ):
        rows = conn.execute(f"{_SELECT} WHERE {where} ORDER BY a.name, a.id", params).fetchall()
        if rows:
            return [AccountRow.from_row(r) for r in rows]
    return []


def list_accounts(
    conn: sqlite3.Connection, *, rep_id: str | None = None, top_only: bool = False
) -> list[AccountRow]:
    where, params = _filter(rep_id, top_only)
    rows = conn.execute(f"{_SELECT}{where} ORDER BY a.name, a.id", params).fetchall()
    return [AccountRow.from_row(r) for r in rows]


def lost_accounts(conn: sqlite3.Connection, *, rep_id: str, lost_after: date) -> list[AccountRow]:
    """A rep's accounts lost after `lost_after` (candidates for a follow-up)."""
    rows = conn.execute(
        f"{_SELECT} WHERE a.rep_id = ? AND a.lost_on > ? AND a.churned_on IS NULL",
        (rep_id, lost_after.isoformat()),
    ).fetchall()
    return [AccountRow.from_row(r) for r in rows]


def _filter(rep_id: str | None, top_only: bool) -> tuple[str, tuple[object, ...]]:
    clauses: list[str] = []
    params: list[object] = []
    if rep_id is not None:
        clauses.append("a.rep_id = ?")
        params.append(rep_id)
    if top_only:
        clauses.append("a.is_top = 1")  # "= 1", not a bare column, so the index is used
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


class AccountAggregates(NamedTuple):
    """What the facts need from an account's stakeholders and touches."""

    has_executive: bool = False
    has_cio_office: bool = False
    has_procurement: bool = False
    has_champion: bool = False
    stakeholders: int = 0
    last_in_person_on: date | None = None
    touches: int = 0
    in_person_touches: int = 0
    # The champions' contacts: the oldest "last contact" among current champions, and
    # whether one of them was never contacted at all.
    oldest_champion_contact_on: date | None = None
    champion_never_contacted: bool = False
    # Champions who have left the company by `today`, by name (the loudest risk).
    champions_left: tuple[str, ...] = ()


def aggregates(
    conn: sqlite3.Connection,
    today: date,
    *,
    account_ids: Sequence[str] | None = None,
    rep_id: str | None = None,
    top_only: bool = False,
) -> dict[str, AccountAggregates]:
    """Coverage and in-person figures per account: for the given ids, or a filtered list."""
    params: tuple[object, ...]
    if account_ids is not None:
        if len(account_ids) > 500:  # stay well under SQLite's limit on bound values
            merged: dict[str, AccountAggregates] = {}
            for start in range(0, len(account_ids), 500):
                chunk = account_ids[start : start + 500]
                merged.update(aggregates(conn, today, account_ids=chunk))
            return merged
        if not account_ids:
            return {}
        scope = f"s.account_id IN ({', '.join('?' for _ in account_ids)})"
        params = tuple(account_ids)
    else:
        where, fparams = _filter(rep_id, top_only)
        scope = f"s.account_id IN (SELECT a.id FROM account a{where})" if where else "1"
        params = fparams
    day = today.isoformat()
    people = conn.execute(
        "SELECT s.account_id,"
        " max(s.level = 'executive' OR s.role IN ('executive-sponsor', 'economic-buyer')),"
        " max(s.role = 'cio-office'), max(s.role = 'procurement'), max(s.role = 'champion'),"
        " count(*)"
        f" FROM stakeholder s WHERE {scope} AND (s.left_on IS NULL OR s.left_on > ?)"
        " GROUP BY s.account_id",
        (*params, day),
    ).fetchall()
    touches = conn.execute(
        "SELECT s.account_id,"
        " max(CASE WHEN t.channel = 'in-person' THEN t.touched_on END),"
        " count(*), sum(t.channel = 'in-person')"
        " FROM touch t JOIN stakeholder s ON s.id = t.stakeholder_id"
        f" WHERE {scope} AND t.touched_on <= ? GROUP BY s.account_id",
        (*params, day),
    ).fetchall()
    champions = conn.execute(
        "SELECT s.account_id, min(coalesce(("
        "  SELECT max(t.touched_on) FROM touch t"
        "  WHERE t.stakeholder_id = s.id AND t.touched_on <= ?), '')) AS oldest"
        f" FROM stakeholder s WHERE {scope} AND s.role = 'champion'"
        " AND (s.left_on IS NULL OR s.left_on > ?) GROUP BY s.account_id",
        (day, *params, day),
    ).fetchall()
    champion_by_account = {r[0]: r[1] for r in champions}
    gone_by_account = _champions_left(conn, scope, params, day)
    people_by_account = {r[0]: r for r in people}
    touch_by_account = {r[0]: r for r in touches}
    result: dict[str, AccountAggregates] = {}
    for key in people_by_account.keys() | touch_by_account.keys() | gone_by_account.keys():
        p = people_by_account.get(key)
        t = touch_by_account.get(key)
        result[key] = AccountAggregates(
            has_executive=p is not None and bool(p[1]),
            has_cio_office=p is not None and bool(p[2]),
            has_procurement=p is not None and bool(p[3]),
            has_champion=p is not None and bool(p[4]),
            stakeholders=0 if p is None else p[5],
            last_in_person_on=None if t is None else as_date(t[1]),
            touches=0 if t is None else t[2],
            in_person_touches=0 if t is None else (t[3] or 0),
            oldest_champion_contact_on=as_date(champion_by_account.get(key) or None),
            champion_never_contacted=champion_by_account.get(key) == "",
            champions_left=gone_by_account.get(key, ()),
        )
    return result


def _champions_left(
    conn: sqlite3.Connection, scope: str, params: tuple[object, ...], day: str
) -> dict[str, tuple[str, ...]]:
    """Per account in `scope`, the names of its champions who left by `day`."""
    rows = conn.execute(
        "SELECT s.account_id, group_concat(s.name, char(31)) FROM stakeholder s"
        f" WHERE {scope} AND s.role = 'champion' AND s.left_on <= ? GROUP BY s.account_id",
        (*params, day),
    ).fetchall()
    return {r[0]: tuple(sorted(r[1].split("\x1f"))) for r in rows}
