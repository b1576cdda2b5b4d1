"""Reading a CSV file as a spreadsheet shows it, one row at a time (streamed).

What any importer of CSV files needs, whatever the columns mean:

- UTF-8 text, with or without a byte-order mark (Excel's "CSV UTF-8" writes
  one); bytes that are not UTF-8 are `UnreadableFile`, with where the first is.
- RFC 4180 quoting; a row the CSV reader cannot parse is `MalformedCsv`.
- Rows numbered as a spreadsheet shows them: the header is row 1, the first
  data row is row 2; a blank line is a row (and is skipped), a line break
  inside a quoted cell is not.
- Header cells as column names (`normalise_column`): trimmed, any case, a
  space or hyphen counts as an underscore. A column with an empty header is
  ignored and its cells must be empty; a row with fewer cells than the header
  reads the missing ones as empty; a row with more is refused.

Which columns a file must have, and what their cells hold, is the caller's.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

_MAX_SHOWN = 60


class UnreadableFile(Exception):
    """The file cannot be read as UTF-8 text (missing, a folder, no permission, bad bytes)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad cell (or row, when `column` is None): where, what it held, what was expected."""

    file: str
    row: int
    column: str | None
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = self.value if len(self.value) <= _MAX_SHOWN else self.value[:_MAX_SHOWN] + "…"
        return f"{where}: {shown!r} is not valid; expected {self.expected}"


class MalformedCsv(Exception):
    """The CSV itself breaks at a row (e.g. a NUL byte); reading cannot go on."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet number and its cells by column name (untrimmed)."""

    file: str
    number: int
    cells: dict[str, str]

    def text(self, column: str) -> str:
        """The trimmed cell."""
        return self.cells.get(column, "").strip()

    def problem(self, column: str | None, expected: str, value: str | None = None) -> RowProblem:
        """A problem with a cell of this row (its value unless another is given)."""
        shown = self.cells.get(column, "") if value is None and column is not None else value
        return RowProblem(self.file, self.number, column, shown or "", expected)


def normalise_column(name: str) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and hyphens as `_`."""
    return "_".join(name.replace("\ufeff", "").replace("-", " ").casefold().split())


class CsvSource:
    """An open CSV file: its header row, then its data rows one at a time (streamed)."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        try:
            self._raw = open(path, "rb")  # noqa: SIM115 - closed by close()/__exit__
        except FileNotFoundError:
            raise UnreadableFile(f"{path}: no such file") from None
        except IsADirectoryError:
            raise UnreadableFile(f"{path} is a folder, not a CSV file") from None
        except OSError as error:
            raise UnreadableFile(f"Cannot read {path}: {error.strerror}") from None
        self.path = path
        self.size = _size(self._raw)
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text)
        self._number = 0
        try:
            self.header: list[str] = self._next_record() or []
        except BaseException:
            self.close()
            raise
        self._columns = [normalise_column(cell) if cell.strip() else "" for cell in self.header]

    @property
    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress)."""
        try:
            return min(self._raw.tell(), self.size)
        except (OSError, ValueError):
            return 0

    def _next_record(self) -> list[str] | None:
        try:
            record = next(self._reader, None)
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{self.path} is not UTF-8 text ({_first_bad_byte(self.path)});"
                ' save it as "CSV UTF-8"'
            ) from None
        except csv.Error as error:
            raise MalformedCsv(
                RowProblem(self.file, self._number + 1, None, "", f"valid CSV ({error})")
            ) from None
        except OSError as error:
            raise UnreadableFile(f"Cannot read {self.path}: {error.strerror}") from None
        self._number += 1
        return record

    def __iter__(self) -> Iterator[Row | RowProblem]:
        """Each non-blank data row, or the problem of a row whose shape is wrong."""
        width = len(self._columns)
        while (record := self._next_record()) is not None:
            if not any(cell.strip() for cell in record):
                continue
            stray = [
                cell
                for n, cell in enumerate(record)
                if cell.strip() and (n >= width or not self._columns[n])
            ]
            if stray:
                yield RowProblem(
                    self.file, self._number, None, stray[0], "no cell outside the header's columns"
                )
                continue
            cells = {c: v for c, v in zip(self._columns, record, strict=False) if c}
            yield Row(self.file, self._number, cells)

    def close(self) -> None:
        """Close the file."""
        self._raw.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _first_bad_byte(path: Path) -> str:
    """Where the first byte that is not UTF-8 is (decoding in chunks only says which chunk)."""
    try:
        with open(path, "rb") as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as error:
                    return f"byte 0x{line[error.start]:02x} on line {number}"
    except OSError:
        pass
    return "it holds bytes that are not UTF-8"


def _size(raw: io.BufferedReader) -> int:
    """The file's size in bytes (1 for a pipe, whose size is unknown)."""
    if not raw.seekable():
        return 1
    size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    return max(1, size)
