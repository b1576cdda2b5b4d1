"""A list of fixed-width text rows: a light stand-in for a DataTable.

A row is drawn as one line rather than cell by cell, which makes a redraw several
times cheaper (a DataTable of 20 rows and 10 columns takes ~100 ms to redraw on a
2-core machine; the review's slots learned the same).
"""

from collections.abc import Sequence

from textual import events
from textual.widgets.option_list import Option

from accountreview.tui.literal import literal
from accountreview.tui.widgets.columns import Cell, Column, cell_text, fit_worded, fitted_line
from accountreview.tui.widgets.filter_input import matches
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyList


class RowList(KeyList):
    """Rows keyed by id; `enter` selects the highlighted one (OptionList.OptionSelected)."""

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
    }
    """

    def __init__(
        self, columns: Sequence[Column], *, header: Line | None = None, id: str | None = None
    ) -> None:
        """Rows of `columns`, fitted to the list's width (see `columns.fit_columns`);
        `header` (a Line above the list) shows the headings in the same widths."""
        super().__init__(id=id, compact=True)  # compact: no border, no padding
        self.columns = tuple(columns)
        self.header = header
        self.widths: tuple[int, ...] = ()
        self._heading = ""
        self.rows: Sequence[tuple[str, Sequence[Cell]]] = []
        self.query_text = ""

    def _fit(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> list[str]:
        """Each row's line at the list's width (less a scrollbar if the rows do not fit
        its height), in full words where there is room (`columns.fit_worded`); the
        heading redrawn in the same widths."""
        width = self.size.width or self.app.size.width
        if len(rows) > (self.size.height or self.app.size.height):
            width -= self.styles.scrollbar_size_vertical
        heads, texts, widths = fit_worded(self.columns, [cells for _, cells in rows], width)
        heading = fitted_line([c.header for c in heads], widths)
        if self.header is not None and heading != self._heading:
            self.header.update(heading)
        self._heading = heading
        self.widths = tuple(widths)
        return [fitted_line(cells, widths) for cells in texts]

    def on_resize(self, event: events.Resize) -> None:
        """Lay the columns out again for the new width."""
        if self.rows:
            self.show_rows(self.rows, keep=self.highlighted_id)
        else:
            self._fit([])

    def show_rows(
        self, rows: Sequence[tuple[str, Sequence[Cell]]], keep: str | None = None
    ) -> None:
        """Replace the rows (id, cells); the highlight stays on `keep` if it is still there.
        Only the rows matching the filter (`filter_rows`, in either form of a cell) are
        shown."""
        self.rows = rows
        rows = [(key, cells) for key, cells in rows if matches(self.query_text, _both(cells))]
        lines = self._fit(rows)
        self.set_options(
            [Option(literal(line), id=key) for (key, _), line in zip(rows, lines, strict=True)]
        )
        if not rows:
            return
        ids = [key for key, _ in rows]
        self.highlighted = ids.index(keep) if keep in ids else 0

    def filter_rows(self, text: str) -> None:
        """Show only the rows with every word of `text` in their cells (all when empty)."""
        self.query_text = text
        self.show_rows(self.rows, keep=self.highlighted_id)

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted row, or None when the list is empty."""
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def highlight(self, key: str) -> None:
        """Move the highlight to the row `key` (nothing happens if it is not shown)."""
        try:
            self.highlighted = self.get_option_index(key)
        except Exception:  # OptionDoesNotExist: the row left the list
            return


def _both(cells: Sequence[Cell]) -> list[str]:
    """Every cell's text in words and in short, for the filter."""
    return [cell_text(c) for c in cells] + [cell_text(c, short=True) for c in cells]
