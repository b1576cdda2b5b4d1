"""`import_file`: one CSV file imported all-or-nothing, and the report of what it did."""

from dataclasses import dataclass
from pathlib import Path

from accountreview.db import importing as import_queries
from accountreview.io import native_csv
from accountreview.io.native_csv import RowProblem
from accountreview.services.errors import ImportRejected, InvalidInput
from accountreview.services.importing.kinds import IMPORTERS
from accountreview.services.importing.run import ImportRun
from accountreview.services.progress import Progress
from accountreview.services.workspace import Workspace

PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    kind: str  # "reps" | "accounts" | "stakeholders" | "touches"
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool

    def summary(self) -> str:
        """One line, e.g. "accounts.csv: 40 rows — 38 new, 2 updated, 0 unchanged"."""
        rows = f"{self.rows} row{'' if self.rows == 1 else 's'}"
        text = (
            f"{self.file}: {rows} — {self.created} new, {self.updated} updated,"
            f" {self.unchanged} unchanged"
        )
        return text + (" (dry run: nothing saved)" if self.dry_run else "")


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _import_rows(run: ImportRun, source: native_csv.NativeCsv, progress: Progress | None) -> None:
    """Check and write every row of the file, noting problems instead of stopping."""
    importer = IMPORTERS[source.kind]
    try:
        for item in source:
            run.rows += 1
            if isinstance(item, RowProblem):
                run.reject([item])
            else:
                importer(run, item)
            if progress is not None and run.rows % PROGRESS_EVERY == 0:
                progress(source.kind, source.bytes_read, source.size)
    except native_csv.MalformedCsv as error:
        run.reject([error.problem])
    if progress is not None:
        progress(source.kind, source.size, source.size)


def import_file(
    ws: Workspace, path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import one CSV file of the app's own format; the header tells its kind.

    All-or-nothing: raises `ImportRejected` listing every problem (file, row,
    column, value, what was expected) and writes nothing if any row is bad;
    `InvalidInput` if the file cannot be read as UTF-8 text. With `dry_run`,
    everything is checked and counted but nothing is saved. `progress`, if
    given, is called as progress(kind, bytes_read, file_size) every
    `PROGRESS_EVERY` rows and once at the end.
    """
    run = ImportRun(ws, ws.db.conn)
    try:
        with native_csv.NativeCsv(Path(path)) as source, ws.db.write() as conn:
            import_queries.start_import(conn, account_names=source.kind != "reps")
            _import_rows(run, source, progress)
            if run.problems or run.more:
                raise ImportRejected(run.problems, more=run.more)
            import_queries.finish_import(conn)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except native_csv.UnreadableFile as error:
        raise InvalidInput(str(error)) from None
    except native_csv.UnknownHeader as error:
        raise ImportRejected([str(error)]) from None
    except native_csv.MalformedCsv as error:  # in the header row (later rows are noted)
        raise ImportRejected([error.problem]) from None
    return ImportReport(
        kind=source.kind,
        file=source.file,
        rows=run.rows,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        dry_run=dry_run,
    )
