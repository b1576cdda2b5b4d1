"""Running an export: to an open stream, or to a new private file (0600)."""

import os
import sqlite3
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from accountreview.db import exporting as export_queries
from accountreview.db.files import kind_of
from accountreview.io.export_csv import write_csv
from accountreview.io.export_json import write_json_list
from accountreview.io.ics import write_calendar
from accountreview.services.errors import InvalidInput
from accountreview.services.exporting import calendar, crm_tasks, follow_ups, records
from accountreview.services.exporting.request import ExportReport, ExportRequest, check_request
from accountreview.services.workspace import Workspace, user_error

_ENCODINGS = {"csv": "utf-8", "json": "utf-8", "ics": "utf-8"}


def export_data(ws: Workspace, request: ExportRequest, stream: TextIO) -> ExportReport:
    """Write one export to `stream` (CSV starts with a byte-order mark); report what it wrote.

    Only the accounts the acting rep may read are exported (`lookup.visible_rep_ids`):
    a rep's own, a manager's own and their reports'; `request.rep` narrows that to one
    of them (anyone else is refused, exit 3).
    """
    from accountreview.services.lookup import require_visible_rep, visible_rep_ids

    check_request(request)
    rep_ids = [require_visible_rep(ws, request.rep).id] if request.rep else visible_rep_ids(ws)
    skipped: Counter[str] = Counter()
    with ws.db.read() as conn:
        count = _write(ws, conn, request, _Reps(rep_ids), stream, skipped)
    return ExportReport(request.kind, _format_name(request), count, skipped=dict(skipped))


class _Reps:
    """Runs an export query for each visible rep in turn (or once for all of them)."""

    def __init__(self, rep_ids: list[str] | None) -> None:
        self.rep_ids = rep_ids

    def rows(
        self, query: Callable[..., Iterator[sqlite3.Row]], **args: Any
    ) -> Iterator[sqlite3.Row]:
        """The query's rows for every rep whose accounts may be read, rep by rep."""
        if self.rep_ids is None:
            yield from query(rep_id=None, **args)
            return
        for rep_id in self.rep_ids:
            yield from query(rep_id=rep_id, **args)


def _format_name(request: ExportRequest) -> str:
    return request.shape or request.chosen_format


def _write(
    ws: Workspace,
    conn: sqlite3.Connection,
    request: ExportRequest,
    reps: _Reps,
    stream: TextIO,
    skipped: Counter[str],
) -> int:
    kind, fmt, week = request.kind, request.chosen_format, request.week
    start, end = (None, None) if week is None else (week.monday, week.sunday)
    if kind == "accounts":
        rows = reps.rows(partial(export_queries.accounts, conn))
        if fmt == "json":
            return write_json_list(stream, records.account_objects(rows))
        return write_csv(stream, records.HEADERS[kind], records.account_rows(rows))
    if kind == "stakeholders":
        rows = reps.rows(partial(export_queries.stakeholders, conn), today=ws.today)
        if fmt == "json":
            return write_json_list(stream, records.stakeholder_objects(rows))
        return write_csv(stream, records.HEADERS[kind], records.stakeholder_rows(rows))
    if kind == "touches":
        rows = reps.rows(partial(export_queries.touches, conn), start=start, end=end)
        if request.shape == "salesforce-tasks":
            return write_csv(stream, crm_tasks.HEADER, crm_tasks.task_rows(rows, skipped))
        if fmt == "json":
            return write_json_list(stream, records.touch_objects(rows))
        return write_csv(stream, records.HEADERS[kind], records.touch_rows(rows))
    if kind == "reviews":
        rows = reps.rows(
            partial(export_queries.review_slots, conn),
            week=None if week is None else str(week),
            today=ws.today,
        )
        if fmt == "json":
            return write_json_list(stream, records.review_objects(rows))
        return _review_count(stream, rows)
    if kind == "next-contacts":
        rows = reps.rows(
            partial(export_queries.next_contacts, conn), today=ws.today, start=start, end=end
        )
        if fmt == "ics":
            return write_calendar(
                stream, calendar.events(rows, skipped), name="Next contacts", stamp=ws.today
            )
        if fmt == "json":
            return write_json_list(stream, calendar.objects(rows))
        return write_csv(stream, calendar.HEADER, calendar.rows_of(rows))
    rows = reps.rows(partial(export_queries.lost_accounts, conn), today=ws.today)
    if fmt == "json":
        return write_json_list(stream, follow_ups.objects(conn, rows, ws.today, ws.settings))
    return write_csv(
        stream,
        follow_ups.header(ws.settings),
        follow_ups.rows_of(conn, rows, ws.today, ws.settings),
    )


def _review_count(stream: TextIO, rows: Iterator[sqlite3.Row]) -> int:
    """Write review slot rows; count reviews, not slots (rows come grouped by review)."""
    count = 0
    last: str | None = None

    def counted() -> Iterator[sqlite3.Row]:
        nonlocal count, last
        for row in rows:
            if row["review_id"] != last:
                count, last = count + 1, row["review_id"]
            yield row

    write_csv(stream, records.HEADERS["reviews"], records.review_rows(counted()))
    return count


def export_to_file(ws: Workspace, request: ExportRequest, path: Path) -> ExportReport:
    """Write one export to a file: a new one readable by its owner only (0600).

    The export is written beside `path` under a temporary name and moved over
    `path` once complete: a failed export leaves any earlier file as it was.
    Only a regular file is replaced. A character device or a FIFO (`/dev/null`,
    a named pipe) is written through, as a shell's `>` would, never replaced; a
    symbolic link, a folder, a socket and the like are refused.
    """
    check_request(request)
    path = Path(path)
    try:
        through = _writes_through(path)
        report = (_export_through if through else _export_replacing)(ws, request, path)
    except OSError as error:
        raise user_error(error, path) or InvalidInput(
            f"-o: cannot write {path}: {error.strerror or error}"
        ) from None
    return ExportReport(report.kind, report.format, report.rows, str(path), report.skipped)


def _writes_through(path: Path) -> bool:
    """Whether `path` is a device or FIFO to write into; refuse what may not be written."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise InvalidInput(f"-o: no folder {path.parent}") from None
        return False
    if stat.S_ISREG(mode):
        return False
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return True
    if stat.S_ISDIR(mode):
        raise InvalidInput(f"-o: {path} is a folder; give a file name")
    raise InvalidInput(
        f"-o: {path} is {kind_of(mode)}; an export replaces only a regular file"
        " (or writes into a device or FIFO). Name the file itself, or a new one."
    )


def _export_through(ws: Workspace, request: ExportRequest, path: Path) -> ExportReport:
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NOCTTY)
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):  # swapped since it was looked at
        os.close(fd)
        raise InvalidInput(f"-o: {path} changed while the export started; try again")
    with open(fd, "w", encoding=_ENCODINGS[request.chosen_format], newline="") as stream:
        return export_data(ws, request, stream)


def _export_replacing(ws: Workspace, request: ExportRequest, path: Path) -> ExportReport:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    try:
        with open(fd, "w", encoding=_ENCODINGS[request.chosen_format], newline="") as stream:
            report = export_data(ws, request, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return report
