"""One import in progress: its connection, counts, problems and the records it saves."""

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accountreview.db import importing as import_queries
from accountreview.io.crm.records import ReadOptions
from accountreview.io.csv_source import Row, RowProblem
from accountreview.io.detect import FileFormat
from accountreview.services.workspace import Workspace

MAX_PROBLEMS = 50
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class ImportOptions:
    """What the user told the import (all optional)."""

    source: str | None = None  # native | salesforce | hubspot; None: told by the header
    rep: str | None = None  # who gets a new CRM account whose owner is not a known rep
    potential_from: str | None = None  # the CRM accounts column that holds the potential
    top: bool = False  # the file's accounts are top accounts (reviewed every week)
    day_first: bool = False  # 03/04/2026 is 3 April (else March 4, as US reports write it)


class ImportRun:
    """One import in progress: the connection, the counts and the problems found so far."""

    def __init__(
        self,
        ws: Workspace,
        conn: sqlite3.Connection,
        fmt: FileFormat | None = None,
        options: ImportOptions | None = None,
    ) -> None:
        self.ws = ws
        self.conn = conn
        self.fmt = fmt or FileFormat("native", "reps")
        self.options = options or ImportOptions()
        self.read_options = ReadOptions(
            source=self.fmt.source if self.fmt.source != "native" else "salesforce",
            today=ws.today,
            day_first=self.options.day_first,
            event_file=bool(self.fmt.fields and "location" in self.fmt.fields),
        )
        self.fallback_rep_id: str | None = None
        self.rows = self.created = self.updated = self.unchanged = 0
        self.skipped: Counter[str] = Counter()
        self.notes: Counter[str] = Counter()
        self.problems: list[RowProblem] = []
        self.more = 0
        self._cache: dict[tuple[str, str], list[str]] = {}

    def reject(self, problems: Iterable[RowProblem]) -> None:
        """Note problems; past `MAX_PROBLEMS` they are only counted."""
        for problem in problems:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)
            else:
                self.more += 1

    def skip(self, reason: str) -> None:
        """Count a good row that is not for this app, by why."""
        self.skipped[reason] += 1

    def cached(self, kind: str, text: str, find: Callable[[], list[str]]) -> list[str]:
        """`find()` remembered by text (only for records the import does not change)."""
        key = (kind, text)
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = find()
        return self._cache[key]

    def forget(self, kind: str, text: str) -> None:
        """Drop a remembered lookup (the import just changed its answer)."""
        self._cache.pop((kind, text), None)

    def save(
        self,
        row: Row,
        key_column: str,
        existing_id: str | None,
        *,
        same: bool,
        insert: Callable[[], str],
        update: Callable[[str], None],
        label: str | None = None,
    ) -> str | None:
        """Insert a new record, or update a matched one whose values differ; count it.

        Returns the record's id (None when a second row of the file matched it).
        `label` names the key column in a problem, when the header wrote it otherwise.
        """
        if existing_id is None:
            new_id = insert()
            self._first_match(row, key_column, new_id, label)
            self.created += 1
            return new_id
        if not self._first_match(row, key_column, existing_id, label):
            return None
        if same:
            self.unchanged += 1
        else:
            update(existing_id)
            self.updated += 1
        return existing_id

    def _first_match(self, row: Row, key_column: str, record_id: str, label: str | None) -> bool:
        earlier = import_queries.earlier_row(self.conn, record_id, row.number)
        if earlier is not None:
            expected = f"one row per record (row {earlier} has the same one)"
            self.reject(
                [
                    RowProblem(
                        row.file,
                        row.number,
                        label or key_column,
                        row.cells.get(key_column, ""),
                        expected,
                    )
                ]
            )
        return earlier is None
