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

Ids: a Salesforce id must be of the object its column holds (an ``AccountId``
an Account's, ``001…``), checked on every id column before anything is read
(`io.crm.records.check_ids`).

An "Accounts with Contacts" report holds both in one file: each row is read as
its account, written at the account's first row in the file, then as the
contact of that account, if the row has one; all in the file's one transaction.
"""

from collections.abc import Callable
from typing import Any

from accountreview.domain.errors import InvalidValue
from accountreview.io.crm import salesforce
from accountreview.io.crm.fields import CrmCells
from accountreview.io.crm.records import READERS as RECORD_READERS
from accountreview.io.crm.records import (
    CrmAccount,
    CrmActivity,
    CrmContactRole,
    CrmPerson,
    CrmUser,
    Skip,
    check_ids,
)
from accountreview.io.csv_source import Row
from accountreview.services.importing import crm_accounts, crm_people
from accountreview.services.importing.run import ImportRun

ACCOUNTS_WITH_CONTACTS = "accounts-contacts"
# A contact's own cells: a row with none of them is an account's alone.
_CONTACT_CELLS = ("id", "first", "last", "full", "email", "title")


def import_crm_row(run: ImportRun, row: Row) -> None:
    """Check, match and write one row of a CRM export (of the run's format)."""
    assert run.fmt.fields is not None
    cells = CrmCells(row, run.fmt.fields)
    check_ids(cells, run.read_options)
    if cells.problems:
        run.reject(cells.problems)
    elif run.fmt.kind == ACCOUNTS_WITH_CONTACTS:
        _import_account_and_contact(run, row)
    else:
        _import_record(run, cells, run.fmt.kind)


def _import_record(run: ImportRun, cells: CrmCells, kind: str) -> bool:
    """Read a record of `kind` from the cells, then write it (or count the skip);
    whether its cells were good."""
    record = RECORD_READERS[kind](cells, run.read_options)
    if cells.problems or record is None:
        run.reject(cells.problems)
    elif isinstance(record, Skip):
        run.skip(record.reason)
    else:
        _WRITERS[type(record)](run, cells, record)
    return not cells.problems


def _import_account_and_contact(run: ImportRun, row: Row) -> None:
    """A row of an "Accounts with Contacts" report: its account (at the account's first
    row in the file), then its contact, if the row has one (an account with no contact
    is a row of the account's cells alone)."""
    assert run.fmt.fields is not None
    account = CrmCells(row, run.fmt.fields.part("account"))
    contact = CrmCells(row, run.fmt.fields.part("contact"))
    key = _account_key(account)
    if not key:
        _import_record(run, account, "accounts")  # refused: it says what the row lacks
        return
    if run.earlier_row("report-account:" + key, row.number) is None:
        run.notes["accounts read"] += 1
        good = _import_record(run, account, "accounts")
    else:  # written at its first row; its cells here are checked all the same
        good = RECORD_READERS["accounts"](account, run.read_options) is not None
        run.reject(account.problems)
    if not good:
        return  # the account's cells are the contact's account cells too: said once
    if any(contact.text(field) for field in _CONTACT_CELLS):
        _import_record(run, contact, "stakeholders")
    else:
        run.notes["accounts with no contact"] += 1


def _account_key(account: CrmCells) -> str:
    """What tells a report's rows of one account: its id (either length), else its name."""
    text = account.text("id")
    try:
        return salesforce.salesforce_id(text) if text else account.text("name").casefold()
    except InvalidValue:
        return text  # not an id: the account's reader says so


def finish_crm(run: ImportRun) -> None:
    """What a file's rows left to do when the file ends (contact roles are written)."""
    crm_people.finish(run)


_WRITERS: dict[type, Callable[[ImportRun, CrmCells, Any], None]] = {
    CrmUser: crm_accounts.import_user,
    CrmAccount: crm_accounts.import_account,
    CrmPerson: crm_people.import_person,
    CrmContactRole: crm_people.import_role,
    CrmActivity: crm_people.import_activity,
}
