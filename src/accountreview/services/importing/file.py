"""`import_file`: one CSV file imported all-or-nothing, and the report of what it did."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from accountreview.db import importing as import_queries
from accountreview.io.crm import salesforce
from accountreview.io.csv_source import CsvSource, MalformedCsv, RowProblem, UnreadableFile
from accountreview.io.detect import FileFormat, detect_format
from accountreview.io.native_csv import UnknownHeader
from accountreview.services.errors import ImportRejected, InvalidInput
from accountreview.services.importing.crm import finish_crm, import_crm_row
from accountreview.services.importing.kinds import IMPORTERS
from accountreview.services.importing.run import ImportOptions, ImportRun
from accountreview.services.progress import Progress
from accountreview.services.workspace import Workspace

PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    kind: str  # "reps" | "accounts" | "stakeholders" | "touches" | "contact-roles"
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    source: str = "native"
    title: str = ""  # the format in words, e.g. "Salesforce contacts (report export)"
    skipped: dict[str, int] = field(default_factory=dict)  # why -> rows
    notes: dict[str, int] = field(default_factory=dict)  # what else happened -> times

    def summary(self) -> str:
        """One line, e.g. "accounts.csv: 40 rows — 38 new, 2 updated, 0 unchanged"."""
        rows = f"{self.rows} row{'' if self.rows == 1 else 's'}"
        text = (
            f"{self.file}: {rows} — {self.created} new, {self.updated} updated,"
            f" {self.unchanged} unchanged"
        )
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
            text += f", {sum(self.skipped.values())} skipped ({reasons})"
        if self.notes:
            text += "; " + ", ".join(f"{n} {what}" for what, n in sorted(self.notes.items()))
        return text + (" (dry run: nothing saved)" if self.dry_run else "")


@dataclass(frozen=True)
class Detected:
    """A file about to be imported: its format and how its bytes are text."""

    path: Path
    format: FileFormat
    text_form: str  # e.g. "UTF-8 with BOM, comma-separated"

    def describe(self) -> str:
        """E.g. "contacts.csv: Salesforce contacts (report export); UTF-8, comma-separated"."""
        return f"{self.path.name}: {self.format.title}; {self.text_form}"


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


# Whether an `import_session` of a dry run is open: its files leave their changes in it.
_dry_session: ContextVar[bool] = ContextVar("dry_import_session", default=False)


def _open(path: Path, options: ImportOptions) -> tuple[CsvSource, FileFormat]:
    """The open file and its format (told by the header, or --from)."""
    source = CsvSource(Path(path))
    try:
        fmt = detect_format(
            source.file,
            source.header,
            source=options.source,
            potential_from=options.potential_from,
        )
    except BaseException:
        source.close()
        raise
    if fmt.source == salesforce.SOURCE and fmt.variant == "report export":
        source.footer = salesforce.is_footer
    source.short_rows = fmt.short_rows
    return source, fmt


def detect_file(path: Path, options: ImportOptions | None = None) -> Detected:
    """What a file is, from its header alone (`InvalidInput`/`ImportRejected` if unreadable)."""
    try:
        source, fmt = _open(path, options or ImportOptions())
    except UnreadableFile as error:
        raise InvalidInput(str(error)) from None
    except UnknownHeader as error:
        raise ImportRejected([str(error)]) from None
    except MalformedCsv as error:
        raise ImportRejected([error.problem]) from None
    source.close()
    return Detected(Path(path), fmt, source.form.label)


def in_import_order(found: Sequence[Detected]) -> list[Detected]:
    """Files in the order their kinds refer to each other (reps, accounts, stakeholders,
    contact roles, touches); files of one kind keep the order given."""
    return sorted(found, key=lambda d: d.format.order)


@contextmanager
def import_session(ws: Workspace, *, dry_run: bool) -> Iterator[None]:
    """Where the files of one import command are imported, one after the other.

    A real run saves each file in its own transaction, so a file sees what the
    earlier ones saved. A dry run must check each file as the real run would: the
    session is one write transaction around all of them, and each file's dry run
    leaves its changes in it for the next file to see (accounts see the reps of
    the file before); the whole session is rolled back at the end, so nothing is
    saved whether every file was good or one was refused. A dry run of one file
    outside a session is a session of its own.
    """
    if not dry_run or _dry_session.get():
        yield
        return
    token = _dry_session.set(True)
    try:
        with ws.db.write():
            yield
            raise _DryRun
    except _DryRun:
        pass
    finally:
        _dry_session.reset(token)


def _import_rows(run: ImportRun, source: CsvSource, progress: Progress | None) -> None:
    """Check and write every row of the file, noting problems instead of stopping."""
    importer = import_crm_row if run.fmt.source != "native" else IMPORTERS[run.fmt.kind]
    stage = run.fmt.title
    try:
        for item in source:
            run.rows += 1
            if isinstance(item, RowProblem):
                run.reject([item])
            else:
                importer(run, item)
            if progress is not None and run.rows % PROGRESS_EVERY == 0:
                progress(stage, source.bytes_read, source.size)
    except MalformedCsv as error:
        run.reject([error.problem])
    if progress is not None:
        progress(stage, source.size, source.size)


def import_file(
    ws: Workspace,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import one CSV file: the app's own format or a CRM export; the header tells which.

    All-or-nothing: raises `ImportRejected` listing every problem (file, row,
    column, value, what was expected) and writes nothing if any row is bad;
    `InvalidInput` if the file cannot be read as text. With `dry_run`,
    everything is checked and counted but nothing is saved. `progress`, if
    given, is called as progress(what, bytes_read, file_size) every
    `PROGRESS_EVERY` rows and once at the end. Several files of one dry run are
    imported inside `import_session`, so that each sees the earlier ones.
    """
    options = options or ImportOptions()
    try:
        with import_session(ws, dry_run=dry_run):
            return _import(ws, path, dry_run, progress, options)
    finally:
        import_queries.end_import(ws.db.conn)


def _import(
    ws: Workspace,
    path: Path,
    dry_run: bool,
    progress: Progress | None,
    options: ImportOptions,
) -> ImportReport:
    try:
        source, fmt = _open(path, options)
        run = ImportRun(ws, ws.db.conn, fmt, options)
        with source, ws.db.write() as conn:
            if fmt.source != "native" and fmt.has_accounts:
                run.fallback_rep_id = _fallback_rep(ws, options)
            import_queries.start_import(conn, account_names=fmt.kind != "reps")
            _import_rows(run, source, progress)
            run.write_held()
            finish_crm(run)
            if run.problems or run.more:
                raise ImportRejected(run.problems, more=run.more)
            import_queries.finish_import(conn)
    except UnreadableFile as error:
        raise InvalidInput(str(error)) from None
    except UnknownHeader as error:
        raise ImportRejected([str(error)]) from None
    except MalformedCsv as error:  # in the header row (later rows are noted)
        raise ImportRejected([error.problem]) from None
    return ImportReport(
        kind=fmt.kind,
        file=source.file,
        rows=run.rows,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        dry_run=dry_run,
        source=fmt.source,
        title=fmt.title,
        skipped=dict(run.skipped),
        notes=dict(run.notes),
    )


def _fallback_rep(ws: Workspace, options: ImportOptions) -> str | None:
    """The rep named by --rep (for a CRM accounts file: it may be in an earlier file)."""
    if not options.rep:
        return None
    from accountreview.services.lookup import resolve_rep

    return resolve_rep(ws, options.rep).id
