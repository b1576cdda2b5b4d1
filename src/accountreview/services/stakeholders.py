"""Stakeholders and their touches: add, edit, log a contact, mark left, plan the next
contact."""

from dataclasses import dataclass
from datetime import date
from enum import Enum

from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.accounts import AccountRow
from accountreview.db.stakeholders import StakeholderRow
from accountreview.domain.access import Access
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, Level, ReviewStatus, Role
from accountreview.services.errors import InvalidInput, NotFound
from accountreview.services.fields import email_field, text_field
from accountreview.services.lookup import check_access, check_account_id
from accountreview.services.workspace import Workspace


def add_stakeholder(
    ws: Workspace,
    account: AccountRow,
    *,
    name: str,
    title: str | None = None,
    level: Level | None = None,
    role: Role | None = None,
    email: str | None = None,
) -> StakeholderRow:
    """Add a person to an account; saved at once (only by the account's rep)."""
    check_access(ws, account, Access.WRITE)
    clean_name = text_field(name, "name", required=True)
    clean_email = email_field(email, required=False)
    with ws.db.write() as conn:
        _check_email_free(ws, account.id, account.name, clean_email, None)
        new_id = stakeholder_queries.insert_stakeholder(
            conn,
            account_id=account.id,
            name=clean_name or "",
            email=clean_email,
            title=text_field(title, "title", required=False),
            level=level,
            role=role,
        )
        person = stakeholder_queries.get_stakeholder(conn, new_id, ws.today)
    assert person is not None
    return person


def _check_email_free(
    ws: Workspace, account_id: str, account_name: str, email: str | None, own_id: str | None
) -> None:
    """One person per email at an account (`own_id`: the person being edited)."""
    if email is None:
        return
    same = stakeholder_queries.find_stakeholders(ws.db.conn, account_id, email, ws.today)
    if any(p.email and p.email.lower() == email.lower() and p.id != own_id for p in same):
        raise InvalidInput(f"email: {email} is already a stakeholder of {account_name}")


class Keep(Enum):
    """A field an edit leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class PersonEdit:
    """What an edit of a stakeholder changes: each field KEEP (as it is) or its new value;
    None (or empty text) clears an optional field. The name cannot be cleared."""

    name: str | Keep = KEEP
    title: str | Keep | None = KEEP
    level: Level | Keep | None = KEEP
    role: Role | Keep | None = KEEP
    email: str | Keep | None = KEEP

    @property
    def empty(self) -> bool:
        """Whether the edit changes nothing at all."""
        return all(v is KEEP for v in (self.name, self.title, self.level, self.role, self.email))


def edit_stakeholder(
    ws: Workspace, account: AccountRow, person: StakeholderRow, edit: PersonEdit
) -> StakeholderRow:
    """Change a person's name, title, level, role or email, checked as `add_stakeholder`
    checks them; all saved or, on any bad field, none. Only the account's rep edits.
    A closed review keeps the person as frozen at its close."""
    check_access(ws, account, Access.WRITE)
    if person.account_id != account.id:
        raise InvalidInput(f"{person.name} is not a stakeholder of {account.name}")
    if edit.empty:
        raise InvalidInput("nothing to change: give a name, title, level, role or email")
    name = person.name if edit.name is KEEP else text_field(edit.name, "name", required=True)
    title = person.title if edit.title is KEEP else text_field(edit.title, "title", required=False)
    email = person.email if edit.email is KEEP else email_field(edit.email, required=False)
    with ws.db.write() as conn:
        if edit.email is not KEEP:
            _check_email_free(ws, account.id, account.name, email, person.id)
        stakeholder_queries.update_stakeholder(
            conn,
            person.id,
            name=name or person.name,
            email=email,
            title=title,
            level=person.level if edit.level is KEEP else edit.level,
            role=person.role if edit.role is KEEP else edit.role,
            left_on=person.left_on,
        )
    return _fresh(ws, person.id)


def _fresh(ws: Workspace, stakeholder_id: str) -> StakeholderRow:
    person = stakeholder_queries.get_stakeholder(ws.db.conn, stakeholder_id, ws.today)
    if person is None:
        raise NotFound(f"No stakeholder with id {stakeholder_id}")
    return person


def stakeholder_now(ws: Workspace, person: StakeholderRow) -> StakeholderRow | None:
    """`person` as the file holds them now (a sync may have changed them meanwhile);
    None when they are gone (their account moved away)."""
    check_account_id(ws, person.account_id, Access.READ)
    return stakeholder_queries.get_stakeholder(ws.db.conn, person.id, ws.today)


def log_touch(
    ws: Workspace,
    person: StakeholderRow,
    *,
    on: date,
    channel: Channel,
    note: str | None = None,
) -> StakeholderRow:
    """Record a conversation with a stakeholder; never dated in the future."""
    check_account_id(ws, person.account_id, Access.WRITE)
    if on > ws.today:
        raise InvalidInput(
            f"date: {on} is in the future; a contact can only be logged once it happened"
        )
    clean_note = text_field(note, "note", required=False, max_length=2000)
    with ws.db.write() as conn:
        stakeholder_queries.insert_touch(
            conn,
            stakeholder_id=person.id,
            on=on,
            channel=channel,
            note=clean_note,
            logged_by_id=ws.actor_id,
        )
    return _fresh(ws, person.id)


def set_next_contact(ws: Workspace, person: StakeholderRow, on: date | None) -> StakeholderRow:
    """Plan (or clear, with None) the next contact with a stakeholder."""
    check_account_id(ws, person.account_id, Access.WRITE)
    if on is not None and on < ws.today:
        raise InvalidInput(f"next contact: {on} is in the past; plan a date from today on")
    with ws.db.write() as conn:
        stakeholder_queries.set_next_contact(conn, person.id, on)
    return _fresh(ws, person.id)


def mark_left(ws: Workspace, person: StakeholderRow, on: date | None = None) -> StakeholderRow:
    """Record that a stakeholder left; frees their slot in this week's open review."""
    check_account_id(ws, person.account_id, Access.WRITE)
    left_on = on or ws.today
    if left_on > ws.today:
        raise InvalidInput(f"left on: {left_on} is in the future")
    week = str(IsoWeek.of(ws.today))
    with ws.db.write() as conn:
        stakeholder_queries.set_left_on(conn, person.id, left_on)
        review = review_queries.get_review(conn, person.account_id, week)
        if review is not None and review.status is ReviewStatus.OPEN:
            for slot in review_queries.slots_of(conn, review.id):
                if slot.stakeholder_id == person.id:
                    review_queries.set_slot(conn, review.id, slot.position, None, None)
    return _fresh(ws, person.id)


def mark_back(ws: Workspace, person: StakeholderRow) -> StakeholderRow:
    """Undo "left": the stakeholder is at the account again."""
    check_account_id(ws, person.account_id, Access.WRITE)
    with ws.db.write() as conn:
        stakeholder_queries.set_left_on(conn, person.id, None)
    return _fresh(ws, person.id)


def stakeholders_of(ws: Workspace, account: AccountRow) -> list[StakeholderRow]:
    """All stakeholders of an account with their last contact, by name."""
    return stakeholder_queries.list_stakeholders(ws.db.conn, account.id, ws.today)
