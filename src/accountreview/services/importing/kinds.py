"""How a row of each kind is checked, matched to a stored record and written.

How a touch is matched and written, for these rows and CRM activities alike, is
`touches.save_touch`'s.
"""

import sqlite3
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from accountreview.db import accounts as account_queries
from accountreview.db import crm as crm_queries
from accountreview.db import importing as import_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.crm import LinkedTouch
from accountreview.db.importing import StoredStakeholder
from accountreview.db.records import date_text
from accountreview.io import native_csv
from accountreview.io.crm.records import CrmLink
from accountreview.io.native_csv import AccountRecord, Row, RowProblem, StakeholderRecord
from accountreview.services.importing.run import ImportRun, TouchById
from accountreview.services.importing.touches import save_touch


def _one(
    row: Row,
    column: str,
    ids: list[str],
    problems: list[RowProblem],
    *,
    unknown: str,
    ambiguous: str,
) -> str | None:
    """The single id found for a reference cell, else a problem (none, or several)."""
    if len(ids) == 1:
        return ids[0]
    expected = unknown if not ids else ambiguous.format(n=len(ids))
    problems.append(row.problem(column, expected))
    return None


def _rep_id(run: ImportRun, row: Row, column: str, problems: list[RowProblem]) -> str | None:
    text = row.text(column)
    if column == "manager":  # reps change during a reps import: no cache
        ids = import_queries.rep_ids_named(run.conn, text)
        unknown = "the name or email of a rep in the database or in an earlier row of this file"
    else:
        ids = run.cached("rep", text, lambda: import_queries.rep_ids_named(run.conn, text))
        unknown = "the name or email of a rep in the database (import reps first)"
    ambiguous = "one rep, but {n} reps have this name; give the email"
    return _one(row, column, ids, problems, unknown=unknown, ambiguous=ambiguous)


def _account_id(run: ImportRun, row: Row, problems: list[RowProblem]) -> str | None:
    text = row.text("account")
    ids = run.cached("account", text, lambda: import_queries.account_ids_named(run.conn, text))
    return _one(
        row,
        "account",
        ids,
        problems,
        unknown="the exact name or id of an account in the database (import accounts first)",
        ambiguous="one account, but {n} accounts have this name; give the account's id",
    )


def _manager_id(
    run: ImportRun, row: Row, own_email: str | None, own_id: str | None, problems: list[RowProblem]
) -> str | None:
    text = row.text("manager")
    if not text:
        return None
    itself = row.problem("manager", "another rep (a rep cannot manage themselves)")
    if own_email is not None and text.casefold() == own_email.casefold():
        problems.append(itself)
        return None
    manager_id = _rep_id(run, row, "manager", problems)
    if manager_id is not None and manager_id == own_id:
        problems.append(itself)
        return None
    return manager_id


def _import_rep(run: ImportRun, row: Row) -> None:
    record, problems = native_csv.read_rep(row)
    existing = None if record is None else import_queries.rep_by_email(run.conn, record.email)
    own_id = None if existing is None else existing.id
    manager_id = _manager_id(run, row, None if record is None else record.email, own_id, problems)
    if record is None or problems:
        run.reject(problems)
        return
    values: dict[str, Any] = {"name": record.name, "role": record.role, "manager_id": manager_id}
    run.save(
        row,
        "email",
        own_id,
        same=existing is not None
        and (existing.name, existing.role, existing.manager_id) == tuple(values.values()),
        insert=lambda: rep_queries.insert_rep(run.conn, email=record.email, **values),
        update=lambda rep_id: rep_queries.update_rep(run.conn, rep_id, **values),
    )


def _account_values(record: AccountRecord, rep_id: str) -> dict[str, Any]:
    """An account row in stored form (as `db.accounts.stored_values` returns it)."""
    r = record
    return {
        "name": r.name,
        "rep_id": rep_id,
        "is_top": int(r.is_top),
        "potential": r.potential,
        "current": r.current,
        "list_price": r.list_price,
        "discount_pct": r.discount_pct,
        "rebate_pct": r.rebate_pct,
        "uplift_pct": r.uplift_pct,
        "signed_on": date_text(r.signed_on),
        "live_on": date_text(r.live_on),
        "paid_on": date_text(r.paid_on),
        "lost_on": date_text(r.lost_on),
        "churned_on": date_text(r.churned_on),
        "contract": None if r.contract is None else r.contract.value,
        "contract_start": date_text(r.contract_start),
        "cio_signoff_on": date_text(r.cio_signoff_on),
        "procurement_signoff_on": date_text(r.procurement_signoff_on),
        "penetration_target_pct": r.penetration_target_pct,
    }


def _match_account(
    run: ImportRun, row: Row, record: AccountRecord, problems: list[RowProblem]
) -> str | None:
    """The account a row is about: by id, CRM id, else name (see `accountreview.io.native_csv`);
    a row with an id new here is never matched by name to an account an earlier row matched."""
    if record.id is not None and import_queries.is_account(run.conn, record.id):
        return record.id
    existing_id = None
    if record.crm is not None:
        existing_id = crm_queries.find_linked(run.conn, "account", *_link(record.crm))
    if existing_id is None:
        matches = import_queries.account_ids_by_name(run.conn, record.name)
        if record.id is not None:
            matches = [m for m in matches if not run.matched(m)]
        if len(matches) > 1:
            expected = f"a name at most one account has ({len(matches)} accounts have this one)"
            problems.append(row.problem("name", expected))
        existing_id = matches[0] if matches else None
    return existing_id


def _import_account(run: ImportRun, row: Row) -> None:
    record, problems = native_csv.read_account(row)
    rep_id = _rep_id(run, row, "rep", problems) if row.text("rep") else None
    existing_id = None if record is None else _match_account(run, row, record, problems)
    if record is None or rep_id is None or problems:
        run.reject(problems)
        return
    values = _account_values(record, rep_id)
    conn = run.conn
    link = None if record.crm is None else _link(record.crm)
    if link is not None:
        values.update(crm_source=link[0], crm_id=link[1])

    def insert() -> str:
        new_id = account_queries.insert_account(conn, values, account_id=record.id)
        import_queries.remember_account_name(conn, new_id, record.name)
        return new_id

    def update(account_id: str) -> None:
        account_queries.update_account(conn, account_id, values)
        import_queries.remember_account_name(conn, account_id, record.name)

    def update_all(account_id: str) -> None:
        update(account_id)
        if link is not None:
            crm_queries.link(conn, "account", account_id, *link)

    same = existing_id is not None and _stored_account(conn, existing_id, link) == values
    run.save(row, "name", existing_id, same=same, insert=insert, update=update_all)


def _link(crm: CrmLink) -> tuple[str, str]:
    return crm.source, crm.id


def _stored_account(
    conn: sqlite3.Connection, account_id: str, link: tuple[str, str] | None
) -> dict[str, Any]:
    stored = account_queries.stored_values(conn, account_id)
    if link is not None:
        found = crm_queries.crm_of(conn, "account", account_id)
        stored.update(crm_source=found and found[0], crm_id=found and found[1])
    return stored


def _by_own_id(
    run: ImportRun, row: Row, account_id: str, record_id: str, problems: list[RowProblem]
) -> list[StoredStakeholder]:
    """The account's stakeholder with the row's `id` (none when the id is new here)."""
    owner = import_queries.stakeholder_account(run.conn, record_id)
    if owner is not None and owner != account_id:
        expected = "the id of a stakeholder of this account (it is another account's)"
        problems.append(row.problem("id", expected))
    return [] if owner != account_id else import_queries.stakeholders_by_id(run.conn, record_id)


def _match_stakeholder(
    run: ImportRun, row: Row, account_id: str, record: StakeholderRecord, problems: list[RowProblem]
) -> StoredStakeholder | None:
    """The stakeholder a row is about: by id, CRM id, email, else name (see
    `accountreview.io.native_csv`); a row with an id new here is never matched by
    email or name to a stakeholder an earlier row already matched."""
    people: list[StoredStakeholder] = []
    if record.id is not None:
        people = _by_own_id(run, row, account_id, record.id, problems)
        if people or problems:
            return people[0] if people else None
    if record.crm is not None:
        linked = crm_queries.person_by_crm(run.conn, *_link(record.crm))
        if linked is not None and linked.account_id != account_id:
            expected = "the CRM id of a stakeholder of this account (it is another account's)"
            problems.append(row.problem("crm_id", expected))
            return None
        if linked is not None:
            people = import_queries.stakeholders_by_id(run.conn, linked.id)
    if not people and record.email is not None:
        people = import_queries.stakeholders_by_email(run.conn, account_id, record.email)
    if not people:
        people = import_queries.stakeholders_by_name(run.conn, account_id, record.name)
        if record.crm is not None:
            people = [p for p in people if p.crm_source is None]
        if record.email is not None:
            people = [p for p in people if p.email is None]
    if record.id is not None:
        people = [p for p in people if not run.matched(p.id)]
    if len(people) > 1:
        column = "email" if record.email is not None else "name"
        expected = f"one stakeholder, but {len(people)} of this account match; give the email"
        problems.append(row.problem(column, expected))
        return None
    return people[0] if people else None


def _import_stakeholder(run: ImportRun, row: Row) -> None:
    record, problems = native_csv.read_stakeholder(row)
    account_id = _account_id(run, row, problems) if row.text("account") else None
    existing = None
    if record is not None and account_id is not None:
        existing = _match_stakeholder(run, row, account_id, record, problems)
    if record is None or account_id is None or problems:
        run.reject(problems)
        return
    fields: dict[str, Any] = {
        "name": record.name,
        "email": record.email,
        "title": record.title,
        "level": record.level,
        "role": record.role,
        "left_on": record.left_on,
    }
    if record.crm is not None:
        fields.update(crm_source=record.crm.source, crm_id=record.crm.id)
    same = existing is not None and (
        (existing.name, existing.email, existing.title, existing.level, existing.role)
        == (record.name, record.email, record.title, record.level, record.role)
        and existing.left_on == record.left_on
        and (record.crm is None or (existing.crm_source, existing.crm_id) == _link(record.crm))
    )
    run.save(
        row,
        "email" if record.email is not None else "name",
        None if existing is None else existing.id,
        same=same,
        insert=lambda: stakeholder_queries.insert_stakeholder(
            run.conn, account_id=account_id, stakeholder_id=record.id, **fields
        ),
        update=lambda person_id: crm_queries.update_person(run.conn, person_id, _stored(fields)),
    )


def _touch_stakeholder(
    run: ImportRun, row: Row, account_id: str, problems: list[RowProblem]
) -> str | None:
    """The stakeholder of the account a touches row names (by id, email or name)."""
    text = row.text("stakeholder")
    ids = import_queries.stakeholder_ids_named(run.conn, account_id, text)
    name = import_queries.account_name(run.conn, account_id) if len(ids) != 1 else ""
    return _one(
        row,
        "stakeholder",
        ids,
        problems,
        unknown=f"the name or email of a stakeholder of {name} (import stakeholders first)",
        ambiguous=f"one stakeholder of {name}, but {{n}} have this name; give the email",
    )


def _known_touch(
    run: ImportRun, row: Row, account_id: str, touch_id: str, problems: list[RowProblem]
) -> LinkedTouch | None:
    """The touch of this account that the row's id names (None: an id new here)."""
    if run.held(TouchById(touch_id)):
        run.write_held()
    owner = import_queries.touch_account(run.conn, touch_id)
    if owner is None:
        return None
    if owner != account_id:
        expected = "the id of a touch of this account (it is another account's)"
        problems.append(row.problem("id", expected))
        return None
    earlier = run.earlier_row(touch_id, row.number)
    if earlier is not None:
        problems.append(row.problem("id", f"one row per record (row {earlier} has the same one)"))
    return import_queries.touch_by_id(run.conn, touch_id)


def _import_touch(run: ImportRun, row: Row) -> None:
    record, problems = native_csv.read_touch(row, run.ws.today)
    account_id = _account_id(run, row, problems) if row.text("account") else None
    stakeholder_id = known = None
    if account_id is not None and row.text("stakeholder"):
        stakeholder_id = _touch_stakeholder(run, row, account_id, problems)
    if record is not None and record.id is not None and account_id is not None:
        known = _known_touch(run, row, account_id, record.id, problems)
    if record is None or stakeholder_id is None or problems:
        run.reject(problems)
        return
    link = None if record.crm is None else _link(record.crm)
    save_touch(
        run,
        stakeholder_id,
        on=record.on,
        channel=record.channel,
        note=record.note,
        link=link,
        logged_by_id=run.ws.actor_id,
        known=known,
        new_id=None if record.id is None else (record.id, row.number),
    )


def _stored(fields: dict[str, Any]) -> dict[str, object]:
    """Stakeholder values as stored (enums as their values, dates as text)."""
    return {
        key: value.value
        if isinstance(value, StrEnum)
        else date_text(value)
        if isinstance(value, date)
        else value
        for key, value in fields.items()
    }


IMPORTERS: dict[str, Callable[[ImportRun, Row], None]] = {
    "reps": _import_rep,
    "accounts": _import_account,
    "stakeholders": _import_stakeholder,
    "touches": _import_touch,
}
