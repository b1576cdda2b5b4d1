"""Plain-text tables, JSON and CSV for the CLI (no rich, so commands start fast)."""

import csv
import io
import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from accountreview.cli.app import write_out
from accountreview.io.export_csv import FORMULA_START, safe_cell
from accountreview.text import money, pct

__all__ = [
    "FORMULA_START",
    "Format",
    "money",
    "pct",
    "safe_cell",
    "table",
    "write_csv",
    "write_json",
    "write_out",
]


class Format(StrEnum):
    """Output formats a command can print."""

    table = "table"
    json = "json"
    csv = "csv"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 40) -> str:
    """Columns padded to fit, long cells cut with an ellipsis."""

    def cell(value: Any) -> str:
        text = "—" if value is None or value == "" else str(value)
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body
    )
    return "\n".join(lines)


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
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
