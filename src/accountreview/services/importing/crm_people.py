"""CRM contacts, contact roles and activities: matched by CRM id (else linked) and written.

See `accountreview.services.importing.crm` for the rules every CRM row follows;
here, what is particular to people: a contact now at another account has left
the old one, HubSpot duplicates merge by email, roles only ever rise, and an
activity is matched by its CRM id, else by what it says.
"""

from typing import Any

from accountreview.db import crm as crm_queries
from accountreview.db import importing as import_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.crm import LinkedPerson
from accountreview.domain import ids
from accountreview.domain.enums import Channel, Role
from accountreview.io.crm import hubspot, salesforce
from accountreview.io.crm.fields import CrmCells, level_from_title, role_from_title
from accountreview.io.crm.records import CrmActivity, CrmContactRole, CrmPerson
from accountreview.services.importing.crm_accounts import column_of, owner_rep
from accountreview.services.importing.run import (
    HeldKey,
    ImportRun,
    PersonByCrm,
    PersonByEmail,
    PersonById,
)
from accountreview.services.importing.touches import save_touch


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


def import_person(run: ImportRun, cells: CrmCells, record: Any) -> None:
    """A contact: matched (or merged, or added) as a stakeholder of its account."""
    assert isinstance(record, CrmPerson)
    account_id = _account_of(run, cells, record)
    if account_id is None:
        if cells.problems:
            run.reject(cells.problems)
        return
    conn, source = run.conn, run.fmt.source
    existing = None
    if record.crm_id is not None:
        if run.held(PersonByCrm(record.crm_id)):
            run.write_held()
        existing = crm_queries.person_by_crm(conn, source, record.crm_id)
    if existing is not None and existing.account_id != account_id:
        _moved(run, existing)
        existing = None
    linking = False
    if existing is None:
        if run.fmt.source == hubspot.SOURCE and record.email is not None:
            if run.held(PersonByEmail.of(account_id, record.email)):
                run.write_held()
            twin = _twin(run, account_id, record.email)
            if twin is not None:
                _merge(run, twin, record)
                _last_activity(run, twin.id, record)
                return
        found, existing = _unlinked_match(run, cells, account_id, record)
        if not found:
            return
        linking = existing is not None and record.crm_id is not None
    values = _person_values(record, existing)
    if linking or (existing is None and record.crm_id is not None):
        values.update(crm_source=source, crm_id=record.crm_id)
    same = existing is not None and all(getattr(existing, k) == v for k, v in values.items())
    key = "id" if record.crm_id is not None else "email" if record.email else "last"
    person_id = run.save(
        cells.row,
        column_of(cells, key),
        None if existing is None else existing.id,
        same=same,
        insert=lambda: _insert_person(run, account_id, values, record),
        update=lambda pid: crm_queries.update_person(conn, pid, values),
        label=cells.fields.label(key),
    )
    if person_id is not None:
        _last_activity(run, person_id, record)


def _unlinked_match(
    run: ImportRun, cells: CrmCells, account_id: str, record: CrmPerson
) -> tuple[bool, LinkedPerson | None]:
    """The stakeholder not linked yet that a contact is (or None), after True; False (and a
    problem) when several are."""
    people: list[LinkedPerson] = []
    if _has_unlinked(run, account_id):
        people = crm_queries.unlinked_people(
            run.conn, account_id, email=record.email, name=record.name
        )
    if len(people) > 1:
        column = "email" if record.email is not None else "last"
        expected = f"one stakeholder, but {len(people)} of this account match; give each an email"
        cells.problem(column, expected)
        run.reject(cells.problems)
        return False, None
    return True, people[0] if people else None


def _insert_person(
    run: ImportRun, account_id: str, values: dict[str, Any], record: CrmPerson
) -> str:
    """A new stakeholder, with the level and role its title says.

    One linked to its CRM record is written with the next batch (see `ImportRun.add_later`),
    findable meanwhile by its CRM id, its id and (for HubSpot twins) its email.
    """
    row = stakeholder_queries.stakeholder_row(
        account_id=account_id,
        name=values["name"],
        email=values.get("email"),
        title=values.get("title"),
        level=level_from_title(record.title or ""),
        role=role_from_title(record.title or ""),
        crm_source=values.get("crm_source"),
        crm_id=values.get("crm_id"),
        created_at=run.started_at,
        taken=stakeholder_queries.id_taken(run.conn),
    )
    person_id = str(row[0])
    crm_id = values.get("crm_id")
    if crm_id is None:
        run.forget("unlinked", account_id)  # this one will be
        stakeholder_queries.insert_stakeholders(run.conn, [row])
        return person_id
    keys: list[HeldKey] = [PersonByCrm(crm_id), PersonById(person_id)]
    if record.email is not None:
        keys.append(PersonByEmail.of(account_id, record.email))
    run.add_later(person=row, keys=keys)
    return person_id


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
    if run.holds(person_id):
        run.write_held()  # the touch refers to it
    note = hubspot.LAST_ACTIVITY_NOTE
    if import_queries.same_touches(run.conn, person_id, on.isoformat(), Channel.EMAIL.value, note):
        return
    stakeholder_queries.insert_touch(
        run.conn,
        stakeholder_id=person_id,
        on=on,
        channel=Channel.EMAIL,
        note=note,
        logged_by_id=run.ws.actor_id,
        touch_id=ids.crm_activity_id(run.fmt.source, person_id, on.isoformat()),
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


def import_role(run: ImportRun, cells: CrmCells, record: Any) -> None:
    """An opportunity contact role: the contact's best role so far is noted, and roles
    are written when the file ends (`finish`)."""
    assert isinstance(record, CrmContactRole)
    person_id = _person_id(run, record.contact_crm_id)
    if person_id is None:
        run.skip("contact not imported")
        return
    import_queries.note_role(run.conn, person_id, salesforce.ROLE_PRIORITY.index(record.role))
    run.unchanged += 1


def finish(run: ImportRun) -> None:
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


def import_activity(run: ImportRun, cells: CrmCells, record: Any) -> None:
    """A Task or Event: a touch of the contact, matched by its CRM id or what it says."""
    assert isinstance(record, CrmActivity)
    person_id = _person_id(run, record.contact_crm_id)
    if person_id is None:
        run.skip("contact not imported")
        return
    logged_by = owner_rep(run, cells, record.owner) or run.ws.actor_id
    if cells.problems:
        run.reject(cells.problems)
        return
    save_touch(
        run,
        person_id,
        on=record.on,
        channel=record.channel,
        note=record.note,
        link=None if record.crm_id is None else (run.fmt.source, record.crm_id),
        logged_by_id=logged_by,
        row=cells.row,
        first_row=lambda earlier: _second_row(run, cells, earlier),
    )


def _second_row(run: ImportRun, cells: CrmCells, earlier: int) -> None:
    """A second row for the same activity (`earlier` had it first) is a problem."""
    cells.problem("id", f"one row per record (row {earlier} has the same one)")
    run.reject(cells.problems)
