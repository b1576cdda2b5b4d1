"""How a row of a CRM export is matched to a stored record and written.

Matching: a record is found by its CRM id first; failing that, a record with
no CRM link yet is linked to it: a rep by email, an account by name (any
case), a stakeholder of the same account by email, then by name. Otherwise a
record is added, linked to its CRM id.

Writing: a non-empty cell sets the value; an empty cell keeps what is stored
(a CRM export says nothing by leaving a cell empty). A contact's level and
role are filled from their job title only where they are still empty, so a
role set by the rep or by an opportunity's contact roles is never overwritten.

Owners: an account's owner (``OwnerId``, ``Account Owner``, ``Company owner``)
is a rep found by Salesforce user id (from an imported Users file), email or
name. When it names no known rep (or the file has no owner), a new account
goes to ``--rep``, and an account already stored keeps its rep; without
``--rep`` such a new account is a problem.

References that lead outside the import (a contact whose account was not
imported, an activity with a contact that was not) skip the row, counted in
the report: a CRM export holds far more than the accounts a rep reviews.
"""

from collections.abc import Callable
from typing import Any

from accountreview.db import accounts as account_queries
from accountreview.db import crm as crm_queries
from accountreview.db import importing as import_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.crm import LinkedPerson
from accountreview.domain.enums import Channel, RepRole, Role
from accountreview.io.crm import hubspot, salesforce
from accountreview.io.crm.fields import CrmCells, level_from_title, role_from_title
from accountreview.io.crm.records import READERS as RECORD_READERS
from accountreview.io.crm.records import (
    CrmAccount,
    CrmActivity,
    CrmContactRole,
    CrmPerson,
    CrmUser,
    Owner,
    Skip,
)
from accountreview.io.csv_source import Row
from accountreview.services.importing.kinds import save_touch
from accountreview.services.importing.run import ImportRun

_NO_OWNER = {
    salesforce.SOURCE: "the name or email of a rep in the database, or the id of a Salesforce"
    " user imported from a Users export; or import with --rep R to give such new accounts to R",
    hubspot.SOURCE: "the name or email of a rep in the database; or import with --rep R to give"
    " such new accounts to R",
}


def _read(run: ImportRun, row: Row) -> tuple[object, CrmCells]:
    assert run.fmt.fields is not None
    cells = CrmCells(row, run.fmt.fields)
    return RECORD_READERS[run.fmt.kind](cells, run.read_options), cells


def import_crm_row(run: ImportRun, row: Row) -> None:
    """Check, match and write one row of a CRM export (of the run's format)."""
    record, cells = _read(run, row)
    if isinstance(record, Skip):
        run.skip(record.reason)
    elif record is None or cells.problems:
        run.reject(cells.problems)
    else:
        _WRITERS[type(record)](run, cells, record)


# -- reps (Salesforce users) -------------------------------------------------------------


def _import_user(run: ImportRun, cells: CrmCells, record: Any) -> None:
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
        _column(cells, "id"),
        existing,
        same=same,
        insert=insert,
        update=update,
        label=cells.fields.label("id"),
    )


def _rep_name(run: ImportRun, rep_id: str) -> str | None:
    rep = rep_queries.get_rep(run.conn, rep_id)
    return None if rep is None else rep.name


# -- accounts ------------------------------------------------------------------------------


def _owner_rep(run: ImportRun, cells: CrmCells, owner: Owner | None) -> str | None:
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


def _import_account(run: ImportRun, cells: CrmCells, record: Any) -> None:
    assert isinstance(record, CrmAccount)
    conn, source = run.conn, run.fmt.source
    existing = (
        None
        if record.crm_id is None
        else crm_queries.find_linked(conn, "account", source, record.crm_id)
    )
    linking = False
    if existing is None:
        matches = crm_queries.unlinked_accounts_named(conn, record.name)
        if len(matches) > 1:
            cells.problem(
                "name", f"a name at most one account has ({len(matches)} accounts have this one)"
            )
        existing = matches[0] if matches else None
        linking = existing is not None and record.crm_id is not None
    rep_id = _owner_rep(run, cells, record.owner)
    if rep_id is None and existing is None and not cells.problems:
        rep_id = run.fallback_rep_id
        if rep_id is None:
            column = "owner" if "owner" in cells.fields else "name"
            cells.problem(
                column, _NO_OWNER[source], cells.text("owner") if column == "owner" else ""
            )
        else:
            run.notes["given to --rep (no owner that is a known rep)"] += 1
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
    same = (
        existing is not None
        and not linking
        and all(
            account_queries.stored_values(conn, existing).get(k) == v for k, v in values.items()
        )
    )
    link = (source, record.crm_id) if record.crm_id is not None else None

    def insert() -> str:
        new_id = account_queries.insert_account(
            conn, {**values, **({"crm_source": source, "crm_id": record.crm_id} if link else {})}
        )
        import_queries.remember_account_name(conn, new_id, record.name)
        return new_id

    def update(account_id: str) -> None:
        account_queries.update_account(conn, account_id, values)
        import_queries.remember_account_name(conn, account_id, record.name)
        if linking and link is not None:
            crm_queries.link(conn, "account", account_id, *link)

    key = "id" if record.crm_id is not None else "name"
    run.save(
        cells.row,
        _column(cells, key),
        existing,
        same=same,
        insert=insert,
        update=update,
        label=cells.fields.label(key),
    )


# -- stakeholders (contacts) -------------------------------------------------------------


def _account_of(run: ImportRun, cells: CrmCells, record: CrmPerson) -> str | None:
    """The stored account a contact belongs to; None (and a skip or problem) if none."""
    conn, source = run.conn, run.fmt.source
    if record.account_crm_id is not None:
        ids = run.cached(
            "account-id",
            record.account_crm_id,
            lambda: (
                [a]
                if (
                    a := crm_queries.find_linked(
                        conn, "account", source, record.account_crm_id or ""
                    )
                )
                else []
            ),
        )
    else:
        name = record.account_name or ""
        ids = run.cached("account", name, lambda: import_queries.account_ids_by_name(conn, name))
        if len(ids) > 1:
            cells.problem(
                "account_name",
                f"one account, but {len(ids)} accounts have this name; export the account id too",
            )
            return None
    if not ids:
        run.skip("account not imported")
        return None
    return ids[0]


def _import_person(run: ImportRun, cells: CrmCells, record: Any) -> None:
    assert isinstance(record, CrmPerson)
    account_id = _account_of(run, cells, record)
    if account_id is None:
        if cells.problems:
            run.reject(cells.problems)
        return
    conn, source = run.conn, run.fmt.source
    existing = (
        None if record.crm_id is None else crm_queries.person_by_crm(conn, source, record.crm_id)
    )
    if existing is not None and existing.account_id != account_id:
        _moved(run, existing)
        existing = None
    linking = False
    if existing is None:
        if run.fmt.source == hubspot.SOURCE and record.email is not None:
            twin = _twin(run, account_id, record.email)
            if twin is not None:
                _merge(run, twin, record)
                _last_activity(run, twin.id, record)
                return
        people = []
        if _has_unlinked(run, account_id):
            people = crm_queries.unlinked_people(
                conn, account_id, email=record.email, name=record.name
            )
        if len(people) > 1:
            column = "email" if record.email is not None else "last"
            cells.problem(
                column,
                f"one stakeholder, but {len(people)} of this account match; give each an email",
            )
            run.reject(cells.problems)
            return
        existing = people[0] if people else None
        linking = existing is not None and record.crm_id is not None
    values = _person_values(record, existing)
    if linking or (existing is None and record.crm_id is not None):
        values.update(crm_source=source, crm_id=record.crm_id)
    same = existing is not None and all(getattr(existing, k) == v for k, v in values.items())
    key = "id" if record.crm_id is not None else "email" if record.email else "last"

    def insert() -> str:
        if values.get("crm_id") is None:
            run.forget("unlinked", account_id)  # this one will be
        return stakeholder_queries.insert_stakeholder(
            conn,
            account_id=account_id,
            name=values["name"],
            email=values.get("email"),
            title=values.get("title"),
            level=level_from_title(record.title or ""),
            role=role_from_title(record.title or ""),
            crm_source=values.get("crm_source"),
            crm_id=values.get("crm_id"),
        )

    person_id = run.save(
        cells.row,
        _column(cells, key),
        None if existing is None else existing.id,
        same=same,
        insert=insert,
        update=lambda pid: crm_queries.update_person(conn, pid, values),
        label=cells.fields.label(key),
    )
    if person_id is not None:
        _last_activity(run, person_id, record)


def _has_unlinked(run: ImportRun, account_id: str) -> bool:
    """Whether the account has stakeholders with no CRM link (remembered: most have none)."""
    found = run.cached(
        "unlinked",
        account_id,
        lambda: [account_id] if crm_queries.has_unlinked_people(run.conn, account_id) else [],
    )
    return bool(found)


def _person_values(record: CrmPerson, existing: LinkedPerson | None) -> dict[str, Any]:
    """What a contact row sets: its non-empty cells, and the title's level and role where empty."""
    values: dict[str, Any] = {"name": record.name}
    if record.email is not None:
        values["email"] = record.email
    if record.title is not None:
        values["title"] = record.title
    if existing is not None and record.title:
        if existing.level is None and (level := level_from_title(record.title)) is not None:
            values["level"] = level.value
        if existing.role is None and (role := role_from_title(record.title)) is not None:
            values["role"] = role.value
    return values


def _moved(run: ImportRun, person: LinkedPerson) -> None:
    """A contact now at another account left the old one (and takes its CRM id along)."""
    values: dict[str, object] = {"crm_source": None, "crm_id": None}
    if person.left_on is None:
        values["left_on"] = run.ws.today.isoformat()
    crm_queries.update_person(run.conn, person.id, values)
    run.forget("unlinked", person.account_id)
    run.notes["moved to another account (marked as left at the old one)"] += 1


def _twin(run: ImportRun, account_id: str, email: str) -> LinkedPerson | None:
    """A stakeholder of the account with this email, linked to another HubSpot record."""
    for person in crm_queries.people_by_email(run.conn, account_id, email):
        if person.crm_source == hubspot.SOURCE:
            return person
    return None


def _merge(run: ImportRun, twin: LinkedPerson, record: CrmPerson) -> None:
    """A contact with the email of another one (a duplicate in HubSpot): it only fills
    what the first left empty."""
    fill: dict[str, object] = {}
    if twin.title is None and record.title:
        fill["title"] = record.title
        if twin.level is None and (level := level_from_title(record.title)) is not None:
            fill["level"] = level.value
        if twin.role is None and (role := role_from_title(record.title)) is not None:
            fill["role"] = role.value
    if fill:
        crm_queries.update_person(run.conn, twin.id, fill)
    run.notes["merged into a contact with the same email"] += 1
    run.unchanged += 1


def _last_activity(run: ImportRun, person_id: str, record: CrmPerson) -> None:
    """HubSpot's Last Activity Date as a touch (see `io.crm.hubspot`)."""
    on = record.last_activity_on
    if on is None or on > run.ws.today:
        return
    note = hubspot.LAST_ACTIVITY_NOTE
    if crm_queries.same_touch(run.conn, person_id, on.isoformat(), Channel.EMAIL.value, note):
        return
    stakeholder_queries.insert_touch(
        run.conn,
        stakeholder_id=person_id,
        on=on,
        channel=Channel.EMAIL,
        note=note,
        logged_by_id=run.ws.actor_id,
    )
    run.notes["touches added from Last Activity Date"] += 1


# -- contact roles -------------------------------------------------------------------------


def _person_id(run: ImportRun, contact_crm_id: str) -> str | None:
    conn, source = run.conn, run.fmt.source
    ids = run.cached(
        "contact",
        contact_crm_id,
        lambda: (
            [p]
            if (p := crm_queries.find_linked(conn, "stakeholder", source, contact_crm_id))
            else []
        ),
    )
    return ids[0] if ids else None


def _import_role(run: ImportRun, cells: CrmCells, record: Any) -> None:
    """Note the contact's best role so far; roles are written when the file ends."""
    assert isinstance(record, CrmContactRole)
    person_id = _person_id(run, record.contact_crm_id)
    if person_id is None:
        run.skip("contact not imported")
        return
    import_queries.note_role(run.conn, person_id, salesforce.ROLE_PRIORITY.index(record.role))
    run.unchanged += 1


def finish_crm(run: ImportRun) -> None:
    """What a file's rows left to do when the file ends (contact roles are written)."""
    if run.fmt.kind == "contact-roles" and not run.problems:
        _write_roles(run)


def _write_roles(run: ImportRun) -> None:
    """Give each contact the highest-priority role its rows named, where it ranks above the
    stored one (an import never demotes a champion to an influencer); counted as updated."""
    priority = salesforce.ROLE_PRIORITY
    for person_id, rank, stored in import_queries.noted_roles(run.conn):
        role = priority[rank].value
        stored_rank = len(priority) if stored is None else priority.index(Role(stored))
        if rank < stored_rank:
            crm_queries.update_person(run.conn, person_id, {"role": role})
            run.updated += 1
            run.unchanged -= 1


# -- touches (activities) ------------------------------------------------------------------


def _import_activity(run: ImportRun, cells: CrmCells, record: Any) -> None:
    assert isinstance(record, CrmActivity)
    person_id = _person_id(run, record.contact_crm_id)
    if person_id is None:
        run.skip("contact not imported")
        return
    logged_by = _owner_rep(run, cells, record.owner) or run.ws.actor_id
    if cells.problems:
        run.reject(cells.problems)
        return
    link = None
    if record.crm_id is not None:
        if not _first_row(run, cells, "touch:" + record.crm_id):
            return
        link = (run.fmt.source, record.crm_id)
    save_touch(
        run,
        person_id,
        on=record.on,
        channel=record.channel,
        note=record.note,
        link=link,
        logged_by_id=logged_by,
    )


def _first_row(run: ImportRun, cells: CrmCells, key: str) -> bool:
    """Whether this is the file's first row for `key` (a problem for a second)."""
    earlier = import_queries.earlier_row(run.conn, key, cells.row.number)
    if earlier is not None:
        cells.problem("id", f"one row per record (row {earlier} has the same one)")
        run.reject(cells.problems)
    return earlier is None


def _column(cells: CrmCells, field: str) -> str:
    return cells.fields.columns.get(field, field)


_WRITERS: dict[type, Callable[[ImportRun, CrmCells, Any], None]] = {
    CrmUser: _import_user,
    CrmAccount: _import_account,
    CrmPerson: _import_person,
    CrmContactRole: _import_role,
    CrmActivity: _import_activity,
}
