"""Writing CSV that spreadsheets open right and cannot be tricked by.

- UTF-8 with a byte-order mark, so Excel reads accents right; RFC 4180 quoting
  and CRLF line ends.
- The formula guard. A text cell that a spreadsheet would run as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, a tab or a CR) gets a leading quote
  (``'=1+2``); so does a text that already starts with a quote (``'=x`` is
  written ``''=x``, ``'hi`` is written ``''hi``). Our importers drop exactly one
  leading quote when what follows is a formula start or a quote
  (`accountreview.io.csv_source.cell_text`), so every value reads back exactly
  as it was: a quote they drop is always one this guard added.
- None is an empty cell; a float with no fraction is written without one
  (``20`` rather than ``20.0``).
"""

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from accountreview.io.csv_source import GUARDED_START, NEUTRALISED_START

FORMULA_START = NEUTRALISED_START
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula, or one that starts with a
    quote (prefix a quote; see the module docstring)."""
    if isinstance(value, str) and value.startswith(GUARDED_START):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A value as an exported cell: empty for None, whole floats without ``.0``, safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return safe_cell(value)


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a byte-order mark, the header and the rows (streamed); return the row count."""
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count
