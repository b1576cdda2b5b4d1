"""A list of fixed-width text rows: a light stand-in for a DataTable.

A row is drawn as one line rather than cell by cell, which makes a redraw several
times cheaper (a DataTable of 20 rows and 10 columns takes ~100 ms to redraw on a
2-core machine; the review's slots learned the same).
"""

from collections.abc import Sequence

from textual import events
from textual.widgets.option_list import Option

from accountreview.tui.literal import literal
from accountreview.tui.widgets.columns import Column, fit_columns, fitted_line
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
        self.rows: Sequence[tuple[str, Sequence[str]]] = []
        self.query_text = ""

    def _fit(self, rows: Sequence[tuple[str, Sequence[str]]]) -> tuple[int, ...]:
        """The column widths for `rows` at the list's width (less a scrollbar if the rows
        do not fit its height), the heading redrawn in them."""
        width = self.size.width or self.app.size.width
        if len(rows) > (self.size.height or self.app.size.height):
            width -= self.styles.scrollbar_size_vertical
        widths = tuple(fit_columns(self.columns, [cells for _, cells in rows], width))
        if self.header is not None and widths != self.widths:
            self.header.update(fitted_line([c.header for c in self.columns], widths))
        self.widths = widths
        return widths

    def on_resize(self, event: events.Resize) -> None:
        """Lay the columns out again for the new width."""
        if self.rows:
            self.show_rows(self.rows, keep=self.highlighted_id)
        else:
            self._fit([])

    def show_rows(self, rows: Sequence[tuple[str, Sequence[str]]], keep: str | None = None) -> None:
        """Replace the rows (id, cells); the highlight stays on `keep` if it is still there.
        Only the rows matching the filter (`filter_rows`) are shown."""
        self.rows = rows
        rows = [(key, cells) for key, cells in rows if matches(self.query_text, cells)]
        widths = self._fit(rows)
        self.set_options(
            [Option(literal(fitted_line(cells, widths)), id=key) for key, cells in rows]
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
