"""Which format a file to import is in: its source (native, Salesforce, HubSpot) and kind.

The header tells. The app's own format is recognised by its exact column sets
(`io.native_csv`); a CRM export by the columns only that CRM's exports have
(`io.crm.salesforce.kind_of`, `io.crm.hubspot.kind_of`). A source given by the
user (``--from``) restricts the search to it.

Kinds are named as the app names its records: reps, accounts, stakeholders,
touches, plus contact-roles (Salesforce's OpportunityContactRole). Each source
has its own word for them (a Salesforce "contact", a HubSpot "company"),
shown in `FileFormat.title`.
"""

from dataclasses import dataclass

from accountreview.io.crm import hubspot, salesforce
from accountreview.io.crm.fields import Field, FieldMap, header_keys, squash, squash_label
from accountreview.io.native_csv import UnknownHeader, native_kind, unknown_header_message

SOURCES = ("native", "salesforce", "hubspot")
KINDS = ("reps", "accounts", "accounts-contacts", "stakeholders", "contact-roles", "touches")
# Kinds whose rows are (or hold) accounts; rows of "accounts-contacts" may be short.
ACCOUNT_KINDS = ("accounts", "accounts-contacts")
_SOURCE_NAMES = {"native": "", "salesforce": "Salesforce", "hubspot": "HubSpot"}
_CRM_LINES = (
    "  Salesforce (Data Loader or report exports): Users (Username, Email),"
    " Accounts (Id and Name, or Account Name), Contacts (FirstName/LastName and AccountId"
    " or Account Name), Tasks/Events (WhoId, ActivityDate, Subject…),"
    " OpportunityContactRole (ContactId, Role)",
    "  HubSpot exports: companies (Record ID or Company ID, Company name), contacts"
    " (Record ID or Contact ID, First Name, Last Name, Email, Associated Company or its id…)",
)


@dataclass(frozen=True)
class FileFormat:
    """What a file is: its source, its kind, and (for a CRM export) where each field is.

    `short_rows`: the kind's rows may stop before the header's last columns (a report
    that joins two records, whose first record may come without a second); for every
    other kind a row with fewer cells than the header is a problem naming the row
    (`accountreview.io.csv_source.CsvSource`).
    """

    source: str
    kind: str
    fields: FieldMap | None = None
    variant: str = ""

    @property
    def title(self) -> str:
        """In words, e.g. "Salesforce contacts (report export)" or "accounts"."""
        if self.source == "native":
            return self.kind
        titles = salesforce.TITLES if self.source == salesforce.SOURCE else hubspot.TITLES
        text = f"{_SOURCE_NAMES[self.source]} {titles[self.kind]}"
        return f"{text} ({self.variant})" if self.variant else text

    @property
    def order(self) -> int:
        """Where the kind comes in an import of several files (what it refers to first)."""
        return KINDS.index(self.kind)

    @property
    def has_accounts(self) -> bool:
        """Whether the file's rows are (or hold) accounts."""
        return self.kind in ACCOUNT_KINDS

    @property
    def short_rows(self) -> bool:
        """Whether a row may have fewer cells than the header (an account with no contact)."""
        return self.kind == "accounts-contacts"


def detect_format(
    file: str, header: list[str], *, source: str | None = None, potential_from: str | None = None
) -> FileFormat:
    """The format of a file from its header; `UnknownHeader` (listing what is accepted) if none.

    `potential_from` names the column of a CRM accounts file that holds the potential
    size; it must be in the header of such a file (other files ignore it).
    """
    if source in (None, "native") and (kind := native_kind(header)) is not None:
        return FileFormat("native", kind)
    keys = header_keys(header)
    found: FileFormat | None = None
    if source in (None, hubspot.SOURCE) and (kind := hubspot.kind_of(keys)) is not None:
        fields = FieldMap(hubspot.FIELDS[kind], header)
        if missing := hubspot.lacking(kind, fields):
            what = f"HubSpot {hubspot.TITLES[kind]}"
            raise UnknownHeader(f"{file}, row 1: {what}: " + "; ".join(missing))
        found = FileFormat(hubspot.SOURCE, kind, fields, "export")
    elif source in (None, salesforce.SOURCE) and (kind := salesforce.kind_of(keys)) is not None:
        api = all(" " not in cell.strip() and ":" not in cell for cell in header if cell.strip())
        variant = "Data Loader export" if api else "report export"
        found = FileFormat(
            salesforce.SOURCE, kind, FieldMap(salesforce.FIELDS[kind], header), variant
        )
    if found is None:
        raise UnknownHeader(_unknown(file, header, source))
    if potential_from and found.has_accounts:
        return _with_potential(file, found, header, potential_from)
    return found


def _unknown(file: str, header: list[str], source: str | None) -> str:
    """What the header holds and what is accepted (only the forced source's, if one is)."""
    if source in (None, "native"):
        return unknown_header_message(file, header, more=_CRM_LINES if source is None else ())
    name = _SOURCE_NAMES[source]
    found = ", ".join(cell.strip() for cell in header if cell.strip()) or "none"
    accepted = _CRM_LINES[0] if source == salesforce.SOURCE else _CRM_LINES[1]
    return "\n    ".join(
        (
            f"{file}, row 1: the header is not one of a {name} export this app reads.",
            f"Columns found: {found}",
            "Expected one of:",
            accepted,
        )
    )


def _with_potential(file: str, found: FileFormat, header: list[str], column: str) -> FileFormat:
    assert found.fields is not None
    wanted = squash_label(column)
    if wanted not in {squash(cell) for cell in header} | {squash_label(cell) for cell in header}:
        cells = ", ".join(cell.strip() for cell in header if cell.strip())
        raise UnknownHeader(
            f"{file}, row 1: --potential-from {column!r}: the file has no such column"
            f" (columns: {cells})"
        )
    fields = (
        *(f for f in _fields_of(found) if f.name != "potential"),
        Field("potential", (wanted,)),
    )
    return FileFormat(found.source, found.kind, FieldMap(fields, header), found.variant)


def _fields_of(found: FileFormat) -> tuple[Field, ...]:
    table = salesforce.FIELDS if found.source == salesforce.SOURCE else hubspot.FIELDS
    return table[found.kind]
