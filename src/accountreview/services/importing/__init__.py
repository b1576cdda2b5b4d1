"""Importing CSV files: the app's own format and CRM exports (Salesforce, HubSpot).

An import is all-or-nothing: every row is checked and written inside one write
transaction, which is rolled back if any row has a problem (or on a dry run), so
a row may refer to a record created by an earlier row of the same file. The file
is streamed; every problem is reported (the first `MAX_PROBLEMS` in full). New
stakeholders and touches are written 1,000 at a time, and every record an import
adds has the import's start as its creation time (see `run.ImportRun.add_later`).

Re-importing a file changes nothing: a row that matches a record updates it only
when a value differs. In the native format, reps match by email, accounts by
name (any case), stakeholders by (account, email), or by (account, name) when
the row has no email or its email is new and the named stakeholder has none
yet; touches by (stakeholder, date, channel, note); a row with an `id` (which
`export` writes) is matched by it first, then by its CRM id (`crm_source`,
`crm_id`), and an id new to this database is kept by the record it adds. CRM
exports match by CRM id first (see `crm`).

Where each part lives: `file` (import_file, detect_file and the report),
`run` (the options, counts, problems and matching of one import), `kinds`
(how a native row of each kind is checked, matched and written), `touches`
(how a touch of any format is matched and written), `crm` (the
same for CRM exports: the rules, then `crm_accounts` for users and accounts,
`crm_people` for contacts, contact roles and activities). What a file holds is
read in `accountreview.io`.
"""

from accountreview.services.importing.file import (
    PROGRESS_EVERY,
    Detected,
    ImportReport,
    detect_file,
    import_file,
    import_session,
    in_import_order,
)
from accountreview.services.importing.run import MAX_PROBLEMS, ImportOptions
from accountreview.services.progress import Progress

__all__ = [
    "MAX_PROBLEMS",
    "PROGRESS_EVERY",
    "Detected",
    "ImportOptions",
    "ImportReport",
    "Progress",
    "detect_file",
    "import_file",
    "import_session",
    "in_import_order",
]
