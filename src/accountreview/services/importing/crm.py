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

from accountreview.io.crm.fields import CrmCells
from accountreview.io.crm.records import READERS as RECORD_READERS
from accountreview.io.crm.records import (
    CrmAccount,
    CrmActivity,
    CrmContactRole,
    CrmPerson,
    CrmUser,
    Skip,
)
from accountreview.io.csv_source import Row
from accountreview.services.importing import crm_accounts, crm_people
from accountreview.services.importing.run import ImportRun


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
