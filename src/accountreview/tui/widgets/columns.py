"""Column widths that fit the width a list has, for every list of rows the app draws.

The same idea as the CLI's tables (`cli/render.table`), for the screen: each column
has a rank (1 is never dropped) and the fewest cells it may shrink to. A list that
fits shows every cell whole; one that does not shrinks the least important columns
first, then drops them (highest rank first), and cuts the rank-1 columns (names,
flags) last, the widest first, so that no row is ever wider than the list: no
horizontal scrollbar, no row wrapped onto a second line.

A column may also be said two ways (`Column.short` for its heading, `Worded` cells):
in full words while every column fits whole, and short only when they do not, the
column that saves the most going short first (`fit_worded`).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size

GAP = 2  # cells between two columns


@dataclass(frozen=True)
class Column:
    """A column of a list: its heading, its rank (1: never dropped), the fewest cells
    it shrinks to (`least`; 0: its heading's width at rank 1, whole at the others),
    and for rank 1 the cells it keeps (`keep`) while a less important column can
    still be dropped instead. `most` (0: no limit) caps a column that would take a
    whole wide screen for nothing. `short`: its heading when the list is narrow."""

    header: str
    rank: int = 1
    least: int = 0
    keep: int = 0
    most: int = 0
    short: str = ""

    @property
    def fewest(self) -> int:
        """The fewest cells a rank 1 column shrinks to."""
        return self.least or cell_len(self.header)


def natural_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], *, headed: bool = True
) -> list[int]:
    """The cells each column needs to show its heading (if `headed`) and every cell whole."""
    widths = [cell_len(c.header) if headed else 0 for c in columns]
    for row in rows:
        widths = [max(w, cell_len(text)) for w, text in zip(widths, row, strict=True)]
    return [min(w, c.most) if c.most else w for w, c in zip(widths, columns, strict=True)]


def fit_columns(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    gap: int = GAP,
    *,
    headed: bool = True,
) -> list[int]:
    """Each column's width (0: dropped) so that a row, `gap` cells between columns,
    is at most `width` cells. A list drawn without headings (`headed=False`) gives
    its columns no room for them."""
    natural = natural_widths(columns, rows, headed=headed)
    shown = list(range(len(columns)))
    while True:
        widths = _shrink(columns, natural, shown, width - gap * (len(shown) - 1), keep=True)
        droppable = [i for i in shown if columns[i].rank > 1]
        if widths is not None or not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].rank, i)))
    if widths is None:  # only rank 1 left, and they do not fit as kept: cut them further
        widths = _shrink(columns, natural, shown, width - gap * (len(shown) - 1), keep=False)
    if widths is None:  # a very narrow list: the first columns get what there is
        widths, room = {}, width
        for i in shown:
            widths[i] = max(0, min(natural[i], room))
            room -= widths[i] + gap
    return [widths.get(i, 0) for i in range(len(columns))]


def _shrink(
    columns: Sequence[Column], natural: list[int], shown: list[int], room: int, *, keep: bool
) -> dict[int, int] | None:
    """Widths of the `shown` columns in `room` cells: lower ranks shrink to their
    `least` first (one without is shown whole or not at all: a cut number misleads),
    then rank 1 (the widest first) down to `keep` (or to `least`); None if that is not
    enough."""
    widths = {i: natural[i] for i in shown}
    over = sum(widths.values()) - room
    for i in sorted((i for i in shown if columns[i].rank > 1), key=lambda i: -columns[i].rank):
        give = min(over, widths[i] - min(widths[i], columns[i].least or widths[i]))
        widths[i] -= max(give, 0)
        over -= max(give, 0)
    firsts = [i for i in shown if columns[i].rank == 1]
    floor = {i: min(natural[i], max(columns[i].fewest, columns[i].keep * keep)) for i in firsts}
    while over > 0:
        cuttable = [i for i in firsts if widths[i] > floor[i]]
        if not cuttable:
            return None
        widest = max(cuttable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        over -= 1
    return widths


class Worded(NamedTuple):
    """A cell in full words, and the short form a list falls back to for lack of room."""

    words: str
    short: str


Cell = str | Worded


def cell_text(cell: Cell, short: bool = False) -> str:
    """The text of a cell: its words, or its short form (`short`)."""
    if isinstance(cell, Worded):
        return cell.short if short else cell.words
    return cell


def fit_worded(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int, gap: int = GAP
) -> tuple[list[Column], list[list[str]], list[int]]:
    """The columns and rows as they are shown at `width`, and their widths: in full
    words if every column then fits whole, else with the columns that save the most
    said short first, as many as it takes (then fitted as `fit_columns` fits)."""
    heads = {False: list(columns), True: [replace(c, header=c.short or c.header) for c in columns]}
    texts = {s: [[cell_text(c, s) for c in row] for row in rows] for s in (False, True)}
    natural = {s: natural_widths(heads[s], texts[s]) for s in (False, True)}
    saving = [long - short for long, short in zip(natural[False], natural[True], strict=True)]
    short = [False] * len(columns)
    over = sum(natural[False]) + gap * (len(columns) - 1) - width
    for i in sorted(range(len(columns)), key=lambda i: -saving[i]):
        if over <= 0 or saving[i] <= 0:
            break
        short[i], over = True, over - saving[i]
    shown = [heads[s][i] for i, s in enumerate(short)]
    cells = [[texts[s][n][i] for i, s in enumerate(short)] for n in range(len(rows))]
    return shown, cells, fit_columns(shown, cells, width, gap)


def cut_to(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


def fitted_line(cells: Sequence[str], widths: Sequence[int], gap: int = GAP) -> str:
    """The cells of one row in their widths (a column of width 0 is left out)."""
    shown = [cut_to(text, w) for text, w in zip(cells, widths, strict=True) if w]
    return (" " * gap).join(shown).rstrip()
