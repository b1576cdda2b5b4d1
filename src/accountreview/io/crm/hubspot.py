"""HubSpot exports: companies and contacts (Contacts/Companies → Export, CSV).

Files
    HubSpot names columns by their labels (``Record ID``, ``Company name``,
    ``First Name``, ``Last Name``, ``Job Title``, ``Email``, ``Associated
    Company``, ``Contact owner``, ``Last Activity Date``) and writes dates as
    ``2026-11-20 14:03`` (the date part is kept). Every export has a
    ``Record ID`` column.

    ========== ==================================================== ============
    kind       recognised by                                        becomes
    ========== ==================================================== ============
    companies  ``Record ID`` and ``Company name``                   accounts
    contacts   ``Record ID`` and ``First Name``, ``Last Name`` or   stakeholders
               ``Email``
    ========== ==================================================== ============

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
from accountreview.io.crm.fields import Field

SOURCE = "hubspot"
LAST_ACTIVITY_NOTE = "HubSpot: last activity"

_ID = re.compile(r"[0-9]{1,20}(?:\.0+)?")
_MANGLED = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+")

FIELDS: dict[str, tuple[Field, ...]] = {
    "accounts": (
        Field("id", ("recordid", "companyid", "hsobjectid")),
        Field("name", ("companyname", "name")),
        Field("owner", ("companyowner", "owner", "hubspotowner")),
    ),
    "stakeholders": (
        Field("id", ("recordid", "contactid", "hsobjectid")),
        Field(
            "account_id",
            (
                "associatedcompanyid",
                "associatedcompanyids",
                "primaryassociatedcompanyid",
                "associatedcompanyidprimary",
            ),
        ),
        Field("account_name", ("associatedcompany", "associatedcompanyprimary", "companyname")),
        Field("first", ("firstname",)),
        Field("last", ("lastname",)),
        Field("full", ("name", "fullname")),
        Field("email", ("email", "emailaddress")),
        Field("title", ("jobtitle", "title")),
        Field("owner", ("contactowner", "owner")),
        Field("last_activity", ("lastactivitydate", "lastcontacted", "lastengagementdate")),
    ),
}

TITLES = {"accounts": "companies", "stakeholders": "contacts"}


def kind_of(keys: set[str]) -> str | None:
    """The kind of HubSpot file a header is (its `fields.header_keys`), or None."""
    if "recordid" not in keys:
        return None
    if keys & {"firstname", "lastname", "email", "emailaddress"}:
        return "stakeholders"
    if "companyname" in keys or "name" in keys:
        return "accounts"
    return None


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
