"""One import in progress: its connection, counts, problems and the records it saves."""

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accountreview.db import importing as import_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.records import now_text
from accountreview.io.crm.records import ReadOptions
from accountreview.io.csv_source import Row, RowProblem
from accountreview.io.detect import FileFormat
from accountreview.services.workspace import Workspace

MAX_PROBLEMS = 50
_CACHE_LIMIT = 10_000
# New stakeholders and touches held back to be written together (see `ImportRun.add_later`).
BATCH_ROWS = 1000


@dataclass(frozen=True)
class TouchById:
    """A held touch, found by the id the file gave it."""

    touch_id: str


@dataclass(frozen=True)
class TouchByCrm:
    """A held touch, found by its CRM record."""

    source: str
    crm_id: str


@dataclass(frozen=True)
class TouchByConversation:
    """A held touch, found by what it says: who, when, how and the note ("" for none)."""

    stakeholder_id: str
    on: str
    channel: str
    note: str


@dataclass(frozen=True)
class PersonByCrm:
    """A held stakeholder, found by its CRM id (in the import's one source)."""

    crm_id: str


@dataclass(frozen=True)
class PersonByEmail:
    """A held stakeholder, found by account and email (casefolded: build it with `of`)."""

    account_id: str
    email: str

    @classmethod
    def of(cls, account_id: str, email: str) -> "PersonByEmail":
        """The key of `email` at the account, however the file cased it."""
        return cls(account_id, email.casefold())


@dataclass(frozen=True)
class PersonById:
    """A held stakeholder, found by its id."""

    person_id: str


# Every way a record held back can be looked up (`ImportRun.held`).
HeldKey = TouchById | TouchByCrm | TouchByConversation | PersonByCrm | PersonByEmail | PersonById


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
        # When the import ran: the creation time of every record it adds (they appear
        # together, at its commit).
        self.started_at = now_text()
        self._new_people: list[tuple[str | None, ...]] = []
        self._new_touches: list[tuple[str | None, ...]] = []
        self._new_seen: dict[str, int] = {}
        self._new_keys: set[HeldKey] = set()

    # -- new records written in batches ----------------------------------------------------
    #
    # Most rows of a long file add a record. Rather than one INSERT each, a new stakeholder
    # or touch is held back and written with the next batch (one executemany per table,
    # stakeholders first: touches may refer to them). While held back it is invisible to
    # queries, so each is held under the keys it could be looked up by (`held`): a row
    # about to look a record up by such a key calls `write_held` first, and reads the
    # database as if every earlier row had been written at once. All of it is inside the
    # import's transaction: all-or-nothing is unchanged.

    def add_later(
        self,
        person: tuple[str | None, ...] | None = None,
        touch: tuple[str | None, ...] | None = None,
        *,
        keys: Iterable[HeldKey] = (),
    ) -> None:
        """Hold back a new stakeholder or touch row, findable by `keys`."""
        if person is not None:
            self._new_people.append(person)
        if touch is not None:
            self._new_touches.append(touch)
        self._new_keys.update(keys)
        if len(self._new_people) + len(self._new_touches) >= BATCH_ROWS:
            self.write_held()

    def added(self, key: str, row: int) -> None:
        """Note that file row `row` added the record `key` (see `earlier_row`)."""
        self._new_seen[key] = row
        if len(self._new_seen) >= BATCH_ROWS:
            self.write_held()

    def earlier_row(self, key: str, row: int) -> int | None:
        """The file row that already added or matched the record `key`; else note `row` as
        the one that did, and return None."""
        earlier = self._new_seen.get(key)
        if earlier is not None:
            return earlier
        return import_queries.earlier_row(self.conn, key, row)

    def matched(self, record_id: str) -> bool:
        """Whether an earlier row of the file already added or matched the record."""
        return record_id in self._new_seen or import_queries.matched_row(self.conn, record_id)

    def held(self, key: HeldKey) -> bool:
        """Whether a record held back can be found by `key`."""
        return key in self._new_keys

    def holds(self, record_id: str) -> bool:
        """Whether the stakeholder `record_id` is held back (not in the database yet)."""
        return PersonById(record_id) in self._new_keys

    def write_held(self) -> None:
        """Write every record held back."""
        if self._new_people:
            stakeholder_queries.insert_stakeholders(self.conn, self._new_people)
            self._new_people.clear()
        if self._new_touches:
            stakeholder_queries.insert_touches(self.conn, self._new_touches)
            self._new_touches.clear()
        if self._new_seen:
            import_queries.remember_rows(self.conn, list(self._new_seen.items()))
            self._new_seen.clear()
        self._new_keys.clear()

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
            self.added(new_id, row.number)  # a new id: no earlier row can have it
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
        earlier = self.earlier_row(record_id, row.number)
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
