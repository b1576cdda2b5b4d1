"""One import in progress: its connection, counts, problems and the records it saves."""

import sqlite3
from collections.abc import Callable, Iterable

from accountreview.db import importing as import_queries
from accountreview.io.csv_source import Row, RowProblem
from accountreview.services.workspace import Workspace

MAX_PROBLEMS = 50
_CACHE_LIMIT = 10_000


class ImportRun:
    """One import in progress: the connection, the counts and the problems found so far."""

    def __init__(self, ws: Workspace, conn: sqlite3.Connection) -> None:
        self.ws = ws
        self.conn = conn
        self.rows = self.created = self.updated = self.unchanged = 0
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

    def cached(self, kind: str, text: str, find: Callable[[], list[str]]) -> list[str]:
        """`find()` remembered by text (only for records the import does not change)."""
        key = (kind, text)
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = find()
        return self._cache[key]

    def save(
        self,
        row: Row,
        key_column: str,
        existing_id: str | None,
        *,
        same: bool,
        insert: Callable[[], str],
        update: Callable[[str], None],
    ) -> None:
        """Insert a new record, or update a matched one whose values differ; count it."""
        if existing_id is None:
            self._first_match(row, key_column, insert())
            self.created += 1
        elif self._first_match(row, key_column, existing_id):
            if same:
                self.unchanged += 1
            else:
                update(existing_id)
                self.updated += 1

    def _first_match(self, row: Row, key_column: str, record_id: str) -> bool:
        earlier = import_queries.earlier_row(self.conn, record_id, row.number)
        if earlier is not None:
            self.reject(
                [row.problem(key_column, f"one row per record (row {earlier} has the same one)")]
            )
        return earlier is None
