"""HubSpot exports: companies and contacts (Contacts/Companies → Export, CSV).

Files
    HubSpot names columns by their labels (``Record ID``, ``Company name``,
    ``First Name``, ``Last Name``, ``Job Title``, ``Email``, ``Associated
    Company``, ``Contact owner``, ``Last Activity Date``) and writes dates as
    ``2026-11-20 14:03`` (the date part is kept). Its export kinds and versions
    name the same column differently: the id may be ``Record ID``, ``Company
    ID``/``Contact ID``, ``Record ID - Company`` or ``hs_object_id``; a contact's
    company comes by name (``Associated Company``, ``Company Name``,
    ``Company``…) or by id (``Associated Company ID``, ``Associated Company IDs
    (Primary)``, ``Primary Associated Company ID``…). `FIELDS` is the one table
    of these labels.

    ========== ==================================================== ============
    kind       recognised by                                        becomes
    ========== ==================================================== ============
    companies  a column only HubSpot writes (an id, ``Company       accounts
               owner``…) and the company's name
    contacts   a column only HubSpot writes and ``First Name``,     stakeholders
               ``Last Name`` or ``Email``
    ========== ==================================================== ============

    A file of either kind must have a column for the record id, the name (and
    for a contact, its company); a header without one is refused naming what
    it lacks and the labels accepted for it (`lacking`).

Contacts
    A contact belongs to the company of ``Associated Company ID`` when the
    export has it, else of ``Associated Company`` (by name; the first one when
    it lists several, separated by ``;``). Contacts are de-duplicated by email:
    a contact whose email another contact of the same company already has is
    merged into that one (it only fills what that one lacks), whatever the
    order of the rows. ``Last Activity
    Date`` becomes a touch on that day, logged as an email (HubSpot does not
    say which channel), noted "HubSpot: last activity".

Ids
    A record id is digits. A spreadsheet that turned one into ``1.23457E+11``
    lost digits: such a cell is refused with a hint to format the column as text.
"""

import re

from accountreview.domain.errors import InvalidValue
from accountreview.io.crm.fields import Field, FieldMap

SOURCE = "hubspot"
LAST_ACTIVITY_NOTE = "HubSpot: last activity"

_ID = re.compile(r"[0-9]{1,20}(?:\.0+)?")
_MANGLED = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+")

# The one table of the labels HubSpot writes for each field, across its export kinds
# (a view or list export, an export with associations) and versions: the first
# label a header has is the column read.
_L = Field.labelled
FIELDS: dict[str, tuple[Field, ...]] = {
    "accounts": (
        _L(
            "id",
            "Record ID",
            "Company ID",
            "Record ID - Company",
            "Company Record ID",
            "hs_object_id",
        ),
        _L("name", "Company name", "Name", "Company"),
        _L("owner", "Company owner", "HubSpot Owner", "Owner"),
    ),
    "stakeholders": (
        _L(
            "id",
            "Record ID",
            "Contact ID",
            "Record ID - Contact",
            "Contact Record ID",
            "hs_object_id",
        ),
        _L(
            "account_id",
            "Associated Company ID",
            "Associated Company IDs",
            "Associated Company IDs (Primary)",
            "Associated Company ID (Primary)",
            "Primary Associated Company ID",
            "Associated Company Record ID",
            "Record ID - Company",
            "Company ID",
        ),
        _L(
            "account_name",
            "Associated Company",
            "Associated Company (Primary)",
            "Associated Company Name",
            "Primary Associated Company",
            "Company Name",
            "Company",
        ),
        _L("first", "First Name"),
        _L("last", "Last Name"),
        _L("full", "Name", "Full Name"),
        _L("email", "Email", "Email Address"),
        _L("title", "Job Title", "Title"),
        _L("owner", "Contact owner", "HubSpot Owner", "Owner"),
        _L("last_activity", "Last Activity Date", "Last Contacted", "Last Engagement Date"),
    ),
}

TITLES = {"accounts": "companies", "stakeholders": "contacts"}

# What a file of each kind must have a column for: (in words, the fields any of which do).
REQUIRED: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "accounts": (("the record id", ("id",)), ("the company name", ("name",))),
    "stakeholders": (
        ("the record id", ("id",)),
        ("the contact's name or email", ("first", "last", "full", "email")),
        ("the contact's company (its name or id)", ("account_id", "account_name")),
    ),
}


def _aliases(kind: str, *names: str) -> frozenset[str]:
    return frozenset(a for f in FIELDS[kind] if f.name in names for a in f.aliases)


_IDS = _aliases("accounts", "id") | _aliases("stakeholders", "id")
_PERSON = frozenset({"firstname", "lastname", "email", "emailaddress"})
_COMPANY = _aliases("stakeholders", "account_id", "account_name") - {"company", "companyname"}
# Columns only HubSpot writes (with an id, they tell a HubSpot export from others').
_MARKERS = _IDS | _COMPANY | {"companyowner", "contactowner", "hubspotowner", "companydomainname"}
# Columns of a companies export (a contacts export has none of them, or a contact's name).
_COMPANY_ONLY = (
    _aliases("accounts", "id", "name", "owner") - {"recordid", "hsobjectid", "owner"}
) | {"companydomainname"}
# Columns of a Salesforce export: a file with them is not HubSpot's.
_SALESFORCE = frozenset({"accountid", "accountname", "accountowner"})


def kind_of(keys: set[str]) -> str | None:
    """The kind of HubSpot file a header is (its `fields.header_keys`), or None.

    A header with a column only HubSpot writes (a record id, an associated company,
    a ``Company owner``…) and a contact's name or email is contacts; with a company's
    columns (its name, ``Company owner``, ``Company Domain Name``…) companies.
    Whether it has every column its kind needs is `lacking`'s to say.
    """
    if keys & _SALESFORCE or not keys & _MARKERS:
        return None
    if keys & _PERSON:
        return "stakeholders"
    if keys & _COMPANY_ONLY:
        return "accounts"
    return None


def lacking(kind: str, fields: FieldMap) -> list[str]:
    """What a header of this kind has no column for, each with the labels accepted."""
    labels = {f.name: f.labels for f in FIELDS[kind]}
    missing = []
    for what, names in REQUIRED[kind]:
        if not any(name in fields for name in names):
            accepted = ", ".join(label for name in names for label in labels[name])
            missing.append(f"no column for {what} (expected one of {accepted})")
    return missing


def hubspot_id(text: str, what: str = "Record ID") -> str:
    """A record id as stored: its digits."""
    cleaned = text.strip()
    if _ID.fullmatch(cleaned):
        return cleaned.partition(".")[0]
    if _MANGLED.fullmatch(cleaned):
        raise InvalidValue(
            what,
            text,
            "a record id of digits; a spreadsheet turned this one into a rounded number:"
            " export again, or format the column as text before saving",
        )
    raise InvalidValue(what, text, "a HubSpot record id (digits)")


def first_listed(text: str) -> str:
    """The first of several values HubSpot lists in one cell (``Acme; Globex`` -> Acme)."""
    return text.split(";", 1)[0].strip()
