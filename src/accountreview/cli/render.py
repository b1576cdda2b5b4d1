"""Plain-text tables, JSON and CSV for the CLI (no rich, so commands start fast)."""

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from accountreview.cli.app import fail, write_out
from accountreview.cli.width import cell_len, cut, fit, one_line, output_width, pad
from accountreview.text import money, pct, plural

__all__ = [
    "Col",
    "Format",
    "fit",
    "money",
    "output_width",
    "pct",
    "plural",
    "refuse_csv",
    "table",
    "write_csv",
    "write_json",
    "write_out",
]


MAX_CELL = 60  # no cell is longer than this, whatever the width


class Format(StrEnum):
    """Output formats a command can print."""

    table = "table"
    json = "json"
    csv = "csv"


@dataclass(frozen=True)
class Col:
    """A table column: its heading, its rank (1 is kept longest: never dropped) and the
    fewest cells it shrinks to before a less important column is dropped."""

    header: str
    rank: int = 1
    least: int = 6


GAP = 2  # cells between two columns


def table(columns: Sequence[Col], rows: Sequence[Sequence[Any]], *, width: int | None) -> str:
    """The rows as a table that fits `width` cells (None: no limit).

    Never wraps a row: the least important columns (highest rank) shrink first, each
    to its `least` cells, long cells cut with an ellipsis; when that is not enough the
    least important column is dropped, and a footer line names what was hidden. Rank 1
    columns (names, statuses) are never dropped, and keep twice their `least` while a
    less important column can still be dropped instead."""
    body = [[_cell(v) for v in row] for row in rows]
    shown, widths = _layout(columns, body, width, whole_first=True)
    if widths is None:  # the most important columns do not fit whole: shrink them too
        shown, widths = _layout(columns, body, width, whole_first=False)
    if widths is None:  # only the most important columns left: cut them to the width
        widths = _squeeze([columns[i] for i in shown], [[r[i] for r in body] for i in shown], width)
    lines = [_line([columns[i].header for i in shown], widths)]
    lines.append((" " * GAP).join("-" * w for w in widths))
    lines.extend(_line([row[i] for i in shown], widths) for row in body)
    hidden = [columns[i].header for i in range(len(columns)) if i not in shown]
    if hidden:
        note = f"({plural(len(hidden), 'column')} hidden: {', '.join(hidden)};"
        lines.append(fit(f"{note} widen the terminal or use --format json)", width))
    return "\n".join(lines)


def _layout(
    columns: Sequence[Col], body: list[list[str]], width: int | None, *, whole_first: bool
) -> tuple[list[int], list[int] | None]:
    """The columns kept (least important dropped first) and their widths, None if
    even the rank 1 columns alone do not fit."""
    shown = list(range(len(columns)))
    while True:
        cols = [columns[i] for i in shown]
        widths = _fit_widths(cols, [[r[i] for r in body] for i in shown], width, whole_first)
        droppable = [i for i in shown if columns[i].rank > 1]
        if widths is not None or not droppable:
            return shown, widths
        shown.remove(max(droppable, key=lambda i: (columns[i].rank, i)))


def _cell(value: Any) -> str:
    text = "—" if value is None or value == "" else str(value)
    return cut(one_line(text), MAX_CELL)


def _natural(col: Col, cells: list[str]) -> int:
    return max([cell_len(col.header), *(cell_len(c) for c in cells)])


def _fit_widths(
    cols: list[Col], cells: list[list[str]], width: int | None, whole_first: bool
) -> list[int] | None:
    """Column widths that fit `width` by shrinking the least important first (not the
    rank 1 columns below twice their `least` when `whole_first`), or None."""
    widths = [_natural(c, v) for c, v in zip(cols, cells, strict=True)]
    if width is None:
        return widths
    over = sum(widths) + GAP * (len(widths) - 1) - width
    for i in sorted(range(len(cols)), key=lambda i: (-cols[i].rank, -i)):
        if over <= 0:
            break
        least = 2 * cols[i].least if whole_first and cols[i].rank == 1 else cols[i].least
        floor = max(cell_len(cols[i].header), min(least, widths[i]))
        give = min(widths[i] - floor, over)
        widths[i] -= give
        over -= give
    return widths if over <= 0 else None


def _squeeze(cols: list[Col], cells: list[list[str]], width: int | None) -> list[int]:
    """The last resort for a very narrow terminal: every column at its heading's width,
    what is left given to the columns from the first."""
    widths = [cell_len(c.header) for c in cols]
    spare = (width or 0) - sum(widths) - GAP * (len(widths) - 1)
    if spare > 0 and widths:
        naturals = [_natural(c, v) for c, v in zip(cols, cells, strict=True)]
        for i in range(len(widths)):
            give = min(naturals[i] - widths[i], spare)
            widths[i] += give
            spare -= give
    return widths


def _line(cells: list[str], widths: list[int]) -> str:
    return (" " * GAP).join(pad(cut(c, w), w) for c, w in zip(cells, widths, strict=True)).rstrip()


def refuse_csv(fmt: Format, command: str) -> None:
    """Exit 2 before anything is read or saved when `command` is asked for CSV, which
    it cannot give (its output is not one table)."""
    if fmt is Format.csv:
        raise fail(
            f"--format csv: `{command}` prints table or json (it is not one table);"
            " nothing was saved",
            2,
        )


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table as CSV on stdout, each text cell through the formula guard."""
    # Imported here: most commands print a table or JSON, and start faster without them.
    import csv
    import io

    from accountreview.io.export_csv import safe_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    write_out(buffer.getvalue())


def write_json(data: Any) -> None:
    """JSON on stdout: indented for a person at a terminal, one compact line for a
    program (the compact form uses the C encoder, several times faster)."""
    if sys.stdout.isatty():
        text = json.dumps(data, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_out(text + "\n")
