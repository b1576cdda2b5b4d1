"""Importing the app's own CSV files (format: `accountreview.io.native_csv`).

An import is all-or-nothing: every row is checked and written inside one write
transaction, which is rolled back if any row has a problem (or on a dry run), so
a row may refer to a record created by an earlier row of the same file. The file
is streamed; every problem is reported (the first `MAX_PROBLEMS` in full).

Re-importing a file changes nothing: a row that matches a record updates it only
when a value differs. Reps match by email, accounts by name (any case),
stakeholders by (account, email), or by (account, name) when the row has no
email or its email is new and the named stakeholder has none yet; touches by
(stakeholder, date, channel, note).

Where each part lives: `file` (import_file and its report), `run` (the
counts, problems and matching of one import), `kinds` (how a row of each
kind is checked, matched and written).
"""

from accountreview.services.importing.file import PROGRESS_EVERY, ImportReport, import_file
from accountreview.services.importing.run import MAX_PROBLEMS
from accountreview.services.progress import Progress

__all__ = ["MAX_PROBLEMS", "PROGRESS_EVERY", "ImportReport", "Progress", "import_file"]
