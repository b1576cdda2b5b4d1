"""Reading a CSV file as a spreadsheet shows it, one row at a time (streamed).

What any importer of CSV files needs, whatever the columns mean:

- A regular file, its encoding and its delimiter (`accountreview.io.text_file`):
  a folder, a FIFO, a device or an empty file is refused at once.
- Limits, checked before any work that grows with the file: the header row
  at most `HEADER_MAX_BYTES` (128 KiB) and `MAX_COLUMNS` (2,000) columns, read
  from the file's first bytes before the encoding pass reads it all; any other
  row at most `ROW_MAX_CHARS` (1 MiB) and a cell at most `CELL_MAX_CHARS`
  (131,072 characters). A row is never read past its limit, so one enormous line costs
  no more memory than the limit. A NUL character (a binary file) is refused.
- RFC 4180 quoting, strictly: a quoted cell must be closed (an unterminated
  quote on the last line is an error, not a cell that swallows the rest of
  the line), and a closing quote is followed by a delimiter or the line end;
  CRLF or LF line ends. A row the CSV reader cannot parse is `MalformedCsv`.
- Rows numbered as a spreadsheet shows them: the header is row 1, the first
  data row is row 2; a blank line is a row (and is skipped), a line break
  inside a quoted cell is not.
- Header cells as column names (`normalise_column`): trimmed, any case, a
  space or hyphen counts as an underscore. A column with an empty header is
  ignored and its cells must be empty.
- Every row has a cell for each named column of the header: a shorter row is
  a problem naming the columns it lacks, unless the file's kind declares that
  its rows may stop early (`short_rows`: e.g. a report that joins two
  records, where a record without the second leaves its cells off); a longer
  row is a problem unless its extra cells are empty.
- A cell that an export of ours neutralised for spreadsheets reads back as it
  was: one leading quote is dropped when what follows starts with ``=``,
  ``+``, ``-``, ``@``, a tab, a CR or another quote (`cell_text`; the writing
  side is `accountreview.io.export_csv.safe_cell`).
- Optionally, a report footer (`footer`): from the first row it recognises,
  the rest of the file is the footer and is not data.

Which columns a file must have, and what their cells hold, is the caller's.
"""

import csv
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self, TextIO

from accountreview.io.text_file import (
    ENCODING_LABELS,
    TextForm,
    UnreadableFile,
    first_bad_byte,
    head_encoding,
    open_regular,
    sniff_encoding,
)
from accountreview.io.text_file import sniff_delimiter as sniff_delimiter

__all__ = ["TextForm", "UnreadableFile", "sniff_delimiter"]

_MAX_SHOWN = 60
# A CRM's "export every field" has hundreds of columns (Salesforce allows 800 custom
# fields per object, HubSpot 1,000 custom properties besides its own): room for those,
# none for a header that would take minutes to match.
HEADER_MAX_BYTES = 128 * 1024
MAX_COLUMNS = 2000
ROW_MAX_CHARS = 1 << 20
CELL_MAX_CHARS = 128 * 1024
csv.field_size_limit(CELL_MAX_CHARS)
# What a spreadsheet would run as a formula; our exports put a quote before it.
NEUTRALISED_START = ("=", "+", "-", "@", "\t", "\r")
# What a leading quote of ours escapes: a formula start, or a quote (so that a value
# that itself starts with a quote, e.g. `'=x`, is written `''=x` and reads back).
GUARDED_START = (*NEUTRALISED_START, "'")
_CSV_ERRORS = {
    "unexpected end of data": "a closing quote for the quoted cell that starts on this row",
    "expected after": "a delimiter after a quoted cell's closing quote"
    " (a quote inside a quoted cell is written twice)",
    "field larger than field limit": f"cells of at most {CELL_MAX_CHARS:,} characters"
    " (is a quote opened on this row never closed?)",
}


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
        elif not self.value:
            return f"{where}: expected {self.expected}"
        shown = self.value if len(self.value) <= _MAX_SHOWN else self.value[:_MAX_SHOWN] + "…"
        return f"{where}: {shown!r} is not valid; expected {self.expected}"


class MalformedCsv(Exception):
    """The CSV itself breaks at a row (e.g. a NUL byte); reading cannot go on."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def cell_text(cell: str) -> str:
    """A cell trimmed, and as it was before our exports neutralised it for spreadsheets:
    exactly one leading quote dropped when a formula start or another quote follows."""
    text = cell.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in GUARDED_START:
        return text[1:]
    return text


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet number and its cells by column name (untrimmed)."""

    file: str
    number: int
    cells: dict[str, str]

    def text(self, column: str) -> str:
        """The trimmed cell (a cell neutralised by our exports as it was before)."""
        return cell_text(self.cells.get(column, ""))

    def problem(self, column: str | None, expected: str, value: str | None = None) -> RowProblem:
        """A problem with a cell of this row (its value unless another is given)."""
        shown = self.cells.get(column, "") if value is None and column is not None else value
        return RowProblem(self.file, self.number, column, shown or "", expected)


def normalise_column(name: str) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and hyphens as `_`."""
    return "_".join(name.replace("\ufeff", "").replace("-", " ").casefold().split())


class _Lines:
    """The text's lines for the CSV reader, each row (record) held to a limit.

    A line is never read past what is left of its row's limit, so one enormous
    line costs no more than the limit; a NUL character ends the reading.
    """

    def __init__(self, text: TextIO, file: str) -> None:
        self.text = text
        self.file = file
        self.row = 1
        self.limit = HEADER_MAX_BYTES
        self.used = 0

    def start(self, row: int, limit: int) -> None:
        """The next record is row `row`, of at most `limit` characters."""
        self.row, self.limit, self.used = row, limit, 0

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit - self.used + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if "\0" in line:
            raise self.problem("text without NUL characters (is this a binary file?)")
        if self.used > self.limit:
            what = "the header row" if self.row == 1 else "a row"
            raise self.problem(f"{what} of at most {_size_words(self.limit)}; this one is longer")
        return line

    def problem(self, expected: str) -> "MalformedCsv":
        """The problem `expected` of the row being read."""
        return MalformedCsv(RowProblem(self.file, self.row, None, "", expected))


def _size_words(limit: int) -> str:
    """128 KiB, 1 MiB: a limit as the README states it."""
    if limit % (1 << 20) == 0:
        return f"{limit >> 20} MiB"
    return f"{limit >> 10} KiB"


def _parse_error(file: str, row: int, error: csv.Error) -> "MalformedCsv":
    """A CSV reader's error as the problem of a row, in words."""
    text = str(error)
    expected = next((words for key, words in _CSV_ERRORS.items() if key in text), None)
    return MalformedCsv(RowProblem(file, row, None, "", expected or f"valid CSV ({text})"))


def check_header(file: str, head: bytes, complete: bool) -> str:
    """The delimiter of a file whose first bytes are `head` (the whole file if `complete`),
    once its header row is within the limits; `MalformedCsv` otherwise.

    Reads `head` alone, so a header of 100,000 columns or a file of one enormous line is
    refused before anything reads the rest of the file. Delimiters and quotes are ASCII:
    bytes without a byte-order mark are read as Latin-1 here, whatever the encoding.
    """
    text = head[: HEADER_MAX_BYTES + 1].decode(head_encoding(head) or "latin-1", "replace")
    delimiter = sniff_delimiter(text)
    lines = _Lines(io.StringIO(text.removeprefix("\ufeff"), newline=""), file)
    try:
        header = next(csv.reader(lines, delimiter=delimiter, strict=True), [])
    except csv.Error as error:
        if complete:
            raise _parse_error(file, 1, error) from None
        header = []  # the header's quoted cell goes on past the limit
    if not complete and lines.used >= len(text.removeprefix("\ufeff")):
        limit = _size_words(HEADER_MAX_BYTES)
        raise lines.problem(f"the header row of at most {limit}; this one is longer")
    if len(header) > MAX_COLUMNS:
        expected = f"a header of at most {MAX_COLUMNS:,} columns; this one has {len(header):,}"
        raise MalformedCsv(RowProblem(file, 1, None, "", expected))
    return delimiter


class CsvSource:
    """An open CSV file: its header row, then its data rows one at a time (streamed).

    `footer`, if given, tells a record that starts a report's footer: that record
    and every later one are not data (a later record that looks like data is a
    problem, so that a row is never silently dropped). `short_rows` accepts a row
    with fewer cells than the header (the missing ones read as empty): only for a
    kind of file whose rows may stop early (see the module docstring).
    """

    def __init__(
        self,
        path: Path,
        *,
        footer: Callable[[list[str]], bool] | None = None,
        short_rows: bool = False,
    ) -> None:
        self.file = path.name
        self.path = path
        self.footer = footer
        self.short_rows = short_rows
        self.footer_rows = 0
        self._raw = open_regular(path)
        try:
            self.size = os.fstat(self._raw.fileno()).st_size
            if self.size == 0:
                expected = "a header row; the file is empty"
                raise MalformedCsv(RowProblem(self.file, 1, None, "", expected))
            self.form = self._sniff()
            self._text = io.TextIOWrapper(self._raw, encoding=self.form.encoding, newline="")
            self._lines = _Lines(self._text, self.file)
            self._reader = csv.reader(self._lines, delimiter=self.form.delimiter, strict=True)
            self._number = 0
            self.header: list[str] = self._next_record() or []
        except BaseException:
            self.close()
            raise
        self.labels = {
            normalise_column(cell): cell.replace("\ufeff", "").strip()
            for cell in self.header
            if cell.strip()
        }
        self._columns = [normalise_column(cell) if cell.strip() else "" for cell in self.header]

    def _sniff(self) -> TextForm:
        """The header's limits from the first bytes alone, then the encoding (a full pass)."""
        head = self._raw.read(HEADER_MAX_BYTES + 1)
        delimiter = check_header(self.file, head, complete=len(head) == self.size)
        encoding = sniff_encoding(self._raw, self.path, head)
        self._raw.seek(0)
        return TextForm(encoding, delimiter)

    def label(self, column: str) -> str:
        """A column as the header wrote it (for messages)."""
        return self.labels.get(column, column)

    @property
    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress)."""
        try:
            return min(self._raw.tell(), self.size)
        except (OSError, ValueError):
            return 0

    def _next_record(self) -> list[str] | None:
        row = self._number + 1
        self._lines.start(row, HEADER_MAX_BYTES if row == 1 else ROW_MAX_CHARS)
        try:
            record = next(self._reader, None)
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{self.path} is not {ENCODING_LABELS.get(self.form.encoding)} text"
                f" ({first_bad_byte(self._raw, self.form.encoding)}); save it as"
                ' "CSV UTF-8"'
            ) from None
        except csv.Error as error:
            raise _parse_error(self.file, row, error) from None
        except OSError as error:
            raise UnreadableFile(f"Cannot read {self.path}: {error.strerror}") from None
        self._number += 1
        return record

    def __iter__(self) -> Iterator[Row | RowProblem]:
        """Each non-blank data row, or the problem of a row whose shape is wrong."""
        width, unnamed = len(self._columns), "" in self._columns
        in_footer = False
        while (record := self._next_record()) is not None:
            if not any(cell.strip() for cell in record):
                continue
            if self.footer is not None and (in_footer or self.footer(record)):
                in_footer = True
                self.footer_rows += 1
                if any(cell.strip() for cell in record[1:]):
                    yield RowProblem(
                        self.file,
                        self._number,
                        None,
                        record[0],
                        "no data after the report's footer (its totals and notes)",
                    )
                continue
            if len(record) != width or unnamed:
                problem = self._shape_problem(record)
                if problem is not None:
                    yield problem
                    continue
            cells = {c: v for c, v in zip(self._columns, record, strict=False) if c}
            yield Row(self.file, self._number, cells)

    def _shape_problem(self, record: list[str]) -> RowProblem | None:
        """Why a record does not fit the header: too few cells, or a cell outside it."""
        columns, width = self._columns, len(self._columns)
        missing = [self.label(c) for c in columns[len(record) :] if c]
        if missing and not self.short_rows:
            expected = (
                f"a cell for each of the header's {width} columns; this row has"
                f" {len(record)}, missing {', '.join(missing)}"
            )
            shown = self.form.delimiter.join(record)
            return RowProblem(self.file, self._number, None, shown, expected)
        if len(record) > width or "" in columns:
            stray = [
                n + 1
                for n, cell in enumerate(record)
                if cell.strip() and (n >= width or not columns[n])
            ]
            if stray:
                n = stray[0]
                expected = f"no cell outside the header's columns (this is cell {n})"
                return RowProblem(self.file, self._number, None, record[n - 1], expected)
        return None

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
