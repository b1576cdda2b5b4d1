"""Reading a CSV file as a spreadsheet shows it, one row at a time (streamed).

What any importer of CSV files needs, whatever the columns mean:

- The encoding, told by the bytes: UTF-8 with or without a byte-order mark
  (Excel's "CSV UTF-8" writes one), UTF-16 with a byte-order mark (Excel's
  "Unicode text"), else Windows-1252 (Excel's plain "CSV" on Windows). A file
  without a mark is checked in one streamed pass before it is read: if it is
  not valid UTF-8 it is read as Windows-1252, unless it also holds UTF-8
  sequences (a file of mixed encodings) or bytes Windows-1252 does not define;
  then it is `UnreadableFile`, naming the line of the first bad byte.
- The delimiter, told by the header line: comma, semicolon (Excel in a locale
  whose decimal mark is a comma) or tab (Excel's "Unicode text"), whichever
  the header holds most of outside quotes; a comma on a tie.
- RFC 4180 quoting, CRLF or LF line ends; a row the CSV reader cannot parse is
  `MalformedCsv`.
- Rows numbered as a spreadsheet shows them: the header is row 1, the first
  data row is row 2; a blank line is a row (and is skipped), a line break
  inside a quoted cell is not.
- Header cells as column names (`normalise_column`): trimmed, any case, a
  space or hyphen counts as an underscore. A column with an empty header is
  ignored and its cells must be empty; a row with fewer cells than the header
  reads the missing ones as empty; a row with more is refused.
- A cell that an export of ours neutralised for spreadsheets (a quote before
  a leading ``=``, ``+``, ``-``, ``@``, tab or CR) reads back as it was.
- Optionally, a report footer (`footer`): from the first row it recognises,
  the rest of the file is the footer and is not data.

Which columns a file must have, and what their cells hold, is the caller's.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

_MAX_SHOWN = 60
_CHUNK = 1 << 20
# The characters our exports neutralise with a leading quote (see `io.export_csv`).
NEUTRALISED_START = ("=", "+", "-", "@", "\t", "\r")
# A valid UTF-8 sequence of two to four bytes: in a file that is not UTF-8, its
# presence means the file mixes encodings (reading it as Windows-1252 would garble it).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
}
_DELIMITER_LABELS = {",": "comma", ";": "semicolon", "\t": "tab"}


class UnreadableFile(Exception):
    """The file cannot be read as text (missing, a folder, no permission, bad bytes)."""


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


def cell_text(cell: str) -> str:
    """A cell trimmed, and as it was before our exports neutralised it for spreadsheets."""
    text = cell.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in NEUTRALISED_START:
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


@dataclass(frozen=True)
class TextForm:
    """How a file's bytes are text: its encoding and its delimiter."""

    encoding: str
    delimiter: str

    @property
    def label(self) -> str:
        """In words, e.g. "Windows-1252, semicolon-separated"."""
        encoding = _ENCODING_LABELS.get(self.encoding, self.encoding)
        return f"{encoding}, {_DELIMITER_LABELS[self.delimiter]}-separated"


def sniff_encoding(path: Path, head: bytes) -> str:
    """The encoding of the file whose first bytes are `head` (see the module docstring)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 4:
        odd_nuls = sample[1::2].count(0) / (len(sample) // 2)
        even_nuls = sample[0::2].count(0) / ((len(sample) + 1) // 2)
        if odd_nuls > 0.4 and even_nuls < 0.1:
            return "utf-16-le"
        if even_nuls > 0.4 and odd_nuls < 0.1:
            return "utf-16-be"
    if _decodes(path, "utf-8"):
        return "utf-8"
    bad = _first_bad_byte(path, "utf-8")
    if _has_utf8_sequence(path):
        raise UnreadableFile(
            f"{path} mixes UTF-8 with another encoding ({bad}); save it as"
            ' "CSV UTF-8" and import it again'
        )
    if _decodes(path, "cp1252"):
        return "cp1252"
    raise UnreadableFile(
        f"{path} is neither UTF-8 nor Windows-1252 text ({_first_bad_byte(path, 'cp1252')});"
        ' save it as "CSV UTF-8"'
    )


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes (read in chunks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as raw:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    except OSError as error:
        raise UnreadableFile(f"Cannot read {path}: {error.strerror}") from None
    return True


def _has_utf8_sequence(path: Path) -> bool:
    with open(path, "rb") as raw:
        tail = b""
        while chunk := raw.read(_CHUNK):
            if _UTF8_SEQUENCE.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def _first_bad_byte(path: Path, encoding: str) -> str:
    """Where the first byte that does not decode is (decoding in chunks only says which chunk)."""
    try:
        with open(path, "rb") as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    line.decode(encoding)
                except UnicodeDecodeError as error:
                    return f"byte 0x{line[error.start]:02x} on line {number}"
    except OSError:
        pass
    return "it holds bytes that do not decode"


def sniff_delimiter(first_line: str) -> str:
    """The delimiter the header line holds most of outside quotes (a comma on a tie)."""
    counts = dict.fromkeys(_DELIMITER_LABELS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts.values())
    return "," if best == 0 or counts[","] == best else max(counts, key=counts.__getitem__)


class CsvSource:
    """An open CSV file: its header row, then its data rows one at a time (streamed).

    `footer`, if given, tells a record that starts a report's footer: that record
    and every later one are not data (a later record that looks like data is a
    problem, so that a row is never silently dropped).
    """

    def __init__(
        self,
        path: Path,
        *,
        footer: Callable[[list[str]], bool] | None = None,
        allow_short_rows: bool = False,
    ) -> None:
        self.file = path.name
        self.path = path
        self.footer = footer
        # Whether a row may have fewer cells than the header, its missing cells empty (a
        # kind whose rows may be short sets it once the header told the kind).
        self.allow_short_rows = allow_short_rows
        self.footer_rows = 0
        try:
            self._raw = open(path, "rb")  # noqa: SIM115 - closed by close()/__exit__
        except FileNotFoundError:
            raise UnreadableFile(f"{path}: no such file") from None
        except IsADirectoryError:
            raise UnreadableFile(f"{path} is a folder, not a CSV file") from None
        except OSError as error:
            raise UnreadableFile(f"Cannot read {path}: {error.strerror}") from None
        try:
            self.size = _size(self._raw)
            self.form = self._sniff()
            self._text = io.TextIOWrapper(self._raw, encoding=self.form.encoding, newline="")
            self._reader = csv.reader(self._text, delimiter=self.form.delimiter)
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
        if not self._raw.seekable():
            return TextForm("utf-8-sig", ",")
        head = self._raw.read(4096)
        self._raw.seek(0)
        encoding = sniff_encoding(self.path, head)
        try:
            with open(self.path, encoding=encoding, newline="") as text:
                first_line = text.readline()
        except (UnicodeDecodeError, OSError):
            first_line = ""
        return TextForm(encoding, sniff_delimiter(first_line))

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
        try:
            record = next(self._reader, None)
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{self.path} is not {_ENCODING_LABELS.get(self.form.encoding)} text"
                f" ({_first_bad_byte(self.path, self.form.encoding)}); save it as"
                ' "CSV UTF-8"'
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
        columns = self._columns
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
            if len(record) > width or "" in columns:
                stray = [
                    cell
                    for n, cell in enumerate(record)
                    if cell.strip() and (n >= width or not columns[n])
                ]
                if stray:
                    yield RowProblem(
                        self.file,
                        self._number,
                        None,
                        stray[0],
                        "no cell outside the header's columns",
                    )
                    continue
            cells = {c: v for c, v in zip(columns, record, strict=False) if c}
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


def _size(raw: io.BufferedReader) -> int:
    """The file's size in bytes (1 for a pipe, whose size is unknown)."""
    if not raw.seekable():
        return 1
    size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    return max(1, size)
