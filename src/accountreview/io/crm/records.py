"""What a row of a CRM export reads as, whichever CRM wrote it.

Each `read_*` takes the row's cells (`CrmCells`, which names columns as the
header wrote them) and returns a record, a `Skip` (a row that is fine but not
for this app: an open task, a lead, an inactive user…) or None, with the
row's problems in `cells.problems`. References (a contact's account, an
activity's contact, an owner) are only read here: whether they name a record
is for the import service to say.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from accountreview.domain.enums import Channel, Role
from accountreview.domain.errors import InvalidValue
from accountreview.io.crm import hubspot, salesforce
from accountreview.io.crm.fields import (
    CrmCells,
    crm_bool,
    crm_date,
    crm_email,
    crm_money,
    crm_text,
    person_name,
)

NOTE_MAX_LENGTH = 2000
IdParser = Callable[[str, str], str]


@dataclass(frozen=True)
class ReadOptions:
    """How to read cells whose form the file does not tell."""

    source: str  # salesforce | hubspot
    today: date
    day_first: bool = False
    event_file: bool = False  # an Event export: an activity naming no channel is a meeting

    def parse_id(self, text: str, what: str) -> str:
        """A record id of this CRM, in its stored form."""
        if self.source == salesforce.SOURCE:
            return salesforce.salesforce_id(text, what)
        return hubspot.hubspot_id(text, what)


@dataclass(frozen=True)
class Skip:
    """A good row that is not for this app; `reason` is counted in the report."""

    reason: str


@dataclass(frozen=True)
class CrmLink:
    """The record of a CRM that a record of ours was imported from."""

    source: str  # salesforce | hubspot
    id: str  # in its stored form (a Salesforce id has 18 characters)


def crm_link(source: str, text: str, what: str = "crm_id") -> CrmLink:
    """A link from a source name and an id as a file holds them (`InvalidValue` if bad)."""
    folded = source.strip().casefold()
    if folded == salesforce.SOURCE:
        return CrmLink(folded, salesforce.salesforce_id(text, what))
    if folded == hubspot.SOURCE:
        return CrmLink(folded, hubspot.hubspot_id(text, what))
    raise InvalidValue("crm_source", source, "salesforce or hubspot")


@dataclass(frozen=True)
class Owner:
    """Who owns a record in the CRM: a user id (Salesforce), or a name or email."""

    user_id: str | None
    text: str


@dataclass(frozen=True)
class CrmUser:
    crm_id: str
    name: str
    email: str


@dataclass(frozen=True)
class CrmAccount:
    crm_id: str | None
    name: str
    owner: Owner | None
    potential: int | None  # None: the file does not say (keep what is stored)


@dataclass(frozen=True)
class CrmPerson:
    crm_id: str | None
    account_crm_id: str | None
    account_name: str | None
    name: str
    email: str | None
    title: str | None
    last_activity_on: date | None


@dataclass(frozen=True)
class CrmActivity:
    crm_id: str | None
    contact_crm_id: str
    on: date
    channel: Channel
    note: str | None
    owner: Owner | None


@dataclass(frozen=True)
class CrmContactRole:
    contact_crm_id: str
    role: Role


CrmRecord = CrmUser | CrmAccount | CrmPerson | CrmActivity | CrmContactRole
Read = CrmRecord | Skip | None


def check_ids(cells: CrmCells, options: ReadOptions) -> None:
    """Note a problem for each Salesforce id of the wrong object: an id column holds ids
    of the objects its field names (``AccountId``: Account, ``WhoId``: Contact or
    Lead), told by their key prefix (`salesforce.KEY_PREFIXES`). A cell that is
    not an id (an owner's name) is left to the reader, which says what is wrong with it."""
    if options.source != salesforce.SOURCE:
        return
    checked: set[str] = set()
    for field, objects in cells.fields.objects.items():
        column = cells.fields.columns[field]
        text = cells.text(field)
        if column in checked or not salesforce.looks_like_id(text):
            continue
        checked.add(column)
        what = cells.fields.label(field)
        try:
            crm_id = salesforce.salesforce_id(text, what)
        except InvalidValue:
            continue  # not an id at all: the reader of the field says so
        try:
            salesforce.check_object(crm_id, objects, what)
        except InvalidValue as error:
            cells.problem(field, error.expected)


def _id(cells: CrmCells, options: ReadOptions, field: str, *, required: bool = False) -> str | None:
    what = cells.fields.label(field)
    return cells.read(field, lambda t: options.parse_id(t, what), required=required)


def _date(
    cells: CrmCells, options: ReadOptions, field: str, *, required: bool = False
) -> date | None:
    what = cells.fields.label(field)
    return cells.read(
        field, lambda t: crm_date(t, what, day_first=options.day_first), required=required
    )


def _owner(cells: CrmCells, options: ReadOptions) -> Owner | None:
    text = cells.text("owner")
    if not text:
        return None
    if options.source == salesforce.SOURCE and salesforce.looks_like_id(text):
        user_id = _id(cells, options, "owner")
        return None if user_id is None else Owner(user_id, text)
    return Owner(None, text)


def read_user(cells: CrmCells, options: ReadOptions) -> Read:
    """A Salesforce user: a rep."""
    crm_id = _id(cells, options, "id", required=True)
    email = cells.read("email", lambda t: crm_email(t, cells.fields.label("email")), required=True)
    name = person_name(cells.text("first"), cells.text("last"), cells.text("name"))
    if not name and "name" in cells.fields:
        cells.problem("name", "a value (this column is required)")
    active = cells.read("active", lambda t: crm_bool(t, cells.fields.label("active")))
    if crm_id is None or email is None or cells.problems:
        return None
    if active is False:
        return Skip("inactive user")
    return CrmUser(crm_id, name or email, email)


def read_account(cells: CrmCells, options: ReadOptions) -> Read:
    """An account (Salesforce) or company (HubSpot)."""
    crm_id = _id(cells, options, "id")
    name = cells.read("name", crm_text, required=True)
    owner = _owner(cells, options)
    what = cells.fields.label("potential")
    potential = cells.read("potential", lambda t: crm_money(t, what))
    if name is None or cells.problems:
        return None
    return CrmAccount(crm_id, name, owner, potential)


def read_person(cells: CrmCells, options: ReadOptions) -> Read:
    """A contact: a stakeholder of an account."""
    hub = options.source == hubspot.SOURCE
    crm_id = _id(cells, options, "id")
    account_text = cells.text("account_id")
    account_crm_id = None
    if account_text:
        first = hubspot.first_listed(account_text) if hub else account_text
        what = cells.fields.label("account_id")
        account_crm_id = cells.read("account_id", lambda _: options.parse_id(first, what))
    account_name = crm_text(cells.text("account_name")) or None
    if account_name is not None and hub:
        account_name = hubspot.first_listed(account_name) or None
    email = cells.read("email", lambda t: crm_email(t, cells.fields.label("email")))
    name = person_name(cells.text("first"), cells.text("last"), cells.text("full"))
    if not name:
        if email is None:
            column = "last" if "last" in cells.fields else "full"
            cells.problem(column, "a name (first and last name) or an email")
        name = email or ""
    title = crm_text(cells.text("title")) or None
    last_activity = _date(cells, options, "last_activity")
    if cells.problems:
        return None
    if account_crm_id is None and account_name is None:
        return Skip("no account")
    return CrmPerson(crm_id, account_crm_id, account_name, name, email, title, last_activity)


def read_activity(cells: CrmCells, options: ReadOptions) -> Read:
    """A Task or Event: a touch, when it was a conversation with a contact."""
    crm_id = _id(cells, options, "id")
    status = cells.text("status")
    closed = cells.read("closed", lambda t: crm_bool(t, cells.fields.label("closed")))
    on = _date(cells, options, "date", required=True)
    who = cells.text("who")
    contact = None
    if who and not who.startswith(salesforce.LEAD_PREFIX):
        contact = _id(cells, options, "who")
    channel = _channel(cells, options)
    note = _note(cells.text("subject"), cells.text("description"))
    owner = _owner(cells, options)
    if on is None or cells.problems:
        return None
    if (status and status.casefold() not in salesforce.COMPLETED) or closed is False:
        return Skip("not completed")
    if on > options.today:
        return Skip("dated after today")
    if who.startswith(salesforce.LEAD_PREFIX):
        return Skip("about a lead")
    if contact is None:
        return Skip("about no contact")
    if channel is None:
        return Skip("not a conversation (no channel named)")
    return CrmActivity(crm_id, contact, on, channel, note, owner)


def _channel(cells: CrmCells, options: ReadOptions) -> Channel | None:
    """The first of TaskSubtype, Type, Subject, Location that names a channel."""
    subtype, kind = cells.text("subtype"), cells.text("type")
    event = options.event_file or subtype.casefold() == "event"
    # An Event's subtype is always "Event": it says nothing of the channel.
    for value in (subtype if subtype.casefold() != "event" else "", kind):
        if value and (found := salesforce.channel_from_value(value)) is not None:
            return found
    for text in (kind, cells.text("subject"), cells.text("location")):
        if text and (found := salesforce.channel_from_words(text)) is not None:
            return found
    return Channel.IN_PERSON if event else None


_GENERIC_SUBJECTS = frozenset(s.casefold() for *_, s in salesforce.TASK_FORM.values())


def _note(subject: str, description: str) -> str | None:
    """An activity's note: its subject and its comments (the comments alone when they
    already start with the subject; nothing for a bare "Call" or "Email")."""
    subject, description = crm_text(subject, 255), crm_text(description, NOTE_MAX_LENGTH)
    if not description:
        return None if subject.casefold() in _GENERIC_SUBJECTS else subject or None
    if not subject or description.startswith(subject.rstrip("…")):
        return description
    return crm_text(f"{subject}: {description}", NOTE_MAX_LENGTH)


def read_contact_role(cells: CrmCells, options: ReadOptions) -> Read:
    """An opportunity contact role: the role of a stakeholder."""
    contact = _id(cells, options, "contact", required=True)
    text = cells.text("role")
    role = cells.read("role", lambda t: salesforce.contact_role(t, cells.fields.label("role")))
    if contact is None or cells.problems:
        return None
    if not text or role is None:
        return Skip("no role")
    return CrmContactRole(contact, role)


READERS: dict[str, Callable[[CrmCells, ReadOptions], Read]] = {
    "reps": read_user,
    "accounts": read_account,
    "stakeholders": read_person,
    "touches": read_activity,
    "contact-roles": read_contact_role,
}
