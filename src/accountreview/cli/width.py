"""How wide the CLI's output may be, and how wide text is on a terminal.

Standard library only (no Rich, no Textual), so commands start fast. A character
counts as the cells a terminal gives it: East Asian wide and fullwidth characters
(CJK, most emoji) take 2, combining marks 0, everything else 1.
"""

import os
import re
import sys
import unicodedata

ELLIPSIS = "…"


def output_width() -> int | None:
    """The width the CLI's tables and lines must fit, or None for no limit.

    On a terminal: the terminal's width (`shutil.get_terminal_size`, which honours
    COLUMNS). Not a terminal (a pipe, a file): COLUMNS if it is set to a positive
    number, else no limit, so that a script reading the output gets whole rows."""
    if sys.stdout.isatty():
        import shutil  # only on a terminal: a pipe does not pay for its import

        return max(shutil.get_terminal_size().columns, 1)
    text = os.environ.get("COLUMNS", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def char_cells(char: str) -> int:
    """The cells one character takes on a terminal."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_len(text: str) -> int:
    """The cells `text` takes on a terminal (wide characters count 2)."""
    if text.isascii():
        return len(text)
    return sum(char_cells(c) for c in text)


def one_line(text: str) -> str:
    """User text made safe for one line: every control character becomes a space."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else " " for c in text)


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` cells, an ellipsis marking the cut."""
    if cell_len(text) <= cells:
        return text
    if cells <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for char in text:
        size = char_cells(char)
        if used + size > cells - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ELLIPSIS


def pad(text: str, cells: int) -> str:
    """`text` padded with spaces to `cells` cells."""
    return text + " " * max(cells - cell_len(text), 0)


def wrap(text: str, width: int | None, indent: str = "  ") -> str:
    """A line of prose folded at spaces to fit `width` (continuation lines indented);
    a word longer than a line is cut. None: the line as it is."""
    if width is None or cell_len(text) <= width:
        return text
    lead = text[: len(text) - len(text.lstrip(" "))]
    hang = lead + indent if cell_len(lead + indent) < width // 2 else ""
    lines: list[str] = []
    line = lead
    for sep, word in re.findall(r"( *)(\S+)", text[len(lead) :]):
        sep = sep if line.strip() else ""
        if cell_len(line) + len(sep) + cell_len(word) <= width:
            line += sep + word
            continue
        if line.strip():
            lines.append(line)
        line = cut(hang + word, width)
    lines.append(line)
    return "\n".join(lines)


def fit(text: str, width: int | None) -> str:
    """Every line of `text` folded to `width` (see `wrap`)."""
    return "\n".join(wrap(line, width) for line in text.split("\n"))
