"""CRM users and accounts: matched by CRM id (else linked by email or name) and written.

See `accountreview.services.importing.crm` for the rules every CRM row follows;
here, an account's owner: a rep found by Salesforce user id, email or name; a
new account whose owner is no known rep goes to ``--rep``.
"""

from typing import Any

from accountreview.db import accounts as account_queries
from accountreview.db import crm as crm_queries
from accountreview.db import importing as import_queries
from accountreview.db import reps as rep_queries
from accountreview.domain.enums import RepRole
from accountreview.io.crm import hubspot, salesforce
from accountreview.io.crm.fields import CrmCells
from accountreview.io.crm.records import CrmAccount, CrmUser, Owner
from accountreview.services.importing.run import ImportRun

_NO_OWNER = {
    salesforce.SOURCE: "the name or email of a rep in the database, or the id of a Salesforce"
    " user imported from a Users export; or import with --rep R to give such new accounts to R",
    hubspot.SOURCE: "the name or email of a rep in the database; or import with --rep R to give"
    " such new accounts to R",
}


def import_user(run: ImportRun, cells: CrmCells, record: Any) -> None:
    """A Salesforce user: a rep, matched by user id, else linked by email."""
    assert isinstance(record, CrmUser)
    conn, source = run.conn, run.fmt.source
    existing = crm_queries.find_linked(conn, "rep", source, record.crm_id)
    linking = False
    if existing is None:
        rep = import_queries.rep_by_email(conn, record.email)
        if rep is not None and crm_queries.crm_of(conn, "rep", rep.id) is not None:
            cells.problem("email", "the email of one user (a rep with it is another user)")
            run.reject(cells.problems)
            return
        existing, linking = (None, False) if rep is None else (rep.id, True)
    same = not linking and existing is not None and _rep_name(run, existing) == record.name

    def insert() -> str:
        rep_id = rep_queries.insert_rep(
            conn, name=record.name, email=record.email, role=RepRole.REP, manager_id=None
        )
        crm_queries.link(conn, "rep", rep_id, source, record.crm_id)
        return rep_id

    def update(rep_id: str) -> None:
        conn.execute("UPDATE rep SET name = ? WHERE id = ?", (record.name, rep_id))
        crm_queries.link(conn, "rep", rep_id, source, record.crm_id)

    run.save(
        cells.row,
        column_of(cells, "id"),
        existing,
        same=same,
        insert=insert,
        update=update,
        label=cells.fields.label("id"),
    )


def _rep_name(run: ImportRun, rep_id: str) -> str | None:
    rep = rep_queries.get_rep(run.conn, rep_id)
    return None if rep is None else rep.name


def owner_rep(run: ImportRun, cells: CrmCells, owner: Owner | None) -> str | None:
    """The rep an owner cell names, or None (a problem only when it names several)."""
    if owner is None:
        return None
    conn, source = run.conn, run.fmt.source
    if owner.user_id is not None:
        ids = run.cached(
            "owner-id",
            owner.user_id,
            lambda: crm_queries.rep_ids_by_crm(conn, source, owner.user_id or ""),
        )
    else:
        ids = run.cached("rep", owner.text, lambda: import_queries.rep_ids_named(conn, owner.text))
    if len(ids) > 1:
        cells.problem("owner", f"one rep, but {len(ids)} reps have this name; give the email")
    return ids[0] if len(ids) == 1 else None


def import_account(run: ImportRun, cells: CrmCells, record: Any) -> None:
    """An account or company: matched by CRM id, else linked by name, else added."""
    assert isinstance(record, CrmAccount)
    conn, source = run.conn, run.fmt.source
    existing, linking = _match_account(run, cells, record)
    rep_id = _account_rep(run, cells, record, existing)
    if cells.problems:
        run.reject(cells.problems)
        return
    values: dict[str, Any] = {"name": record.name}
    if rep_id is not None:
        values["rep_id"] = rep_id
    if record.potential is not None:
        values["potential"] = record.potential
    if run.options.top:
        values["is_top"] = 1
    stored = {} if existing is None else account_queries.stored_values(conn, existing)
    same = (
        existing is not None and not linking and all(stored.get(k) == v for k, v in values.items())
    )
    link = {} if record.crm_id is None else {"crm_source": source, "crm_id": record.crm_id}

    def insert() -> str:
        new_id = account_queries.insert_account(conn, {**values, **link})
        import_queries.remember_account_name(conn, new_id, record.name)
        return new_id

    def update(account_id: str) -> None:
        account_queries.update_account(conn, account_id, values)
        import_queries.remember_account_name(conn, account_id, record.name)
        if linking and record.crm_id is not None:
            crm_queries.link(conn, "account", account_id, source, record.crm_id)

    key = "id" if record.crm_id is not None else "name"
    run.save(
        cells.row,
        column_of(cells, key),
        existing,
        same=same,
        insert=insert,
        update=update,
        label=cells.fields.label(key),
    )


def _match_account(run: ImportRun, cells: CrmCells, record: CrmAccount) -> tuple[str | None, bool]:
    """The stored account a row is (by CRM id, else an unlinked one by name), and whether
    the row links it to its CRM id now."""
    if record.crm_id is not None:
        found = crm_queries.find_linked(run.conn, "account", run.fmt.source, record.crm_id)
        if found is not None:
            return found, False
    matches = crm_queries.unlinked_accounts_named(run.conn, record.name)
    if len(matches) > 1:
        expected = f"a name at most one account has ({len(matches)} accounts have this one)"
        cells.problem("name", expected)
    existing = matches[0] if matches else None
    return existing, existing is not None and record.crm_id is not None


def _account_rep(
    run: ImportRun, cells: CrmCells, record: CrmAccount, existing: str | None
) -> str | None:
    """The rep the row gives the account: its owner, else (for a new account) --rep;
    None keeps a stored account's rep. A new account with neither is a problem."""
    rep_id = owner_rep(run, cells, record.owner)
    if rep_id is not None or existing is not None or cells.problems:
        return rep_id
    if run.fallback_rep_id is None:
        column = "owner" if "owner" in cells.fields else "name"
        shown = cells.text("owner") if column == "owner" else ""
        cells.problem(column, _NO_OWNER[run.fmt.source], shown)
        return None
    run.notes["given to --rep (no owner that is a known rep)"] += 1
    return run.fallback_rep_id


def column_of(cells: CrmCells, field: str) -> str:
    """The file's column (as `Row.cells` keys it) of a field."""
    return cells.fields.columns.get(field, field)
